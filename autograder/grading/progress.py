"""The batch's progress: one line on stderr."""

from __future__ import annotations

import sys
from collections import Counter

from autograder.grading.task import STATUSES


class Progress:
    """One line on stderr: done/total and the count of each status."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.counts, self.stream = total, 0, Counter(), stream

    def update(self, status: str) -> None:
        self.done += 1
        self.counts[status] += 1
        counts = " ".join(f"{s} {self.counts[s]}" for s in STATUSES if self.counts[s])
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        end = "\n" if self.done == self.total else ""
        print(f"\r[{bar}] {self.done}/{self.total}  {counts}", end=end, file=self.stream)
        self.stream.flush()
