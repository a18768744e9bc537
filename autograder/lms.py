"""Reading a batch of submissions: nbgrader's folder layout, or an LMS zip of flat files.

    read_submissions(path, "02_rnn_cell")   # -> {student: Submission}

A folder in nbgrader's layout holds `<student>/<assignment>/<notebook>.ipynb` plus any other
files (`artifacts/`...). An LMS zip (Canvas, Moodle, Blackboard downloads) holds flat files
named with the student id; LMS_PATTERN finds the student in the name, and the rest is matched
against the assignment's notebook names, so `alice_02_rnn_cell.ipynb`,
`alice_123_456_02_rnn_cell.ipynb` (Canvas) and `alice_late_02_rnn_cell-1.ipynb` all give
student `alice`, file `02_rnn_cell.ipynb`. Pass another pattern with `--lms-pattern`; it must
have a named group `student` (and may have `file`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from autograder.submissions import Submission, read_folder_files, safe_relpath

LMS_PATTERN = r"^(?P<student>[A-Za-z0-9.@-]+?)_(?P<file>.+)$"
MAX_ZIP_BYTES = 2 << 30  # refuse zip bombs: 2 GiB unpacked in all


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
