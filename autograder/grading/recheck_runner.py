"""The re-check's checker: the program that runs the master's cells and tests, in its own
sandbox, in a fresh interpreter. No student code runs in this process.

recheck.run() starts this file's text as `python -I -c` (isolated mode; the sandbox does not
see autograder/), so it imports only the standard library until the cells import. Its stdin
brings a spec first (8 bytes of length, then JSON: a nonce, the cell timeout, the cells, the
wire module's source), then the frames of the answers process (boundary_wire.py), which
recheck.py relays; its stdout carries frames of two kinds: b"A" to the answers process and
b"R" result lines (JSON prefixed by the nonce). The cells' own output goes to
recheck-output.txt.

Each answer cell of the program is not run here: every name it defines becomes a `Remote`, a
function whose calls are messages to the answers process (answers_runner.py), with plain data
both ways. rnnlib's `guarded` gives such a function its references (`with_references`), which
the answers process blocks for good in the child that serves those calls. Each test cell comes
as its visible part ("test") and its hidden part ("hidden", run only when the visible part
passed), each reported with its part.
"""

import json
import os
import signal
import struct
import sys
import types

# how a failure message of rnnlib.testing.checks names the likely mistake
MISTAKE_PREFIX = "Likely mistake: "
SPEC_HEAD = struct.Struct("!Q")
# replies of the grader itself (recheck.py) when the answers process is gone
GRADER_GENERATION = 2**31 - 1


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
    """The wire module (boundary_wire.py), from the source the spec brings."""
    wire = types.ModuleType("boundary_wire")
    exec(compile(source, "boundary_wire.py", "exec"), wire.__dict__)
    return wire


def checker_peer(wire, rfd: int, wfd: int, ns: dict, shareable: set):
    """The checker's side of the wire: every top-level call names the answers child that
    must serve it (its blocked references), and replies of a child that was replaced (after a
    timeout) are dropped by their generation."""

    class CheckerPeer(wire.Peer):
        generation = 0  # of the child serving the calls; replies of older ones are stale
        reset = False  # the last call did not come back (a timeout): start a fresh child
        blocked: tuple = ()

        def call(self, target, args, kwargs, extra=None):
            blocked = tuple(target.get("blocked") or ())
            if self.depth == 0:
                extra = {"top": True, "ctx": list(blocked), "reset": self.reset}
                self.blocked = blocked
                try:
                    return super().call(target, args, kwargs, extra)
                finally:
                    self.reset = not self.replied  # cut off (a timeout): a fresh child next
            if blocked != self.blocked:
                raise RuntimeError(
                    "a test called a student function with other references blocked while "
                    "another student function was running (not supported across the boundary)"
                )
            return super().call(target, args, kwargs, extra)

        def receive(self):
            while True:
                kind, payload = wire.read_frame(self.rfd)
                if len(payload) < 4:
                    raise wire.WireError("a frame without its generation")
                (generation,) = struct.unpack("!I", payload[:4])
                if generation < self.generation:
                    continue  # from a child replaced after a timeout
                if generation != GRADER_GENERATION:
                    self.generation = generation
                return wire.unpack(payload[4:])

    def resolve(target):
        """What the answers may ask of the checker: the value of a global that a master code
        cell (not a test) assigned, by name."""
        name = target.get("global")
        if isinstance(name, str) and name in shareable and name in ns:
            return lambda: ns[name]
        raise NameError(f"name {str(name)[:60]!r} is not defined")

    return CheckerPeer(rfd, wfd, resolve, keras_load=keras_load)


def keras_load(data: bytes):
    """A Keras model sent by the answers process, loaded in safe mode (no Lambda code)."""
    import tempfile

    import keras

    with tempfile.TemporaryDirectory(prefix="rnn-model-") as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            return keras.saving.load_model(path, safe_mode=True)
        except Exception as error:  # noqa: BLE001 - say why, as the test's failure
            raise TypeError(
                "the model your function returned could not be loaded in Keras's safe mode, "
                "which the grader uses for models (Lambda layers and classes of your own "
                f"cannot be loaded): {type(error).__name__}: {str(error)[:200]}"
            ) from None


def main() -> None:
    spec = read_spec(0)
    nonce, timeout = spec.pop("nonce"), int(spec["cell_timeout"])
    wire = load_wire(spec["wire"])
    write_frame, dumps, run, compile_ = wire.write_frame, json.dumps, exec, compile
    out = os.dup(1)
    log = os.open("recheck-output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)

    def emit(obj) -> None:
        write_frame(out, b"R", (nonce + " " + dumps(obj)).encode())

    def on_alarm(signum, frame):
        raise TimeoutError(f"cell ran longer than {timeout} s")

    signal.signal(signal.SIGALRM, on_alarm)
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        from IPython.display import display

        ns["display"] = display
    except Exception:  # noqa: BLE001 - IPython is optional here; display() is a convenience
        pass
    peer = checker_peer(wire, 0, out, ns, set(spec.get("shareable") or ()))
    answer_errors = None
    visible_ok = False  # the last test cell's visible part passed
    for index, cell in enumerate(spec["cells"]):
        if cell["kind"] == "hidden" and not visible_ok:
            continue  # the test already failed: its hidden part would only cost time
        if cell["kind"] == "answer":
            for name in cell.get("defines") or ():
                ns[name] = wire.Remote(peer, {"name": name}, name)
            if answer_errors is None:
                answer_errors = answers_status(peer, wire)
            if cell["grade_id"] in answer_errors:
                emit({"answer": cell["grade_id"], "error": answer_errors[cell["grade_id"]]})
            continue
        ok, error, diagnosis = True, "", ""
        signal.alarm(timeout)
        try:
            where = f"<cell {index}: {cell['grade_id'] or cell['kind']}>"
            run(compile_(cell["source"], where, "exec"), ns)
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt fail it too
            ok = False
            text = str(exc).strip().splitlines()
            error = type(exc).__name__ + (": " + text[0][:300] if text else "")
            # the mistake a visible check named (rnnlib.testing.checks), for the class report
            named = [ln.strip() for ln in text if ln.strip().startswith(MISTAKE_PREFIX)]
            diagnosis = named[0][len(MISTAKE_PREFIX) :][:200] if named else ""
        finally:
            signal.alarm(0)
        if cell["kind"] == "test":
            visible_ok = ok
        if cell["kind"] in ("test", "hidden"):
            emit(
                {
                    "grade_id": cell["grade_id"],
                    "part": "hidden" if cell["kind"] == "hidden" else "visible",
                    "passed": ok,
                    "error": error,
                    "diagnosis": diagnosis,
                }
            )
    emit({"done": True})
    os._exit(0)


def answers_status(peer, wire) -> dict:
    """{answer cell's grade_id: the error its definitions raised} from the answers process."""
    try:
        errors = peer.call({"builtin": "errors"}, (), {})
    except Exception as error:  # noqa: BLE001 - the answers process is broken: every call fails
        return {"": f"{type(error).__name__}: {error}"[:300]}
    if not isinstance(errors, dict):
        return {}
    return {str(k): str(v)[:300] for k, v in errors.items()}


if __name__ == "__main__":
    main()
