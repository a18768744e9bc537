"""The batch's one writer: the course gradebook and autograded/ folder, written by the process
that collects the results, after each sandbox is gone, with retries on a busy database.

    template = make_template(course_root, "02_rnn_cell", tmp / "template")   # for the tasks
    ensure_assignment(course_root, "02_rnn_cell")      # the gradebook knows the assignment
    record(course_root, result, submission)            # one result in (a re-grade replaces it)
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.engine import config, gradebook
from autograder.engine import nbgrader_run as ng
from autograder.grading.intake import Submission, safe_relpath
from autograder.grading.task import GradeResult

# The template's folder of full master notebooks, hidden tests included: the re-check's alone.
MASTERS_DIR = "masters"


def make_template(course_root: Path, assignment: str, dest: Path) -> Path:
    """A course root with nbgrader_config.py, the assignment's source and release, and a
    gradebook holding the assignment only (no student data ever goes into it).

    The source that nbgrader sees holds the test cells without their hidden tests: autograde
    runs each test cell as the gradebook stored it, so the student's kernel never receives a
    hidden test (not even through its input history). The full masters, for the trusted
    re-check alone, are kept in masters/ (`master_notebooks`), which no task copies into the
    root that nbgrader grades in.
    """
    root = ng.make_course_copy(dest, course_root, [assignment])
    masters = root / MASTERS_DIR / assignment
    masters.mkdir(parents=True)
    for path in nbs.notebooks(root, nbs.SOURCE_DIR, assignment):
        shutil.copy2(path, masters / path.name)
        path.write_bytes(nbs.dumps(nbs.without_hidden_tests(nbs.read(path))))
    config.append(root, config.PRIVATE_GRADEBOOK)
    ng.run_nbgrader(root, "generate_assignment", assignment, "--force")
    return root


def master_notebooks(template: Path, assignment: str) -> list[Path]:
    """The full master notebooks (hidden tests included) of a template made by make_template."""
    return nbs.notebooks(Path(template), MASTERS_DIR, assignment)


def ensure_assignment(course_root: Path, assignment: str) -> None:
    """The course gradebook knows the assignment (nbgrader generate_assignment, with the
    release written to a throwaway folder so course/ is untouched)."""
    db_url = gradebook.db_url(course_root)  # SQLite or PostgreSQL, as nbgrader_config.py says
    db = Path(course_root) / "gradebook.db"
    if (db.exists() or not db_url.startswith("sqlite")) and gradebook.has_assignment(
        db_url, assignment
    ):
        return
    with tempfile.TemporaryDirectory(prefix="rnn-release-") as tmp:
        ng.run_nbgrader(
            Path(course_root),
            "generate_assignment",
            assignment,
            "--force",
            f"--CourseDirectory.release_directory={tmp}",
        )


def record(
    course_root: Path, result: GradeResult, submission: Submission, db_url: str | None = None
) -> None:
    """Write one result into the course gradebook (`db_url`, default: the course's) and
    autograded/ folder (re-grade: the old submission is removed first). Each transaction runs
    again while the database is busy (gradebook.retrying)."""
    from nbgrader.api import MissingEntry
    from sqlalchemy.exc import SAWarning

    root = Path(course_root)
    db_url = db_url or gradebook.db_url(root)
    counted = {t["grade_id"]: t["counted"] for t in result.tests}

    def remove():
        with gradebook.open_gradebook(db_url) as gb:
            gb.update_or_create_student(result.student)
            try:
                gb.remove_submission(result.assignment, result.student)
            except MissingEntry:
                pass

    def write():
        with gradebook.open_gradebook(db_url) as gb, warnings.catch_warnings():
            # nbgrader 0.9's add_submission builds its rows while SQLAlchemy autoflushes and
            # SQLAlchemy 2 warns "... not in session, add operation ... will not proceed" for
            # every notebook and cell; the rows are added right after (the tests read them back)
            warnings.filterwarnings("ignore", message=".*not in session", category=SAWarning)
            sub = gb.add_submission(result.assignment, result.student)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell_type == "code" and grade.cell.name in counted:
                        grade.auto_score = counted[grade.cell.name]
                        grade.needs_manual_grade = False
            gb.db.commit()

    gradebook.retrying(remove)
    gradebook.retrying(write)
    # the autograded notebooks (for formgrader and generate_feedback) and the student's own
    # files; never a file the kernel wrote
    folder = root / "autograded" / result.student / result.assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in submission.files.items():
        clean = safe_relpath(rel)
        if clean and not clean.endswith(".ipynb"):
            (folder / clean).parent.mkdir(parents=True, exist_ok=True)
            (folder / clean).write_bytes(data)
    for name, data in result.notebooks.items():
        (folder / f"{name}.ipynb").write_bytes(data)
