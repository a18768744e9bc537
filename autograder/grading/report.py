"""What a batch writes for the instructor: grades.csv (one row per submission) and the tamper
report (each submission with findings, for a person to review). Both escape what they print:
ids, reasons and findings carry a student's text (an id with a newline, an exception message),
so a report value stays on one line as literal Markdown, and a CSV cell (quoted by the csv
module) never starts a spreadsheet formula."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from autograder.grading.task import GradeResult


def write_csv(path: Path, results: list[GradeResult], exercises: list[str]) -> None:
    """One row per submission: scores, status, points per exercise, a short reason."""
    cols = [
        "student",
        "assignment",
        "status",
        "score",
        "max_score",
        "kernel_score",
        "manual_pending",
        *[f"ex:{e}" for e in exercises],
        "reason",
    ]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(cols)
        for r in sorted(results, key=lambda r: (r.assignment, r.student)):
            per = r.exercises()
            row = [
                r.student,
                r.assignment,
                r.status,
                f"{r.score:g}",
                f"{r.max_score:g}",
                "" if r.kernel_score is None else f"{r.kernel_score:g}",
                f"{r.manual_pending:g}",
            ]
            row += [f"{per[e][0]:g}" if e in per else "" for e in exercises]
            out.writerow([_cell(v) for v in [*row, r.reason]])


def _cell(value: str) -> str:
    """A CSV cell (the csv module quotes newlines) that a spreadsheet shows as text, never as a
    `=cmd()` formula."""
    value = str(value)
    return (
        "'" + value
        if value[:1] in ("=", "+", "-", "@", "\t") and not _NUMBER.match(value)
        else value
    )


_NUMBER = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")


def _one_line(text: str) -> str:
    """Control characters (newlines included) shown as escapes, so a value stays one line."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", lambda m: f"\\x{ord(m.group()):02x}", str(text))


def md(text: str) -> str:
    """`text` as literal Markdown inside a line: control characters escaped (so it never starts
    a line: no heading, no list item) and the characters that make emphasis, code, links,
    tables or HTML inside a line backslash-escaped."""
    return re.sub(r"([\\`*\[\]<>&|])", r"\\\1", _one_line(text))


def write_report(path: Path, results: list[GradeResult]) -> None:
    """The tamper report: each submission with findings, for a person to review."""
    lines = ["# Grading report: findings to review", ""]
    for r in sorted(results, key=lambda r: r.student):
        if not r.findings and r.status == "ok":
            continue
        head = f"{md(r.student)} / {md(r.assignment)}: {r.status} ({r.score:g}/{r.max_score:g})"
        lines.append(f"## {head}")
        if r.reason:
            lines.append(f"- reason: {md(r.reason)}")
        lines += [f"- {md(f)}" for f in r.findings]
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
