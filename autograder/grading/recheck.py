"""The trusted re-check: the master tests run against a submission's answers, outside its kernel.

The kernel that nbgrader grades in belongs to the student: an answer cell can install an
IPython input transformer that blanks the test cells, patch the checks, or wrap every cell in
`try/except`. The re-check does not trust that run. It builds a program from the master
notebook (solutions/, never the submission's test cells) in which each answer cell holds the
student's answer (course/answers.py: the helper cells the student added above it, then the
answer cell) reduced to definitions (definitions.py: functions, classes, imports, constant
assignments; statements such as `get_ipython().input_transformers_post.append(...)`
or `np.testing.assert_allclose = ...` are dropped and listed). A fresh, sandboxed plain Python
(no IPython shell, so no transformers exist; in a warm sandbox, a fork of a zygote that ran
no submission's code, with TensorFlow imported: sandbox/warm.py) runs it cell by cell; the runner
(recheck_runner.py) watches the checking functions (rnnlib's test-cell machinery, numpy.testing,
builtins) and reports a test cell that ran after any of them was replaced as failed and
tampered.

Results come back as lines of JSON, each prefixed by a secret the runner read before any
student code ran; the parent parses plain JSON only (never unpickles anything).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import notebooks as nbs
from autograder.course.answers import Answer, student_answers
from autograder.engine.kernel import kernel_env
from autograder.engine.orphans import die_with_parent
from autograder.grading.definitions import keep_definitions

# The program that runs the cells in the sandbox: a real module, read by path and run as
# `python -I -c` (recheck_runner.py says why).
RUNNER = Path(__file__).with_name("recheck_runner.py")

# ---- the program ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    # "code" (the master's), "answer" (the student's, reduced), "test" (a test cell's visible
    # part) or "hidden" (its hidden tests, run right after the visible part)
    kind: str
    source: str
    grade_id: str | None = None
    points: float = 0.0


def build_program(master_nb, release_nb, submission_nb) -> tuple[list[Cell], list[str]]:
    """(the cells to run, notes on what was dropped from the student's code)."""
    answers = student_answers(submission_nb, release_nb) if submission_nb is not None else {}
    stubs = {nbs.grade_id(c): c.source for c in release_nb.cells if nbs.nbgrader_meta(c)}
    cells, notes = [], []
    for cell in master_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbs.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution"):
            answer = answers.get(gid)
            if answer is None:
                notes.append(f"{gid}: answer cell missing; the release's stub was used")
                answer = Answer(stubs.get(gid, ""))
            # the helpers above the answer, then the answer: one cell, as the rule says
            code, dropped = keep_definitions("\n\n".join(answer.helpers) + "\n\n" + answer.source)
            notes += [f"{gid}: re-check ignored {d}" for d in dropped]
            cells.append(Cell("answer", code, gid))
        elif meta.get("grade"):
            # the visible part is what the student's kernel ran (it never gets hidden tests)
            visible, hidden = nbs.split_hidden_tests(cell.source)
            cells.append(Cell("test", visible, gid, float(meta.get("points", 0) or 0)))
            if hidden:
                cells.append(Cell("hidden", hidden, gid))
        else:
            cells.append(Cell("code", cell.source))
    while cells and cells[-1].kind not in ("test", "hidden"):  # what follows scores nothing
        cells.pop()
    return cells, notes


# ---- running it, and its results ------------------------------------------------------------


@dataclass
class TestResult:
    grade_id: str
    points: float
    passed: bool  # its visible and hidden tests passed
    error: str = ""
    visible_passed: bool = False  # its visible part passed: what the student's kernel ran
    diagnosis: str = ""  # the likely mistake its failure message named, if any


@dataclass
class RecheckResult:
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)
    completed: bool = False
    timed_out: bool = False
    memory: bool = False
    error: str = ""

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests if t.passed)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)


def parse(stdout: bytes, nonce: str, cells: list[Cell]) -> RecheckResult:
    """The runner's lines that carry the nonce, as plain data; tests without a line failed,
    and so did a test whose hidden part sent none."""
    points = {c.grade_id: c.points for c in cells if c.kind == "test"}
    has_hidden = {c.grade_id for c in cells if c.kind == "hidden"}
    seen: dict[str, TestResult] = {}
    hidden_seen: set[str] = set()
    result = RecheckResult()
    prefix = nonce.encode() + b" "
    for line in stdout.splitlines():
        if not line.startswith(prefix):
            continue
        try:
            item = json.loads(line[len(prefix) :].decode("utf-8", "replace"))
        except ValueError:
            continue
        if not isinstance(item, dict):
            continue
        if item.get("done"):
            result.completed = True
            result.tampered = [str(t) for t in item.get("tampered") or []][:10]
        elif "answer" in item:
            result.notes.append(f"{item['answer']}: answer cell raised {item.get('error', '')}")
        elif item.get("grade_id") in points:
            gid, passed, error = item["grade_id"], bool(item.get("passed")), str(item["error"])
            diagnosis = str(item.get("diagnosis") or "")[:200]
            if item.get("part") == "hidden":  # counts only after its visible part passed
                if gid in seen and seen[gid].visible_passed and gid not in hidden_seen:
                    hidden_seen.add(gid)
                    seen[gid].passed = passed
                    seen[gid].error = "" if passed else f"hidden tests: {error}"
                    seen[gid].diagnosis = "" if passed else diagnosis
            elif gid not in seen:
                # a test with hidden tests passes only once they report that they passed
                waits = passed and gid in has_hidden
                seen[gid] = TestResult(
                    gid,
                    points[gid],
                    passed and not waits,
                    "hidden tests: did not run" if waits else error,
                    visible_passed=passed,
                    diagnosis="" if passed else diagnosis,
                )
            if item.get("tampered") and not result.tampered:
                result.tampered = [str(t) for t in item["tampered"]][:10]
    for gid, pts in points.items():
        result.tests.append(seen.get(gid) or TestResult(gid, pts, False, "did not run"))
    return result


def run(
    cells: list[Cell],
    workdir: Path,
    *,
    cell_timeout: int,
    total_timeout: int,
    sandbox=None,
    autograde: bool = True,
) -> RecheckResult:
    """Run the program in a fresh interpreter (inside `sandbox` when given) in `workdir`."""
    nonce = secrets.token_hex(16)
    spec = {"nonce": nonce, "cell_timeout": cell_timeout, "cells": [c.__dict__ for c in cells]}
    argv = [sys.executable, "-I", "-c", RUNNER.read_text(encoding="utf-8")]
    env = {"NBGRADER_EXECUTION": "autograde"} if autograde else {}
    if sandbox is not None:
        cmd = sandbox.command(argv, env)
        run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        cmd, run_env = argv, kernel_env(autograde=autograde)
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            die_with_parent(cmd),
            cwd=workdir,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=run_env,
            start_new_session=True,
        )
        timed_out = False
        try:
            proc.communicate(json.dumps(spec).encode(), timeout=total_timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
        out.seek(0)
        stdout = out.read(16 << 20)
    result = parse(stdout, nonce, cells)
    result.timed_out = timed_out
    if sandbox is not None:
        result.memory = sandbox.memory_exceeded()
    if not result.completed and not timed_out:
        result.error = f"the re-check process ended early (exit status {proc.returncode})"
    return result


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def read_notebook_bytes(data: bytes):
    """A notebook from bytes, or None when it is not one."""
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception:  # noqa: BLE001 - any malformed file is "not a notebook"
        return None
