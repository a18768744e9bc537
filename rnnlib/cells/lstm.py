"""LSTM reference cell in NumPy: Keras layout, gate order i, f, c, o.

    a = x @ Wx + prev_h @ Wh + b                         # (N, 4H) pre-activations
    i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)   # (N, H) gates
    g = tanh(a_c)                                        # (N, H) candidate cell
    next_c = f * prev_c + i * g                          # (N, H)
    next_h = o * tanh(next_c)                            # (N, H)

Shapes: N batch, T time, D input features, H hidden units. ``Wx (D, 4H)`` is Keras's
``kernel``, ``Wh (H, 4H)`` its ``recurrent_kernel``, ``b (4H,)`` its ``bias``.
Masks follow Keras: at a masked step the state (h and c) is carried unchanged and the
output repeats the previous output (zeros before the first real step). The time loop that
applies this rule is ``rnnlib.cells._time_loop`` (as in ``rnn``); the sequence functions here
define one step.
Introduced in notebook 06 (gates).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnnlib.cells._time_loop import per_step, scan, scan_backward
from rnnlib.cells.gates import LSTM_GATES, sigmoid, split_gates
from rnnlib.testing.shapes import Dims, check_cache, check_upstream, result_dtype

_G = len(LSTM_GATES)  # 4 gate blocks


class LSTMStepCache(NamedTuple):
    """What one step's backward pass needs."""

    x: np.ndarray  # (N, D) input at this step
    prev_h: np.ndarray  # (N, H)
    prev_c: np.ndarray  # (N, H)
    Wx: np.ndarray  # (D, 4H)
    Wh: np.ndarray  # (H, 4H)
    gates: np.ndarray  # (N, 4H) activated i, f, g, o
    tanh_c: np.ndarray  # (N, H) tanh(next_c)


class LSTMCache(NamedTuple):
    """What the sequence backward pass needs, plus the final state (for ``return_state``)."""

    x: np.ndarray  # (N, T, D)
    Wx: np.ndarray  # (D, 4H)
    Wh: np.ndarray  # (H, 4H)
    mask: np.ndarray | None  # (N, T) bool, or None
    prev_h: np.ndarray  # (N, T, H) state h entering each step
    prev_c: np.ndarray  # (N, T, H) state c entering each step
    gates: np.ndarray  # (N, T, 4H) activated i, f, g, o at each step
    tanh_c: np.ndarray  # (N, T, H) tanh of each step's new cell state
    h_last: np.ndarray  # (N, H) final state h (carried through trailing masked steps)
    c_last: np.ndarray  # (N, H) final state c


def _cell_forward(a, prev_c):
    """Gate nonlinearities and state update from pre-activations a (N, 4H)."""
    _, _, a_c, _ = split_gates(a, _G)  # (N, H) candidate pre-activation
    gates = sigmoid(a)  # (N, 4H) i, f and o are sigmoids; the c block is replaced next
    i, f, g, o = split_gates(gates, _G)  # (N, H) each, views into gates
    g[...] = np.tanh(a_c)  # (N, H) the candidate cell is a tanh
    next_c = f * prev_c + i * g  # (N, H)
    tanh_c = np.tanh(next_c)  # (N, H)
    next_h = o * tanh_c  # (N, H)
    return gates, next_c, tanh_c, next_h


def _cell_backward(dnext_h, dnext_c, gates, prev_c, tanh_c):
    """Gradients wrt the pre-activations a (N, 4H) and prev_c (N, H)."""
    i, f, g, o = split_gates(gates, _G)  # (N, H) each
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)  # (N, H) through next_h = o * tanh(next_c)
    da = np.empty_like(gates)  # (N, 4H)
    da_i, da_f, da_g, da_o = split_gates(da, _G)  # views into da
    da_i[...] = dc * g * i * (1 - i)  # (N, H) backprop through sigmoid
    da_f[...] = dc * prev_c * f * (1 - f)  # (N, H)
    da_g[...] = dc * i * (1 - g**2)  # (N, H) backprop through tanh
    da_o[...] = dnext_h * tanh_c * o * (1 - o)  # (N, H)
    dprev_c = dc * f  # (N, H)
    return da, dprev_c


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One LSTM step.

    x: input at this step, (N, D); prev_h, prev_c: previous states, (N, H);
    Wx: (D, 4H); Wh: (H, 4H); b: (4H,).
    Returns next_h (N, H), next_c (N, H) and an :class:`LSTMStepCache`. Notebook 06.
    """
    dims = Dims("lstm_step_forward")
    x = dims.array("x", x, "N D")
    prev_h = dims.array("prev_h", prev_h, "N H")
    prev_c = dims.array("prev_c", prev_c, "N H")
    Wx = dims.array("Wx", Wx, "D 4H")
    Wh = dims.array("Wh", Wh, "H 4H")
    b = dims.array("b", b, "4H")
    dtype = result_dtype(x, prev_h, prev_c, Wx, Wh, b)
    x, prev_h, prev_c, Wx, Wh, b = (
        v.astype(dtype, copy=False) for v in (x, prev_h, prev_c, Wx, Wh, b)
    )

    a = x @ Wx + prev_h @ Wh + b  # (N, 4H)
    gates, next_c, tanh_c, next_h = _cell_forward(a, prev_c)  # (N, 4H), (N, H) x 3
    return next_h, next_c, LSTMStepCache(x, prev_h, prev_c, Wx, Wh, gates, tanh_c)


def lstm_step_backward(dnext_h, dnext_c, cache: LSTMStepCache):
    """Backward pass of one LSTM step.

    dnext_h, dnext_c: upstream gradients, (N, H). Returns dx (N, D), dprev_h (N, H),
    dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,). Notebook 06.
    """
    cache = check_cache("lstm_step_backward", cache, LSTMStepCache, "lstm_step_forward")
    shape, dtype = cache.prev_h.shape, cache.gates.dtype
    dnext_h = check_upstream("lstm_step_backward", "dnext_h", dnext_h, shape, dtype)
    dnext_c = check_upstream("lstm_step_backward", "dnext_c", dnext_c, shape, dtype)
    da, dprev_c = _cell_backward(dnext_h, dnext_c, cache.gates, cache.prev_c, cache.tanh_c)
    dx = da @ cache.Wx.T  # (N, D)
    dprev_h = da @ cache.Wh.T  # (N, H)
    dWx = cache.x.T @ da  # (D, 4H)
    dWh = cache.prev_h.T @ da  # (H, 4H)
    db = da.sum(axis=0)  # (4H,)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b, c0=None, mask=None):
    """LSTM over a whole sequence (Keras ``LSTM(return_sequences=True)``).

    x: (N, T, D); h0: (N, H); Wx: (D, 4H); Wh: (H, 4H); b: (4H,);
    c0: initial cell state (N, H), zeros if None; mask: optional bool (N, T), True = real step.
    Returns h (N, T, H), the output at every step, and an :class:`LSTMCache`. Notebook 06.
    """
    dims = Dims("lstm_forward")
    x = dims.array("x", x, "N T D")
    h0 = dims.array("h0", h0, "N H")
    Wx = dims.array("Wx", Wx, "D 4H")
    Wh = dims.array("Wh", Wh, "H 4H")
    b = dims.array("b", b, "4H")
    c0 = np.zeros_like(h0) if c0 is None else dims.array("c0", c0, "N H")
    mask = dims.mask("mask", mask)
    dtype = result_dtype(x, h0, Wx, Wh, b, c0)
    x, h0, c0, Wx, Wh, b = (v.astype(dtype, copy=False) for v in (x, h0, c0, Wx, Wh, b))
    N, T, _ = x.shape
    H = h0.shape[1]

    xa = per_step(x, Wx) + b  # (N, T, 4H) input part of every step's pre-activations, one matmul
    out = np.empty((N, T, H), dtype)  # (N, T, H) outputs, filled by scan
    prev_hs = np.empty((N, T, H), dtype)  # (N, T, H)
    prev_cs = np.empty((N, T, H), dtype)  # (N, T, H)
    gates = np.empty((N, T, _G * H), dtype)  # (N, T, 4H)
    tanh_cs = np.empty((N, T, H), dtype)  # (N, T, H)

    def step(t, states):
        h, c = states  # (N, H) each, the states entering step t
        prev_hs[:, t], prev_cs[:, t] = h, c
        a = xa[:, t] + h @ Wh  # (N, 4H)
        gates[:, t], next_c, tanh_cs[:, t], next_h = _cell_forward(a, c)
        return next_h, (next_h, next_c)  # the output is the new h

    h, c = scan(step, (h0, c0), out, mask)  # masked steps: states carried, output repeated
    cache = LSTMCache(x, Wx, Wh, mask, prev_hs, prev_cs, gates, tanh_cs, h, c)
    return out, cache


def lstm_backward(dh, cache: LSTMCache, dh_last=None, dc_last=None):
    """Backward pass of :func:`lstm_forward`: one reverse pass over time.

    dh: upstream gradient of every output, (N, T, H); dh_last, dc_last: optional upstream
    gradients of the final states ``cache.h_last`` and ``cache.c_last``, (N, H) (truncated
    BPTT, an encoder feeding a decoder).
    Returns dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,), dc0 (N, H):
    the forward's inputs in order, c0 last. Notebook 06.
    """
    cache = check_cache("lstm_backward", cache, LSTMCache, "lstm_forward")
    x, Wx, Wh, mask = cache.x, cache.Wx, cache.Wh, cache.mask
    N, T, H = cache.prev_h.shape
    D = x.shape[2]
    dh = check_upstream("lstm_backward", "dh", dh, (N, T, H), cache.gates.dtype)

    da = np.empty_like(cache.gates)  # (N, T, 4H) gradients of every step's pre-activations

    def step_backward(t, dout, dstates):
        dh_state, dc_state = dstates  # (N, H) gradients reaching h_t and c_t from later steps
        da[:, t], dprev_c = _cell_backward(
            dout + dh_state, dc_state, cache.gates[:, t], cache.prev_c[:, t], cache.tanh_c[:, t]
        )
        return da[:, t] @ Wh.T, dprev_c  # (N, H) gradients of h_{t-1} and c_{t-1}

    # the final states are the states after the last real step
    dh_state = np.zeros((N, H), dh.dtype)  # (N, H) gradient of the final h
    dc_state = np.zeros((N, H), dh.dtype)  # (N, H) gradient of the final c
    if dh_last is not None:
        dh_state += check_upstream(
            "lstm_backward", "dh_last", dh_last, (N, H), dh.dtype, "the final state h_last"
        )
    if dc_last is not None:
        dc_state += check_upstream(
            "lstm_backward", "dc_last", dc_last, (N, H), dh.dtype, "the final state c_last"
        )
    dh0, dc0 = scan_backward(step_backward, dh, (dh_state, dc_state), mask)

    # shared weights: sum the per-step gradients with one matmul each
    da_flat = da.reshape(N * T, _G * H)  # (N*T, 4H)
    dx = per_step(da, Wx.T)  # (N, T, D)
    dWx = x.reshape(N * T, D).T @ da_flat  # (D, 4H)
    dWh = cache.prev_h.reshape(N * T, H).T @ da_flat  # (H, 4H)
    db = da_flat.sum(axis=0)  # (4H,)
    return dx, dh0, dWx, dWh, db, dc0
