"""Does a warm sandbox (a fork of the zygote, autograder/sandbox/warm.py) isolate exactly as
bubblewrap does?

The same probe runs in both: who it runs as, what it can write and see, the network, the
processes, the open files. Then what only the warm path has to get right: the exit status
passes through its client, and killing the client, or the payload ending, leaves nothing
running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.sandbox import bwrap, cgroups, seccomp, warm, warm_client
from autograder.sandbox.limits import Limits

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, os, socket, sys
seen = {"uid": os.getuid(), "gid": os.getgid(), "tensorflow": "tensorflow" in sys.modules}
seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
seen["fds"] = sorted(int(f) for f in os.listdir("/proc/self/fd"))
seen["tmp"] = sorted(os.listdir("/tmp"))
seen["visible"] = {p: os.path.exists(p) for p in sys.argv[1:]}
writes = {}
for target in sys.argv[1:] + ["./mine.txt", "/tmp/home/mine.txt"]:
    try:
        with open(target, "w") as fh:
            fh.write("x")
        writes[target] = "ok"
    except OSError as error:
        writes[target] = error.strerror
seen["writes"] = writes
try:
    socket.create_connection(("192.0.2.1", 80), timeout=2)
    seen["network"] = "reached"
except OSError as error:
    seen["network"] = error.strerror
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
def _result(ret):
    return "ok" if ret >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
with open("/proc/self/status") as fh:
    seen["seccomp"] = [ln.split()[1] for ln in fh if ln.startswith("Seccomp:")]
seen["unshare"] = _result(libc.unshare(0x10000000 | 0x00020000))  # CLONE_NEWUSER | CLONE_NEWNS
pid = libc.syscall(56, 0x10000000 | 17, None, None, None, None)  # clone(CLONE_NEWUSER | SIGCHLD)
if pid == 0:
    os._exit(0)
seen["clone_newuser"] = _result(pid)
seen["ptrace"] = _result(libc.ptrace(0, 0, None, None))  # PTRACE_TRACEME
seen["bpf"] = _result(libc.syscall(321, 0, None, 0))
child = os.fork()  # an ordinary fork (clone without namespace flags) still works
if child == 0:
    os._exit(7)
seen["fork"] = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def zygote():
    ok, why = bwrap.available()
    if not ok:
        pytest.skip(f"the sandbox is unavailable here: {why}")
    server = warm.warm_server()
    if server is None:
        pytest.skip(f"warm sandboxes are unavailable here: {warm.warm_unavailable()}")
    return server


def _run(box: bwrap.Sandbox, code: str, *args: str, timeout: float = 120):
    cmd = box.command([sys.executable, "-I", "-c", code, *args])
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("kind", ["cold", "warm"])
def test_both_sandboxes_isolate_the_same_way(zygote, tmp_path, kind):
    work = tmp_path / "work"
    work.mkdir()
    outside = [str(ROOT / "README.md"), str(tmp_path / "outside.txt"), zygote.socket]
    readme_before = (ROOT / "README.md").read_bytes()
    box = bwrap.Sandbox(work, Limits(), warm=zygote.socket if kind == "warm" else None)
    try:
        proc = _run(box, PROBE, *outside)
    finally:
        box.close()
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert (seen["uid"], seen["gid"]) == (65534, 65534)
    assert seen["tensorflow"] is (kind == "warm")  # the only difference: imports already done
    assert seen["pids"] == [1, 2]  # its own PID namespace: an init and itself
    assert set(seen["fds"]) <= {0, 1, 2, 3}  # 3: the listing itself; no socket of the zygote
    # a private /tmp: only the way to the submission and to read-only paths under /tmp (a
    # checkout there) besides its home
    ways = [Path(p).parts for p in (work, *bwrap.readonly_paths())]
    assert set(seen["tmp"]) == {"home"} | {p[2] for p in ways if p[1:2] == ("tmp",)}
    assert seen["network"] == "Network is unreachable"
    writes = seen["writes"]
    assert writes["./mine.txt"] == "ok" and writes["/tmp/home/mine.txt"] == "ok"
    readme = str(ROOT / "README.md")  # the course root: read-only where it is visible at all
    assert writes[readme] == "Read-only file system" or not seen["visible"][readme]
    assert (ROOT / "README.md").read_bytes() == readme_before
    assert not any(seen["visible"][p] for p in outside[1:])  # not the host's /tmp nor the zygote
    # the system-call filter (autograder/sandbox/seccomp.py), where its numbers apply
    if seccomp.supported():
        assert seen["seccomp"] == ["2"]
        assert seen["unshare"] == seen["clone_newuser"] == seen["ptrace"] == "EPERM", seen
        assert seen["bpf"] == "EPERM" and seen["fork"] == 7
    assert (work / "mine.txt").read_text() == "x"
    assert not (tmp_path / "outside.txt").exists()  # a write there stayed in the private /tmp


@pytest.mark.parametrize("kind", ["cold", "warm"])
def test_a_checkout_under_tmp_stays_visible(zygote, tmp_path, monkeypatch, kind):
    """A clone under /tmp (its venv and rnnlib among the read-only paths) must not be hidden
    by the sandbox's private /tmp."""
    checkout = tmp_path / "clone" / "rnnlib"
    checkout.mkdir(parents=True)
    (checkout / "marker.py").write_text("VISIBLE = True\n")
    paths = (*bwrap.readonly_paths(), str(checkout))
    monkeypatch.setattr(bwrap, "readonly_paths", lambda: paths)
    work = tmp_path / "work"
    work.mkdir()
    box = bwrap.Sandbox(
        work, Limits(), cgroups=False, warm=zygote.socket if kind == "warm" else None
    )
    code = "import sys; print(open(sys.argv[1]).read().strip())"
    proc = _run(box, code, str(checkout / "marker.py"))
    assert (proc.returncode, proc.stdout.strip()) == (0, "VISIBLE = True"), proc.stderr


def test_exit_status_and_errors_pass_through(zygote, tmp_path):
    box = bwrap.Sandbox(tmp_path, Limits(), cgroups=False, warm=zygote.socket)
    assert _run(box, "import sys; sys.exit(3)").returncode == 3
    failed = _run(box, "raise ValueError('from the payload')")
    assert failed.returncode == 1 and "ValueError: from the payload" in failed.stderr
    killed = _run(box, "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert killed.returncode == 128 + signal.SIGKILL


def _cgroup_empty(box: bwrap.Sandbox, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if all(not p.read_text().split() for p in cgroups.cgroup_procs(box.cgroup)):
            return True
        time.sleep(0.1)
    return False


def test_nothing_outlives_the_payload_or_its_client(zygote, tmp_path):
    if not cgroups.cgroups_available():
        pytest.skip("no writable cgroup v1 memory and pids controllers here")
    box = bwrap.Sandbox(tmp_path, Limits(), warm=zygote.socket)
    try:
        # a detached grandchild that would sleep on after the payload returns
        left_behind = (
            "import subprocess; subprocess.Popen(['sleep', '300'], start_new_session=True)"
        )
        assert _run(box, left_behind).returncode == 0
        assert _cgroup_empty(box), "a process outlived its sandbox"
        # the client killed while the payload runs: the sandboxed process goes too
        cmd = box.command([sys.executable, "-c", "import time; time.sleep(300)"])
        client = subprocess.Popen(cmd)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(p.read_text().split() for p in cgroups.cgroup_procs(box.cgroup)):
                break
            time.sleep(0.1)
        os.kill(client.pid, signal.SIGKILL)
        client.wait()
        assert _cgroup_empty(box), "the sandboxed process outlived its killed client"
    finally:
        box.close()


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([sys.executable, "-I", "-c", "print(1)"], {"code": "print(1)", "args": []}),
        (
            [sys.executable, "-P", "-s", "-m", "ipykernel_launcher", "-f", "k.json"],
            {"module": "ipykernel_launcher", "args": ["-f", "k.json"]},
        ),
        (["/bin/sh", "-c", "true"], None),  # not Python: bubblewrap runs it
        ([sys.executable, "script.py"], None),  # a file to run: bubblewrap too
        ([sys.executable, "-X", "dev", "-c", "1"], None),  # an option a fork cannot take
    ],
)
def test_only_python_code_or_modules_run_warm(argv, expected):
    assert warm_client.payload(argv) == expected
