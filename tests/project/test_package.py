"""Is the installed package light to import, and does the rnn-course command work?"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import rnnlib
from autograder import cli

HEAVY = ("tensorflow", "keras", "matplotlib", "ipywidgets", "music21", "statsmodels")


def _run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout


def test_import_is_light():
    """Does `import rnnlib` load none of TensorFlow, Keras, matplotlib, ipywidgets, music21?"""
    code = (
        "import sys, time, json; t = time.perf_counter(); import rnnlib; "
        "t = time.perf_counter() - t; "
        f"print(json.dumps({{'seconds': t, 'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))"
    )
    result = json.loads(_run_python(code))
    print(f"import rnnlib took {result['seconds']:.3f} s")  # recorded, never asserted
    assert result["heavy"] == []


def test_submodules_are_reachable_lazily():
    """Does `rl.testing` load on first use, and a typo give a clear AttributeError?"""
    assert rnnlib.testing.gradcheck.rel_error([1.0], [1.0]) == 0.0
    with pytest.raises(AttributeError, match="no attribute 'rnnn'"):
        rnnlib.rnnn  # noqa: B018


def test_version(capsys):
    """Does `rnn-course --version` print the package version?"""
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"rnn-course {rnnlib.__version__}"


def test_doctor_lists_versions(capsys):
    """Does `rnn-course doctor` name every tool with its version and start a kernel?"""
    status = cli.main(["doctor"])
    out = capsys.readouterr().out
    for label in ("Python", "numpy", "TensorFlow", "Keras", "nbgrader", "JupyterLab", "ipywidgets"):
        assert label in out
    assert "NOT AVAILABLE" not in out
    assert "kernel" in out and "ok" in out
    assert status == 0


def test_console_script_is_installed():
    """Is the `rnn-course` console script on the venv's PATH and working?"""
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "rnn-course"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert rnnlib.__version__ in done.stdout


def _function_bodies(root: Path):
    """(where, AST dump of the body without its docstring) for every function under root."""
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # the docstring may differ; the code may not
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                if len(body) > 1:  # a one-line delegation is not a copied helper
                    yield (
                        f"{path.relative_to(root.parent)}:{node.lineno} {node.name}",
                        ast.dump(ast.Module(body=body, type_ignores=[])),
                    )


def test_no_function_of_rnnlib_is_written_twice():
    """Is every helper of rnnlib written once (no copied _count, _axes or sigmoid)?"""
    by_body: dict[str, list[str]] = {}
    for where, body in _function_bodies(Path(rnnlib.__file__).parent):
        by_body.setdefault(body, []).append(where)
    copies = [places for places in by_body.values() if len(places) > 1]
    assert not copies, f"the same function body is written more than once: {copies}"
