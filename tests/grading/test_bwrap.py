"""Do the bubblewrap sandbox's command and limits isolate as they say (sandbox/bwrap.py,
sandbox/limits.py)?"""

from __future__ import annotations

from autograder.sandbox import bwrap
from autograder.sandbox.limits import Limits


def test_limits_travel_through_the_environment():
    """Do the sandbox limits survive the trip through an environment variable?"""
    limits = Limits(memory_mb=512, pids=64, file_mb=8, tmp_mb=16)
    back = Limits.from_env_value(limits.env_value())
    assert (back.memory_mb, back.pids, back.file_mb, back.tmp_mb) == (512, 64, 8, 16)


def test_sandbox_command_isolates(tmp_path):
    """Does the sandbox command unshare everything, run as nobody, and bind only the
    submission's folder writable?"""
    cmd = bwrap.Sandbox(tmp_path, Limits(), cgroups=False).command(["python"])
    i = cmd.index("--unshare-all")
    assert cmd[i:].count("--bind") == 1 and str(tmp_path.resolve()) in cmd
    assert ["--uid", "65534"] == cmd[cmd.index("--uid") : cmd.index("--uid") + 2]
    assert "--clearenv" in cmd and "--die-with-parent" in cmd
    root = str(bwrap.Path(__file__).resolve().parents[2])
    assert root not in bwrap.readonly_paths()  # the course root itself is never visible
