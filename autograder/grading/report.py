"""What a batch writes for the instructor: grades.csv (one row per submission) and the tamper
report (each submission with findings, for a person to review)."""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.grading.task import GradeResult


def write_csv(path: Path, results: list[GradeResult], exercises: list[str]) -> None:
    """One row per submission: scores, status, points per exercise, a short reason."""
    cols = ["student", "assignment", "status", "score", "max_score", "kernel_score",
            "manual_pending", *[f"ex:{e}" for e in exercises], "reason"]  # fmt: skip
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(cols)
        for r in sorted(results, key=lambda r: (r.assignment, r.student)):
            per = r.exercises()
            row = [r.student, r.assignment, r.status, f"{r.score:g}", f"{r.max_score:g}",
                   "" if r.kernel_score is None else f"{r.kernel_score:g}",
                   f"{r.manual_pending:g}"]  # fmt: skip
            row += [f"{per[e][0]:g}" if e in per else "" for e in exercises]
            out.writerow([*row, r.reason])


def write_report(path: Path, results: list[GradeResult]) -> None:
    """The tamper report: each submission with findings, for a person to review."""
    lines = ["# Grading report: findings to review", ""]
    for r in sorted(results, key=lambda r: r.student):
        if not r.findings and r.status == "ok":
            continue
        lines.append(f"## {r.student} / {r.assignment}: {r.status} ({r.score:g}/{r.max_score:g})")
        if r.reason:
            lines.append(f"- reason: {r.reason}")
        lines += [f"- {f}" for f in r.findings]
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
