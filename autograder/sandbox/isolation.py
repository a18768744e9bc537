"""How a child of the warm zygote isolates itself before the request's code runs, exactly as
the bubblewrap sandbox does (bwrap.py), and then runs it:

      C1  joins the submission's cgroups, sets the file-size limit, unshares the mount, PID,
       │  network, IPC and UTS namespaces, and waits to report the exit status
       └─ C2  PID 1 of the new namespace, root only inside it: builds a new root (the
          │   read-only system, Python and rnnlib; the submission's folder read-write; a
          │   private /tmp, /dev and /proc), pivots into it, then reaps orphans
          └─ C3  uid 65534, no capabilities, no_new_privs, its own session, only the
                 request's stdin/stdout/stderr open: runs the kernel or the re-check

When C3 ends, C2 exits and the kernel kills whatever is left in the namespace. Linux only, as
root, x86-64 or ARM64 (pivot_root's syscall number). Standard library only: it runs inside the
zygote (zygote.py), whose memory must hold nothing but its preloads.
"""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import socket
import struct
import sys

from autograder.sandbox import seccomp
from autograder.sandbox.limits import NOBODY

SETUP_FAILED = 71  # exit status when a child could not isolate itself
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MNT_DETACH = 0x2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine())
DEVICES = ("null", "zero", "full", "random", "urandom")


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def isolate_and_run(request: dict, libc) -> None:
    """C1's work (see the module docstring); returns only by raising."""
    os.setsid()
    for procs in request["cgroup_procs"]:
        with open(procs, "w") as fh:
            fh.write(str(os.getpid()))
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (request["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    _check(libc.unshare(flags), "unshare")
    pid = os.fork()
    if pid:  # C1 waits and passes the status on
        _exit_like(os.waitpid(pid, 0)[1])
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _new_root(request, libc)
    child = os.fork()
    if child == 0:
        _become_nobody_and_run(request, libc)
    while True:  # C2: PID 1 reaps orphans until the request's process ends
        pid, status = os.wait()
        if pid == child:
            _exit_like(status)


def _exit_like(status: int) -> None:
    """Exit as a shell reports a child's wait status: its exit code, or 128 + its signal."""
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


def _mount(libc, source, target, fstype, flags, data=None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    result = libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data))
    _check(result, f"mount {target}")


def _pivot_root(libc, new: str, old: str) -> None:
    _check(libc.syscall(SYS_PIVOT_ROOT, new.encode(), old.encode()), "pivot_root")


def _bind(libc, source: str, target: str, readonly: bool) -> None:
    """Bind `source` (seen under /oldroot) at `target` (under /newroot), read-only with every
    mount below it when asked."""
    if os.path.isdir("/oldroot" + source):
        os.makedirs("/newroot" + target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname("/newroot" + target), exist_ok=True)
        open("/newroot" + target, "a").close()
    _mount(libc, "/oldroot" + source, "/newroot" + target, None, MS_BIND | MS_REC)
    if not readonly:
        return
    top = "/newroot" + target
    with open("/oldroot/proc/self/mountinfo") as fh:  # the host's /proc, until the pivot
        points = [line.split()[4] for line in fh]
    for point in points:
        point = point.replace("\\040", " ")
        if point == top or point.startswith(top + "/"):
            flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
            _mount(libc, None, point, None, flags)


def _new_root(request: dict, libc) -> None:
    """C2: the sandbox's file system, as bubblewrap builds it (a tmpfs root, pivot, binds)."""
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    _mount(libc, "tmpfs", "/tmp", "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755")
    os.chdir("/tmp")
    os.mkdir("newroot")
    os.mkdir("oldroot")
    _mount(libc, "newroot", "newroot", None, MS_BIND | MS_REC)
    _pivot_root(libc, "/tmp", "/tmp/oldroot")
    os.chdir("/")
    os.mkdir("/newroot/tmp")
    tmp = f"size={request['tmp_bytes']},mode=1777"
    _mount(libc, "tmpfs", "/newroot/tmp", "tmpfs", MS_NODEV | MS_NOSUID, tmp)
    os.mkdir("/newroot/tmp/home", 0o755)
    os.chown("/newroot/tmp/home", NOBODY, NOBODY)
    for target, link in request["links"]:
        os.symlink(target, "/newroot" + link)
    for path in request["readonly"]:
        _bind(libc, path, path, readonly=True)
    os.mkdir("/newroot/dev")
    dev = f"size={request['tmp_bytes']},mode=0755"
    _mount(libc, "tmpfs", "/newroot/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, dev)
    for name in DEVICES:
        _bind(libc, f"/dev/{name}", f"/dev/{name}", readonly=False)
    os.mkdir("/newroot/dev/shm", 0o1777)
    os.chmod("/newroot/dev/shm", 0o1777)
    for i, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink(f"/proc/self/fd/{i}", f"/newroot/dev/{name}")
    os.symlink("/proc/self/fd", "/newroot/dev/fd")
    os.mkdir("/newroot/proc")
    _mount(libc, "proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for source, target in request["writable"]:  # host folder, where the sandbox sees it
        _give_to_nobody("/oldroot" + source)
        _bind(libc, source, target, readonly=False)
    _check(libc.umount2(b"/oldroot", MNT_DETACH), "umount /oldroot")
    os.chdir("/newroot")
    _pivot_root(libc, ".", ".")
    _check(libc.umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir("/")
    _mount(libc, None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _loopback_up()


def _give_to_nobody(folder: str) -> None:
    """chown -R 65534 a private folder (the submission's copy, the kernel's sockets): the
    sandboxed process is really uid 65534, not a root mapped to that uid as under bubblewrap."""
    os.chown(folder, NOBODY, NOBODY)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(parent, name), NOBODY, NOBODY, follow_symlinks=False)


def _loopback_up() -> None:
    """Bring up `lo` in the new network namespace (as bubblewrap does); nothing else exists."""
    import fcntl

    iff_up, iff_loopback, iff_running, siocsifflags = 0x1, 0x8, 0x40, 0x8914
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", iff_up | iff_loopback | iff_running)
        fcntl.ioctl(s, siocsifflags, request)


def _become_nobody_and_run(request: dict, libc) -> None:
    """C3: drop to uid 65534 for good, then run the request's code in this interpreter."""
    try:
        os.setsid()
        os.chdir(request["cwd"])
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
        _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        seccomp.install(libc)  # last: the filter also denies what building the sandbox used
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(0o022)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
    except BaseException as error:  # noqa: BLE001
        os.write(2, f"warm sandbox: setup failed: {error!r}\n".encode())
        os._exit(SETUP_FAILED)
    del libc
    _run_payload(request["run"])


def _run_payload(run: dict) -> None:
    """Run `python -c CODE` or `python -m MODULE` here, with its arguments; exit with its
    status (without the zygote's exit handlers)."""
    import runpy

    code = 0
    try:
        if "code" in run:
            sys.argv = ["-c", *run["args"]]
            main = type(sys)("__main__")
            sys.modules["__main__"] = main
            exec(compile(run["code"], "<string>", "exec"), main.__dict__)
        else:
            sys.argv = [run["module"], *run["args"]]
            runpy.run_module(run["module"], run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if stop.code is not None and not isinstance(stop.code, int):
            print(stop.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - as Python reports an uncaught exception
        import traceback

        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    os._exit(code & 0xFF)
