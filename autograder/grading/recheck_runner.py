"""The re-check's runner: the program that runs inside the sandbox, in a fresh interpreter.

recheck.run() reads this file by its path and starts it as `python -I -c <this file's text>`
in the sandbox (isolated mode: no environment variables, no user site, nothing of the working
folder, the student's copy, on the import path; the sandbox does not even see autograder/).
So it must stay a single file that imports only the standard library until the cells import
(keep it so: `json`, `os`, `signal`, `sys` at the top, nothing of autograder or rnnlib).

Each test cell comes as two cells, its visible part ("test") and its hidden tests ("hidden",
run only when the visible part passed), each reported with its part. It reads its spec (a
nonce, the cell timeout, the cells) from stdin, sends its own stdout and
stderr to recheck-output.txt, and writes results on the original stdout as lines of JSON,
each prefixed by the nonce, which it read before any student code ran. Between cells it
compares the watched modules (WATCHED, WATCHED_PACKAGES: the checking functions) with a
snapshot; a test cell that ran after any of them was replaced fails, as tampered. Its state
lives in main()'s locals, out of reach of the cells (which can reach this module's globals).
"""

import json
import os
import signal
import sys

# Modules whose functions the test cells rely on. rnnlib's test-cell machinery is watched as a
# package: `rnnlib.testing` and every module below it, whatever it holds; `rnnlib._exports` is
# how `rl.testing.<name>` finds those functions.
WATCHED = ("builtins", "numpy", "numpy.testing", "rnnlib", "rnnlib._exports")
WATCHED_PACKAGES = ("rnnlib.testing",)  # the package and every module below it
# how a failure message of rnnlib.testing.checks names the likely mistake
MISTAKE_PREFIX = "Likely mistake: "


def is_watched(name: str) -> bool:
    """Is module `name` one whose functions the re-check watches for replacement?"""
    return name in WATCHED or any(
        name == pkg or name.startswith(pkg + ".") for pkg in WATCHED_PACKAGES
    )


def snapshot(seen: dict, snap: dict, watched=is_watched) -> None:
    """Record (the first time it is seen) every watched module and the identity of each of its
    attributes and of their code objects."""
    for name in [n for n in list(sys.modules) if watched(n)]:
        mod = sys.modules.get(name)
        if mod is None or name in seen:
            continue
        seen[name] = mod
        state = {}
        for attr, value in list(vars(mod).items()):
            code = getattr(value, "__code__", None)
            state[attr] = (id(value), id(code) if code is not None else None)
        snap[name] = state


def changes(seen: dict, snap: dict) -> list[str]:
    """What was replaced since the snapshot: modules, attributes, code; trace hooks."""
    found = []
    for name, state in snap.items():
        mod = sys.modules.get(name)
        if mod is not seen[name]:
            found.append(f"sys.modules[{name!r}] replaced")
            continue
        now = vars(mod)
        for attr, (oid, cid) in state.items():
            value = now.get(attr)
            code = getattr(value, "__code__", None)
            if attr not in now or id(value) != oid or (cid is not None and id(code) != cid):
                found.append(f"{name}.{attr} replaced")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("a trace or profile hook was installed")
    return found[:10]


def main() -> None:
    # everything the loop calls, bound before any student code runs (a cell can reach this
    # module's globals through `import __main__`, never main()'s locals)
    write, dumps, run, compile_ = os.write, json.dumps, exec, compile
    take_snapshot, find_changes = snapshot, changes
    spec = json.loads(sys.stdin.read())
    nonce, timeout = spec.pop("nonce"), int(spec["cell_timeout"])
    out = os.dup(1)
    log = os.open("recheck-output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)

    def emit(obj) -> None:
        write(out, (nonce + " " + dumps(obj) + "\n").encode())

    def on_alarm(signum, frame):
        raise TimeoutError(f"cell ran longer than {timeout} s")

    signal.signal(signal.SIGALRM, on_alarm)
    seen: dict = {}
    snap: dict = {}
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        from IPython.display import display

        ns["display"] = display
    except Exception:  # noqa: BLE001 - IPython is optional here; display() is a convenience
        pass
    tampered: list[str] = []
    visible_ok = False  # the last test cell's visible part passed
    for index, cell in enumerate(spec["cells"]):
        if cell["kind"] == "hidden" and not visible_ok:
            continue  # the test already failed: its hidden part would only cost time
        if cell["kind"] == "answer":
            take_snapshot(seen, snap)
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
        take_snapshot(seen, snap)
        if not tampered:
            tampered = find_changes(seen, snap)
        if cell["kind"] == "test":
            visible_ok = ok and not tampered
        if cell["kind"] in ("test", "hidden"):
            emit(
                {
                    "grade_id": cell["grade_id"],
                    "part": "hidden" if cell["kind"] == "hidden" else "visible",
                    "passed": ok and not tampered,
                    "error": error,
                    "diagnosis": diagnosis,
                    "tampered": tampered,
                }
            )
        elif cell["kind"] == "answer" and not ok:
            emit({"answer": cell["grade_id"], "error": error})
    emit({"done": True, "tampered": tampered})
    os._exit(0)


if __name__ == "__main__":
    main()
