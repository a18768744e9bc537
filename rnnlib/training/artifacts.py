"""Small training helpers: seeded runs, train-or-load for autograding, a cell timer.

During ``nbgrader autograde`` (``NBGRADER_EXECUTION=autograde``) long training is not
re-run: :func:`fit_or_load` loads the model the student's own run saved and the notebook
evaluates that. Introduced in notebook 01; used by every notebook that trains.
Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np


class ArtifactError(RuntimeError):
    """A saved model or history exists but cannot be read back."""


def autograding() -> bool:
    """True while nbgrader autogrades the notebook (``NBGRADER_EXECUTION=autograde``)."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def history_path(path) -> Path:
    """Where :func:`fit_or_load` keeps the training history of the model saved at ``path``:
    ``name.keras`` -> ``name.history.json`` in the same folder."""
    path = Path(path)
    return path.with_name(path.stem + ".history.json")


def _history_dict(result) -> dict:
    """A JSON-friendly ``{metric: [float per epoch]}`` from a History, a dict or None."""
    hist = getattr(result, "history", result)
    if hist is None:
        return {}
    if not isinstance(hist, dict):
        raise TypeError(
            "fit_or_load: fit_fn should return a keras History, a dict of per-epoch lists "
            f"or None, got {type(result).__name__}"
        )
    return {str(k): [float(x) for x in np.ravel(v)] for k, v in hist.items()}


def fit_or_load(model, path, fit_fn, *, force: bool = False, custom_objects=None):
    """Trains ``model`` with ``fit_fn`` and saves it, or, while autograding, loads the save.

    model: a built Keras model. path: where to save it, ending in ``.keras``.
    fit_fn: ``fit_fn(model)`` trains in place and may return a History (or a dict).
    force: train even while autograding (only for training cheap enough to re-run).
    Returns ``(model, history)`` with ``history`` a dict ``{metric: [value per epoch]}``;
    while autograding, the model is the loaded one and the history the saved one.
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"fit_or_load: path should end in .keras (Keras 3 format), got '{path}'")
    if autograding() and not force:
        return _load(path, custom_objects)

    history = _history_dict(fit_fn(model))
    path.parent.mkdir(parents=True, exist_ok=True)
    # write to a side file first, so an interrupted save never leaves a half-written artifact
    partial = path.with_name(f".{path.stem}.partial.keras")
    model.save(partial)
    os.replace(partial, path)
    history_path(path).write_text(json.dumps(history), encoding="utf-8")
    return model, history


def _load(path: Path, custom_objects=None):
    if not path.exists():
        raise FileNotFoundError(
            f"fit_or_load: no saved model at '{path}'. The grader does not train models: run "
            "the training cell in your own session before submitting (it saves "
            f"'{path}' and '{history_path(path)}'), and submit those files with the notebook."
        )
    import keras

    try:
        with warnings.catch_warnings():  # stderr in a graded cell would zero it
            warnings.simplefilter("ignore")
            model = keras.models.load_model(path, custom_objects=custom_objects)
    except Exception as e:  # a truncated zip, a foreign file, an incompatible Keras version
        raise ArtifactError(
            f"fit_or_load: the saved model '{path}' could not be loaded ({type(e).__name__}: "
            f"{e}). It may be damaged or from another version: delete it, run the training "
            "cell again in your own session, and resubmit."
        ) from e
    hpath = history_path(path)
    if not hpath.exists():
        return model, {}
    try:
        history = json.loads(hpath.read_text(encoding="utf-8"))
        if not isinstance(history, dict):
            raise ValueError("not a dict")
    except (ValueError, UnicodeDecodeError) as e:
        raise ArtifactError(
            f"fit_or_load: the training history '{hpath}' is damaged ({e}): run the training "
            "cell again in your own session, and resubmit."
        ) from e
    return model, history
