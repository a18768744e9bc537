"""Run the real `nbgrader` command line, the one way the course starts it, often in a
throwaway copy of the course.

Used by `make release` (generate_assignment without touching the real gradebook), by
`rnn-course grade` (autograde in each temporary course root), by the end-to-end tests and by
the benchmarks:

    root = make_course_copy(tmp / "course-root")          # nbgrader_config.py + solutions/
    run_nbgrader(root, "generate_assignment", "*", "--force")
    intake.write(root / "submitted", Submission("alice", "02_rnn_cell", files))
    run_nbgrader(root, "autograde", "*")
    gradebook.scores(root)                                # from the gradebook
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.engine.kernel import QUIET_TENSORFLOW
from autograder.engine.orphans import die_with_parent

CONFIG_FILE = "nbgrader_config.py"
# Variables the nbgrader process must not inherit from a developer's shell: the config file
# itself must make the kernels quiet (that is what the tests check).
_UNSET = ("NBGRADER_EXECUTION", *QUIET_TENSORFLOW, "JUPYTER_CONFIG_DIR")


class NbgraderError(RuntimeError):
    """An nbgrader command exited with an error; the message holds its output."""


def make_course_copy(
    dest: Path, root: Path | None = None, assignment_ids: list[str] | None = None
) -> Path:
    """Copy nbgrader_config.py and the source of the assignments into `dest`, a new course root.

    Only the files of each assignment that belong to the course are copied
    (`notebooks.assignment_files`), so local artifacts never leak in.
    """
    root = Path(root or nbs.course_root())
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG_FILE, dest / CONFIG_FILE)
    for aid in assignment_ids if assignment_ids is not None else nbs.assignments(root):
        src = root / nbs.SOURCE_DIR / aid
        for rel in nbs.assignment_files(src):
            target = dest / nbs.SOURCE_DIR / aid / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, target)
    return dest


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for an nbgrader process: ours, minus variables the config must set."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    # as an instructor who did not activate the environment: nbgrader_config.py must find
    # `alembic` (run by nbgrader's gradebook) itself
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    env.update(extra or {})
    return env


def run_nbgrader(
    root: Path,
    *args: str,
    db_url: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    check: bool = True,
) -> NbgraderRun:
    """Run `nbgrader <args>` with `root` as working directory, as an instructor would type it.

    The one way the course starts nbgrader (`make release`, `rnn-course grade` in each
    temporary course root, the tests): in its own session, so that a timeout kills it and
    every kernel it started; killed too when this process dies (orphans.die_with_parent).
    `db_url` points the gradebook elsewhere (`--CourseDirectory.db_url`). With `check`, raises
    NbgraderError with nbgrader's output when it fails, and subprocess.TimeoutExpired when it
    ran past `timeout`; without, the result says so (`timed_out`).
    """
    cmd = [sys.executable, "-m", "nbgrader", *args]
    if db_url:
        cmd.append(f"--CourseDirectory.db_url={db_url}")
    env = env if env is not None else nbgrader_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            die_with_parent(cmd),
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
        except BaseException:  # Ctrl-C: nothing of nbgrader's may outlive us
            _kill_group(proc)
            raise
        done = NbgraderRun(cmd, proc.returncode, _tail(out), _tail(err), timed_out)
    if check and timed_out:
        raise subprocess.TimeoutExpired(cmd, timeout, done.stdout, done.stderr)
    if check and done.returncode != 0:
        raise NbgraderError(
            f"`nbgrader {' '.join(args)}` exited with {done.returncode} in {root}\n"
            f"--- stdout ---\n{done.stdout[-5000:]}\n--- stderr ---\n{done.stderr[-10000:]}"
        )
    return done


class NbgraderRun(subprocess.CompletedProcess):
    """What `subprocess.run` returns (args, returncode, stdout, stderr as text), and whether
    the run was killed at its timeout."""

    def __init__(self, args, returncode, stdout, stderr, timed_out: bool = False):
        super().__init__(args, returncode, stdout, stderr)
        self.timed_out = timed_out


OUTPUT_KEPT = 1 << 20  # bytes of each stream kept (the end: where nbgrader's errors are)


def _tail(fh) -> str:
    fh.seek(0, 2)
    fh.seek(max(0, fh.tell() - OUTPUT_KEPT))
    return fh.read().decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
