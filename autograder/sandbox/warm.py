"""Warm sandboxes: a sandboxed Python forked from a trusted process that already imported
TensorFlow, instead of a fresh interpreter that spends 7-8 s importing it.

Every graded notebook runs twice (nbgrader's run in the student's kernel, then the trusted
re-check), and each run's first cell imports Keras. A *zygote* per grading worker (zygote.py)
imports NumPy, TensorFlow, Keras, rnnlib and ipykernel once, runs no other code, and then
serves requests: for each, it forks a child that isolates itself exactly as the bubblewrap
sandbox does (isolation.py) before any code of the request runs. The process that asks
(warm_client.py, what Sandbox.command returns) passes its own stdin, stdout and stderr, then
waits for the exit status and exits with it.

    server = warm_server()     # in a grading worker; None where it cannot work
    Sandbox(workdir, limits, warm=server.socket).command([python, "-c", CODE])

Linux only, as root (mounts and namespaces), x86-64 or ARM64 (pivot_root's syscall number).
Elsewhere `start()` returns None and the sandbox uses bubblewrap.
"""

from __future__ import annotations

import atexit
import os
import platform
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.engine.orphans import die_with_parent
from autograder.sandbox import isolation
from autograder.sandbox.bwrap import Sandbox, available, sandbox_env
from autograder.sandbox.limits import NOBODY, Limits

ENV_SOCKET = "RNN_SANDBOX_WARM"  # the zygote's socket, for SandboxKernelManager in nbgrader


class Server:
    """A zygote started by this process (it dies with it)."""

    def __init__(self, proc: subprocess.Popen, folder: str):
        self.proc, self.folder = proc, folder
        self.socket = os.path.join(folder, "s")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def why_unavailable() -> str:
    """Why warm sandboxes cannot work on this machine; empty where they can."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if os.geteuid() != 0:
        return "not root (namespaces and mounts need it)"
    if isolation.SYS_PIVOT_ROOT is None:
        return f"no pivot_root syscall number for {platform.machine()}"
    return ""


def start(env: dict[str, str], timeout: float = 180) -> Server | None:
    """Start a zygote with `env` (the sandbox's environment) and wait until it has imported
    everything; None where warm sandboxes cannot work or it did not come up."""
    if why_unavailable():
        return None
    folder = tempfile.mkdtemp(prefix="rnn-warm-")  # 0700: nothing sandboxed can reach it
    home = os.path.join(folder, "home")
    os.mkdir(home)
    env = {**env, "HOME": home, "MPLCONFIGDIR": os.path.join(home, "mpl")}
    env["IPYTHONDIR"] = os.path.join(home, "ipython")
    cmd = [sys.executable, "-P", "-s", "-m", "autograder.sandbox.zygote", os.path.join(folder, "s")]
    proc = subprocess.Popen(
        die_with_parent(cmd),
        env=env,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    server = Server(proc, folder)
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready or proc.stdout.readline().strip() != b"ready":
        server.close()
        return None
    return server


# ---- this process's zygote -------------------------------------------------------------------

_warm_server: Server | None = None
_warm_failed = ""


def warm_server() -> Server | None:
    """This process's zygote (started on first use, restarted if it died, stopped at exit),
    once a probe through it ran as uid 65534; None where warm sandboxes cannot work here
    (`warm_unavailable()` says why: the grader then uses bubblewrap's cold start)."""
    global _warm_server, _warm_failed
    if _warm_server is not None and _warm_server.alive():
        return _warm_server
    if _warm_failed:
        return None
    _warm_failed = why_unavailable() or (available()[1] and "bubblewrap unavailable")
    if _warm_failed:
        return None
    server = start(sandbox_env())
    why = "the zygote did not start" if server is None else _probe(server.socket)
    if why:
        _warm_failed = why
        if server is not None:
            server.close()
        return None
    _warm_server = server
    atexit.register(server.close)
    return server


def warm_unavailable() -> str:
    return _warm_failed


def _probe(socket_path: str) -> str:
    """Why a warm sandbox does not run Python as uid 65534 with numpy and rnnlib; empty when
    it does."""
    with tempfile.TemporaryDirectory(prefix="rnn-sbx-probe-") as tmp:
        box = Sandbox(Path(tmp), Limits(), cgroups=False, warm=socket_path)
        code = "import os, numpy, rnnlib; print(os.getuid())"
        try:
            proc = subprocess.run(
                box.command([sys.executable, "-c", code]),
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"the warm sandbox did not answer ({error})"
    if proc.returncode != 0 or proc.stdout.strip() != str(NOBODY):
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"the warm sandbox cannot isolate here ({detail})"
    return ""
