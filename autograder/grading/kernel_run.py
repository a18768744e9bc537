"""Step 2 of grading one submission: the real `nbgrader autograde` in a temporary course root,
the student's kernel in the sandbox.

    run = autograde_in_sandbox(root, task, masters, parsed, name)   # root: a template's copy

The copy of the template receives the submission under submitted/ (only the notebooks that
parsed), and nbgrader grades it there; its kernel runs in the sandbox
(sandbox/nbgrader_execute.py) with the submission's copy as its only writable folder, in the
submission's cgroups, forked from this worker's warm zygote where that works.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.engine import config, gradebook
from autograder.engine.kernel import STARTUP_TIMEOUT
from autograder.engine.nbgrader_run import nbgrader_env, run_nbgrader
from autograder.grading import recheck
from autograder.grading.intake import Submission, write
from autograder.grading.task import GradeTask
from autograder.sandbox import cgroups, kernel_manager, scratch, warm

LOG_KEPT = 20000  # characters of nbgrader's log kept for the reasons
MAX_AUTOGRADED_BYTES = 16 << 20  # an autograded notebook brought back (outputs are capped at 1 MB)


@dataclass
class KernelRun:
    """What nbgrader's run in the student's kernel gave."""

    scores: dict[str, float] | None  # {test grade_id: points}; None: nothing recorded
    notebooks: dict[str, bytes] = field(default_factory=dict)  # the autograded notebooks
    warm_socket: str | None = None  # the zygote the re-check may fork from too
    statuses: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)


def autograde_in_sandbox(
    root: Path, task: GradeTask, masters, parsed: dict, name: str
) -> KernelRun:
    """Run `nbgrader autograde` for the task's submission in the course root `root` (a copy of
    the template). `masters` names the assignment's notebooks, `parsed` holds those of the
    submission that parsed; `name` is the submission's cgroup."""
    sub, aid, limits = task.submission, task.assignment, task.limits
    config.append(root, config.SANDBOX_CONFIG)
    files = dict(sub.files)
    for nb_name in masters:  # only valid notebooks reach nbgrader
        if nb_name not in parsed:
            files.pop(f"{nb_name}.ipynb", None)
    submitted = write(root / "submitted", Submission(sub.student, aid, files))
    cgroup = name if task.isolate and cgroups.create_cgroups(name, limits) else None
    server = warm.warm_server() if task.isolate and task.warm else None
    warm_socket = server.socket if server is not None else None
    # the kernel's writable folder: a capped copy outside the course root (sandbox/scratch.py)
    box_dir = scratch.make_scratch(root.parent, submitted, limits) if task.isolate else None
    try:
        code, log, notebook_timeout = _run(root, task, cgroup, warm_socket, box_dir)
        memory = bool(cgroup) and cgroups.memory_exceeded(cgroup)
    finally:
        if cgroup:
            cgroups.destroy_cgroups(cgroup)
        if box_dir is not None:
            scratch.remove_scratch(box_dir)
    run = KernelRun(gradebook.code_scores(gradebook.sqlite_url(root), sub.student, aid))
    run.warm_socket = warm_socket
    autograded = root / "autograded" / sub.student / aid
    graded_nbs = {}
    for nb_name in parsed:
        data = read_regular_file(autograded / f"{nb_name}.ipynb", MAX_AUTOGRADED_BYTES)
        nb = recheck.read_notebook_bytes(data) if data is not None else None
        if nb is not None:  # only a notebook that parses is kept (and shown as feedback)
            run.notebooks[nb_name] = data
            graded_nbs[nb_name] = nb
        elif data is not None:
            run.statuses.add("crashed")
            run.reasons.append(f"{nb_name}: the autograded notebook is too big or invalid")
    timeouts, died = kernel_events(None, log)
    for nb in graded_nbs.values():
        t, d = kernel_events(nb, "")
        timeouts, died = timeouts or t, died or d
    statuses, reasons = run.statuses, run.reasons
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
    if run.scores is None and not (memory or notebook_timeout or timeouts or died):
        statuses.add("crashed")
        last = [ln for ln in log.splitlines() if "rror" in ln][-1:] or [f"exit {code}"]
        reasons.append(f"nbgrader could not grade it ({last[0].strip()[:160]})")
    # never silently unsandboxed: the sandboxed kernel leaves a marker when it starts
    if config.CONFIG_FAILED in log:
        statuses.add("crashed")
        reasons.append("the grading configuration failed to load (see nbgrader's log)")
    if task.isolate and run.scores and not (root / kernel_manager.MARKER_NAME).exists():
        statuses.add("sandbox-unavailable")
        reasons.append("NOT ISOLATED: nbgrader did not start the sandboxed kernel")
    return run


def read_regular_file(path: Path, cap: int) -> bytes | None:
    """The bytes of `path` when it is a regular file (opened without following a link in its
    last component), up to cap + 1 bytes; None when it is missing, a link or not a file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return fh.read(cap + 1)


def _run(
    root: Path,
    task: GradeTask,
    cgroup: str | None,
    warm_socket: str | None,
    box_dir: Path | None,
) -> tuple[int, str, bool]:
    """(exit status, log tail, timed out) of `nbgrader autograde` in the temporary root."""
    limits = task.limits
    env = nbgrader_env(
        {
            kernel_manager.ENV_MARKER: str(root / kernel_manager.MARKER_NAME),
            kernel_manager.ENV_LIMITS: limits.env_value(),
            kernel_manager.ENV_CGROUP: cgroup or "",
            kernel_manager.ENV_OFF: "0" if task.isolate else "1",
            warm.ENV_SOCKET: warm_socket or "",
            kernel_manager.ENV_OUTPUT_KB: str(limits.output_kb),
            kernel_manager.ENV_SCRATCH: str(box_dir or ""),
        }
    )
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = run_nbgrader(
        root,
        "autograde",
        task.assignment,
        f"--student={task.submission.student}",
        # the cell limit of this batch (--timeout-cell), over nbgrader_config.py's CELL_TIMEOUT
        f"--Execute.timeout={limits.cell_timeout}",
        # a sandboxed kernel starts as slowly as a plain one (TensorFlow wheels): the same limit
        f"--Execute.startup_timeout={STARTUP_TIMEOUT}",
        "--force",  # grade even where autograded/ has a copy (none does in a fresh root)
        env=env,
        timeout=limits.notebook_timeout,
        check=False,
    )
    log = (done.stdout + done.stderr)[-LOG_KEPT:]
    return done.returncode, log, done.timed_out


def kernel_events(autograded_nb, log: str) -> tuple[bool, bool]:
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
