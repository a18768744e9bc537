"""Where a batch stands: a state file per finished submission, so that an interrupted run
resumes where it stopped and a re-run skips what is graded (unless forced).

    save_state(course_root, result); load_state(course_root, "02_rnn_cell", "alice")
    graded_assignments(course_root); load_states(course_root, "02_rnn_cell")   # the class report
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from autograder.grading.task import GradeResult

STATE_DIR = "autograded/.rnn-grade"  # git-ignored with autograded/; nbgrader skips dot-folders


def _state_path(course_root: Path, assignment: str, student: str) -> Path:
    return Path(course_root) / STATE_DIR / assignment / f"{student}.json"


def save_state(course_root: Path, result: GradeResult) -> None:
    path = _state_path(course_root, result.assignment, result.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(result)
    data.pop("notebooks")
    path.write_text(json.dumps(data, indent=1))


def load_state(course_root: Path, assignment: str, student: str) -> GradeResult | None:
    path = _state_path(course_root, assignment, student)
    try:
        data = json.loads(path.read_text())
        return GradeResult(**data)
    except (OSError, ValueError, TypeError):
        return None


def graded_assignments(course_root: Path) -> list[str]:
    """The assignments with at least one state file, in order."""
    folder = Path(course_root) / STATE_DIR
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def load_states(course_root: Path, assignment: str) -> list[GradeResult]:
    """Every finished submission's result for `assignment`, by student (an unreadable state
    file is skipped: the next grading run replaces it)."""
    folder = Path(course_root) / STATE_DIR / assignment
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    results = [load_state(course_root, assignment, p.stem) for p in paths]
    return [r for r in results if r is not None]
