"""A submission as plain data, and nbgrader's folder layout for it.

    Submission(student, assignment, files={"02_rnn_cell.ipynb": b"...", "artifacts/m.keras": ...})
    write(root / "submitted", submission)     # submitted/<student>/<assignment>/...
    read_folder(root / "submitted")           # every submission of an nbgrader-layout folder

Submissions travel as bytes (picklable, hashable, never parsed by the process that reads them),
so a grading task can run in any worker process or on another machine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

TIMESTAMP = "timestamp.txt"  # what `nbgrader collect` writes next to a submission
DEFAULT_TIMESTAMP = "2025-01-01 12:00:00.000000 UTC"
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}


@dataclass(frozen=True)
class Submission:
    """One student's files for one assignment, relative to the assignment folder."""

    student: str
    assignment: str
    files: dict[str, bytes] = field(default_factory=dict)

    def notebooks(self) -> dict[str, bytes]:
        """{notebook name without .ipynb: bytes} for the top-level notebooks."""
        return {
            PurePosixPath(rel).stem: data
            for rel, data in self.files.items()
            if "/" not in rel and rel.endswith(".ipynb")
        }

    def digest(self) -> str:
        """sha256 over the file names and contents: the same files give the same digest."""
        h = hashlib.sha256()
        for rel in sorted(self.files):
            h.update(rel.encode() + b"\0" + hashlib.sha256(self.files[rel]).digest())
        return h.hexdigest()


def safe_relpath(rel: str) -> str | None:
    """`rel` as a clean relative POSIX path, or None when it leaves its folder or is odd."""
    path = PurePosixPath(rel.replace("\\", "/"))
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts):
        return None
    return path.as_posix()


def write(
    submitted: Path, submission: Submission, timestamp: str | None = DEFAULT_TIMESTAMP
) -> Path:
    """Write a submission as `nbgrader collect` leaves it: <submitted>/<student>/<assignment>/.
    Returns that folder. Paths that would leave it are skipped."""
    folder = Path(submitted) / submission.student / submission.assignment
    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in submission.files.items():
        clean = safe_relpath(rel)
        if clean is None:
            continue
        (folder / clean).parent.mkdir(parents=True, exist_ok=True)
        (folder / clean).write_bytes(data)
    if timestamp is not None and TIMESTAMP not in submission.files:
        (folder / TIMESTAMP).write_text(timestamp)
    return folder


def read_folder_files(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` (no symbolic links, no checkpoints), as bytes."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or _SKIP_PARTS.intersection(rel.parts):
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files
