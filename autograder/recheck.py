"""The trusted re-check: the master tests run against a submission's answers, outside its kernel.

The kernel that nbgrader grades in belongs to the student: an answer cell can install an
IPython input transformer that blanks the test cells, patch the checks, or wrap every cell in
`try/except`. The re-check does not trust that run. It builds a program from the master
notebook (solutions/, never the submission's test cells) in which each answer cell holds the
student's answer reduced to definitions (`keep_definitions`: functions, classes, imports,
constant assignments; statements such as `get_ipython().input_transformers_post.append(...)`
or `np.testing.assert_allclose = ...` are dropped and listed). A fresh, sandboxed plain Python
(no IPython shell, so no transformers exist; in a warm sandbox, a fork of a zygote that ran
no submission's code, with TensorFlow imported: warm.py) runs it cell by cell; the runner
watches the checking functions (rnnlib.checks, rnnlib.grading, numpy.testing, builtins) and
reports a test cell that ran after any of them was replaced as failed and tampered.

Results come back as lines of JSON, each prefixed by a secret the runner read before any
student code ran; the parent parses plain JSON only (never unpickles anything).
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import notebooks as nbs
from autograder.orphans import die_with_parent

# ---- answers reduced to definitions -------------------------------------------------------

_NUMPY = {"np", "numpy", "math"}


def _simple(node: ast.AST | None) -> bool:
    """An expression that runs no student code when evaluated: literals, names, attributes,
    containers of those, lambdas (their body runs only when called), and calls of NumPy/math
    functions on literals (`np.float32(0.5)`, `np.zeros(3)`)."""
    if node is None:
        return True
    if isinstance(node, ast.Lambda):
        return all(_simple(d) for d in node.args.defaults + node.args.kw_defaults if d)
    if isinstance(node, ast.Call):
        func = node.func
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        return (
            isinstance(func, ast.Attribute)
            and isinstance(root, ast.Name)
            and root.id in _NUMPY
            and all(_literal(a) for a in node.args)
            and all(_literal(k.value) for k in node.keywords)
        )
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, ast.Attribute):
        return _simple(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_simple(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(_simple(k) and _simple(v) for k, v in zip(node.keys, node.values, strict=True))
    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        return all(_simple(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
    return False


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _names(target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_names(e) for e in target.elts)
    return False


def _arguments_simple(args: ast.arguments) -> bool:
    return all(_simple(d) for d in args.defaults + args.kw_defaults if d)


def _keep(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return not stmt.decorator_list and _arguments_simple(stmt.args)
    if isinstance(stmt, ast.ClassDef):
        return (
            not stmt.decorator_list
            and not stmt.keywords  # no metaclass
            and all(_simple(b) for b in stmt.bases)
            and all(_keep(s) for s in stmt.body)
        )
    if isinstance(stmt, ast.Assign):
        return all(_names(t) for t in stmt.targets) and _simple(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return _names(stmt.target) and _simple(stmt.value)
    if isinstance(stmt, ast.Expr):  # a docstring or a bare constant
        return isinstance(stmt.value, ast.Constant)
    return False


def strip_magics(source: str) -> str:
    """Source with IPython magics and shell escapes (`%...`, `!...`) commented out."""
    out = []
    for line in source.splitlines():
        stripped = line.lstrip()
        out.append(f"# {line}" if stripped.startswith(("%", "!")) else line)
    return "\n".join(out)


def keep_definitions(source: str) -> tuple[str, list[str]]:
    """(the source's definitions only, ['line N: statement' for each dropped statement]).

    A source that does not parse is returned unchanged: compiling it fails the same way in
    the re-check, and no code of it runs.
    """
    source = strip_magics(source)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, []
    kept, dropped = [], []
    lines = source.splitlines()
    for stmt in tree.body:
        if _keep(stmt):
            kept.append(ast.get_source_segment(source, stmt) or ast.unparse(stmt))
        else:
            first = lines[stmt.lineno - 1].strip() if stmt.lineno <= len(lines) else ""
            dropped.append(f"line {stmt.lineno}: {first[:80]}")
    # exact source of kept statements (indentation of a top-level statement is 0)
    return "\n\n".join(kept) + "\n", dropped


# ---- the program ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    kind: str  # "code" (the master's), "answer" (the student's, reduced) or "test"
    source: str
    grade_id: str | None = None
    points: float = 0.0


def _student_cells(submission_nb, release_nb) -> tuple[dict[str, str], dict[str, str]]:
    """({answer grade_id: source}, {answer grade_id: source of the code cells the student
    added just before it}) from the submission (first occurrence of a duplicated id)."""
    known_ids = {c.get("id") for c in release_nb.cells}
    known_sources = {c.source.strip() for c in release_nb.cells}
    answers: dict[str, str] = {}
    helpers: dict[str, str] = {}
    pending: list[str] = []
    for cell in submission_nb.cells:
        if cell.get("cell_type") != "code":
            continue
        meta = nbs.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if not meta or not gid:
            source = cell.get("source", "")
            if cell.get("id") not in known_ids and source.strip() not in known_sources:
                pending.append(source)  # the student's own cell (helpers, scratch)
            continue
        if meta.get("solution") and gid not in answers:
            answers[gid] = cell.get("source", "")
            helpers[gid] = "\n\n".join(pending)
        pending = []
    return answers, helpers


def build_program(master_nb, release_nb, submission_nb) -> tuple[list[Cell], list[str]]:
    """(the cells to run, notes on what was dropped from the student's code)."""
    answers, helpers = {}, {}
    if submission_nb is not None:
        answers, helpers = _student_cells(submission_nb, release_nb)
    stubs = {nbs.grade_id(c): c.source for c in release_nb.cells if nbs.nbgrader_meta(c)}
    cells, notes = [], []
    for cell in master_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbs.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution"):
            own = answers.get(gid)
            if own is None:
                notes.append(f"{gid}: answer cell missing; the release's stub was used")
                own = stubs.get(gid, "")
            code, dropped = keep_definitions(helpers.get(gid, "") + "\n\n" + own)
            notes += [f"{gid}: re-check ignored {d}" for d in dropped]
            cells.append(Cell("answer", code, gid))
        elif meta.get("grade"):
            cells.append(Cell("test", cell.source, gid, float(meta.get("points", 0) or 0)))
        else:
            cells.append(Cell("code", cell.source))
    while cells and cells[-1].kind != "test":  # what follows the last test scores nothing
        cells.pop()
    return cells, notes


# ---- the runner (runs inside the sandbox; standard library only until the cells import) ------

RUNNER = r'''
import json, os, signal, sys
_write, _dumps, _exec, _compile, _repr = os.write, json.dumps, exec, compile, repr
spec = json.loads(sys.stdin.read())
nonce, timeout = spec["nonce"], int(spec["cell_timeout"])
out = os.dup(1)
log = os.open("recheck-output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(log, 1)
os.dup2(log, 2)
sys.stdout = open(1, "w", buffering=1, closefd=False)
sys.stderr = open(2, "w", buffering=1, closefd=False)
del spec["nonce"]


def emit(obj):
    _write(out, (nonce + " " + _dumps(obj) + "\n").encode())


def on_alarm(signum, frame):
    raise TimeoutError(f"cell ran longer than {timeout} s")


signal.signal(signal.SIGALRM, on_alarm)
WATCHED = ("builtins", "numpy", "numpy.testing", "rnnlib", "rnnlib.checks", "rnnlib.grading",
           "rnnlib._shapes", "rnnlib.gradcheck")
_seen = {}
_snap = {}


def snapshot():
    for name in WATCHED:
        mod = sys.modules.get(name)
        if mod is None or name in _seen:
            continue
        _seen[name] = mod
        state = {}
        for attr, value in list(vars(mod).items()):
            code = getattr(value, "__code__", None)
            state[attr] = (id(value), id(code) if code is not None else None)
        _snap[name] = state


def changes():
    found = []
    for name, state in _snap.items():
        mod = sys.modules.get(name)
        if mod is not _seen[name]:
            found.append(f"sys.modules[{name!r}] replaced")
            continue
        now = vars(mod)
        for attr, (oid, cid) in state.items():
            value = now.get(attr)
            code = getattr(value, "__code__", None)
            if attr not in now or id(value) != oid or (cid is not None and id(code) != cid):
                found.append(f"{name}.{attr} replaced")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("a trace or profile hook was installed")
    return found[:10]


ns = {"__name__": "__main__", "__builtins__": __builtins__}
try:
    from IPython.display import display
    ns["display"] = display
except Exception:
    pass
tampered = []
for index, cell in enumerate(spec["cells"]):
    if cell["kind"] == "answer":
        snapshot()
    ok, error = True, ""
    signal.alarm(timeout)
    try:
        _exec(_compile(cell["source"], f"<cell {index}: {cell['grade_id'] or cell['kind']}>",
                       "exec"), ns)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt fail the cell too
        ok = False
        text = str(exc).strip().splitlines()
        error = type(exc).__name__ + (": " + text[0][:300] if text else "")
    finally:
        signal.alarm(0)
    snapshot()
    if not tampered:
        tampered = changes()
    if cell["kind"] == "test":
        emit({"grade_id": cell["grade_id"], "passed": ok and not tampered, "error": error,
              "tampered": tampered})
    elif cell["kind"] == "answer" and not ok:
        emit({"answer": cell["grade_id"], "error": error})
emit({"done": True, "tampered": tampered})
os._exit(0)
'''


@dataclass
class TestResult:
    grade_id: str
    points: float
    passed: bool
    error: str = ""


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
    """The runner's lines that carry the nonce, as plain data; tests without a line failed."""
    points = {c.grade_id: c.points for c in cells if c.kind == "test"}
    seen: dict[str, TestResult] = {}
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
        elif item.get("grade_id") in points and item["grade_id"] not in seen:
            gid = item["grade_id"]
            seen[gid] = TestResult(gid, points[gid], bool(item.get("passed")), str(item["error"]))
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
    argv = [sys.executable, "-I", "-c", RUNNER]
    env = {"NBGRADER_EXECUTION": "autograde"} if autograde else {}
    if sandbox is not None:
        cmd = sandbox.command(argv, env)
        run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        from autograder.execute import kernel_env

        cmd, run_env = argv, kernel_env(autograde=autograde)
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            die_with_parent(cmd), cwd=workdir, stdin=subprocess.PIPE, stdout=out,
            stderr=subprocess.DEVNULL, env=run_env, start_new_session=True,
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
    import signal

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
