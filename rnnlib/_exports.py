"""How a subpackage of rnnlib offers its modules' names one level up (``rl.cells.lstm_forward``).

Each subpackage's ``__init__`` ends with ``__getattr__, __dir__ = exports(__name__, __path__)``.
Its public names are found, not listed: every public module of the folder (name not starting
with ``_``) is read on first attribute access, and its public names are those in its
``__all__`` or, without one, the functions, classes and UPPER_CASE constants it defines.
Two modules of one subpackage offering different objects under one name, or a name that is
also a module's (the import system would set the module over it), is an error, raised on
first access (tests/library/test_rnnlib.py reads every subpackage). Importing a subpackage
imports none of its modules; reading a name imports them all (NumPy only: heavy libraries are
imported inside the functions that need them).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from collections.abc import Callable, Iterable


def public_names(module: types.ModuleType) -> list[str]:
    """The names ``module`` offers to its subpackage: ``__all__``, or what it defines."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return list(declared)
    names = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        defined_here = getattr(value, "__module__", None) == module.__name__
        if (inspect.isfunction(value) or inspect.isclass(value)) and defined_here:
            names.append(name)
        elif name.isupper() and isinstance(value, (int, float, str, tuple, frozenset)):
            names.append(name)
    return names


def module_names(path: Iterable[str]) -> list[str]:
    """The public modules and subpackages in a package folder."""
    return sorted(m.name for m in pkgutil.iter_modules(list(path)) if not m.name.startswith("_"))


def exports(package: str, path: Iterable[str]) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for the subpackage ``package`` whose folder is ``path``."""
    path = list(path)
    table: dict[str, object] = {}

    def build() -> dict[str, object]:
        if table:
            return table
        modules = {
            name: importlib.import_module(f"{package}.{name}") for name in module_names(path)
        }
        owners = dict.fromkeys(modules, package)  # a module's name is taken by the module
        found: dict[str, object] = dict(modules)
        for module in modules.values():
            for attr in public_names(module):
                value = getattr(module, attr)
                if attr in found and found[attr] is not value:
                    raise ImportError(
                        f"{package}: {attr!r} is offered by both "
                        f"{owners.get(attr, package)} and {module.__name__}; "
                        "rename one"
                    )
                found[attr], owners[attr] = value, module.__name__
        table.update(found)
        return table

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return build()[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None

    def __dir__() -> list[str]:
        return sorted(build())

    return __getattr__, __dir__
