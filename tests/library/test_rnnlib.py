"""Tests of the rnnlib package itself (rnnlib/__init__.py): its version, its lazy loader,
and the re-exports of rnnlib.plot and rnnlib.widgets, so that a new module or helper that is
not wired in fails here."""

import importlib
import inspect
import pkgutil
import subprocess
import sys
from importlib.metadata import version

import pytest

import rnnlib


def test_version_comes_from_the_package_metadata():
    """Are rnnlib's and autograder's versions the installed rnn-course's, with autograder
    importing no rnnlib to learn it?"""
    assert rnnlib.__version__ == version("rnn-course")
    code = "import sys, autograder; print(autograder.__version__, 'rnnlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.split() == [version("rnn-course"), "False"]


def _modules(package) -> list[str]:
    """The public modules of a package (names not starting with "_")."""
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__)
                  if not m.name.startswith("_"))


def test_every_submodule_is_in_the_lazy_loader():
    """Is every public rnnlib module reachable as rl.<name>, i.e. listed in _SUBMODULES of
    rnnlib/__init__.py? (Add a new module there, e.g. notebook 03's helpers.)"""
    missing = sorted(set(_modules(rnnlib)) - set(rnnlib._SUBMODULES))
    assert not missing, f"add {missing} to _SUBMODULES in rnnlib/__init__.py"
    unknown = sorted(set(rnnlib._SUBMODULES) - set(_modules(rnnlib)))
    assert not unknown, f"_SUBMODULES names modules that do not exist: {unknown}"


@pytest.mark.parametrize("package", ["plot", "widgets"])
def test_every_public_helper_is_re_exported(package):
    """Is every public function of an rnnlib.plot.* or rnnlib.widgets.* module (or every name
    in its __all__, when it has one) re-exported by its package (rl.plot.<name>,
    rl.widgets.<name>)? (Add an import line to the package's __init__.py for each new helper.)"""
    pkg = importlib.import_module(f"rnnlib.{package}")
    missing = []
    for name in _modules(pkg):
        module = importlib.import_module(f"rnnlib.{package}.{name}")
        public = getattr(module, "__all__", None) or [
            attr for attr, value in vars(module).items()
            if not attr.startswith("_") and inspect.isfunction(value)
            and value.__module__ == module.__name__
        ]
        for attr in public:
            if getattr(pkg, attr, None) is not getattr(module, attr):
                missing.append(f"from {module.__name__} import {attr} as {attr}")
    assert not missing, (f"rnnlib/{package}/__init__.py should re-export:\n  "
                         + "\n  ".join(missing))
