"""Tests of the rnnlib package itself (rnnlib/__init__.py, rnnlib/_exports.py): its version,
its grouping into subpackages by kind, and the names each subpackage offers one level up."""

import importlib
import pkgutil
import subprocess
import sys
from importlib.metadata import version

import pytest

import rnnlib
from rnnlib import _exports


def test_version_comes_from_the_package_metadata():
    """Are rnnlib's and autograder's versions the installed rnn-course's, with autograder
    importing no rnnlib to learn it?"""
    assert rnnlib.__version__ == version("rnn-course")
    code = "import sys, autograder; print(autograder.__version__, 'rnnlib' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == [version("rnn-course"), "False"]


def _modules(package) -> list[str]:
    """The public modules of a package (names not starting with "_")."""
    return sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")
    )


def test_the_library_is_grouped_by_kind():
    """Is every public part of rnnlib a subpackage (no loose module at the top), each with a
    docstring that says what belongs there, and each reachable as rl.<kind>?"""
    loose = [
        m.name
        for m in pkgutil.iter_modules(rnnlib.__path__)
        if not m.ispkg and not m.name.startswith("_")
    ]
    assert not loose, f"put {loose} in the subpackage of their kind (docs/notation.md)"
    assert set(rnnlib._SUBPACKAGES) == set(_modules(rnnlib))
    for kind in rnnlib._SUBPACKAGES:
        package = getattr(rnnlib, kind)
        assert package is importlib.import_module(f"rnnlib.{kind}")
        assert len((package.__doc__ or "").split()) >= 15, f"rnnlib.{kind} needs a docstring"


@pytest.mark.parametrize("kind", rnnlib._SUBPACKAGES)
def test_every_public_name_is_offered_one_level_up(kind):
    """Is every public name of every module of a subpackage (its __all__, or the functions,
    classes and constants it defines) reachable as rl.<kind>.<name>, the same object, with no
    two modules offering one name?"""
    package = importlib.import_module(f"rnnlib.{kind}")
    offered = dir(package)  # raises ImportError on a clash
    missing = []
    for name in _modules(package):
        module = importlib.import_module(f"rnnlib.{kind}.{name}")
        for attr in _exports.public_names(module):
            if getattr(package, attr, None) is not getattr(module, attr):
                missing.append(f"{module.__name__}.{attr}")
            assert attr in offered
    assert not missing, f"not offered as rl.{kind}.<name>: {missing}"


def test_a_clash_between_two_modules_is_an_error(tmp_path, monkeypatch):
    """Do two modules of one subpackage offering one name, or a name that is a module's, raise
    an ImportError that names both, instead of one silently hiding the other?"""
    for case, files in {
        "twins": {"a.py": "def f(): pass", "b.py": "def f(): pass"},
        "module": {"f.py": "", "g.py": "def f(): pass"},
    }.items():
        package = tmp_path / f"clash_{case}"
        package.mkdir()
        (package / "__init__.py").write_text(
            "from rnnlib._exports import exports\n"
            "__getattr__, __dir__ = exports(__name__, __path__)\n"
        )
        for name, body in files.items():
            (package / name).write_text(body + "\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        module = importlib.import_module(f"clash_{case}")
        with pytest.raises(ImportError, match="offered by both"):
            module.f  # noqa: B018
