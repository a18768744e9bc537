"""rnnlib: the support library of the RNN course (``import rnnlib as rl``).

NumPy reference implementations of the recurrent cells (batch-major ``(N, T, D)``,
row-vector weights in Keras's layout and gate order), gradient checking, data helpers
and the check helpers used by the notebooks' tests.

Importing rnnlib is light: NumPy only. Modules that need TensorFlow, matplotlib,
ipywidgets or music21 (``keras_io``, ``plot``, ``widgets``, ``datasets``, ...) are
loaded on first attribute access, and import those libraries inside their functions.
"""

from __future__ import annotations

import importlib

# Light modules, loaded on first use as well, so `import rnnlib` costs almost nothing.
# Every public module must be listed (tests/library/test_rnnlib.py checks it).
_SUBMODULES = (
    "rnn",
    "unit_memory",
    "lstm",
    "gru",
    "gates",
    "init",
    "gate_flow",
    "layers",
    "gradcheck",
    "data",
    "vocab",
    "checks",
    "grading",
    "training",
    "jacobians",
    "cliffs",
    "keras_io",
    "datasets",
    "text",
    "ngram",
    "sampling",
    "forecast",
    "optim",
    "checkpoint",
    "char_rnn",
    "plot",
    "widgets",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str):
    if name == "__version__":  # from the installed package's metadata, read on first use
        globals()[name] = _version()
        return globals()[name]
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'rnnlib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rnn-course")
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"
