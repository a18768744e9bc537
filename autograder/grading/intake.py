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

Nothing is parsed before it is checked. A student id (a folder name, or the `student` part of
an LMS file name) becomes a folder name, a gradebook key and a report line, so it must match
STUDENT_ID: ASCII letters, digits and `. _ @ -`, starting with a letter or digit (no `.rnn-grade`,
no `..`), at most MAX_ID characters, and be unique after case-folding (`Alice` and `alice`
would share a folder on some file systems). A file over MAX_FILE_BYTES, a submission over
MAX_SUBMISSION_BYTES, and an LMS zip member that leaves its folder (`..`, an absolute path) or
is a symbolic link give a *refused* submission: no files, the reason in `refused`, one row in
the report. An LMS zip over MAX_ZIP_BYTES unpacked or MAX_ZIP_MEMBERS members is refused as a
whole (IntakeError) before a byte of it is unpacked.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

TIMESTAMP = "timestamp.txt"  # what `nbgrader collect` writes next to a submission
DEFAULT_TIMESTAMP = "2025-01-01 12:00:00.000000 UTC"
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}
LMS_PATTERN = r"^(?P<student>[A-Za-z0-9.@-]+?)_(?P<file>.+)$"
MAX_ID = 64  # characters of a student id
STUDENT_ID = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._@-]{{0,{MAX_ID - 1}}}$")
MAX_FILE_BYTES = 32 << 20  # one submitted file (a notebook of 02 is ~100 kB with outputs)
MAX_SUBMISSION_BYTES = 128 << 20  # one student's files in all (saved models included)
MAX_ZIP_BYTES = 1 << 30  # refuse zip bombs: 1 GiB unpacked in all
MAX_ZIP_MEMBERS = 20000

_ID_CHAR = re.compile(r"[A-Za-z0-9._@-]")


class IntakeError(ValueError):
    """A whole batch refused before it is read (a zip bomb, a folder that is not one)."""


@dataclass(frozen=True)
class Submission:
    """One student's files for one assignment, relative to the assignment folder."""

    student: str
    assignment: str
    files: dict[str, bytes] = field(default_factory=dict)
    refused: str = ""  # why intake refused it (never graded; a row says why)

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


def id_problem(student: str) -> str | None:
    """Why `student` is not a safe id (STUDENT_ID), or None when it is."""
    if len(student) > MAX_ID:
        return f"student id longer than {MAX_ID} characters"
    if student.startswith("."):
        return "student id starts with a dot"
    if not STUDENT_ID.match(student):
        return "student id has characters outside A-Z a-z 0-9 . _ @ -"
    return None


def printable_id(student: str, limit: int = 80) -> str:
    """`student` with every character outside STUDENT_ID's alphabet escaped (a newline is
    `\\x0a`, `/` is `\\x2f`), cut to `limit`: one line, no path separator."""
    out = "".join(
        c if _ID_CHAR.match(c) else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
        for c in student
    )
    return out if len(out) <= limit else out[: limit - 3] + "..."


def check_ids(submissions: dict[str, Submission]) -> dict[str, Submission]:
    """The batch keyed by printable id, with every unsafe or colliding id refused: a
    Submission without files whose `refused` says why."""
    out: dict[str, Submission] = {}
    folded: dict[str, list[str]] = {}
    for student in submissions:
        folded.setdefault(student.casefold(), []).append(student)
    for student, sub in submissions.items():
        why = id_problem(student)
        twins = folded[student.casefold()]
        if why is None and len(twins) > 1:
            others = ", ".join(printable_id(t) for t in twins if t != student)
            why = f"student id equals {others} after case-folding"
        key = printable_id(student) if why else student
        while key in out:  # two refused ids that print alike
            key += "_"
        why = why or sub.refused
        out[key] = Submission(key, sub.assignment, {}, why) if why else sub
    return out


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
    """Every regular file under `folder` (no symbolic links, no checkpoints), as bytes.
    Raises IntakeError for a file over MAX_FILE_BYTES or a total over MAX_SUBMISSION_BYTES,
    judged from the sizes before anything is read."""
    folder = Path(folder)
    files, total = {}, 0
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or _SKIP_PARTS.intersection(rel.parts):
            continue
        size = path.lstat().st_size
        total += size
        _check_size(rel.as_posix(), size, total)
        files[rel.as_posix()] = path.read_bytes()[: MAX_FILE_BYTES + 1]
        _check_size(rel.as_posix(), len(files[rel.as_posix()]), total)
    return files


def _check_size(rel: str, size: int, total: int) -> None:
    if size > MAX_FILE_BYTES:
        raise IntakeError(f"{rel} is over the {MAX_FILE_BYTES >> 20} MiB cap on one file")
    if total > MAX_SUBMISSION_BYTES:
        raise IntakeError(f"files over the {MAX_SUBMISSION_BYTES >> 20} MiB cap per submission")


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
        files, refused = {}, ""
        if (student_dir / assignment).is_dir():
            try:
                files = read_folder_files(student_dir / assignment)
            except IntakeError as error:
                refused = str(error)
        out[student_dir.name] = Submission(student_dir.name, assignment, files, refused)
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
    """Flat files `<student>_<anything>` of an LMS zip, grouped by student. The whole zip is
    refused (IntakeError) over MAX_ZIP_MEMBERS members or MAX_ZIP_BYTES unpacked, judged from
    its directory before anything is unpacked; a student with a member that leaves its folder,
    is a link or is over the caps gets a refused Submission."""
    regex = re.compile(pattern)
    files: dict[str, dict[str, bytes]] = {}
    refused: dict[str, str] = {}
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise IntakeError(f"{path}: {len(infos)} members, over the cap of {MAX_ZIP_MEMBERS}")
        if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
            raise IntakeError(f"{path}: over {MAX_ZIP_BYTES >> 30} GiB unpacked (a zip bomb?)")
        for info in infos:
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            m = regex.match(name)
            if not m:
                continue
            student = m.group("student")
            mode = info.external_attr >> 16
            if safe_relpath(info.filename) is None:
                refused[student] = f"zip member {info.filename!r} leaves its folder"
            elif stat.S_ISLNK(mode):
                refused[student] = f"zip member {info.filename!r} is a symbolic link"
            elif info.file_size > MAX_FILE_BYTES:
                refused[student] = f"{name} is over the {MAX_FILE_BYTES >> 20} MiB cap on one file"
            if student in refused:
                continue
            rest = m.groupdict().get("file") or name
            rel = match_file(rest, notebooks)
            with zf.open(info) as fh:  # the header's size may lie: read no more than the cap
                data = fh.read(MAX_FILE_BYTES + 1)
            mine = files.setdefault(student, {})
            mine[rel] = data
            if len(data) > MAX_FILE_BYTES:
                refused[student] = f"{name} is over the {MAX_FILE_BYTES >> 20} MiB cap on one file"
            elif sum(len(b) for b in mine.values()) > MAX_SUBMISSION_BYTES:
                refused[student] = f"files over the {MAX_SUBMISSION_BYTES >> 20} MiB cap"
    out = {}
    for student in sorted(set(files) | set(refused)):
        why = refused.get(student, "")
        out[student] = Submission(student, assignment, {} if why else files[student], why)
    return out
