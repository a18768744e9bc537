"""Grade one submission, start to finish, in a private temporary course root: the task that
`rnn-course grade` hands to its workers.

    result = grade_submission(GradeTask(submission, "02_rnn_cell", template, limits))

The task and its result are plain data (a submission's files as bytes in, numbers and strings
out), so any `concurrent.futures` executor can run it: the local process pool, or a cluster's.
Steps:

1. the submission's notebooks are read (a file that is not a notebook: `invalid-notebook`) and
   compared with the release (tamper.py);
2. a copy of the template course root (nbgrader_config.py, the assignment's source, a
   gradebook holding only the assignment) receives it under submitted/, and the real
   `nbgrader autograde` grades it there; its kernel runs in the sandbox (sandbox.py) with the
   submission's copy as its only writable folder;
3. the trusted re-check (recheck.py) runs the master tests against the answers in a second
   sandbox; a test's points count only when both runs award them, and a test that passed
   in the student's kernel but fails the re-check makes the status `tampered`;
4. the status and reason are decided, and the temporary root is removed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import notebooks as nbs
from autograder import recheck, sandbox, tamper, warm
from autograder.orphans import die_with_parent
from autograder.submissions import Submission, safe_relpath, write

# Worst first: the status of a submission is the first that applies.
STATUSES = (
    "missing",  # no notebook of the assignment in the submission
    "invalid-notebook",  # a file that does not parse as a notebook
    "tampered",  # a kernel hook, a shipped package, or the kernel's score not confirmed
    "memory",  # the memory limit was hit
    "timeout",  # a cell or the whole notebook ran out of time
    "crashed",  # the kernel died, or nbgrader could not grade it
    "sandbox-unavailable",  # graded, but without isolation on this platform
    "ok",
)

SANDBOX_CONFIG = """

# ---- added by rnn-course grade: the kernel runs in the sandbox (autograder/sandbox.py) ----
from nbgrader.converters import Autograde as _Autograde
from nbgrader.preprocessors import Execute as _Execute

from autograder.sandbox import sandboxed_execute_class as _sandboxed

_default = _Autograde.class_traits()["autograde_preprocessors"].default()
c.Autograde.autograde_preprocessors = [_sandboxed() if p is _Execute else p for p in _default]
"""
# nbgrader logs a config file that fails to load and goes on with its defaults: unsandboxed.
_CONFIG_FAILED = "Exception while loading config file"


@dataclass(frozen=True)
class GradeTask:
    submission: Submission
    assignment: str
    template: str  # the template course root (see batch.make_template)
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    isolate: bool = True  # False where the sandbox is unavailable (said in the status)
    warm: bool = True  # fork kernels and re-checks from a zygote where it works (warm.py)
    work_root: str | None = None  # where temporary course roots go (default: the system's)


@dataclass
class TestScore:
    grade_id: str
    notebook: str
    max_score: float
    kernel: float | None  # what nbgrader's run in the student's kernel gave
    counted: float  # what counts: the kernel's points that the re-check confirmed
    error: str = ""


@dataclass
class GradeResult:
    student: str
    assignment: str
    status: str
    reason: str
    score: float
    max_score: float
    kernel_score: float | None
    manual_pending: float
    tests: list[dict] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    notebooks: dict[str, bytes] = field(default_factory=dict)  # autograded notebooks
    digest: str = ""
    seconds: float = 0.0
    sandboxed: bool = True

    def exercises(self) -> dict[str, tuple[float, float]]:
        """{exercise grade_id: (points, max)} from the tests `<exercise>__<aspect>`."""
        out: dict[str, tuple[float, float]] = {}
        for t in self.tests:
            ex = t["grade_id"].split("__")[0]
            got, top = out.get(ex, (0.0, 0.0))
            out[ex] = (got + t["counted"], top + t["max_score"])
        return out


def _master(template: Path, assignment: str) -> dict[str, tuple]:
    """{notebook name: (master nb, release nb)} from the template course root."""
    out = {}
    for path in nbs.notebooks(template, nbs.SOURCE_DIR, assignment):
        release = template / nbs.RELEASE_DIR / assignment / path.name
        out[path.stem] = (nbs.read(path), nbs.read(release))
    return out


def _max_points(master_nb) -> tuple[list[tuple[str, float]], float]:
    """([(test grade_id, points)], points of the manually graded cells)."""
    tests, manual = [], 0.0
    for cell in master_nb.cells:
        meta = nbs.nbgrader_meta(cell)
        if nbs.is_test(cell):
            tests.append((meta["grade_id"], float(meta.get("points", 0) or 0)))
        elif nbs.is_written_answer(cell):
            manual += float(meta.get("points", 0) or 0)
    return tests, manual


def kernel_scores(root: Path, student: str, assignment: str) -> dict[str, float] | None:
    """{test grade_id: auto_score} that nbgrader recorded in the temporary root's gradebook,
    or None when it recorded no submission (nbgrader failed on it)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "rnn-course") as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            g.cell.name: float(g.auto_score or 0.0)
            for nb in sub.notebooks
            for g in nb.grades
            if g.cell_type == "code" and g.auto_score is not None
        }


def _run_nbgrader(
    root: Path, task: GradeTask, cgroup: str | None, warm_socket: str | None
) -> tuple[int, str, bool]:
    """(exit status, log tail, timed out) of `nbgrader autograde` in the temporary root."""
    from autograder.nbgrader_run import nbgrader_env

    limits = task.limits
    env = nbgrader_env(
        {
            sandbox.ENV_MARKER: str(root / sandbox.MARKER_NAME),
            sandbox.ENV_LIMITS: limits.env_value(),
            sandbox.ENV_CGROUP: cgroup or "",
            sandbox.ENV_OFF: "0" if task.isolate else "1",
            warm.ENV_SOCKET: warm_socket or "",
            "RNN_SANDBOX_OUTPUT_KB": str(limits.output_kb),
        }
    )
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    cmd = [
        sys.executable, "-m", "nbgrader", "autograde", task.assignment,
        f"--student={task.submission.student}", f"--Execute.timeout={limits.cell_timeout}",
        "--Execute.startup_timeout=120", "--force",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            die_with_parent(cmd), cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        timed_out = False
        try:
            proc.wait(timeout=limits.notebook_timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait()
        log.seek(0, 2)
        log.seek(max(0, log.tell() - 20000))
        tail = log.read().decode("utf-8", "replace")
    return proc.returncode, tail, timed_out


def _kernel_events(autograded_nb, log: str) -> tuple[bool, bool]:
    """(a cell timed out, the kernel died), from the autograded notebook and nbgrader's log."""
    timeout = "CellTimeoutError" in log or "Timeout waiting for execute reply" in log
    died = bool(re.search(r"DeadKernelError|Kernel died|kernel.*(died|restarted)", log, re.I))
    if autograded_nb is not None:
        for cell in autograded_nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    timeout |= out.get("ename") == "CellTimeoutError"
                    died |= out.get("ename") == "DeadKernelError"
    return timeout, died


def grade_submission(task: GradeTask) -> GradeResult:
    """Grade one submission; never raises for anything the submission does."""
    start = time.perf_counter()
    sub, aid = task.submission, task.assignment
    template = Path(task.template)
    masters = _master(template, aid)
    tests: list[TestScore] = []
    manual = 0.0
    for name, (master_nb, _) in masters.items():
        ids, pts = _max_points(master_nb)
        manual += pts
        tests += [TestScore(gid, name, p, None, 0.0, "not graded") for gid, p in ids]
    result = GradeResult(
        student=sub.student, assignment=aid, status="ok", reason="", score=0.0,
        max_score=sum(t.max_score for t in tests), kernel_score=None, manual_pending=manual,
        digest=sub.digest(), sandboxed=task.isolate,
    )  # fmt: skip
    reasons: list[str] = []
    statuses: set[str] = set()
    given = sub.notebooks()
    parsed = {}
    for name in masters:
        if name not in given:
            reasons.append(f"{name}.ipynb missing")
            continue
        nb = recheck.read_notebook_bytes(given[name])
        if nb is None:
            statuses.add("invalid-notebook")
            reasons.append(f"{name}.ipynb is not a valid notebook")
        else:
            parsed[name] = nb
    if not given:
        statuses.add("missing")
    findings = tamper.shipped_code(list(sub.files))
    for name, nb in parsed.items():
        found = tamper.compare_cells(masters[name][1], nb, name)
        findings.serious += found.serious
        findings.review += found.review
    if findings.serious:
        statuses.add("tampered")
    if parsed:
        result.notebooks = _grade_in_sandbox(task, masters, parsed, tests, statuses, reasons)
    if not task.isolate:
        statuses.add("sandbox-unavailable")
        reasons.append("NOT ISOLATED: bubblewrap unavailable on this machine")
    result.tests = [asdict(t) for t in tests]
    result.score = sum(t.counted for t in tests)
    kernel = [t.kernel for t in tests if t.kernel is not None]
    result.kernel_score = sum(kernel) if kernel else None
    result.findings = findings.serious + findings.review
    result.status = next(s for s in STATUSES if s in statuses or s == "ok")
    if findings.serious:
        reasons.insert(0, findings.serious[0])
    result.reason = "; ".join(dict.fromkeys(reasons))[:500]
    result.seconds = round(time.perf_counter() - start, 2)
    return result


def _grade_in_sandbox(task, masters, parsed, tests, statuses, reasons) -> dict[str, bytes]:
    """Steps 2 and 3: nbgrader in a temporary root with a sandboxed kernel, then the re-check.
    Fills in `tests`, `statuses` and `reasons`; returns the autograded notebooks' bytes."""
    autograded_bytes: dict[str, bytes] = {}
    sub, aid, limits = task.submission, task.assignment, task.limits
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-", dir=task.work_root))
    name = f"g-{uuid.uuid4().hex[:12]}"
    root = work / "root"
    try:
        shutil.copytree(task.template, root, ignore=shutil.ignore_patterns(nbs.RELEASE_DIR))
        with open(root / "nbgrader_config.py", "a") as fh:
            fh.write(SANDBOX_CONFIG)
        files = {rel: data for rel, data in sub.files.items()}
        for nb_name in masters:  # only valid notebooks reach nbgrader
            if nb_name not in parsed:
                files.pop(f"{nb_name}.ipynb", None)
        write(root / "submitted", Submission(sub.student, aid, files))
        cgroup = name if task.isolate and sandbox.create_cgroups(name, limits) else None
        server = sandbox.warm_server() if task.isolate and task.warm else None
        warm_socket = server.socket if server is not None else None
        try:
            code, log, notebook_timeout = _run_nbgrader(root, task, cgroup, warm_socket)
            memory = bool(cgroup) and sandbox.memory_exceeded(cgroup)
        finally:
            if cgroup:
                sandbox.destroy_cgroups(cgroup)
        scores = kernel_scores(root, sub.student, aid)
        autograded = root / "autograded" / sub.student / aid
        graded_nbs = {}
        for nb_name in parsed:
            path = autograded / f"{nb_name}.ipynb"
            if path.is_file():
                autograded_bytes[nb_name] = path.read_bytes()
                graded_nbs[nb_name] = nbs.read(path)
        timeouts, died = _kernel_events(None, log)
        for nb in graded_nbs.values():
            t, d = _kernel_events(nb, "")
            timeouts, died = timeouts or t, died or d
        if memory:
            statuses.add("memory")
            reasons.append(f"memory limit ({limits.memory_mb} MB) hit")
        if notebook_timeout:
            statuses.add("timeout")
            reasons.append(f"notebook ran longer than {limits.notebook_timeout} s")
        elif timeouts:
            statuses.add("timeout")
            reasons.append(f"a cell ran longer than {limits.cell_timeout} s")
        if died and not memory:
            statuses.add("crashed")
            reasons.append("the kernel died")
        if scores is None and not (memory or notebook_timeout or timeouts or died):
            statuses.add("crashed")
            last = [ln for ln in log.splitlines() if "rror" in ln][-1:] or [f"exit {code}"]
            reasons.append(f"nbgrader could not grade it ({last[0].strip()[:160]})")
        for t in tests:
            t.kernel = (scores or {}).get(t.grade_id, 0.0) if t.notebook in parsed else None
        # never silently unsandboxed: the sandboxed kernel leaves a marker when it starts
        if _CONFIG_FAILED in log:
            statuses.add("crashed")
            reasons.append("the grading configuration failed to load (see nbgrader's log)")
        if task.isolate and scores and not (root / sandbox.MARKER_NAME).exists():
            statuses.add("sandbox-unavailable")
            reasons.append("NOT ISOLATED: nbgrader did not start the sandboxed kernel")

        # the trusted re-check, one notebook at a time, in a fresh sandbox
        for nb_name, nb in parsed.items():
            master_nb, release_nb = masters[nb_name]
            cells, notes = recheck.build_program(master_nb, release_nb, nb)
            rdir = work / f"recheck-{nb_name}"
            rdir.mkdir()
            for rel, data in sub.files.items():  # saved models for fit_or_load
                clean = safe_relpath(rel)
                if clean and not clean.endswith(".ipynb"):  # never on the import path (-I)
                    (rdir / clean).parent.mkdir(parents=True, exist_ok=True)
                    (rdir / clean).write_bytes(data)
            box = (
                sandbox.Sandbox(rdir, limits, name=f"{name}-r", warm=warm_socket)
                if task.isolate
                else None
            )
            try:
                rc = recheck.run(
                    cells, rdir, cell_timeout=limits.cell_timeout,
                    total_timeout=limits.notebook_timeout, sandbox=box,
                )  # fmt: skip
            finally:
                if box is not None:
                    box.close()
            by_id = {r.grade_id: r for r in rc.tests}
            if rc.tampered:
                statuses.add("tampered")
                reasons.append(f"{nb_name}: re-check saw {rc.tampered[0]}")
            if rc.memory and "memory" not in statuses:
                statuses.add("memory")
                reasons.append(f"re-check hit the memory limit ({limits.memory_mb} MB)")
            if rc.timed_out and "timeout" not in statuses:
                statuses.add("timeout")
                reasons.append("re-check ran out of time")
            for t in tests:
                if t.notebook != nb_name:
                    continue
                r = by_id.get(t.grade_id)
                confirmed = t.max_score if r is not None and r.passed else 0.0
                # a point counts only when the trusted re-check confirms what the kernel gave
                t.counted = min(confirmed, t.kernel or 0.0)
                t.error = "" if r is None or r.passed else r.error
                if t.kernel is not None and t.kernel > t.counted:
                    statuses.add("tampered")
                    reasons.append(
                        f"{t.grade_id}: {t.kernel:g} points in the student's kernel, "
                        f"{t.counted:g} in the re-check ({t.error[:80]})"
                    )
            if notes:
                reasons.append(notes[0])
    except Exception as error:  # noqa: BLE001 - the grader's own failure, never the batch's
        statuses.add("crashed")
        reasons.append(f"grader error: {type(error).__name__}: {error}"[:300])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return autograded_bytes
