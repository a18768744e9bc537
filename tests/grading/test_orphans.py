"""Does a command the grader starts die with the grader (autograder/engine/orphans.py)?"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from autograder.engine import orphans

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux prctl only")

# a stand-in for the grading process: starts `sleep` as rnn-course grade starts nbgrader (own
# session), prints its pid, then waits for it like grade._run_nbgrader does
GRADER = """
import subprocess, sys
from autograder.engine.orphans import die_with_parent
cmd = ["sleep", "120"]
proc = subprocess.Popen(die_with_parent(cmd) if sys.argv[1] == "guarded" else cmd,
                        start_new_session=True)
print(proc.pid, flush=True)
proc.wait()
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie is gone
    except FileNotFoundError:
        return False


def _child_after_killing_grader(mode: str) -> int:
    grader = subprocess.Popen(
        [sys.executable, "-c", GRADER, mode], stdout=subprocess.PIPE, text=True
    )
    child = int(grader.stdout.readline())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the wrapper has exec'd into sleep
        with open(f"/proc/{child}/cmdline", "rb") as fh:
            if fh.read().split(b"\0")[0] == b"sleep":
                break
        time.sleep(0.05)
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    return child


def test_guarded_command_dies_with_the_grader():
    """Killing the grader (SIGKILL, as a Dask worker dies) kills the command it started."""
    child = _child_after_killing_grader("guarded")
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the guarded command outlived the grader that started it"


def test_unguarded_command_would_be_orphaned():
    """The control: without the guard the command runs on after the grader died."""
    child = _child_after_killing_grader("plain")
    try:
        time.sleep(0.5)
        assert _alive(child)
    finally:
        os.kill(child, signal.SIGKILL)


def test_wrapper_refuses_bad_arguments_and_a_gone_parent(capsys):
    """A missing parent pid is a usage error; when the named parent is gone, nothing runs."""
    assert orphans.main(["sleep"]) == 2
    assert "usage" in capsys.readouterr().err
    gone = subprocess.run(
        [sys.executable, "-m", "autograder.engine.orphans", "999999999", "sleep", "60"],
        timeout=30,
    )  # no process has that pid: the grader "died" already
    assert gone.returncode == 1
