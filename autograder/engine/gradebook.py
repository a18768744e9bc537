"""The course gradebook: its address, the one place it is opened, what is read from it, and
retries for its one writer.

    url = gradebook.db_url(course_root)          # nbgrader_config.py's CourseDirectory.db_url
    with gradebook.open_gradebook(url) as gb:    # nbgrader's Gradebook for COURSE_ID
        ...
    gradebook.retrying(lambda: write(url))       # again while the database says "try again"
    gradebook.scores(root)                       # every grade, as plain data

nbgrader keeps its gradebook in SQLite (`<root>/gradebook.db`) unless nbgrader_config.py sets
`c.CourseDirectory.db_url`, e.g. to PostgreSQL for a large class (docs/large-class.md):

    c.CourseDirectory.db_url = "postgresql+psycopg2://grader@/gradebook?host=/var/run/postgresql"

`rnn-course grade` has one writer (the process that collects the results), but an instructor
may be grading by hand in the formgrader at the same time. The database then asks a writer to
try again: SQLite says "database is locked", PostgreSQL fails a transaction with SQLSTATE
40001 (serialization failure: the rows it read changed under it) or 40P01 (deadlock). Each
call of `fn` must be a whole transaction, opened and committed inside `fn`, so that running it
again is safe.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

COURSE_ID = "rnn-course"  # nbgrader_config.py's CourseDirectory.course_id
RETRY_SQLSTATES = ("40001", "40P01")  # serialization_failure, deadlock_detected
RETRY_SQLITE = ("database is locked", "database table is locked", "database is busy")


def db_url(course_root: Path) -> str:
    """The gradebook URL that nbgrader itself uses for the course at `course_root`."""
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(course_root).resolve()
    config_file = root / "nbgrader_config.py"
    url = ""
    if config_file.exists():
        config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
        url = config.CourseDirectory.get("db_url", "")
    return url or sqlite_url(root)


def sqlite_url(course_root: Path) -> str:
    """nbgrader's default gradebook of the course at `course_root`: <root>/gradebook.db."""
    return f"sqlite:///{Path(course_root).resolve() / 'gradebook.db'}"


@contextlib.contextmanager
def open_gradebook(url: str) -> Iterator:
    """nbgrader's Gradebook of the course at `url`, closed on leaving."""
    from nbgrader.api import Gradebook

    with Gradebook(url, COURSE_ID) as gb:
        yield gb


def has_assignment(url: str, assignment: str) -> bool:
    """Does the gradebook at `url` know the assignment?"""
    from nbgrader.api import MissingEntry

    with open_gradebook(url) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
    return True


def students(url: str) -> list[str]:
    """The ids of every student the gradebook knows."""
    with open_gradebook(url) as gb:
        return [s.id for s in gb.students]


def code_scores(url: str, student: str, assignment: str) -> dict[str, float] | None:
    """{test grade_id: auto_score} recorded for the student's submission, or None when the
    gradebook holds no submission of theirs (nbgrader failed on it)."""
    from nbgrader.api import MissingEntry

    with open_gradebook(url) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            g.cell.name: float(g.auto_score or 0.0)
            for nb in sub.notebooks
            for g in nb.grades
            if g.cell_type == "code" and g.auto_score is not None
        }


@dataclass(frozen=True)
class CellScore:
    student: str
    assignment: str
    notebook: str
    grade_id: str
    cell_type: str
    auto_score: float | None
    manual_score: float | None
    max_score: float
    needs_manual_grade: bool


def scores(root: Path, db_url: str | None = None) -> list[CellScore]:
    """Every grade in the gradebook of the course at `root` (default: its gradebook.db)."""
    out = []
    with open_gradebook(db_url or sqlite_url(root)) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        out.append(
                            CellScore(
                                student=submission.student.id,
                                assignment=assignment.name,
                                notebook=nb.notebook.name,
                                grade_id=grade.cell.name,
                                cell_type=grade.cell_type,
                                auto_score=grade.auto_score,
                                manual_score=grade.manual_score,
                                max_score=grade.max_score,
                                needs_manual_grade=grade.needs_manual_grade,
                            )
                        )
    return out


def is_transient(error: BaseException) -> bool:
    """Is `error` the database asking to run the transaction again?"""
    import sqlalchemy.exc

    if not isinstance(error, sqlalchemy.exc.DBAPIError):
        return False
    code = getattr(error.orig, "pgcode", None) or getattr(error.orig, "sqlstate", None)
    if code in RETRY_SQLSTATES:
        return True
    text = str(error.orig).lower()
    return any(m in text for m in RETRY_SQLITE)


def retrying(
    fn: Callable[[], T],
    attempts: int = 20,
    wait: float = 0.05,
    max_wait: float = 2.0,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> T:
    """`fn()`, run again (with a growing, jittered pause) while the error is transient.

    Any other error, or a transient one on the last attempt, is raised.
    """
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as error:
            if attempt == attempts or not is_transient(error):
                raise
            if on_retry is not None:
                on_retry(attempt, error)
            time.sleep(min(max_wait, wait * 2 ** (attempt - 1)) * (0.5 + random.random()))
    raise AssertionError("unreachable")
