"""One run of each solution notebook per test session, shared by every test that needs one.

Running a solution notebook as a student does (a fresh kernel, not under autograde, in a copy
of its assignment folder) is among the most expensive steps of the suite: 03 and 04 train for
a minute or more. One run serves, whichever asks first:

- the execution test (tests/notebooks/test_notebooks_execute.py) asserts on the executed copy;
- the whole-course autograde test takes the files it saved (the trained models that
  `fit_or_load` reloads under autograde) as a student's own artifacts, copied right after the
  last cell, before any wrong answer ran;
- the wrong-answer harness (tests/notebooks/test_wrong_answers.py) needs a kernel holding the
  notebook's state: when this session selected it for the notebook, the same kernel then tries
  every answer of the catalogue (tests/notebook_harness.py) and the rows are kept with the run.

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
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import notebook_harness as harness
from mistakes import catalogue

from autograder.course import notebooks as nbs
from autograder.engine import kernel as ex


def on_one_worker(paths) -> list:
    """`paths` as pytest params, each in the xdist group of its notebook: the tests that share a
    notebook's run then run on one worker one after the other (the first makes the run, the
    next read it) instead of one worker idling on the lock while the other runs it."""
    import pytest

    return [pytest.param(p, marks=pytest.mark.xdist_group(f"notebook-{p.stem}")) for p in paths]


# Notebook ids whose wrong-answer test this session runs (tests/conftest.py fills it after
# collection): their run goes on to try the catalogue in the same kernel.
WRONG_ANSWERS: set[str] = set()


@dataclass(frozen=True)
class SolutionRun:
    notebook: nbformat.NotebookNode  # the executed copy, with outputs
    files: dict[str, bytes]  # new files the run wrote, relative to the assignment folder
    seconds: float  # wall time of the run
    error: str  # the failing cells ("cell i (grade_id): error", one a line), "" when none
    wrong_answers: dict | None  # {"rows": [...], "problems": [...]}; None when not tried


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
    return SolutionRun(
        notebook=nbs.read(folder / "executed.ipynb"),
        files={rel: (folder / "files" / rel).read_bytes() for rel in meta["files"]},
        seconds=meta["seconds"],
        error=meta["error"],
        wrong_answers=meta["wrong_answers"],
    )


def _run(source: Path, folder: Path) -> None:
    workdir = folder / "work" / source.parent.name
    session = harness.NotebookSession(source, workdir)  # copies the assignment, starts a kernel
    try:
        before = ex.files_under(workdir)
        start = time.perf_counter()
        errors = session.run_all()
        seconds = time.perf_counter() - start
        new = ex.new_files(workdir, before)
        for rel in new:  # the student's artifacts, before any wrong answer can overwrite them
            (folder / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(workdir / rel, folder / "files" / rel)
        nbformat.write(session.executed(), folder / "executed.ipynb")
        tried = None
        if source.stem in WRONG_ANSWERS and not errors:
            rows, problems = harness.try_catalogue(session, catalogue.entries(source.stem))
            tried = {"rows": rows, "problems": problems}
    finally:
        session.close()
    # written last: its presence says the run is complete
    meta = {"seconds": seconds, "error": "\n".join(errors), "files": new, "wrong_answers": tried}
    (folder / "result.json").write_text(json.dumps(meta))
