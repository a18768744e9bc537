"""The process that asks the warm zygote for a sandbox, and the command line that starts it.

    cmd = client_command(socket_path, request)   # what Sandbox.command returns when warm
    run = payload(argv)                          # what a fork of Python can stand in for

`client_command` runs this very file by its path, `python -I -S .../warm_client.py SOCKET
REQUEST`: isolated mode (no environment variables, no user site, the file's folder not on the
import path) and no site-packages, so it starts in milliseconds and imports only the standard
library (keep it so: nothing but `os`, `socket`, `struct`, `sys`, `json` at the top). It passes
its own stdin, stdout and stderr to the zygote, waits for the exit status and exits with it:
to jupyter_client and to the re-check it is an ordinary child. Killing it kills the sandboxed
process (the zygote sees the connection close).
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys

UNREACHABLE = 70  # exit status when the zygote cannot be reached or gives no status
# flags of a Python command line that a fork of the zygote's interpreter can honour
PYTHON_FLAGS = ("-I", "-P", "-s", "-S", "-E", "-u", "-B")


def client_command(socket_path: str, request: dict) -> list[str]:
    """The command that runs `request` in a warm sandbox and exits with its status."""
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), socket_path, json.dumps(request)]


def payload(argv: list[str]) -> dict | None:
    """What a child should run for `python [flags] -c CODE|-m MODULE [args]`, or None for a
    command a fork of Python cannot stand in for."""
    if not argv or os.path.realpath(argv[0]) != os.path.realpath(sys.executable):
        return None
    i = 1
    while i < len(argv) and argv[i] in PYTHON_FLAGS:
        i += 1
    if i + 1 >= len(argv) or argv[i] not in ("-c", "-m"):
        return None
    kind = "code" if argv[i] == "-c" else "module"
    return {kind: argv[i + 1], "args": argv[i + 2 :]}


def main(argv: list[str]) -> None:
    """Send our stdin/stdout/stderr and the request to the zygote; exit with the status."""
    path, request = argv[0], argv[1].encode()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError as error:
        sys.stderr.write(f"warm sandbox: cannot reach the zygote at {path}: {error}\n")
        os._exit(UNREACHABLE)
    socket.send_fds(s, [struct.pack("!I", len(request))], [0, 1, 2])
    s.sendall(request)
    reply = b""
    while True:
        chunk = s.recv(64)
        if not chunk:
            break
        reply += chunk
    code = int(reply) if reply.strip().lstrip(b"-").isdigit() else UNREACHABLE
    os._exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main(sys.argv[1:])
