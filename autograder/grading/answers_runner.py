"""The re-check's answers process: where the student's definitions run, in a sandbox of their
own, apart from the checker (recheck_runner.py) that runs the tests.

recheck.run() starts this file's text as `python -I -c` in a second sandbox. Its stdin brings
a spec first (8 bytes of length, then JSON: the wire module's source, the master's code cells
reduced to definitions, the student's answer cells reduced to definitions), then the
checker's frames; its stdout carries its children's frames back, each behind 4 bytes of the
child's generation. This process (the *server*) runs no student code. It makes itself
non-dumpable (so a child of the same uid cannot open its /proc files, its pipes or its
memory) and, for every set of blocked references a test asks for, forks one *child*:

    child: its own session; stdin /dev/null, stdout and stderr to answers-output.txt, every
           other descriptor closed but its own two pipes; the references blocked for good
           (rnnlib's code objects replaced, the originals dropped: they do not exist in it);
           the master's definitions; the student's answer cells; then it serves calls.

Only one child lives at a time: before another starts, every process in the sandbox but this
one is killed (`kill(-1)`, sandboxed only), so no process with the references intact can help
one where they are blocked. A child that does not come back (the checker's cell timed out)
is replaced the same way.
"""

import builtins
import json
import os
import select
import signal
import struct
import sys
import types

SPEC_HEAD = struct.Struct("!Q")
PR_SET_DUMPABLE = 4


def read_spec(fd: int) -> dict:
    """The spec at the start of stdin: 8 bytes of length, then JSON."""

    def exact(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = os.read(fd, n - len(data))
            if not chunk:
                raise EOFError("stdin ended inside the spec")
            data += chunk
        return data

    (size,) = SPEC_HEAD.unpack(exact(SPEC_HEAD.size))
    return json.loads(exact(size).decode("utf-8"))


def load_wire(source: str) -> types.ModuleType:
    wire = types.ModuleType("boundary_wire")
    exec(compile(source, "boundary_wire.py", "exec"), wire.__dict__)
    return wire


def undumpable() -> None:
    """prctl(PR_SET_DUMPABLE, 0): /proc/<pid>/{fd,mem,...} of this process become root's."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


class Child:
    def __init__(self, pid: int, to_child: int, from_child: int, ctx: tuple, generation: int):
        self.pid, self.to_child, self.from_child = pid, to_child, from_child
        self.ctx, self.generation = ctx, generation


class Server:
    def __init__(self, wire, spec: dict, out: int, log: int):
        self.wire, self.spec, self.out, self.log = wire, spec, out, log
        self.sandboxed = bool(spec.get("sandboxed")) and os.getppid() == 1
        self.child: Child | None = None
        self.generation = 0

    def serve(self) -> None:
        wire = self.wire
        while True:
            fds = [0] + ([self.child.from_child] if self.child else [])
            ready, _, _ = select.select(fds, [], [])
            if self.child and self.child.from_child in ready:
                self._from_child()
            if 0 in ready:
                try:
                    _, payload = wire.read_frame(0)
                except EOFError:
                    self._end_children()
                    return
                self._to_child(payload)

    def _from_child(self) -> None:
        child = self.child
        try:
            _, payload = self.wire.read_frame(child.from_child)
        except (EOFError, self.wire.WireError) as error:
            self._end_children()
            message = f"the process running your code ended or broke the wire ({error})"
            self._reply_error(child.generation, message)
            return
        self.wire.write_frame(self.out, b"A", struct.pack("!I", child.generation) + payload)

    def _to_child(self, payload: bytes) -> None:
        header, _ = self.wire.unpack(payload)  # from the checker: trusted
        if header.get("top"):
            ctx = tuple(str(n) for n in header.get("ctx") or ())
            if self.child is None or self.child.ctx != ctx or header.get("reset"):
                self._end_children()
                self.generation += 1
                self.child = self._start_child(ctx, self.generation)
        if self.child is None:
            self._reply_error(self.generation, "no process is running your code")
            return
        try:
            self.wire.write_frame(self.child.to_child, b"A", payload)
        except OSError as error:
            generation = self.child.generation
            self._end_children()
            self._reply_error(generation, f"the process running your code is gone ({error})")

    def _reply_error(self, generation: int, message: str) -> None:
        reply = {"op": "raise", "error": {"type": "RuntimeError", "message": message}}
        payload = self.wire.pack(reply, [])
        self.wire.write_frame(self.out, b"A", struct.pack("!I", generation) + payload)

    def _end_children(self) -> None:
        """Kill every process of the sandbox but this one (its own child included)."""
        child, self.child = self.child, None
        if child is None:
            return
        for fd in (child.to_child, child.from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            if self.sandboxed:
                os.kill(-1, signal.SIGKILL)  # in the sandbox's PID namespace: all but us and PID 1
            else:
                os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            os.waitpid(child.pid, 0)
        except ChildProcessError:
            pass
        while True:  # reap any other child that is gone
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break

    def _start_child(self, ctx: tuple, generation: int) -> Child:
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(self.log, 1)
                os.dup2(self.log, 2)
                keep = {0, 1, 2, to_r, from_w}
                for name in os.listdir("/proc/self/fd"):
                    if name.isdigit() and int(name) not in keep:
                        try:
                            os.close(int(name))
                        except OSError:
                            pass
                run_child(self.wire, self.spec, ctx, to_r, from_w)
            except BaseException:  # noqa: BLE001 - a child never returns into the server
                pass
            os._exit(0)
        os.close(to_r)
        os.close(from_w)
        return Child(pid, to_w, from_r, ctx, generation)


class Globals(dict):
    """The answers' namespace: a name that is not defined here is asked of the checker (a
    global a master code cell assigned, as plain data or a function that stays there)."""

    peer = None
    fetched: dict = {}

    def __missing__(self, name):
        if name in builtins.__dict__:
            return builtins.__dict__[name]
        if self.peer is None or name.startswith("_"):
            raise KeyError(name)
        if name not in self.fetched:
            try:
                self.fetched[name] = self.peer.call({"global": name}, (), {})
            except NameError:
                raise KeyError(name) from None
        return self.fetched[name]


def run_child(wire, spec: dict, ctx: tuple, rfd: int, wfd: int) -> None:
    """Block the references, define the master's and the student's code, serve calls."""
    from rnnlib.testing.grading import block_for_good

    block_for_good(ctx)  # before any code of the student's runs
    ns = Globals({"__name__": "__main__", "__builtins__": builtins})
    for source in spec.get("setup") or ():
        try:
            exec(compile(source, "<master definitions>", "exec"), ns)
        except Exception:  # noqa: BLE001 - the master's own definitions; a failure is not the student's
            pass
    errors = {}
    for grade_id, source in spec.get("answers") or ():
        try:
            exec(compile(source, f"<answer {grade_id}>", "exec"), ns)
        except BaseException as error:  # noqa: BLE001 - reported as the answer cell's error
            text = str(error).strip().splitlines()
            errors[grade_id] = type(error).__name__ + (": " + text[0][:300] if text else "")

    def resolve(target):
        if target.get("builtin") == "errors":
            return lambda: errors
        name = target.get("name")
        if isinstance(name, str) and dict.__contains__(ns, name):
            return dict.__getitem__(ns, name)
        raise NameError(f"name {str(name)[:60]!r} is not defined by your answers")

    peer = wire.Peer(rfd, wfd, resolve, keras_bytes=keras_bytes, layers=True)
    Globals.peer = peer
    while True:
        header, buffers = peer.receive()
        if header.get("op") == "call":
            Globals.fetched = {}  # globals are fetched afresh for every call of a test
            peer.serve_call(header, buffers)


def keras_bytes(model) -> bytes | None:
    """A Keras model as the bytes of a .keras file (the checker loads it in safe mode)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rnn-model-") as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as fh:
            return fh.read()


def main() -> None:
    spec = read_spec(0)
    wire = load_wire(spec["wire"])
    undumpable()
    out = os.dup(1)
    log = os.open("answers-output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    warm = {"__name__": "__main__", "__builtins__": builtins}
    for source in spec.get("setup") or ():  # the imports once, for every child to inherit
        try:
            exec(compile(source, "<master definitions>", "exec"), warm)
        except Exception:  # noqa: BLE001 - the master's own definitions
            pass
    Server(wire, spec, out, log).serve()
    os._exit(0)


if __name__ == "__main__":
    main()
