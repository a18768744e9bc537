"""Vanilla (Elman) RNN reference cell in NumPy: what Keras calls ``SimpleRNN``.

    next_h = tanh(x @ Wx + prev_h @ Wh + b)              # (N, H)

Shapes: N batch, T time, D input features, H hidden units. ``Wx (D, H)`` is Keras's
``kernel``, ``Wh (H, H)`` its ``recurrent_kernel``, ``b (H,)`` its ``bias``; the same
weights are used at every time step. Masks follow Keras: at a masked step the state is
carried unchanged and the output repeats the previous output (zeros before the first
real step, whatever ``h0`` is). As in Keras, that rule is written once, in
``rnnlib.cells._time_loop`` (``scan`` and ``scan_backward``, shared with the LSTM and GRU); the
sequence functions here only say what one step does. Forward passes are introduced in
notebook 02 (the recurrent cell), backward passes in notebook 04 (backpropagation through
time).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnnlib.cells._time_loop import per_step, scan, scan_backward
from rnnlib.testing.shapes import Dims, check_cache, check_upstream, result_dtype


class RNNStepCache(NamedTuple):
    """What one step's backward pass needs."""

    x: np.ndarray  # (N, D) input at this step
    prev_h: np.ndarray  # (N, H) state entering the step
    Wx: np.ndarray  # (D, H)
    Wh: np.ndarray  # (H, H)
    next_h: np.ndarray  # (N, H) tanh output (its derivative is 1 - next_h**2)


class RNNCache(NamedTuple):
    """What the sequence backward pass needs, plus the final state (for ``return_state``)."""

    x: np.ndarray  # (N, T, D)
    Wx: np.ndarray  # (D, H)
    Wh: np.ndarray  # (H, H)
    mask: np.ndarray | None  # (N, T) bool, or None
    prev_h: np.ndarray  # (N, T, H) state entering each step
    next_h: np.ndarray  # (N, T, H) what the cell computed at each step (before masking)
    h_last: np.ndarray  # (N, H) final state (carried through trailing masked steps)


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """One step of a vanilla RNN: ``next_h = tanh(x @ Wx + prev_h @ Wh + b)``.

    x: input at this step, (N, D); prev_h: previous hidden state, (N, H);
    Wx: (D, H); Wh: (H, H); b: (H,).
    Returns next_h (N, H) and an :class:`RNNStepCache`. Notebook 02.
    """
    dims = Dims("rnn_step_forward")
    x = dims.array("x", x, "N D")
    prev_h = dims.array("prev_h", prev_h, "N H")
    Wx = dims.array("Wx", Wx, "D H")
    Wh = dims.array("Wh", Wh, "H H")
    b = dims.array("b", b, "H")
    dtype = result_dtype(x, prev_h, Wx, Wh, b)
    x, prev_h, Wx, Wh, b = (v.astype(dtype, copy=False) for v in (x, prev_h, Wx, Wh, b))

    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)  # (N, H)
    return next_h, RNNStepCache(x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache: RNNStepCache):
    """Backward pass of one RNN step.

    dnext_h: upstream gradient of next_h, (N, H); cache: from :func:`rnn_step_forward`.
    Returns dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,). Notebook 04.
    """
    cache = check_cache("rnn_step_backward", cache, RNNStepCache, "rnn_step_forward")
    dnext_h = check_upstream(
        "rnn_step_backward", "dnext_h", dnext_h, cache.next_h.shape, cache.next_h.dtype
    )
    da = dnext_h * (1 - cache.next_h**2)  # (N, H) backprop through tanh
    dx = da @ cache.Wx.T  # (N, D)
    dprev_h = da @ cache.Wh.T  # (N, H)
    dWx = cache.x.T @ da  # (D, H)
    dWh = cache.prev_h.T @ da  # (H, H)
    db = da.sum(axis=0)  # (H,)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b, mask=None):
    """A vanilla RNN over a whole sequence (Keras ``SimpleRNN(return_sequences=True)``).

    x: (N, T, D); h0: initial hidden state, (N, H); Wx: (D, H); Wh: (H, H); b: (H,);
    mask: optional bool (N, T), True at real steps (any pattern).
    Returns h (N, T, H), the output at every step, and an :class:`RNNCache` whose
    ``h_last`` is the final state. Notebook 02.
    """
    dims = Dims("rnn_forward")
    x = dims.array("x", x, "N T D")
    h0 = dims.array("h0", h0, "N H")
    Wx = dims.array("Wx", Wx, "D H")
    Wh = dims.array("Wh", Wh, "H H")
    b = dims.array("b", b, "H")
    mask = dims.mask("mask", mask)
    dtype = result_dtype(x, h0, Wx, Wh, b)
    x, h0, Wx, Wh, b = (v.astype(dtype, copy=False) for v in (x, h0, Wx, Wh, b))
    N, T, _ = x.shape
    H = h0.shape[1]

    xa = per_step(x, Wx) + b  # (N, T, H) input part of every step, in one matmul
    out = np.empty((N, T, H), dtype)  # (N, T, H) outputs, filled by scan
    prev_hs = np.empty((N, T, H), dtype)  # (N, T, H) state entering each step
    next_hs = np.empty((N, T, H), dtype)  # (N, T, H) cell output of each step

    def step(t, states):
        (h,) = states  # (N, H) state entering step t
        prev_hs[:, t] = h
        next_hs[:, t] = np.tanh(xa[:, t] + h @ Wh)  # (N, H) same weights at every step
        return next_hs[:, t], (next_hs[:, t],)  # the output is the new state

    (h_last,) = scan(step, (h0,), out, mask)  # masked steps: state carried, output repeated
    return out, RNNCache(x, Wx, Wh, mask, prev_hs, next_hs, h_last.copy())


def rnn_backward(dh, cache: RNNCache, dh_last=None):
    """Backpropagation through time for :func:`rnn_forward`: one reverse pass.

    dh: upstream gradient of every output, (N, T, H); dh_last: optional upstream gradient
    of the final state ``cache.h_last``, (N, H) (truncated BPTT, an encoder feeding a
    decoder). Returns dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,). Notebook 04.
    """
    cache = check_cache("rnn_backward", cache, RNNCache, "rnn_forward")
    x, Wx, Wh, mask = cache.x, cache.Wx, cache.Wh, cache.mask
    N, T, H = cache.next_h.shape
    D = x.shape[2]
    dh = check_upstream("rnn_backward", "dh", dh, (N, T, H), cache.next_h.dtype)

    da = np.empty_like(cache.next_h)  # (N, T, H) gradients of every step's pre-activation

    def step_backward(t, dout, dstates):
        (dstate,) = dstates  # (N, H) gradient reaching the state h_t from later steps
        dnext_h = dout + dstate  # (N, H) output and state are the same h_t
        da[:, t] = dnext_h * (1 - cache.next_h[:, t] ** 2)  # (N, H) backprop through tanh
        return (da[:, t] @ Wh.T,)  # (N, H) gradient of h_{t-1}

    dstate = np.zeros((N, H), dh.dtype)  # (N, H) gradient of the final state
    if dh_last is not None:  # the final state is the state after the last real step
        dstate += check_upstream(
            "rnn_backward", "dh_last", dh_last, (N, H), dh.dtype, "the final state h_last"
        )
    (dh0,) = scan_backward(step_backward, dh, (dstate,), mask)

    # shared weights: the per-step gradients summed over N and T, one matmul each
    da_flat = da.reshape(N * T, H)  # (N*T, H)
    dx = per_step(da, Wx.T)  # (N, T, D)
    dWx = x.reshape(N * T, D).T @ da_flat  # (D, H)
    dWh = cache.prev_h.reshape(N * T, H).T @ da_flat  # (H, H)
    db = da_flat.sum(axis=0)  # (H,)
    return dx, dh0, dWx, dWh, db
