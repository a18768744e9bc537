"""Is autograder laid out as its docstrings say: no import cycle, never rnnlib, the programs
that run elsewhere standard-library only, and every test-helper module of rnnlib watched?"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import autograder
from autograder.grading import recheck_runner

PACKAGE = Path(autograder.__file__).resolve().parent
# Run elsewhere with `python -I`: the re-check's runner inside the sandbox, the warm client
# beside it; they may import nothing but these at the top.
STANDALONE = {
    "autograder.grading.recheck_runner": {"json", "os", "signal", "sys"},
    "autograder.sandbox.warm_client": {"__future__", "json", "os", "socket", "struct", "sys"},
}


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
        if any(m == "rnnlib" or m.startswith("rnnlib.") for m in _imports(p, n))
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
        anywhere = {m.split(".")[0] for m in _imports(modules[name], name)}
        assert not anywhere & {"autograder", "rnnlib"}, (name, anywhere)


def _rnnlib_folder() -> Path:
    spec = importlib.util.find_spec("rnnlib")  # finds the installed package, imports nothing
    return Path(next(iter(spec.submodule_search_locations)))


def test_every_test_helper_module_of_rnnlib_is_watched():
    """Is every module of the installed rnnlib's test-cell machinery (rnnlib/testing/, and the
    loader through which rl.testing.<name> reaches it) watched by the re-check's runner?"""
    folder = _rnnlib_folder()
    testing = sorted((folder / "testing").rglob("*.py"))
    assert testing, "rnnlib has no test-helper modules here"
    names = ["rnnlib", "rnnlib._exports", "numpy", "numpy.testing", "builtins"]
    for path in testing:
        parts = path.relative_to(folder.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    unwatched = [n for n in names if not recheck_runner.is_watched(n)]
    assert not unwatched, f"the re-check does not watch {unwatched}"
    assert not recheck_runner.is_watched("rnnlib.testingx")
    assert not recheck_runner.is_watched("rnnlib.plot")
