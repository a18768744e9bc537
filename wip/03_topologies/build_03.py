"""Writes notebook 03 from the cells in cells_03.py (a work-in-progress helper; the notebook
is the source of truth once committed). Run: .venv/bin/python wip/03_topologies/build_03.py OUT"""

import hashlib
import sys
from pathlib import Path

CELLS = []


def _src(text):
    text = text.strip("\n") + "\n"
    lines = text.splitlines(keepends=True)
    lines[-1] = lines[-1].rstrip("\n")
    return lines


def _id(text):
    return hashlib.sha1(f"{len(CELLS)}:{text[:80]}".encode()).hexdigest()[:8]


def md(text):
    CELLS.append({"cell_type": "markdown", "id": _id(text), "metadata": {}, "source": _src(text)})


def code(text):
    CELLS.append({"cell_type": "code", "execution_count": None, "id": _id(text), "metadata": {},
                  "outputs": [], "source": _src(text)})


def _nb(grade, gid, locked, solution, points=None):
    meta = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def answer(gid, text):
    CELLS.append({"cell_type": "code", "execution_count": None, "id": gid,
                  "metadata": _nb(False, gid, False, True), "outputs": [], "source": _src(text)})


def test(gid, points, text):
    CELLS.append({"cell_type": "code", "execution_count": None, "id": gid,
                  "metadata": _nb(True, gid, True, False, points), "outputs": [],
                  "source": _src(text)})


def written(gid, points, text):
    CELLS.append({"cell_type": "markdown", "id": gid,
                  "metadata": _nb(True, gid, False, True, points), "source": _src(text)})


exec(Path(__file__).with_name("cells_03.py").read_text(), globals())  # noqa: S102

nb = {
    "cells": CELLS,
    "metadata": {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                          "file_extension": ".py", "mimetype": "text/x-python",
                          "name": "python", "pygments_lexer": "ipython3"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
out = Path(sys.argv[1] if len(sys.argv) > 1 else "wip/03_topologies/03_topologies.ipynb")
out.parent.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import nbformat  # noqa: E402

from autograder import notebooks as nbs  # noqa: E402

node = nbformat.from_dict(nb)
nbs.normalise(node, [c["id"] for c in CELLS])
out.write_bytes(nbs.dumps(node))
print(f"wrote {out} ({len(CELLS)} cells)")
