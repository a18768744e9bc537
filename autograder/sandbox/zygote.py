"""The warm zygote: a trusted process that imports NumPy, TensorFlow, Keras, rnnlib and
ipykernel once, runs no other code, and forks an isolated child for each request
(isolation.py). Started by warm.start() as `python -P -s -m autograder.sandbox.zygote SOCKET`;
it dies with the grading worker that started it.

A child starts from the zygote's memory, which never held a submission's code or data: a
fresh interpreter in every sense the re-check needs (no IPython transformers, no patched
checks), with `tensorflow` already in `sys.modules`. The zygote zeroes its copy of each
request after the fork, so no later child finds an earlier one (a folder named after a
student) in its memory.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import struct
import sys

from autograder.sandbox.isolation import PR_SET_PDEATHSIG, SETUP_FAILED, isolate_and_run

PRELOAD = ("numpy", "tensorflow", "keras", "rnnlib", "IPython", "ipykernel.kernelapp")


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
            isolate_and_run(json.loads(raw), libc)
        except BaseException as error:  # noqa: BLE001 - say why, never fall back to the zygote
            os.write(2, f"warm sandbox: setup failed: {error!r}\n".encode())
        os._exit(SETUP_FAILED)
    view.release()
    raw[:] = bytes(len(raw))
    for fd in fds:
        os.close(fd)
    return pid


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m autograder.sandbox.zygote SOCKET (started by warm.start)")
    serve(sys.argv[1])
