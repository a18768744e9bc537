"""Test helpers for the grading tests: lay out submissions, time calls."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat

from autograder.course import notebooks as nbs
from autograder.grading import intake
from autograder.grading.intake import Submission
from autograder.grading.task import GradeResult


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


def sandboxed_course_copy(folder: Path, assignments: list[str]) -> Path:
    """A course root under `folder` (nbgrader_config.py, the source and the release of
    `assignments`) to grade in; skips the calling test where the sandbox is unavailable."""
    import pytest

    from autograder.engine import nbgrader_run as ng
    from autograder.sandbox import bwrap

    ok, why = bwrap.available()
    if not ok:
        pytest.skip(f"the sandbox is unavailable here: {why}")
    root = nbs.course_root()
    course = ng.make_course_copy(Path(folder) / "course", root, assignments)
    for aid in assignments:
        shutil.copytree(root / nbs.RELEASE_DIR / aid, course / nbs.RELEASE_DIR / aid)
    return course


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


# ---- a class as the grader records it (the class report's tests) ----

TRANSPOSED = "transposed Wh (your result matches what that gives)."
NO_BIAS = "forgot the bias b (your result matches what that gives)."
BOTH = "forgot the bias b / transposed Wh (your result matches what that gives)."
# a failure message as a student may shape it (markup, a table bar, a heading)
CLASS_MESSAGE = "AssertionError: <script>alert(1)</script> | # heading"


def graded_result(student: str, step_diagnosis: str | None, count_ok: bool, seconds=9.0):
    """A result of 02 as the grader records it: rnn_step_forward (3 points) right or failed
    with `step_diagnosis`, count_params (2 points) right or failed."""
    step = step_diagnosis is None
    tests = [
        {
            "grade_id": "rnn_step_forward__values",
            "notebook": "02_rnn_cell",
            "max_score": 3.0,
            "kernel": 3.0,
            "counted": 3.0 if step else 0.0,
            "error": "" if step else "AssertionError: next_h is not close to the expected values",
            "diagnosis": step_diagnosis or "",
        },
        {
            "grade_id": "count_params__matches_keras",
            "notebook": "02_rnn_cell",
            "max_score": 2.0,
            "kernel": 2.0,
            "counted": 2.0 if count_ok else 0.0,
            "error": "" if count_ok else CLASS_MESSAGE,
            "diagnosis": "",
        },
    ]
    score = sum(t["counted"] for t in tests)
    return GradeResult(
        student, "02_rnn_cell", "ok", "", score, 5.0, score, 0.0, tests, seconds=seconds
    )


def synthetic_class() -> list[GradeResult]:
    """32 graded submissions in a known mix, as the grader's state files hold them."""
    mix = (
        [(None, True)] * 14 + [(TRANSPOSED, True)] * 9 + [(NO_BIAS, True)] * 6 + [(BOTH, False)] * 3
    )
    return [graded_result(f"s{i:02d}", d, ok) for i, (d, ok) in enumerate(mix)]


def record_class(folder: Path, results: list[GradeResult], others=()) -> str:
    """`results` as the grader leaves them in course root `folder` (its state files), and a
    SQLite gradebook there that knows their students and `others`; returns its URL."""
    from nbgrader.api import Gradebook

    from autograder.grading.state import save_state

    for result in results:
        save_state(folder, result)
    url = f"sqlite:///{Path(folder) / 'gradebook.db'}"
    with Gradebook(url, "rnn-course") as gb:
        for student in [r.student for r in results] + list(others):
            gb.update_or_create_student(student)
    return url
