"""The sandbox a submission's code runs in: bubblewrap, cgroups and resource limits.

    box = Sandbox(workdir, limits, name="alice-02_rnn_cell")   # creates the cgroups
    cmd = box.command([python, "-c", "..."])                    # wrap any command
    ... run it ...
    box.close()                                                  # kill what is left, clean up

Inside, the process sees: a read-only Python (the interpreter's prefix, the virtual
environment) and rnnlib; `workdir` (a private copy of one submission) read-write; a private
/tmp of limited size; nothing of the course root, solutions/, the gradebook or other students.
It runs as uid 65534 with every namespace unshared (no network, its own PIDs: everything it
started dies with it), TensorFlow quiet, and caps on memory and processes (cgroup v1) and on
the size of a file it writes. Debian's `bubblewrap` does the isolation (tools/ensure-bwrap.sh);
where it cannot run, `available()` says why and the grader reports `sandbox-unavailable`.

SandboxKernelManager starts a Jupyter kernel this way (nbgrader's Execute and
`rnn-course check` use it), talking IPC through sockets in a folder the sandbox shares.

With `warm=` (a zygote's socket, see warm.py and `warm_server()`), a Python command runs in
the same isolation built by a fork of a process that already imported TensorFlow, instead of
a fresh interpreter under bubblewrap: 7-8 s less per kernel and per re-check.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from traitlets import default

from autograder import warm
from autograder.execute import QUIET_TENSORFLOW, REPRODUCIBLE, IPCKernelManager

NOBODY = warm.NOBODY  # uid and gid of the sandboxed process, in both sandboxes
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_PARENT = "rnn-course-grade"
# Environment variables the grader gives the nbgrader process, read by SandboxKernelManager.
ENV_WORKDIR_ROOT = "RNN_SANDBOX_ROOT"  # the folder holding the kernel's working folder
ENV_LIMITS = "RNN_SANDBOX_LIMITS"  # "memory_mb,pids,file_mb,tmp_mb"
ENV_CGROUP = "RNN_SANDBOX_CGROUP"  # name of the submission's cgroup (empty: none)
ENV_OFF = "RNN_SANDBOX_OFF"  # "1": no isolation (platform without bwrap), said loudly
ENV_MARKER = "RNN_SANDBOX_MARKER"  # a file the kernel manager creates when it starts a sandbox
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


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    memory_mb: int = 3072  # TensorFlow + a small Keras model need about 1 GB
    pids: int = 256  # processes and threads (TensorFlow starts a thread pool per core)
    file_mb: int = 256  # the largest file it may write
    tmp_mb: int = 512  # its private /tmp
    cell_timeout: int = 300  # seconds per cell (autograder.execute.CELL_TIMEOUT)
    notebook_timeout: int = 1800  # seconds for the whole notebook
    output_kb: int = 1024  # output kept per notebook; the rest is cut with a note

    def env_value(self) -> str:
        return f"{self.memory_mb},{self.pids},{self.file_mb},{self.tmp_mb}"

    @classmethod
    def from_env_value(cls, value: str) -> Limits:
        memory_mb, pids, file_mb, tmp_mb = (int(v) for v in value.split(","))
        return cls(memory_mb=memory_mb, pids=pids, file_mb=file_mb, tmp_mb=tmp_mb)


# ---- what the sandbox can see ---------------------------------------------------------------


def _package_dir(name: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


@functools.cache
def readonly_paths() -> tuple[str, ...]:
    """Host paths bound read-only at the same place: the system, Python, the venv, rnnlib."""
    paths = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32"]
    paths += [sys.base_prefix, sys.prefix, sysconfig.get_paths()["purelib"]]
    paths.append(str(Path(sys.executable).resolve().parent))
    rnnlib = _package_dir("rnnlib")  # an editable install points into the repository
    if rnnlib is not None:
        paths.append(str(rnnlib))
    out: list[str] = []
    for p in paths:
        real = os.path.realpath(p)
        if os.path.exists(real) and real not in out:
            out.append(real)
    # a path inside another one is bound by it already
    return tuple(p for p in out if not any(p != q and p.startswith(q + "/") for q in out))


def top_level_links() -> tuple[tuple[str, str], ...]:
    """(target, link) for the merged-/usr links (/bin -> usr/bin, /lib64 -> usr/lib64...)."""
    names = ("/bin", "/sbin", "/lib", "/lib64", "/lib32")
    return tuple((os.readlink(n), n) for n in names if os.path.islink(n))


def bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def available() -> tuple[bool, str]:
    """(True, "") when the sandbox works here, else (False, why)."""
    exe = bwrap()
    if exe is None:
        return False, "bubblewrap (bwrap) is not installed: run tools/ensure-bwrap.sh as root"
    with tempfile.TemporaryDirectory(prefix="rnn-sbx-probe-") as tmp:
        cmd = Sandbox(Path(tmp), Limits(), cgroups=False).command(
            [sys.executable, "-c", "import os, numpy, rnnlib; print(os.getuid())"]
        )
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return False, f"bubblewrap cannot start here ({error})"
    if proc.returncode != 0 or proc.stdout.strip() != str(NOBODY):
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return False, f"bubblewrap cannot isolate here ({detail})"
    return True, ""


def sandbox_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment inside the sandbox (nothing else of the grader's leaks in)."""
    venv_bin = str(Path(sys.executable).parent)
    env = {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "IPYTHONDIR": "/tmp/home/.ipython",
        "MPLCONFIGDIR": "/tmp/home/.matplotlib",
        "JUPYTER_CONFIG_DIR": "/tmp/home/.jupyter",
        "JUPYTER_DATA_DIR": "/tmp/home/.jupyter-data",
        "RNN_COURSE_CACHE": "/tmp/home/.cache/rnn-course",
        "KERAS_HOME": "/tmp/home/.keras",
        "MPLBACKEND": "Agg",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        **QUIET_TENSORFLOW,
        **REPRODUCIBLE,
    }
    env.update(extra or {})
    return env


# ---- cgroups (v1: memory and pids controllers) ----------------------------------------------


def _cgroup_dir(controller: str, name: str) -> Path:
    return CGROUP_ROOT / controller / CGROUP_PARENT / name


def cgroups_available() -> bool:
    for controller in ("memory", "pids"):
        base = CGROUP_ROOT / controller
        if not (base / "cgroup.procs").exists() or not os.access(base, os.W_OK):
            return False
    return True


def create_cgroups(name: str, limits: Limits) -> bool:
    """Create the submission's memory and pids cgroups with its limits; False if impossible."""
    if not cgroups_available():
        return False
    try:
        mem = _cgroup_dir("memory", name)
        mem.mkdir(parents=True, exist_ok=True)
        (mem / "memory.limit_in_bytes").write_text(str(limits.memory_mb << 20))
        swap = mem / "memory.memsw.limit_in_bytes"
        if swap.exists():  # no swapping around the limit
            try:
                swap.write_text(str(limits.memory_mb << 20))
            except OSError:
                pass
        pids = _cgroup_dir("pids", name)
        pids.mkdir(parents=True, exist_ok=True)
        (pids / "pids.max").write_text(str(limits.pids))
    except OSError:
        destroy_cgroups(name)
        return False
    return True


def cgroup_procs(name: str) -> list[Path]:
    return [_cgroup_dir(c, name) / "cgroup.procs" for c in ("memory", "pids")]


def memory_exceeded(name: str) -> bool:
    """Did the submission hit its memory limit (the kernel killed or an allocation refused)?"""
    mem = _cgroup_dir("memory", name)
    try:
        oom = (mem / "memory.oom_control").read_text()
        lines = [ln.split() for ln in oom.splitlines()]
        kills = int(next((ln[1] for ln in lines if ln[0] == "oom_kill"), 0))
        failcnt = int((mem / "memory.failcnt").read_text())
    except (OSError, ValueError):
        return False
    return kills > 0 or failcnt > 0


def kill_cgroup(name: str) -> int:
    """SIGKILL every process left in the submission's cgroups; returns how many there were."""
    killed = 0
    for procs in cgroup_procs(name):
        for _ in range(20):
            try:
                pids = [int(p) for p in procs.read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            import time

            time.sleep(0.05)
    return killed


def destroy_cgroups(name: str) -> None:
    kill_cgroup(name)
    for controller in ("memory", "pids"):
        try:
            _cgroup_dir(controller, name).rmdir()
        except OSError:
            pass


# ---- the sandbox -------------------------------------------------------------------------------


class Sandbox:
    """Wraps commands so that they run isolated, with `workdir` as their only writable folder
    (plus `shared`, folders bound read-write at the same path, e.g. for kernel sockets)."""

    def __init__(
        self,
        workdir: Path,
        limits: Limits,
        *,
        name: str | None = None,
        cgroups: bool = True,
        shared: tuple[Path, ...] = (),
        warm: str | None = None,
    ):
        self.workdir = Path(workdir).resolve()
        self.warm = warm
        self.limits = limits
        self.shared = tuple(Path(p).resolve() for p in shared)
        self.name = name or f"sbx-{uuid.uuid4().hex[:12]}"
        self.cgroup = self.name if cgroups and create_cgroups(self.name, limits) else None

    def command(self, argv: list[str], env: dict[str, str] | None = None) -> list[str]:
        """`argv` wrapped: limits, cgroups, then bubblewrap (or, for a Python command with a
        warm zygote, the request to fork it isolated); run it from any folder."""
        run = warm.payload(argv) if self.warm else None
        if run is not None:
            return warm.client_command(self.warm, self.warm_request(run, env))
        exe = bwrap() or "bwrap"
        cmd = [exe, "--unshare-all", "--die-with-parent", "--new-session"]
        cmd += ["--uid", str(NOBODY), "--gid", str(NOBODY)]
        # the private /tmp first: a checkout under /tmp (its venv, rnnlib) is bound onto it
        cmd += ["--size", str(self.limits.tmp_mb << 20), "--tmpfs", "/tmp"]
        cmd += ["--dir", "/tmp/home"]
        for path in readonly_paths():
            cmd += ["--ro-bind", path, path]
        for target, link in top_level_links():
            cmd += ["--symlink", target, link]
        cmd += ["--dev", "/dev", "--proc", "/proc"]
        cmd += ["--bind", str(self.workdir), str(self.workdir)]
        for path in self.shared:
            cmd += ["--bind", str(path), str(path)]
        cmd += ["--remount-ro", "/", "--chdir", str(self.workdir), "--clearenv"]
        for key, value in sandbox_env(env).items():
            cmd += ["--setenv", key, value]
        cmd += ["--", *argv]
        prlimit = shutil.which("prlimit")
        if prlimit:  # the largest file it may write, and no core dumps
            cmd = [prlimit, f"--fsize={self.limits.file_mb << 20}", "--core=0", *cmd]
        if self.cgroup:  # join the cgroups first, then become the sandbox
            procs = [str(p) for p in cgroup_procs(self.cgroup)]
            script = 'for f in "$1" "$2"; do echo $$ > "$f" || exit 97; done; shift 2; exec "$@"'
            cmd = ["/bin/sh", "-c", script, "sh", *procs, *cmd]
        return cmd

    def warm_request(self, run: dict, env: dict[str, str] | None) -> dict:
        """What the zygote needs to build this sandbox around `run` (warm.py)."""
        return {
            "run": run,
            "cwd": str(self.workdir),
            "env": sandbox_env(env),
            "readonly": list(readonly_paths()),
            "links": [list(link) for link in top_level_links()],
            "writable": [str(self.workdir), *(str(p) for p in self.shared)],
            "tmp_bytes": self.limits.tmp_mb << 20,
            "file_bytes": self.limits.file_mb << 20,
            "cgroup_procs": [str(p) for p in cgroup_procs(self.cgroup)] if self.cgroup else [],
        }

    def memory_exceeded(self) -> bool:
        return bool(self.cgroup) and memory_exceeded(self.cgroup)

    def close(self) -> int:
        """Kill whatever the sandbox left running and remove its cgroups; returns the count."""
        if not self.cgroup:
            return 0
        killed = kill_cgroup(self.cgroup)
        destroy_cgroups(self.cgroup)
        return killed


# ---- this process's zygote for warm sandboxes ---------------------------------------------------

_warm_server: warm.Server | None = None
_warm_failed = ""


def warm_server() -> warm.Server | None:
    """This process's zygote (started on first use, restarted if it died, stopped at exit),
    once a probe through it ran as uid 65534; None where warm sandboxes cannot work here
    (`warm_unavailable()` says why: the grader then uses bubblewrap's cold start)."""
    global _warm_server, _warm_failed
    if _warm_server is not None and _warm_server.alive():
        return _warm_server
    if _warm_failed:
        return None
    _warm_failed = warm.why_unavailable() or (available()[1] and "bubblewrap unavailable")
    if _warm_failed:
        return None
    server = warm.start(sandbox_env())
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
                box.command([sys.executable, "-c", code]), capture_output=True, text=True,
                timeout=60,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"the warm sandbox did not answer ({error})"
    if proc.returncode != 0 or proc.stdout.strip() != str(NOBODY):
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"the warm sandbox cannot isolate here ({detail})"
    return ""


# ---- a Jupyter kernel inside the sandbox -------------------------------------------------------


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
        box = Sandbox(
            workdir, limits, cgroups=False, shared=(Path(self._socket_dir),),
            warm=os.environ.get(warm.ENV_SOCKET) or None,
        )  # fmt: skip
        box.cgroup = os.environ.get(ENV_CGROUP) or None
        extra = {}
        if env.get("NBGRADER_EXECUTION"):
            extra["NBGRADER_EXECUTION"] = env["NBGRADER_EXECUTION"]
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # for bwrap itself
        return await super()._async_launch_kernel(box.command(kernel_cmd, extra), **kw)


def sandboxed_execute_class():
    """nbgrader's Execute preprocessor with the sandboxed kernel and an output cap.

    nbgrader's Execute forces `kernel_manager_class` in its constructor, over any config, so
    the grader swaps in this subclass (in the temporary course root's nbgrader_config.py).
    """
    from nbformat import v4
    from nbgrader.preprocessors import Execute

    class SandboxedExecute(Execute):
        def __init__(self, *args, **kwargs):
            kwargs["kernel_manager_class"] = SandboxKernelManager
            super().__init__(*args, **kwargs)
            self._output_bytes = 0
            limits = os.environ.get("RNN_SANDBOX_OUTPUT_KB")
            self._output_cap = int(limits) << 10 if limits else 1 << 20
            self._capped = False

        async def _async_handle_timeout(self, timeout, cell=None):
            reply = await super()._async_handle_timeout(timeout, cell)
            # Code that ignores the interrupt (SIGINT masked, a loop in C) keeps the kernel
            # busy, and every later cell would wait its full timeout: stop the kernel instead
            # (the following cells then fail at once, and the submission is `timeout`).
            if self.km is not None and not await self._idle_within(15):
                self.log.error("The kernel ignored the interrupt: stopping it")
                await self.km.shutdown_kernel(now=True)
            return reply

        async def _idle_within(self, seconds: float) -> bool:
            """Does the kernel answer a kernel_info request (so it is not busy) in time?"""
            import time as _time

            msg_id = self.kc.kernel_info()
            deadline = _time.monotonic() + seconds
            while _time.monotonic() < deadline:
                left = max(0.1, deadline - _time.monotonic())
                try:
                    msg = await self.kc.get_shell_msg(timeout=left)
                except Exception:  # noqa: BLE001 - no answer (queue.Empty, a closed channel)
                    return False
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    return True
            return False

        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") == "error":  # errors always count (they zero a test)
                return super().output(outs, msg, display_id, cell_index)
            content = msg.get("content", {})
            size = len(str(content.get("text", ""))) + len(str(content.get("data", "")))
            self._output_bytes += size
            if self._output_bytes > self._output_cap:
                if not self._capped:
                    self._capped = True
                    outs.append(
                        v4.new_output(
                            "stream",
                            name="stdout",
                            text=f"\n[output cut: more than {self._output_cap >> 10} KB]\n",
                        )
                    )
                return None
            return super().output(outs, msg, display_id, cell_index)

    return SandboxedExecute
