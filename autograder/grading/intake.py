"""Submissions in: a submission as plain data, nbgrader's folder layout for it, and a batch
read from a folder in that layout or from an LMS zip of flat files.

    Submission(student, assignment, files={"02_rnn_cell.ipynb": b"...", "artifacts/m.keras": ...})
    write(root / "submitted", submission)     # submitted/<student>/<assignment>/...
    read_submissions(path, "02_rnn_cell")     # {student: Submission}, from a folder or a zip

Submissions travel as bytes (picklable, hashable, never parsed by the process that reads them),
so a grading task can run in any worker process or on another machine.

A folder in nbgrader's layout holds `<student>/<assignment>/<notebook>.ipynb` plus any other
files (`artifacts/`...). An LMS zip (Canvas, Moodle, Blackboard downloads) holds flat files
named with the student id; LMS_PATTERN finds the student in the name, and the rest is matched
against the assignment's notebook names, so `alice_02_rnn_cell.ipynb`,
`alice_123_456_02_rnn_cell.ipynb` (Canvas) and `alice_late_02_rnn_cell-1.ipynb` all give
student `alice`, file `02_rnn_cell.ipynb`. Pass another pattern with `--lms-pattern`; it must
have a named group `student` (and may have `file`).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

TIMESTAMP = "timestamp.txt"  # what `nbgrader collect` writes next to a submission
DEFAULT_TIMESTAMP = "2025-01-01 12:00:00.000000 UTC"
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}
LMS_PATTERN = r"^(?P<student>[A-Za-z0-9.@-]+?)_(?P<file>.+)$"
MAX_ZIP_BYTES = 2 << 30  # refuse zip bombs: 2 GiB unpacked in all


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


# ---- a batch: a folder in nbgrader's layout, or an LMS zip ----------------------------------


def read_submissions(
    path: Path, assignment: str, notebooks: list[str] | None = None, pattern: str = LMS_PATTERN
) -> dict[str, Submission]:
    """{student: Submission} from a folder in nbgrader's layout or an LMS zip."""
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return read_lms_zip(path, assignment, notebooks or [], pattern)
    return read_folder(path, assignment)


def read_folder(folder: Path, assignment: str) -> dict[str, Submission]:
    """Every `<student>/` of an nbgrader-layout folder; a student folder without the
    assignment gives a Submission with no files (status `missing`)."""
    out = {}
    for student_dir in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        if student_dir.name.startswith("."):
            continue
        files = {}
        if (student_dir / assignment).is_dir():
            files = read_folder_files(student_dir / assignment)
        out[student_dir.name] = Submission(student_dir.name, assignment, files)
    return out


def match_file(name: str, notebooks: list[str]) -> str:
    """The assignment notebook a flat file name stands for (`..._02_rnn_cell-1.ipynb` ->
    `02_rnn_cell.ipynb`), or the name itself."""
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    for nb in sorted(notebooks, key=len, reverse=True):
        if suffix == ".ipynb" and re.search(rf"(^|_){re.escape(nb)}(-\d+)?$", stem):
            return f"{nb}.ipynb"
    return name


def read_lms_zip(
    path: Path, assignment: str, notebooks: list[str], pattern: str = LMS_PATTERN
) -> dict[str, Submission]:
    """Flat files `<student>_<anything>` of an LMS zip, grouped by student."""
    regex = re.compile(pattern)
    files: dict[str, dict[str, bytes]] = {}
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = PurePosixPath(info.filename).name
            m = regex.match(name)
            if not m or safe_relpath(info.filename) is None:
                continue
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise ValueError(f"{path}: more than {MAX_ZIP_BYTES >> 30} GiB unpacked")
            student = m.group("student")
            rest = m.groupdict().get("file") or name
            rel = match_file(rest, notebooks)
            files.setdefault(student, {})[rel] = zf.read(info)
    return {s: Submission(s, assignment, f) for s, f in sorted(files.items())}
