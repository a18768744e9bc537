"""A Jupyter kernel inside the sandbox: the kernel manager nbgrader's Execute (nbgrader_execute.py)
and `rnn-course check` use, talking IPC through sockets in a folder the sandbox shares.

The grader hands its settings to the nbgrader process through the environment (ENV_*): the
limits, the submission's cgroup, the warm zygote's socket, and a marker file the kernel
manager creates when it really started a sandbox.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from traitlets import default

from autograder.engine.kernel import IPCKernelManager
from autograder.sandbox.bwrap import Sandbox, sandbox_env
from autograder.sandbox.limits import Limits
from autograder.sandbox.warm import ENV_SOCKET

# Environment variables the grader gives the nbgrader process, read by SandboxKernelManager.
ENV_WORKDIR_ROOT = "RNN_SANDBOX_ROOT"  # the folder holding the kernel's working folder
ENV_LIMITS = "RNN_SANDBOX_LIMITS"  # "memory_mb,pids,file_mb,tmp_mb"
ENV_CGROUP = "RNN_SANDBOX_CGROUP"  # name of the submission's cgroup (empty: none)
ENV_OFF = "RNN_SANDBOX_OFF"  # "1": no isolation (platform without bwrap), said loudly
ENV_MARKER = "RNN_SANDBOX_MARKER"  # a file the kernel manager creates when it starts a sandbox
ENV_OUTPUT_KB = "RNN_SANDBOX_OUTPUT_KB"  # output kept per notebook (nbgrader_execute.py)
ENV_SCRATCH = "RNN_SANDBOX_SCRATCH"  # the host folder the kernel sees at its cwd (scratch.py)
MARKER_NAME = ".sandboxed-kernel-started"

# The kernel: with -P and ignore_cwd the working folder is not on the import path at all, so a
# submission's own `rnnlib/`, `numpy/` or `sitecustomize.py` never shadows the installed ones
# (the editable install's finder comes after sys.path); -s: no user site-packages.
KERNEL_ARGS = (
    "-P",
    "-s",
    "-m",
    "ipykernel_launcher",
    "--InteractiveShellApp.ignore_cwd=True",
    "--HistoryManager.enabled=False",
    "--IPKernelApp.log_level=CRITICAL",  # no connection banner on the grader's terminal
)


class SandboxKernelManager(IPCKernelManager):
    """A kernel started inside a Sandbox whose workdir is the kernel's working folder.

    Reads its limits and cgroup from the environment the grader gave the nbgrader process
    (ENV_LIMITS, ENV_CGROUP); with ENV_OFF=1 it starts the same kernel without isolation.
    Interrupts go as messages (a signal does not cross the sandbox's PID namespace).
    """

    @default("ip")
    def _ip_default(self):
        # the sockets live in a folder shared with the sandbox (created in pre_start)
        self._socket_dir = tempfile.mkdtemp(prefix="rnnk-")
        os.chmod(self._socket_dir, 0o755)
        return os.path.join(self._socket_dir, "k")

    async def _async_pre_start_kernel(self, **kw):
        self.transport = "ipc"
        _ = self.ip  # creates the socket folder
        self.connection_file = os.path.join(self._socket_dir, "kernel.json")
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        self.kernel_spec.interrupt_mode = "message"
        os.chmod(self.connection_file, 0o644)
        launcher = [sys.executable, *KERNEL_ARGS]
        launcher += [f"--IPKernelApp.connection_file={self.connection_file}"]
        return launcher, kw

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        env = dict(kw.get("env") or os.environ)
        workdir = Path(kw.get("cwd") or os.getcwd())
        if os.environ.get(ENV_OFF) == "1":
            kw["env"] = {**sandbox_env(), "HOME": str(workdir), "IPYTHONDIR": str(workdir / ".ipy")}
            if env.get("NBGRADER_EXECUTION"):
                kw["env"]["NBGRADER_EXECUTION"] = env["NBGRADER_EXECUTION"]
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        limits = Limits.from_env_value(os.environ.get(ENV_LIMITS, Limits().env_value()))
        if os.environ.get(ENV_MARKER):  # tells the grader the sandbox was really used
            Path(os.environ[ENV_MARKER]).touch()
        # the kernel writes to a scratch copy seen at `workdir`, never to the folder where
        # nbgrader, as root, then writes the autograded notebook (sandbox/scratch.py)
        box = Sandbox(
            workdir,
            limits,
            cgroups=False,
            shared=(Path(self._socket_dir),),
            warm=os.environ.get(ENV_SOCKET) or None,
            source=os.environ.get(ENV_SCRATCH) or None,
        )
        box.cgroup = os.environ.get(ENV_CGROUP) or None
        extra = {}
        if env.get("NBGRADER_EXECUTION"):
            extra["NBGRADER_EXECUTION"] = env["NBGRADER_EXECUTION"]
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # for bwrap itself
        return await super()._async_launch_kernel(box.command(kernel_cmd, extra), **kw)
