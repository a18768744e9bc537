"""The trusted re-check: the master tests run against a submission's answers, outside its kernel.

The kernel that nbgrader grades in belongs to the student: an answer cell can install an
IPython input transformer that blanks the test cells, patch the checks, or wrap every cell in
`try/except`. The re-check does not trust that run. It builds a program from the master
notebook (solutions/, never the submission's test cells) and runs it in two sandboxed
processes that share nothing but a wire of plain data (boundary_wire.py), which this module
relays:

- the *checker* (recheck_runner.py) runs the master's cells, its visible and hidden tests and
  the references; no student code runs in it. Each name an answer cell defines is a `Remote`
  there: calling it sends the arguments, as data, to
- the *answers* process (answers_runner.py), which runs the student's answer (course/
  answers.py: the helper cells above it, then the answer cell) reduced to definitions
  (definitions.py), in a child that has the test's references blocked for good.

Nothing the answers send back can run code in the checker (NumPy arrays of plain dtypes,
builtin containers, Keras models loaded in safe mode, proxies that only send messages). The
checker's result lines, prefixed by a secret, come back on its own stdout; the parent parses
plain JSON only (never unpickles anything). In a warm sandbox, each process is a fork of a
zygote that ran no submission's code, with TensorFlow imported (sandbox/warm.py).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import struct
import subprocess
import symtable
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import notebooks as nbs
from autograder.course.answers import Answer, student_answers
from autograder.engine.kernel import kernel_env
from autograder.engine.orphans import die_with_parent
from autograder.grading import boundary_wire as wire
from autograder.grading.definitions import keep_definitions

# The two programs and their wire: real modules, read by path; each program runs as
# `python -I -c` and gets the wire's source in its spec (recheck_runner.py says why).
RUNNER = Path(__file__).with_name("recheck_runner.py")
ANSWERS_RUNNER = Path(__file__).with_name("answers_runner.py")
WIRE = Path(__file__).with_name("boundary_wire.py")
GRADER_GENERATION = 2**31 - 1  # recheck_runner's mark for a reply of the grader itself
MAX_WIRE_BYTES = 2 << 30  # all the answers may send in one re-check

# ---- the program ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    # "code" (the master's), "answer" (the student's, reduced), "test" (a test cell's visible
    # part) or "hidden" (its hidden tests, run right after the visible part)
    kind: str
    source: str
    grade_id: str | None = None
    points: float = 0.0
    defines: tuple[str, ...] = ()  # an answer's names: functions of the answers process


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
            cells.append(Cell("answer", code, gid, defines=defined_names(code)))
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
    answers_sandbox=None,
    answers_dir: Path | None = None,
    autograde: bool = True,
) -> RecheckResult:
    """Run the program: the checker in `workdir` (inside `sandbox` when given), the answers
    in `answers_dir` (inside `answers_sandbox`), the wire between them relayed here."""
    nonce = secrets.token_hex(16)
    wire_source = WIRE.read_text(encoding="utf-8")
    checker_spec = {
        "nonce": nonce,
        "cell_timeout": cell_timeout,
        "cells": [c.__dict__ for c in cells],
        "wire": wire_source,
        "shareable": shareable_names(cells),
    }
    answers_spec = {
        "wire": wire_source,
        "setup": [keep_definitions(c.source)[0] for c in cells if c.kind == "code"],
        "answers": [[c.grade_id, c.source] for c in cells if c.kind == "answer"],
        "sandboxed": answers_sandbox is not None,
    }
    with tempfile.TemporaryDirectory(prefix="rnn-answers-") as spare:
        checker = _start(RUNNER, workdir, sandbox, autograde)
        answers = _start(ANSWERS_RUNNER, answers_dir or Path(spare), answers_sandbox, autograde)
        relay = Relay(checker, answers)
        timed_out = False
        try:
            relay.send_spec(answers, answers_spec)
            relay.send_spec(checker, checker_spec)
            relay.start()
            checker.wait(timeout=total_timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        except OSError:  # a process that ended before it read its spec: reported below
            pass
        finally:
            for proc in (checker, answers):
                _kill_group(proc)
            relay.join()
    result = parse(b"\n".join(relay.results), nonce, cells)
    result.timed_out = timed_out
    if sandbox is not None:
        result.memory = sandbox.memory_exceeded()
    if answers_sandbox is not None and answers_sandbox.memory_exceeded():
        result.memory = True
    if not result.completed and not timed_out:
        result.error = relay.error or (
            f"the re-check process ended early (exit status {checker.returncode})"
        )
    return result


def _start(program: Path, cwd: Path, sandbox, autograde: bool) -> subprocess.Popen:
    argv = [sys.executable, "-I", "-c", program.read_text(encoding="utf-8")]
    env = {"NBGRADER_EXECUTION": "autograde"} if autograde else {}
    if sandbox is not None:
        cmd = sandbox.command(argv, env)
        run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        cmd, run_env = argv, kernel_env(autograde=autograde)
    return subprocess.Popen(
        die_with_parent(cmd),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=run_env,
        start_new_session=True,
    )


class Relay:
    """The wire between the checker and the answers, through this process: frames b"A" go
    from one to the other unread; the checker's b"R" frames are the results. What the
    answers send is capped; a broken wire ends the re-check, and a checker waiting on answers
    that are gone gets an error reply instead of waiting for ever."""

    def __init__(self, checker: subprocess.Popen, answers: subprocess.Popen):
        self.checker, self.answers = checker, answers
        self.results: list[bytes] = []
        self.error = ""
        self.answers_alive = True
        self.lock = threading.Lock()  # one writer at a time on the checker's stdin
        self.threads = [
            threading.Thread(target=self._from_checker, daemon=True),
            threading.Thread(target=self._from_answers, daemon=True),
        ]

    @staticmethod
    def send_spec(proc: subprocess.Popen, spec: dict) -> None:
        data = json.dumps(spec).encode()
        fd = proc.stdin.fileno()
        wire.write_frame_raw(fd, struct.pack("!Q", len(data)) + data)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout=10)
        for stream in (
            self.checker.stdin,
            self.answers.stdin,
            self.checker.stdout,
            self.answers.stdout,
        ):
            try:
                stream.close()
            except OSError:
                pass

    def _to_checker(self, payload: bytes) -> None:
        with self.lock:
            wire.write_frame(self.checker.stdin.fileno(), b"A", payload)

    def _grader_error(self, message: str) -> None:
        reply = {"op": "raise", "error": {"type": "RuntimeError", "message": message}}
        try:
            self._to_checker(struct.pack("!I", GRADER_GENERATION) + wire.pack(reply, []))
        except OSError:
            pass

    def _from_checker(self) -> None:
        fd = self.checker.stdout.fileno()
        while True:
            try:
                kind, payload = wire.read_frame(fd)
            except (EOFError, OSError, wire.WireError):
                return
            if kind == b"R":
                self.results.append(payload)
            elif kind == b"A" and self.answers_alive:
                try:
                    wire.write_frame(self.answers.stdin.fileno(), b"A", payload)
                except OSError:
                    self.answers_alive = False
            if kind == b"A" and not self.answers_alive:
                self._grader_error("the process running your answers has ended")

    def _from_answers(self) -> None:
        fd, total = self.answers.stdout.fileno(), 0
        while True:
            try:
                _, payload = wire.read_frame(fd)
            except (EOFError, OSError, wire.WireError) as error:
                self.answers_alive = False
                if not isinstance(error, EOFError):
                    self.error = f"the answers process broke the wire: {error}"[:300]
                break
            total += len(payload)
            if total > MAX_WIRE_BYTES:
                self.answers_alive = False
                self.error = f"the answers process sent more than {MAX_WIRE_BYTES} bytes"
                _kill_group(self.answers)
                break
            try:
                self._to_checker(payload)
            except OSError:
                return
        self._grader_error("the process running your answers has ended")


def defined_names(source: str) -> tuple[str, ...]:
    """The functions, classes and names an answer's definitions bind at top level."""
    try:
        table = symtable.symtable(source, "<answer>", "exec")
    except SyntaxError:
        return ()
    return tuple(
        s.get_name() for s in table.get_symbols() if s.is_assigned() and not s.is_imported()
    )


def shareable_names(cells: list[Cell]) -> list[str]:
    """The globals the answers may ask the checker for: those a master code cell binds,
    never one starting with "_" or one a test cell binds."""
    bound: dict[str, set[str]] = {"code": set(), "test": set()}
    for cell in cells:
        kind = "code" if cell.kind == "code" else "test" if cell.kind in ("test", "hidden") else ""
        if not kind:
            continue
        try:
            table = symtable.symtable(cell.source, "<cell>", "exec")
        except SyntaxError:
            continue
        bound[kind] |= {s.get_name() for s in table.get_symbols() if s.is_assigned()}
    return sorted(n for n in bound["code"] - bound["test"] if not n.startswith("_"))


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
