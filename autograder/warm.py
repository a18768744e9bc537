"""Warm sandboxes: a sandboxed Python forked from a trusted process that already imported
TensorFlow, instead of a fresh interpreter that spends 7-8 s importing it.

Every graded notebook runs twice (nbgrader's run in the student's kernel, then the trusted
re-check), and each run's first cell imports Keras. A *zygote* per grading worker imports
NumPy, TensorFlow, Keras, rnnlib and ipykernel once, runs no other code, and then serves
requests: for each, it forks a child that isolates itself exactly as the bubblewrap sandbox
does (sandbox.py) before any code of the request runs:

    zygote (trusted, imports done)
      └─ C1  joins the submission's cgroups, sets the file-size limit, unshares the mount,
         │   PID, network, IPC and UTS namespaces, and waits to report the exit status
         └─ C2  PID 1 of the new namespace, root only inside it: builds a new root (the
            │   read-only system, Python and rnnlib; the submission's folder read-write; a
            │   private /tmp, /dev and /proc), pivots into it, then reaps orphans
            └─ C3  uid 65534, no capabilities, no_new_privs, its own session, only the
                   request's stdin/stdout/stderr open: runs the kernel or the re-check

When C3 ends, C2 exits and the kernel kills whatever is left in the namespace. The process
that asked (`python -c CLIENT SOCKET REQUEST`, what Sandbox.command returns) passes its own
stdin, stdout and stderr, then waits for the exit status and exits with it: to jupyter_client
and to the re-check it is an ordinary child. Killing it kills the sandboxed process (the
zygote sees the connection close), and the zygote dies with the worker that started it.

A child starts from the zygote's memory, which never held a submission's code or data: a
fresh interpreter in every sense the re-check needs (no IPython transformers, no patched
checks), with `tensorflow` already in `sys.modules`.

    server = sandbox.warm_server()     # in a grading worker; None where it cannot work
    Sandbox(workdir, limits, warm=server.socket).command([python, "-c", CODE])

Linux only, as root (mounts and namespaces), x86-64 or ARM64 (pivot_root's syscall number).
Elsewhere `start()` returns None and the sandbox uses bubblewrap.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile

PRELOAD = ("numpy", "tensorflow", "keras", "rnnlib", "IPython", "ipykernel.kernelapp")
NOBODY = 65534
ENV_SOCKET = "RNN_SANDBOX_WARM"  # the zygote's socket, for SandboxKernelManager in nbgrader
SETUP_FAILED = 71  # exit status when a child could not isolate itself

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MNT_DETACH = 0x2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine())
DEVICES = ("null", "zero", "full", "random", "urandom")

# The process that asks: standard library only, so that it starts in milliseconds.
CLIENT = r"""
import os, socket, struct, sys
path, request = sys.argv[1], sys.argv[2].encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(path)
except OSError as error:
    sys.stderr.write(f"warm sandbox: cannot reach the zygote at {path}: {error}\n")
    os._exit(70)
socket.send_fds(s, [struct.pack("!I", len(request))], [0, 1, 2])
s.sendall(request)
reply = b""
while True:
    chunk = s.recv(64)
    if not chunk:
        break
    reply += chunk
code = int(reply) if reply.strip().lstrip(b"-").isdigit() else 70
os._exit(code if code >= 0 else 128 - code)
"""


# ---- the requester's side -------------------------------------------------------------------


def client_command(socket_path: str, request: dict) -> list[str]:
    """The command that runs `request` in a warm sandbox and exits with its status."""
    return [sys.executable, "-I", "-S", "-c", CLIENT, socket_path, json.dumps(request)]


def payload(argv: list[str]) -> dict | None:
    """What a child should run for `python [flags] -c CODE|-m MODULE [args]`, or None for a
    command a fork of Python cannot stand in for."""
    if not argv or os.path.realpath(argv[0]) != os.path.realpath(sys.executable):
        return None
    i = 1
    while i < len(argv) and argv[i] in ("-I", "-P", "-s", "-S", "-E", "-u", "-B"):
        i += 1
    if i + 1 >= len(argv) or argv[i] not in ("-c", "-m"):
        return None
    kind = "code" if argv[i] == "-c" else "module"
    return {kind: argv[i + 1], "args": argv[i + 2 :]}


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
    if SYS_PIVOT_ROOT is None:
        return f"no pivot_root syscall number for {platform.machine()}"
    return ""


def start(env: dict[str, str], timeout: float = 180) -> Server | None:
    """Start a zygote with `env` (the sandbox's environment) and wait until it has imported
    everything; None where warm sandboxes cannot work or it did not come up."""
    from autograder.orphans import die_with_parent

    if why_unavailable():
        return None
    folder = tempfile.mkdtemp(prefix="rnn-warm-")  # 0700: nothing sandboxed can reach it
    home = os.path.join(folder, "home")
    os.mkdir(home)
    env = {**env, "HOME": home, "MPLCONFIGDIR": os.path.join(home, "mpl")}
    env["IPYTHONDIR"] = os.path.join(home, "ipython")
    cmd = [sys.executable, "-P", "-s", "-m", "autograder.warm", os.path.join(folder, "s")]
    proc = subprocess.Popen(
        die_with_parent(cmd), env=env, cwd=folder, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = Server(proc, folder)
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready or proc.stdout.readline().strip() != b"ready":
        server.close()
        return None
    return server


# ---- the zygote -----------------------------------------------------------------------------


def serve(socket_path: str) -> None:
    """Import PRELOAD, then fork an isolated child for each request until the parent dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getppid()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing package is imported (and fails) later
            pass
    import gc

    gc.collect()
    gc.freeze()  # the imported objects stay in pages the children share
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    os.chmod(socket_path, 0o600)
    listener.listen(64)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    children: dict[int, socket.socket] = {}  # C1's pid -> the asking process's connection
    killed: set[int] = set()
    while os.getppid() == parent:
        watched = [c for p, c in children.items() if p not in killed]
        readable, _, _ = select.select([listener, *watched], [], [], 0.2)
        for sock in readable:
            if sock is listener:
                conn, _ = listener.accept()
                pid = _fork_request(conn, [listener, *children.values()], libc)
                if pid:
                    children[pid] = conn
            else:  # the asking process is gone: its sandbox goes too
                pid = next(p for p, c in children.items() if c is sock)
                killed.add(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = children.pop(pid, None)
            killed.discard(pid)
            if conn is not None:
                try:
                    conn.sendall(str(os.waitstatus_to_exitcode(status)).encode())
                except OSError:
                    pass
                conn.close()


def _fork_request(conn: socket.socket, others: list[socket.socket], libc) -> int:
    """Read one request and fork its C1; returns C1's pid (0 when the request was bad).

    Only the child parses the request; the zygote zeroes its copy after the fork, so that no
    later child finds an earlier request (a folder named after a student) in its memory."""
    conn.settimeout(10)
    try:
        head, fds, _, _ = socket.recv_fds(conn, 4, 3)
        raw = bytearray(struct.unpack("!I", head)[0] if len(head) == 4 else 0)
        view, got = memoryview(raw), 0
        while got < len(raw):
            n = conn.recv_into(view[got:])
            if not n:
                break
            got += n
    except (OSError, struct.error):
        conn.close()
        return 0
    conn.settimeout(None)
    if len(fds) != 3 or got != len(raw) or not raw:
        for fd in fds:
            os.close(fd)
        conn.close()
        return 0
    zygote = os.getpid()
    pid = os.fork()
    if pid == 0:  # C1: never returns
        try:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != zygote:
                os._exit(SETUP_FAILED)
            for sock in (conn, *others):  # the zygote's sockets are not the child's
                os.close(sock.detach())
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))
            _isolate_and_run(json.loads(raw), libc)
        except BaseException as error:  # noqa: BLE001 - say why, never fall back to the zygote
            os.write(2, f"warm sandbox: setup failed: {error!r}\n".encode())
        os._exit(SETUP_FAILED)
    view.release()
    raw[:] = bytes(len(raw))
    for fd in fds:
        os.close(fd)
    return pid


# ---- the child: isolation, then the request ---------------------------------------------------


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _isolate_and_run(request: dict, libc) -> None:
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
    for path in request["writable"]:
        _give_to_nobody("/oldroot" + path)
        _bind(libc, path, path, readonly=False)
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


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m autograder.warm SOCKET (started by autograder.warm.start)")
    serve(sys.argv[1])
