"""Small helpers for the course's notebooks: find assignments, read, normalise, inspect cells.

An assignment is a folder `solutions/NN_name/` holding the nbgrader source notebook(s);
`course/NN_name/` is its release. Notebooks are stored normalised: outputs cleared,
execution counts null, only stable metadata, written the way nbformat writes (sorted keys,
one-space indent, trailing newline), so regenerating an unchanged notebook gives the same bytes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[2]  # autograder/course/ -> the repository
SOURCE_DIR = "solutions"
RELEASE_DIR = "course"

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

# Notebook metadata worth keeping; the rest (widget state, toc, python patch version) varies by
# machine or session and would make every re-run a diff.
_KEEP_NB_METADATA = ("kernelspec", "language_info", "nbgrader")
_KEEP_LANGUAGE_INFO = ("name", "file_extension", "mimetype", "codemirror_mode", "pygments_lexer")
# Cell metadata worth keeping; "execution", "ExecuteTime", "scrolled", "collapsed"... are not.
_KEEP_CELL_METADATA = ("nbgrader", "deletable", "editable", "tags", "slideshow")
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def course_root() -> Path:
    """The course root of the library's own tools (`make release`, the tests): $RNN_COURSE_ROOT
    when set, else this repository. `rnn-course grade` does not use it: it grades the course in
    the current folder or --root, as nbgrader does."""
    return Path(os.environ.get("RNN_COURSE_ROOT", REPO_ROOT)).resolve()


def is_course_root(root: Path) -> bool:
    """Does `root` look like a course root: nbgrader_config.py and a solutions/ folder?"""
    root = Path(root)
    return (root / "nbgrader_config.py").is_file() and (root / SOURCE_DIR).is_dir()


def assignments(root: Path | None = None, directory: str = SOURCE_DIR) -> list[str]:
    """Sorted ids of the assignments: folders of `root/directory` holding a notebook."""
    base = (root or course_root()) / directory
    if not base.is_dir():
        return []
    return sorted(
        d.name
        for d in base.iterdir()
        if d.is_dir() and not d.name.startswith(".") and any(d.glob("*.ipynb"))
    )


def notebooks(
    root: Path | None = None, directory: str = SOURCE_DIR, assignment: str | None = None
) -> list[Path]:
    """Paths of the notebooks of every assignment (or of one), in order."""
    root = root or course_root()
    ids = [assignment] if assignment else assignments(root, directory)
    return [p for a in ids for p in sorted((root / directory / a).glob("*.ipynb"))]


def assignment_files(folder: Path) -> list[Path]:
    """Files of an assignment folder that belong to the course, relative to `folder`.

    Inside a git checkout these are the tracked files plus new files git does not ignore (so a
    model a notebook run saved under an ignored `artifacts/` never reaches `course/`); elsewhere,
    every file but checkpoints and caches.
    """
    folder = Path(folder)
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=folder,
            capture_output=True,
            check=True,
        ).stdout
        names = [n for n in out.decode().split("\0") if n]
        files = sorted({Path(n) for n in names if (folder / n).is_file()})
    except (OSError, subprocess.CalledProcessError):
        files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    skip = {".ipynb_checkpoints", "__pycache__", "feedback"}
    return [f for f in files if not skip.intersection(f.parts) and f.suffix != ".pyc"]


def read(path: Path | str) -> nbformat.NotebookNode:
    """Read a notebook as nbformat v4."""
    return nbformat.read(str(path), as_version=4)


def raw_cell_ids(path: Path | str) -> list[str | None]:
    """The cell ids as stored in the file (None where a v4.4 notebook has none)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return [c.get("id") for c in cells]


def clear_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove outputs and execution counts, in place; returns `nb`."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def stable_ids(nb: nbformat.NotebookNode, ids: list[str | None] | None = None) -> None:
    """Give every cell a deterministic id, in place: `ids[i]` when valid, else one derived from
    the cell's grade_id or position (nbformat would otherwise invent random ones)."""
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        cid = ids[i] if ids is not None and i < len(ids) else cell.get("id")
        if not cid or not _CELL_ID.match(cid) or cid in seen:
            gid = grade_id(cell)
            cid = gid if gid and _CELL_ID.match(gid) and gid not in seen else None
            if cid is None:
                digest = hashlib.sha1(f"{i}:{cell.source}".encode()).hexdigest()[:8]
                cid = f"cell-{i:03d}-{digest}"
        cell["id"] = cid
        seen.add(cid)


def normalise(
    nb: nbformat.NotebookNode, ids: list[str | None] | None = None
) -> nbformat.NotebookNode:
    """Outputs cleared, only stable metadata, deterministic cell ids; in place, returns `nb`."""
    clear_outputs(nb)
    nb.metadata = nbformat.from_dict(
        {k: v for k, v in nb.metadata.items() if k in _KEEP_NB_METADATA}
    )
    if "language_info" in nb.metadata:
        info = nb.metadata.language_info
        nb.metadata.language_info = nbformat.from_dict(
            {k: v for k, v in info.items() if k in _KEEP_LANGUAGE_INFO}
        )
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in _KEEP_CELL_METADATA}
        )
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)
    stable_ids(nb, ids)
    return nb


def dumps(nb: nbformat.NotebookNode) -> bytes:
    """The bytes nbformat writes (sorted keys, indent 1), with exactly one trailing newline."""
    text = nbformat.writes(nb, version=4)
    return (text.rstrip("\n") + "\n").encode("utf-8")


# ---- cells ---------------------------------------------------------------------------------


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def exercise_of(test_grade_id: str) -> str:
    """The exercise a test belongs to: `rnn_forward__values` -> `rnn_forward`."""
    return test_grade_id.split("__")[0]


def is_autograded_answer(cell) -> bool:
    """A code solution cell graded by the test cells after it (not by hand)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_test(cell) -> bool:
    """An autograded test cell: code, graded, not a solution."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_written_answer(cell) -> bool:
    """A manually graded answer (markdown, or code graded by hand)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def points(cell) -> float:
    """The points of a graded cell (0 for any other)."""
    return float(nbgrader_meta(cell).get("points", 0) or 0)


def max_points(nb) -> tuple[list[tuple[str, float]], float]:
    """([(test grade_id, points)] of the autograded tests, points of the manually graded
    cells) of a source notebook: what a submission can score."""
    tests = [(grade_id(c), points(c)) for c in nb.cells if is_test(c)]
    manual = sum((points(c) for c in nb.cells if is_written_answer(c)), 0.0)
    return tests, manual


def exercises(nb) -> Iterator[tuple[int, str, list[int]]]:
    """(index of the solution cell, its grade_id, indices of its test cells `<grade_id>__*`)."""
    for i, cell in enumerate(nb.cells):
        if is_autograded_answer(cell):
            gid = grade_id(cell)
            tests = [
                j
                for j, other in enumerate(nb.cells)
                if is_test(other) and (grade_id(other) or "").startswith(f"{gid}__")
            ]
            yield i, gid, tests


def region_lines(source: str, begin: str, end: str) -> list[str]:
    """The lines strictly between `begin` and `end` markers in `source`."""
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def split_hidden_tests(source: str) -> tuple[str, str]:
    """(the visible part, the hidden tests) of a test cell's source, markers dropped.

    The course keeps a cell's hidden tests after its visible ones
    (tests/notebooks/test_notebook_hygiene.py checks it), so running the visible part and then
    the hidden part runs the whole cell.
    """
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    hidden_part = "\n".join(hidden).rstrip() + "\n" if hidden else ""
    return "\n".join(visible).rstrip() + "\n", hidden_part


def without_hidden_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `nb` whose test cells hold only their visible part."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if is_test(cell) and BEGIN_HIDDEN in cell.source:
            cell.source = split_hidden_tests(cell.source)[0]
    return nb


def outside_regions(source: str) -> list[str]:
    """The lines of `source` outside solution and hidden-test regions (markers excluded)."""
    lines, inside = [], False
    for line in source.splitlines():
        if BEGIN_SOLUTION in line or BEGIN_HIDDEN in line:
            inside = True
        elif END_SOLUTION in line or END_HIDDEN in line:
            inside = False
        elif not inside:
            lines.append(line)
    return lines
