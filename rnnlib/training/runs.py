"""Seeded, timed runs: the first lines of every training cell.

Introduced in notebook 01. Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import random
import time

import numpy as np


def set_seed(seed: int, *, with_keras: bool = True) -> np.random.Generator:
    """Seeds Python's ``random``, NumPy's global state and (unless ``with_keras=False``)
    Keras's backend; returns a fresh ``np.random.Generator`` for the notebook's own draws."""
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (old code and libraries still draw from it)
    if with_keras:
        import keras

        keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def fit_full_batch(model, X, y, steps: int):
    """``steps`` full-batch gradient steps with ``model.fit``, in one epoch.

    Keras pays a fixed cost per epoch (tens of ms on a small CPU) that dwarfs one step on
    a few hundred windows; repeating the data ``steps`` times in a single epoch makes the
    same updates as ``fit(X, y, epochs=steps, batch_size=len(X), shuffle=False)``, several
    times faster. Returns Keras's history dict (one entry: the mean loss over the steps).
    """
    X, y = np.asarray(X), np.asarray(y)
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"fit_full_batch: steps should be >= 1, got {steps}")
    reps = (steps,) + (1,) * (X.ndim - 1)
    history = model.fit(
        np.tile(X, reps),
        np.tile(y, (steps,) + (1,) * (y.ndim - 1)),
        epochs=1,
        batch_size=len(X),
        shuffle=False,
        verbose=0,
    )
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


class Timer:
    """Context manager that measures a block's wall time and prints it (for notebook cells).

    >>> with Timer("training"):   # doctest: +SKIP
    ...     model.fit(...)
    training: 12.3 s
    """

    def __init__(self, label: str = "elapsed", *, verbose: bool = True):
        self.label = label
        self.verbose = verbose
        self.seconds: float | None = None

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start
        if self.verbose:
            print(f"{self.label}: {self.seconds:.1f} s")
