"""The layers around a recurrent cell: embeddings, a per-step affine map, a masked loss.

Shapes: N batch, T time, D features, V vocabulary (or classes), M outputs.
Each operation is a forward/backward pair; forward returns ``(out, cache)`` and backward
returns the gradients in the order of the forward's inputs. The embedding lookup is
introduced in notebook 02 (the recurrent cell), the rest in notebook 04 (training a
character model with BPTT).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnnlib.cells._time_loop import per_step
from rnnlib.testing.shapes import Dims, check_cache, check_upstream, result_dtype, token_ids

# ----------------------------------------------------------------------------- embedding


class EmbeddingCache(NamedTuple):
    x: np.ndarray  # (N, T) token ids
    E_shape: tuple[int, int]  # (V, D)
    dtype: np.dtype  # dtype of E (and of dE)


def embedding_forward(x, E):
    """Looks up the row of ``E`` for every token id: ``out[n, t] = E[x[n, t]]``.

    x: integer token ids, (N, T) (any shape works), each in ``0 .. V-1``;
    E: embedding table, (V, D). Returns out (N, T, D) and an :class:`EmbeddingCache`.
    The same as multiplying a one-hot encoding of ``x`` by ``E``. Notebook 02.
    """
    E = Dims("embedding_forward").array("E", E, "V D")
    x = token_ids("embedding_forward", "x", x, E.shape[0], f"{E.shape[0]} rows in E")
    out = E[x]  # (N, T, D) fancy indexing = one-hot @ E
    return out, EmbeddingCache(x, E.shape, E.dtype)


def embedding_backward(dout, cache: EmbeddingCache):
    """Gradient of the embedding table: each row collects the gradients of its tokens.

    dout: upstream gradient, (N, T, D). Returns dE (V, D). Notebook 04.
    """
    cache = check_cache("embedding_backward", cache, EmbeddingCache, "embedding_forward")
    V, D = cache.E_shape
    dout = check_upstream("embedding_backward", "dout", dout, cache.x.shape + (D,), cache.dtype)
    ids = cache.x.reshape(-1)  # (N*T,)
    dE = np.zeros((V, D), cache.dtype)  # (V, D)
    if ids.size:  # np.add.at(dE, x, dout), three times faster: sort the ids, sum each run
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])  # (runs,)
        dE[sorted_ids[starts]] = np.add.reduceat(dout.reshape(-1, D)[order], starts, axis=0)
    return dE


# ----------------------------------------------------------------------------- affine


class AffineCache(NamedTuple):
    x: np.ndarray  # (N, T, D)
    w: np.ndarray  # (D, M)


def temporal_affine_forward(x, w, b):
    """The same affine map at every time step (Keras ``Dense`` on a sequence).

    x: (N, T, D); w: (D, M); b: (M,). Returns out (N, T, M) and an :class:`AffineCache`.
    Notebook 04.
    """
    dims = Dims("temporal_affine_forward")
    x = dims.array("x", x, "N T D")
    w = dims.array("w", w, "D M")
    b = dims.array("b", b, "M")
    dtype = result_dtype(x, w, b)
    x, w, b = (v.astype(dtype, copy=False) for v in (x, w, b))
    out = per_step(x, w) + b  # (N, T, M)
    return out, AffineCache(x, w)


def temporal_affine_backward(dout, cache: AffineCache):
    """Backward pass of :func:`temporal_affine_forward`.

    dout: (N, T, M). Returns dx (N, T, D), dw (D, M), db (M,). Notebook 04.
    """
    if type(cache) is tuple and len(cache) == 2:  # a plain (x, w) pair works as well
        cache = AffineCache(*cache)
    x, w = check_cache("temporal_affine_backward", cache, AffineCache, "temporal_affine_forward")
    N, T, D = x.shape
    M = w.shape[1]
    dout = check_upstream("temporal_affine_backward", "dout", dout, (N, T, M), x.dtype)
    dx = per_step(dout, w.T)  # (N, T, D)
    dw = x.reshape(N * T, D).T @ dout.reshape(N * T, M)  # (D, M) summed over N and T
    db = dout.sum(axis=(0, 1))  # (M,)
    return dx, dw, db


# ----------------------------------------------------------------------------- loss


def temporal_softmax_loss(x, y, mask=None):
    """Softmax cross-entropy at every unmasked step, summed over time, averaged over N.

    x: scores, (N, T, V); y: integer targets in ``0 .. V-1``, (N, T);
    mask: optional bool (N, T), True where the step counts (None: all of them).
    Returns the loss (a float) and dx (N, T, V).

    As in cs231n, the loss is ``sum over n, t of mask * -log p[n, t, y[n, t]]`` divided by
    N (not by the number of unmasked steps), so a long sequence weighs more than a short
    one; divide by ``mask.sum() / N`` for a per-token average. Notebook 04.
    """
    dims = Dims("temporal_softmax_loss")
    x = dims.array("x", x, "N T V")
    mask = dims.mask("mask", mask)
    y = token_ids("temporal_softmax_loss", "y", y, x.shape[2], f"{x.shape[2]} classes in x")
    dims.array("y", y, "N T", floating=False)
    N = x.shape[0]
    if mask is None:
        mask = np.ones(y.shape, bool)  # (N, T)

    shifted = x - x.max(axis=2, keepdims=True)  # (N, T, V) stable: exp never overflows
    exp = np.exp(shifted)  # (N, T, V)
    z = exp.sum(axis=2, keepdims=True)  # (N, T, 1)
    shifted_y = np.take_along_axis(shifted, y[..., None], axis=2)[..., 0]  # (N, T)
    log_p_y = shifted_y - np.log(z[..., 0])  # (N, T) log-probability of the target
    loss = -np.sum(log_p_y * mask) / N

    dx = exp / z  # (N, T, V) probabilities
    np.put_along_axis(
        dx, y[..., None], np.take_along_axis(dx, y[..., None], axis=2) - 1, axis=2
    )  # (N, T, V) p - one_hot(y)
    dx *= mask[..., None] / N  # (N, T, V) masked steps get no gradient
    return float(loss), dx
