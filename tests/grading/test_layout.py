"""Is autograder laid out as its docstrings say: no import cycle, never rnnlib, the programs
that run elsewhere standard-library only?"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).resolve().parent
# Run elsewhere with `python -I`: the re-check's two programs and their wire inside the
# sandboxes, the warm client beside them; they may import nothing but these at the top.
STANDALONE = {
    "autograder.grading.recheck_runner": {"json", "os", "signal", "struct", "sys", "types"},
    "autograder.grading.answers_runner": {
        "builtins",
        "json",
        "os",
        "select",
        "signal",
        "struct",
        "sys",
        "types",
    },
    "autograder.grading.boundary_wire": {"json", "os", "struct"},
    "autograder.sandbox.warm_client": {"__future__", "json", "os", "socket", "struct", "sys"},
}
# The one import of rnnlib: the answers process blocks a test's references with rnnlib's own
# machinery (one implementation, one message), inside the sandbox, where the course's code
# is rnnlib anyway; the trusted grader never imports it.
IMPORTS_IN_THE_SANDBOX = {"autograder.grading.answers_runner": {"rnnlib.testing.grading"}}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, name: str, top_only: bool = False) -> set[str]:
    """Every module `path` imports (anywhere in it, or at its top level only)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package of `name`
                package = name.rsplit(".", node.level)[0]
                base = f"{package}.{base}" if base else package
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def test_no_import_cycle_between_modules():
    """Does no autograder module import itself back through others (function-level imports
    included)?"""
    modules = _modules()
    graph = {n: {m for m in _imports(p, n) if m in modules and m != n} for n, p in modules.items()}
    for name in graph:  # a package's __init__ is imported by each of its modules: not an edge
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    cycles = []

    def visit(node, path):
        for nxt in sorted(graph[node]):
            if nxt in path:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif len(path) < len(graph):
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_autograder_never_imports_rnnlib():
    """Does no autograder module import rnnlib, and does importing every one of them leave
    rnnlib out of sys.modules (the grader's process never runs the library it checks)?"""
    importers = [
        n
        for n, p in _modules().items()
        if any(
            (m == "rnnlib" or m.startswith("rnnlib."))
            and not m.startswith(tuple(IMPORTS_IN_THE_SANDBOX.get(n, ())) or "\0")
            for m in _imports(p, n)
        )
    ]
    assert not importers, f"modules importing rnnlib: {importers}"
    code = (
        "import importlib, json, sys\n"
        f"for name in {sorted(_modules())!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps('rnnlib' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) is False


def test_programs_run_elsewhere_import_only_the_standard_library():
    """Do the re-check's runner and the warm client import only the standard library at their
    top level (and nothing of autograder or rnnlib anywhere)?"""
    modules = _modules()
    for name, allowed in STANDALONE.items():
        top = {m.split(".")[0] for m in _imports(modules[name], name, top_only=True)}
        assert top <= allowed, (name, top - allowed)
        allowed_here = tuple(IMPORTS_IN_THE_SANDBOX.get(name, ()))
        found = {m for m in _imports(modules[name], name) if not m.startswith(allowed_here or "\0")}
        anywhere = {m.split(".")[0] for m in found}
        assert not anywhere & {"autograder", "rnnlib"}, (name, anywhere)
