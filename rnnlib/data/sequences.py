"""Sequence data helpers: one-hot, padding with masks, bag of words, windows over time
series, batching and seeded splits (the vocabulary is in :mod:`rnnlib.data.vocab`).

Introduced in notebook 01 (why feed-forward networks fail on sequences). Shapes use
N (batch), T (time), F (features), V (vocabulary size, ``depth``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from rnnlib.testing.shapes import Dims, check_count, token_ids


def _check_depth(where: str, depth) -> int:
    return check_count(where, "depth", depth)


def one_hot(indices, depth: int, dtype=np.float32) -> np.ndarray:
    """One-hot vectors for integer ids: any shape ``(...)`` becomes ``(..., depth)``.

    indices: integer ids in ``[0, depth)``, any shape (e.g. ``(N, T)``).
    Introduced in notebook 01.
    """
    depth = _check_depth("one_hot", depth)
    idx = token_ids("one_hot", "indices", indices, depth, f"depth={depth}", whole_floats=True)
    out = np.zeros(idx.shape + (depth,), dtype=dtype)  # (..., depth)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return out


def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    """Pads (and truncates) sequences to one length, exactly like ``keras.utils.pad_sequences``.

    seqs: N sequences of varying length; each element a scalar or an equal-shaped vector.
    Returns ``(X, mask)``: X ``(N, maxlen, ...)`` equal to Keras's output, and mask a bool
    ``(N, maxlen)`` that is True at the real (not padded) entries.
    Introduced in notebook 01.
    """
    where = "pad_sequences"
    if padding not in ("pre", "post"):
        raise ValueError(f'{where}: padding should be "pre" or "post", got {padding!r}')
    if truncating not in ("pre", "post"):
        raise ValueError(f'{where}: truncating should be "pre" or "post", got {truncating!r}')
    if isinstance(seqs, (str, bytes)) or not hasattr(seqs, "__len__"):
        raise ValueError(f"{where}: seqs should be a list of sequences, got {type(seqs).__name__}")
    lengths, sample_shape = [], None
    for i, s in enumerate(seqs):
        if isinstance(s, (str, bytes)) and dtype is not object:
            raise ValueError(
                f"{where}: sequence {i} is a string {s!r}; encode it to ids first "
                "(e.g. with Vocab.encode)"
            )
        try:
            lengths.append(len(s))
        except TypeError:
            raise ValueError(
                f"{where}: seqs should be a list of sequences, but item {i} ({s!r}) has no length"
            ) from None
        if sample_shape is None and len(s):
            sample_shape = np.asarray(s).shape[1:]  # () for scalar steps, (F,) for vectors
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    maxlen = check_count(where, "maxlen", maxlen, minimum=0)
    if (
        isinstance(value, str)
        and dtype is not object
        and not (np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_))
    ):
        raise ValueError(f"{where}: a string value needs dtype=object, got dtype {dtype!r}")

    X = np.full((len(lengths), maxlen) + sample_shape, value, dtype=dtype)  # (N, maxlen, ...)
    mask = np.zeros((len(lengths), maxlen), dtype=bool)  # (N, maxlen)
    for i, s in enumerate(seqs):
        if not len(s):
            continue
        trunc = s[max(len(s) - maxlen, 0) :] if truncating == "pre" else s[:maxlen]
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(
                f"{where}: every step should have shape {sample_shape} (from the first "
                f"non-empty sequence), but sequence {i} has steps of shape {trunc.shape[1:]}"
            )
        n = len(trunc)
        if n == 0:
            continue
        span = slice(0, n) if padding == "post" else slice(maxlen - n, maxlen)
        X[i, span] = trunc
        mask[i, span] = True
    return X, mask


def bag_of_words(X, depth: int, mask=None) -> np.ndarray:
    """Counts of each token id over the unmasked steps: the order of the steps is lost.

    X: integer ids ``(N, T)``; mask: optional bool ``(N, T)``, True at real steps.
    Returns float32 ``(N, depth)``. Introduced in notebook 01.
    """
    where = "bag_of_words"
    depth = _check_depth(where, depth)
    dims = Dims(where)
    X = dims.array("X", X, "N T", floating=False)
    mask = dims.mask("mask", mask)
    if mask is None:
        mask = np.ones(X.shape, dtype=bool)
    X = token_ids(where, "X", X, depth, f"depth={depth}", whole_floats=True, where_mask=mask)
    N = X.shape[0]
    flat = (np.arange(N)[:, None] * depth + X)[mask]  # row-offset ids of the real steps
    counts = np.bincount(flat, minlength=N * depth)
    return counts.reshape(N, depth).astype(np.float32)


def windows(series, window: int, horizon: int = 1):
    """Sliding windows over a time series for forecasting ``horizon`` steps ahead.

    series: ``(T,)`` or ``(T, F)``. Returns ``X (N, window, F)`` with ``X[i] =
    series[i : i + window]`` and ``y[i] = series[i + window + horizon - 1]``: ``(N,)`` for a
    1-D series, ``(N, F)`` otherwise; ``N = T - window - horizon + 1``.
    Introduced in notebook 03.
    """
    where = "windows"
    arr = np.asarray(series)
    if not np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_:
        raise ValueError(f"{where}: series should be numeric, got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{where}: series should have shape (T,) or (T, F), got {arr.shape}")
    window = check_count(where, "window", window)
    horizon = check_count(where, "horizon", horizon)
    one_d = arr.ndim == 1
    arr2 = arr[:, None] if one_d else arr  # (T, F)
    N = arr2.shape[0] - window - horizon + 1
    if N < 1:
        raise ValueError(
            f"{where}: a series of length {arr2.shape[0]} is too short for window={window} "
            f"and horizon={horizon} (needs at least {window + horizon})"
        )
    view = np.lib.stride_tricks.sliding_window_view(arr2, window, axis=0)  # (T-w+1, F, w)
    X = np.ascontiguousarray(view[:N].transpose(0, 2, 1))  # (N, window, F)
    y = arr2[window + horizon - 1 : window + horizon - 1 + N]  # (N, F)
    return X, (y[:, 0].copy() if one_d else y.copy())


def _same_length(where: str, arrays) -> int:
    if not arrays:
        raise ValueError(f"{where}: give at least one array")
    arrays = [np.asarray(a) if not hasattr(a, "shape") else a for a in arrays]
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"{where}: arrays should have the same first dimension, got {lengths}")
    return lengths[0]


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def batches(
    *arrays, batch_size: int, shuffle: bool = True, seed=0, drop_last: bool = False
) -> Iterator:
    """Yields minibatches of aligned arrays (a tuple, or the array itself when one is given).

    The same ``seed`` gives the same order; pass ``seed=epoch`` or one
    ``np.random.Generator`` for a new order each epoch. Introduced in notebook 04.
    """
    n = _same_length("batches", arrays)
    batch_size = check_count("batches", "batch_size", batch_size)
    arrays = [np.asarray(a) for a in arrays]
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        out = tuple(a[idx] for a in arrays)
        yield out if len(out) > 1 else out[0]


def train_val_test_split(*arrays, fractions=(0.8, 0.1, 0.1), seed=0, shuffle: bool = True):
    """Splits aligned arrays into train, validation and test parts with a seeded shuffle.

    Returns ``(train, val, test)``; each is a tuple of arrays, or the array itself when one
    array is given: ``(X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(X, y)``.
    Sizes are ``round(f * n)`` for train and validation, the rest for test.
    """
    where = "train_val_test_split"
    n = _same_length(where, arrays)
    fr = np.asarray(fractions, dtype=float)
    if fr.shape != (3,) or (fr < 0).any() or not np.isclose(fr.sum(), 1.0):
        raise ValueError(
            f"{where}: fractions should be three non-negative numbers summing to 1, "
            f"got {fractions!r}"
        )
    arrays = [np.asarray(a) for a in arrays]
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    n_train = int(round(fr[0] * n))
    n_val = min(int(round(fr[1] * n)), n - n_train)
    parts = np.split(order, [n_train, n_train + n_val])
    out = []
    for idx in parts:
        split = tuple(a[idx] for a in arrays)
        out.append(split if len(split) > 1 else split[0])
    return tuple(out)
