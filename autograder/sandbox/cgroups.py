"""The submission's cgroups (v1: the memory and pids controllers, and the cpu controller where
it is mounted and writable): its limits, whether it hit the memory limit, and killing whatever
it left running. The CPU cap is a CFS quota (`cpu.cfs_quota_us`) on the whole cgroup, so
processes a submission starts in new sessions (`setsid()`) share it: they stay in the cgroup.

    if create_cgroups(name, limits): ...; memory_exceeded(name); destroy_cgroups(name)
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from autograder.sandbox.limits import Limits

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_PARENT = "rnn-course-grade"
REQUIRED = ("memory", "pids")
CONTROLLERS = (*REQUIRED, "cpu")  # cpu: used where available
CFS_PERIOD_US = 100_000


def _cgroup_dir(controller: str, name: str) -> Path:
    return CGROUP_ROOT / controller / CGROUP_PARENT / name


def cgroups_available() -> bool:
    return all(_writable(c) for c in REQUIRED)


def _writable(controller: str) -> bool:
    base = CGROUP_ROOT / controller
    return (base / "cgroup.procs").exists() and os.access(base, os.W_OK)


def cpu_quota_available() -> bool:
    """Can this machine give a submission a CPU quota (a writable cgroup cpu controller)?"""
    return _writable("cpu")


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
        if _writable("cpu") and limits.cpus > 0:
            cpu = _cgroup_dir("cpu", name)
            cpu.mkdir(parents=True, exist_ok=True)
            (cpu / "cpu.cfs_period_us").write_text(str(CFS_PERIOD_US))
            (cpu / "cpu.cfs_quota_us").write_text(str(int(limits.cpus * CFS_PERIOD_US)))
    except OSError:
        destroy_cgroups(name)
        return False
    return True


def cgroup_procs(name: str) -> list[Path]:
    return [
        _cgroup_dir(c, name) / "cgroup.procs"
        for c in CONTROLLERS
        if c in REQUIRED or _cgroup_dir(c, name).is_dir()
    ]


def cpu_capped(name: str) -> bool:
    """Does the submission's cgroup have a CPU quota (the cpu controller was writable)?"""
    return (_cgroup_dir("cpu", name) / "cpu.cfs_quota_us").is_file()


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
            time.sleep(0.05)
    return killed


def destroy_cgroups(name: str) -> None:
    kill_cgroup(name)
    for controller in CONTROLLERS:
        try:
            _cgroup_dir(controller, name).rmdir()
        except OSError:
            pass
