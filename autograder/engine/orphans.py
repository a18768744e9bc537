"""Commands that die with the grader that started them, never left running as orphans.

The grader starts `nbgrader autograde` and the re-check in their own sessions (so that a
timeout kills the whole process group). When the grading process itself is killed, for
example a Dask worker taken down by SIGKILL mid-task, nothing would stop them: they would
run on until their notebook ended, in a temporary folder nobody cleans. On Linux,
``die_with_parent(cmd)`` starts ``cmd`` through this module, which asks the kernel for
SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``, kept across ``exec``) and then
becomes ``cmd``. The parent is the thread that started the child, and that thread waits for
it, so the signal comes only when the grader is gone. Elsewhere the command runs unchanged.

    python -m autograder.engine.orphans PARENT_PID COMMAND [ARG ...]
"""

from __future__ import annotations

import os
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(cmd: list[str]) -> list[str]:
    """``cmd`` wrapped so that it is killed when this process dies (Linux); else ``cmd``."""
    if not sys.platform.startswith("linux"):
        return cmd
    return [sys.executable, "-I", "-m", "autograder.engine.orphans", str(os.getpid()), *cmd]


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[0].isdigit():
        usage = "usage: python -m autograder.engine.orphans PARENT_PID COMMAND [ARG ...]"
        print(usage, file=sys.stderr)
        return 2
    import ctypes
    import signal

    parent, cmd = int(argv[0]), argv[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        print(f"autograder.engine.orphans: prctl failed (errno {errno})", file=sys.stderr)
        return 1
    if os.getppid() != parent:  # the grader died before the request took effect
        return 1
    os.execvp(cmd[0], cmd)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
