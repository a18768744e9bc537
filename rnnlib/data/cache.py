"""The course's cache folder, where loaders keep what is slow to build (parsed scores,
synthesised speech, generated name and date tables).

``$RNN_COURSE_CACHE`` overrides the default ``~/.cache/rnn-course``. Introduced in notebook 03;
every loader of :mod:`rnnlib.datasets.synthetic` that builds something keeps it here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np


def cache_dir(*parts: str, create: bool = True) -> Path:
    """The course's cache folder (``$RNN_COURSE_CACHE``, default ``~/.cache/rnn-course``),
    or a subfolder of it; created unless ``create=False``."""
    root = os.environ.get("RNN_COURSE_CACHE") or Path.home() / ".cache" / "rnn-course"
    path = Path(root).expanduser().joinpath(*parts)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def cached_arrays(name: str, build: Callable[[], dict], *, version: int = 1) -> dict:
    """Arrays that are slow to build, kept in the cache as ``name-v{version}.npz``.

    build: makes ``{key: array}`` when the cache has no copy (bump ``version`` when it
    changes). A damaged cache file is rebuilt. Returns ``{key: ndarray}``.
    """
    path = cache_dir() / f"{name}-v{version}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}
        except (OSError, ValueError, EOFError):
            path.unlink(missing_ok=True)  # damaged: build it again
    arrays = {k: np.asarray(v) for k, v in build().items()}
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial.npz")
    np.savez_compressed(partial, **arrays)
    os.replace(partial, path)  # atomic, so a concurrent reader never sees half a file
    return arrays


# ---------------------------------------------------------------- generators
