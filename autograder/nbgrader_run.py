"""Run the real `nbgrader` command line in a throwaway copy of the course.

Used by `make release` (generate_assignment without touching the real gradebook), by the
end-to-end tests and by benchmarks/notebooks.py:

    root = make_course_copy(tmp / "course-root")          # nbgrader_config.py + solutions/
    run_nbgrader(root, "generate_assignment", "*", "--force")
    submissions.write(root / "submitted", Submission("alice", "02_rnn_cell", files))
    run_nbgrader(root, "autograde", "*")
    scores(root)                                          # from the gradebook
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import notebooks as nbs
from autograder.execute import QUIET_TENSORFLOW

CONFIG_FILE = "nbgrader_config.py"
# Variables the nbgrader process must not inherit from a developer's shell: the config file
# itself must make the kernels quiet (that is what the tests check).
_UNSET = ("NBGRADER_EXECUTION", *QUIET_TENSORFLOW, "JUPYTER_CONFIG_DIR")


class NbgraderError(RuntimeError):
    """An nbgrader command exited with an error; the message holds its output."""


def make_course_copy(
    dest: Path, root: Path | None = None, assignment_ids: list[str] | None = None
) -> Path:
    """Copy nbgrader_config.py and the source of the assignments into `dest`, a new course root.

    Only the files of each assignment that belong to the course are copied
    (`notebooks.assignment_files`), so local artifacts never leak in.
    """
    root = Path(root or nbs.course_root())
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG_FILE, dest / CONFIG_FILE)
    for aid in assignment_ids if assignment_ids is not None else nbs.assignments(root):
        src = root / nbs.SOURCE_DIR / aid
        for rel in nbs.assignment_files(src):
            target = dest / nbs.SOURCE_DIR / aid / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, target)
    return dest


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for an nbgrader process: ours, minus variables the config must set."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    # as an instructor who did not activate the environment: nbgrader_config.py must find
    # `alembic` (run by nbgrader's gradebook) itself
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    env.update(extra or {})
    return env


def run_nbgrader(
    root: Path,
    *args: str,
    db_url: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run `nbgrader <args>` with `root` as working directory, as an instructor would type it.

    `db_url` points the gradebook elsewhere (`--CourseDirectory.db_url`). Raises NbgraderError
    with nbgrader's output when it fails and `check` is set.
    """
    cmd = [sys.executable, "-m", "nbgrader", *args]
    if db_url:
        cmd.append(f"--CourseDirectory.db_url={db_url}")
    proc = subprocess.run(
        cmd,
        cwd=root,
        env=env if env is not None else nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise NbgraderError(
            f"`nbgrader {' '.join(args)}` exited with {proc.returncode} in {root}\n"
            f"--- stdout ---\n{proc.stdout[-5000:]}\n--- stderr ---\n{proc.stderr[-10000:]}"
        )
    return proc


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
    """Every grade in the gradebook of the course at `root`."""
    from nbgrader.api import Gradebook

    db_url = db_url or f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"
    out = []
    with Gradebook(db_url, "rnn-course") as gb:
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
