"""Small tasks for the executor tests, in a module of their own so that worker processes (the
local pool's and a Dask cluster's) import them by name."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FolderTask:
    """A task with a template folder, shaped like autograder.grading.task.GradeTask."""

    name: str
    template: str
    isolate: bool = True


def square(x: int) -> int:
    return x * x


def die_first(marks: str, key: str, deaths: int, value: int = 1, pause: float = 0.0):
    """Record an attempt under `marks`; the first `deaths` attempts kill their worker process
    (as a segfault or the OOM killer would), the next returns `value`."""
    folder = Path(marks)
    attempt = len(list(folder.glob(f"{key}-*")))
    (folder / f"{key}-{attempt}-{os.getpid()}").write_text("")
    time.sleep(pause)
    if attempt < deaths:
        os._exit(1)
    return value


def list_template(task: FolderTask) -> dict:
    """What the worker sees of the task's template folder."""
    root = Path(task.template)
    return {
        "template": task.template,
        "files": {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        },
    }
