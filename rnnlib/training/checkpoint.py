"""Train-or-load for NumPy models: parameter dicts saved as one ``.npz`` file.

The NumPy counterpart of :func:`rnnlib.training.artifacts.fit_or_load` (which saves Keras models).
During ``nbgrader autograde`` (``NBGRADER_EXECUTION=autograde``) long training is not
re-run: :func:`fit_or_load_params` loads the parameters and training history that the
student's own run saved, and the notebook evaluates those. One file holds both, so a
student submits one artifact. Introduced in notebook 04 (a character model trained with
NumPy BPTT).
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from rnnlib.training.artifacts import ArtifactError, autograding

_HISTORY_KEY = "__history__"


def save_params(path, params: Mapping[str, np.ndarray], history: Mapping | None = None) -> Path:
    """Writes ``params`` (name -> array) and a JSON-friendly ``history`` to ``path`` (.npz),
    through a side file, so an interrupted save never leaves half an artifact."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"save_params: path should end in .npz, got '{path}'")
    bad = [k for k in params if k == _HISTORY_KEY or not isinstance(k, str)]
    if bad:
        raise ValueError(f"save_params: parameter names should be str and not {_HISTORY_KEY!r}")
    arrays = {k: np.asarray(v) for k, v in params.items()}
    arrays[_HISTORY_KEY] = np.array(json.dumps(_jsonable(history or {})))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial.npz")
    np.savez(partial, **arrays)
    os.replace(partial, path)
    return path


def _jsonable(history: Mapping) -> dict:
    out = {}
    for k, v in history.items():
        arr = np.asarray(v)
        out[str(k)] = arr.tolist() if arr.ndim else arr.item()
    return out


def load_params(path) -> tuple[dict, dict]:
    """Reads what :func:`save_params` wrote: ``(params, history)``.

    A missing file raises FileNotFoundError naming it; a damaged one ArtifactError."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"load_params: no saved parameters at '{path}'. The grader does not train models: "
            "run the training cell in your own session before submitting (it saves "
            f"'{path}'), and submit that file with the notebook."
        )
    try:
        with np.load(path, allow_pickle=False) as f:
            params = {k: f[k] for k in f.files if k != _HISTORY_KEY}
            history = json.loads(str(f[_HISTORY_KEY])) if _HISTORY_KEY in f.files else {}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as e:
        raise ArtifactError(
            f"load_params: the saved parameters '{path}' could not be read ({type(e).__name__}: "
            f"{e}). Delete the file, run the training cell again in your own session, and "
            "resubmit."
        ) from e
    return params, history


def fit_or_load_params(path, fit_fn: Callable[[], tuple], *, force: bool = False):
    """Runs ``fit_fn()`` and saves its result, or, while autograding, loads the save.

    fit_fn: trains and returns ``(params, history)``: a dict of arrays and a dict of lists
    (or None). path: where to save them, ending in ``.npz``.
    force: train even while autograding (only for training cheap enough to re-run).
    Returns ``(params, history)``; while autograding, the loaded ones.
    """
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"fit_or_load_params: path should end in .npz, got '{path}'")
    if autograding() and not force:
        try:
            return load_params(path)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"fit_or_load_params: no saved parameters at '{path}'. The grader does not "
                "train models: run the training cell in your own session before submitting "
                f"(it saves '{path}'), and submit that file with the notebook."
            ) from None
    result = fit_fn()
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Mapping)):
        raise TypeError(
            "fit_or_load_params: fit_fn should return (params, history), params "
            f"a dict of arrays, got {type(result).__name__}"
        )
    params, history = result
    save_params(path, params, history)
    return dict(params), _jsonable(history or {})
