"""The sandboxes' system-call filter: a classic BPF program for seccomp, written out here.

    program()            # the filter as bytes (struct sock_filter[]), None off x86-64 Linux
    install(libc)        # a warm child: load it into this process (after no_new_privs)
    program_file()       # bubblewrap: a file of the same bytes, for `--seccomp FD`

Both sandboxes (bubblewrap's and the warm child's, isolation.py) load it last, after their own
namespaces, mounts and pivot are made and before any submission code runs. Denied with EPERM:
new namespaces (`unshare`, `setns`, and `clone` with a namespace flag), `mount` and the other
calls that build mounts, `ptrace` and reading or writing another process's memory, `bpf`,
`perf_event_open`, the kernel keyring (`keyctl`, `add_key`, `request_key`), io_uring, module
and kexec loading, `userfaultfd`. `clone3` answers ENOSYS, so the C library falls back to
`clone`, whose flags a filter can read (clone3 passes them in memory it cannot). A call through
another ABI (i386 `int 0x80`, x32) kills the process: the numbers below are x86-64's.
Nothing else is filtered: Python, NumPy, TensorFlow and the kernel need the rest.
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import os
import platform
import struct
import sys
import tempfile

# <linux/audit.h>, <linux/seccomp.h>, <linux/filter.h>
AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
_LD_W_ABS, _JEQ_K, _JGE_K, _JSET_K, _RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg 0's low 32 bits)

# x86-64 system-call numbers (arch/x86/entry/syscalls/syscall_64.tbl)
DENIED = {
    "ptrace": 101,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "swapon": 167,
    "swapoff": 168,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "init_module": 175,
    "delete_module": 176,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
}
CLONE, CLONE3 = 56, 435
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME (<linux/sched.h>)
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000
CLONE_NAMESPACES |= 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def supported() -> bool:
    """Is this a platform the filter's numbers are written for (Linux on x86-64)?"""
    return sys.platform == "linux" and platform.machine() == "x86_64"


def program() -> bytes | None:
    """The filter as an array of struct sock_filter, or None where it is not supported."""
    if not supported():
        return None
    eperm, enosys = SECCOMP_RET_ERRNO | errno.EPERM, SECCOMP_RET_ERRNO | errno.ENOSYS
    out = [
        _insn(_LD_W_ABS, _ARCH),
        _insn(_JEQ_K, AUDIT_ARCH_X86_64, jt=1),  # another ABI: the numbers would mean others
        _insn(_RET_K, SECCOMP_RET_KILL_PROCESS),
        _insn(_LD_W_ABS, _NR),
        _insn(_JGE_K, X32_SYSCALL_BIT, jf=1),  # x32 calls carry this bit
        _insn(_RET_K, SECCOMP_RET_KILL_PROCESS),
    ]
    for nr in sorted(DENIED.values()):
        out += [_insn(_JEQ_K, nr, jf=1), _insn(_RET_K, eperm)]
    out += [_insn(_JEQ_K, CLONE3, jf=1), _insn(_RET_K, enosys)]
    # clone: allowed unless its flags (argument 0) ask for a new namespace
    out += [
        _insn(_JEQ_K, CLONE, jf=3),
        _insn(_LD_W_ABS, _ARG0),
        _insn(_JSET_K, CLONE_NAMESPACES, jf=1),
        _insn(_RET_K, eperm),
        _insn(_RET_K, SECCOMP_RET_ALLOW),
    ]
    return b"".join(out)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(libc) -> bool:
    """Load the filter into this process (no_new_privs must be set); False where unsupported.
    Raises OSError when the kernel refuses it."""
    prog = program()
    if prog is None:
        return False
    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = _SockFprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp filter refused: {os.strerror(err)}")
    return True


_program_file: str | None = None


def program_file() -> str | None:
    """A private file (this process's, removed at exit) holding the filter, for bubblewrap's
    `--seccomp FD` with the file opened on FD; None where unsupported."""
    global _program_file
    prog = program()
    if prog is None:
        return None
    if _program_file is None or not os.path.exists(_program_file):
        fd, path = tempfile.mkstemp(prefix="rnn-seccomp-", suffix=".bpf")
        with os.fdopen(fd, "wb") as fh:
            fh.write(prog)
        atexit.register(_remove, path)
        _program_file = path
    return _program_file


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
