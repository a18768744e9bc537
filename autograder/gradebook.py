"""The course gradebook's address, and retries for its one writer.

    url = gradebook.db_url(course_root)          # nbgrader_config.py's CourseDirectory.db_url
    gradebook.retrying(lambda: write(url))       # again while the database says "try again"

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

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

COURSE_ID = "rnn-course"
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
    return url or f"sqlite:///{root / 'gradebook.db'}"


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
