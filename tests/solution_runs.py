"""One run of each solution notebook per test session, shared by the tests that need one.

Running a solution notebook as a student does (a fresh kernel, not under autograde, in a copy
of its assignment folder) is among the most expensive steps of the suite: 03 and 04 train for
a minute or more. The execution test asserts on that run; the whole-course autograde test
takes the files it saved (the trained models that `fit_or_load` reloads under autograde) as a
student's own artifacts. One run serves both, whichever asks first.

The runs live in one folder of the session's temporary directory that every pytest-xdist
worker sees; a POSIX file lock per notebook makes the first caller run it while the others
wait for its result. A key made of the notebook's bytes names each run, so a session never
reuses the run of a different notebook.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError

from autograder.course import notebooks as nbs
from autograder.engine import kernel as ex


@dataclass(frozen=True)
class SolutionRun:
    notebook: nbformat.NotebookNode  # the executed copy, with outputs
    files: dict[str, bytes]  # new files the run wrote, relative to the assignment folder
    seconds: float  # wall time of the run
    error: str  # the CellExecutionError's text, "" when it ran through


def _shared_dir(tmp_path_factory) -> Path:
    """The session's temporary directory, common to all xdist workers (each worker's own
    basetemp is a child of it; without xdist the basetemp is the session's own)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / "solution-runs"


def solution_run(source: Path, tmp_path_factory) -> SolutionRun:
    """The run of the solution notebook `source`, made now or by an earlier caller."""
    source = Path(source)
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    folder = _shared_dir(tmp_path_factory) / f"{source.stem}-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / "result.json").exists():
            _run(source, folder)
    meta = json.loads((folder / "result.json").read_text())
    files_root = folder / "work" / source.parent.name
    return SolutionRun(
        notebook=nbs.read(folder / "executed.ipynb"),
        files={rel: (files_root / rel).read_bytes() for rel in meta["files"]},
        seconds=meta["seconds"],
        error=meta["error"],
    )


def _run(source: Path, folder: Path) -> None:
    workdir = folder / "work" / source.parent.name
    local = ex.copy_assignment(source, workdir)
    before = ex.files_under(workdir)
    nb = nbs.read(local)
    start, error = time.perf_counter(), ""
    try:
        ex.run_notebook(nb, workdir)
    except CellExecutionError as err:
        error = str(err)
    seconds = time.perf_counter() - start
    new = ex.new_files(workdir, before)
    nbformat.write(nb, folder / "executed.ipynb")
    # written last: its presence says the run is complete
    meta = {"seconds": seconds, "error": error, "files": new}
    (folder / "result.json").write_text(json.dumps(meta))
