"""Test helpers for the grading tests: lay out submissions, time calls."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat

from autograder.course import notebooks as nbs
from autograder.grading import intake
from autograder.grading.intake import Submission


def place_submission(
    root: Path,
    student: str,
    assignment: str,
    notebooks: dict[str, nbformat.NotebookNode],
    files: dict[str, bytes] | None = None,
    timestamp: str = intake.DEFAULT_TIMESTAMP,
) -> Path:
    """Write a submission as `nbgrader collect` leaves it: submitted/<student>/<assignment>/."""
    data = {f"{name}.ipynb": nbs.dumps(nb) for name, nb in notebooks.items()}
    data.update(files or {})
    return intake.write(Path(root) / "submitted", Submission(student, assignment, data), timestamp)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(wall seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def nb_cell(source: str, **meta) -> nbformat.NotebookNode:
    """A code cell, with nbgrader metadata when ``meta`` is given (schema version 3)."""
    cell = nbformat.v4.new_code_cell(source)
    if meta:
        cell.metadata["nbgrader"] = {"schema_version": 3, **meta}
    return cell


def one_exercise_release() -> nbformat.NotebookNode:
    """A release notebook with one answer cell ``f`` and its 2-point test ``f__values``."""
    return nbformat.v4.new_notebook(
        cells=[
            nb_cell(
                "raise NotImplementedError", grade_id="f", solution=True, grade=False, locked=False
            ),
            nb_cell(
                "assert f(1) == 2",
                grade_id="f__values",
                solution=False,
                grade=True,
                locked=True,
                points=2,
            ),
        ]
    )
