"""The bubblewrap sandbox a submission's code runs in.

    box = Sandbox(workdir, limits, name="alice-02_rnn_cell")   # creates the cgroups
    cmd = box.command([python, "-c", "..."])                    # wrap any command
    ... run it ...
    box.close()                                                  # kill what is left, clean up

Inside, the process sees: a read-only Python (the interpreter's prefix, the virtual
environment) and rnnlib; `workdir` (a private copy of one submission) read-write; a private
/tmp of limited size; nothing of the course root, solutions/, the gradebook or other students.
It runs as uid 65534 with every namespace unshared (no network, its own PIDs: everything it
started dies with it), TensorFlow quiet, and caps on memory and processes (cgroups.py) and on
the size of a file it writes, and a system-call filter (seccomp.py: no new namespaces,
mounts, ptrace, bpf...). Debian's `bubblewrap` does the isolation (tools/ensure-bwrap.sh);
where it cannot run, `available()` says why and the grader reports `sandbox-unavailable`.

With `warm=` (a zygote's socket, see warm.py), a Python command runs in the same isolation
built by a fork of a process that already imported TensorFlow, instead of a fresh interpreter
under bubblewrap: 7-8 s less per kernel and per re-check.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from pathlib import Path

from autograder.engine.kernel import QUIET_TENSORFLOW, REPRODUCIBLE
from autograder.sandbox import seccomp, warm_client
from autograder.sandbox.cgroups import (
    cgroup_procs,
    create_cgroups,
    destroy_cgroups,
    kill_cgroup,
    memory_exceeded,
)
from autograder.sandbox.limits import NOBODY, Limits

SECCOMP_FD = 9  # the descriptor on which bubblewrap reads the system-call filter

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
        source: Path | None = None,
    ):
        self.workdir = Path(workdir).resolve()
        # the host folder seen inside at `workdir` (default: workdir itself); a scratch copy
        # keeps the sandbox out of folders trusted code writes (sandbox/scratch.py)
        self.source = Path(source).resolve() if source else self.workdir
        self.warm = warm
        self.limits = limits
        self.shared = tuple(Path(p).resolve() for p in shared)
        self.name = name or f"sbx-{uuid.uuid4().hex[:12]}"
        self.cgroup = self.name if cgroups and create_cgroups(self.name, limits) else None

    def command(self, argv: list[str], env: dict[str, str] | None = None) -> list[str]:
        """`argv` wrapped: limits, cgroups, then bubblewrap (or, for a Python command with a
        warm zygote, the request to fork it isolated); run it from any folder."""
        run = warm_client.payload(argv) if self.warm else None
        if run is not None:
            return warm_client.client_command(self.warm, self.warm_request(run, env))
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
        cmd += ["--bind", str(self.source), str(self.workdir)]
        for path in self.shared:
            cmd += ["--bind", str(path), str(path)]
        cmd += ["--remount-ro", "/", "--chdir", str(self.workdir), "--clearenv"]
        for key, value in sandbox_env(env).items():
            cmd += ["--setenv", key, value]
        bpf = seccomp.program_file()
        if bpf:  # read from fd 9 (sh redirects one digit), loaded once the sandbox is built
            cmd += ["--seccomp", str(SECCOMP_FD)]
        cmd += ["--", *argv]
        if bpf:
            cmd = ["/bin/sh", "-c", f'exec "$@" {SECCOMP_FD}<"$0"', bpf, *cmd]
        prlimit = shutil.which("prlimit")
        if prlimit:  # the largest file it may write, and no core dumps
            cmd = [prlimit, f"--fsize={self.limits.file_mb << 20}", "--core=0", *cmd]
        if self.cgroup:  # join the cgroups first, then become the sandbox
            procs = [str(p) for p in cgroup_procs(self.cgroup)]
            script = (
                'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift;'
                ' n=$((n - 1)); done; exec "$@"'
            )
            cmd = ["/bin/sh", "-c", script, "sh", str(len(procs)), *procs, *cmd]
        return cmd

    def warm_request(self, run: dict, env: dict[str, str] | None) -> dict:
        """What the zygote needs to build this sandbox around `run` (isolation.py)."""
        return {
            "run": run,
            "cwd": str(self.workdir),
            "env": sandbox_env(env),
            "readonly": list(readonly_paths()),
            "links": [list(link) for link in top_level_links()],
            "writable": [
                [str(self.source), str(self.workdir)],
                *([str(p), str(p)] for p in self.shared),
            ],
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
