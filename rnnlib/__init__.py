"""rnnlib: the support library of the RNN course (``import rnnlib as rl``).

Grouped by kind; each subpackage offers its modules' names one level up, so a notebook types
``rl.<kind>.<name>`` (``rl.cells.lstm_forward``, ``rl.testing.check_close``). The kinds, and
where each notebook's code lives, are in docs/notation.md's library map:

    cells      NumPy reference cells and layers (Keras layout and gate order), weight transfer
    data       sequences, padding and masks, vocabularies, windows and splits, the cache folder
    datasets   one module per data set: generators and offline loaders
    lm         language models and sampling: softmax/temperature, n-grams, the character RNN
    baselines  the non-neural baselines results stand beside
    dynamics   the experiments on memory and gradients (notebooks 02, 05, 06)
    training   seeded runs, train-or-load for autograding, checkpoints, optimisers
    testing    what test cells use: checks students read, and the hidden-test machinery
    plot       matplotlib helpers (``ax=None``, return ``ax``)
    widgets    ipywidgets demos that hold no model logic
    audio      speech synthesis (eSpeak NG), resampling and noise, frames, log-mels and MFCCs

Importing rnnlib is light: NumPy only. A subpackage loads on first attribute access; TensorFlow,
matplotlib, ipywidgets and music21 are imported inside the functions that need them.
"""

from __future__ import annotations

import importlib

from rnnlib._exports import module_names

# The subpackages, found in the folder (no list to keep by hand).
_SUBPACKAGES = tuple(module_names(__path__))

__all__ = ["__version__", *_SUBPACKAGES]


def __getattr__(name: str):
    if name == "__version__":  # from the installed package's metadata, read on first use
        globals()[name] = _version()
        return globals()[name]
    if name in _SUBPACKAGES:
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
