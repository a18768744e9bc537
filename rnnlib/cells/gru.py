"""GRU reference cell in NumPy: Keras layout, gate order z, r, h, both ``reset_after`` forms.

    z = sigmoid(x @ Wx_z + prev_h @ Wh_z + b_z)          # (N, H) update gate
    r = sigmoid(x @ Wx_r + prev_h @ Wh_r + b_r)          # (N, H) reset gate
    reset_after=True  (Keras default, b is (2, 3H): input bias b[0], recurrent bias b[1]):
        hh = tanh(x @ Wx_h + b[0]_h + r * (prev_h @ Wh_h + b[1]_h))
    reset_after=False (b is (3H,)):
        hh = tanh(x @ Wx_h + (r * prev_h) @ Wh_h + b_h)
    next_h = z * prev_h + (1 - z) * hh                   # (N, H)

With ``reset_after=True`` the z and r pre-activations get both biases, ``b[0] + b[1]``.
Shapes: N batch, T time, D input features, H hidden units; ``Wx (D, 3H)`` is Keras's
``kernel``, ``Wh (H, 3H)`` its ``recurrent_kernel``. Masks follow Keras: at a masked step
the state is carried and the output repeats the previous output (zeros before the first
real step). The time loop that applies this rule is ``rnnlib.cells._time_loop`` (as in
rnnlib.cells.rnn); the sequence functions here define one step. Introduced in notebook 06 (gates).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnnlib.cells._time_loop import per_step, scan, scan_backward
from rnnlib.cells.gates import GRU_GATES, sigmoid, split_gates
from rnnlib.testing.shapes import Dims, check_cache, check_flag, check_upstream, result_dtype

_G = len(GRU_GATES)  # 3 gate blocks


class GRUStepCache(NamedTuple):
    """What one step's backward pass needs."""

    x: np.ndarray  # (N, D) input at this step
    prev_h: np.ndarray  # (N, H)
    Wx: np.ndarray  # (D, 3H)
    Wh: np.ndarray  # (H, 3H)
    gates: np.ndarray  # (N, 3H) activated z, r and candidate hh
    hr: np.ndarray  # (N, H) reset_after: prev_h @ Wh_h + b[1]_h; else r * prev_h
    reset_after: bool


class GRUCache(NamedTuple):
    """What the sequence backward pass needs, plus the final state (for ``return_state``)."""

    x: np.ndarray  # (N, T, D)
    Wx: np.ndarray  # (D, 3H)
    Wh: np.ndarray  # (H, 3H)
    mask: np.ndarray | None  # (N, T) bool, or None
    prev_h: np.ndarray  # (N, T, H) state entering each step
    gates: np.ndarray  # (N, T, 3H) activated z, r, hh at each step
    hr: np.ndarray  # (N, T, H) see GRUStepCache.hr
    reset_after: bool
    h_last: np.ndarray  # (N, H) final state (carried through trailing masked steps)


def _bias_spec(reset_after: bool) -> str:
    return "2 3H" if reset_after else "3H"


def _split_bias(b, reset_after: bool):
    """Input-side bias (3H,) and recurrent-side bias (3H,) or None."""
    return (b[0], b[1]) if reset_after else (b, None)


def _cell_forward(xa, prev_h, Wh, b_rec, reset_after):
    """One step from the input part of the pre-activations xa (N, 3H)."""
    xa_z, xa_r, xa_h = split_gates(xa, _G)  # (N, H) each
    gates = np.empty_like(xa)  # (N, 3H)
    z, r, hh = split_gates(gates, _G)  # views into gates
    if reset_after:
        ha = prev_h @ Wh + b_rec  # (N, 3H) recurrent part, bias included
        ha_z, ha_r, ha_h = split_gates(ha, _G)  # (N, H) each
        z[...] = sigmoid(xa_z + ha_z)  # (N, H)
        r[...] = sigmoid(xa_r + ha_r)  # (N, H)
        hr = ha_h  # (N, H) reset applied after the matmul
        hh[...] = np.tanh(xa_h + r * hr)  # (N, H) candidate
    else:
        Wh_z, Wh_r, Wh_h = split_gates(Wh, _G)  # (H, H) each
        z[...] = sigmoid(xa_z + prev_h @ Wh_z)  # (N, H)
        r[...] = sigmoid(xa_r + prev_h @ Wh_r)  # (N, H)
        hr = r * prev_h  # (N, H) reset applied before the matmul
        hh[...] = np.tanh(xa_h + hr @ Wh_h)  # (N, H) candidate
    next_h = z * prev_h + (1 - z) * hh  # (N, H)
    return gates, hr, next_h


def _cell_backward(dnext_h, gates, prev_h, hr, Wh, reset_after):
    """Gradients wrt the input pre-activations dxa (N, 3H), the recurrent matmul's
    outputs dha (N, 3H) and prev_h (N, H)."""
    z, r, hh = split_gates(gates, _G)  # (N, H) each
    Wh_z, Wh_r, Wh_h = split_gates(Wh, _G)  # (H, H) each
    dxa = np.empty_like(gates)  # (N, 3H)
    daz, dar, dah = split_gates(dxa, _G)  # views into dxa
    dah[...] = dnext_h * (1 - z) * (1 - hh**2)  # (N, H) through (1 - z) * hh and tanh
    daz[...] = dnext_h * (prev_h - hh) * z * (1 - z)  # (N, H) through the interpolation
    dprev_h = dnext_h * z  # (N, H) direct path
    if reset_after:
        dar[...] = dah * hr * r * (1 - r)  # (N, H) hh uses r * hr
        dha = dxa.copy()  # (N, 3H) z, r blocks: same as the input side
        split_gates(dha, _G)[2][...] = dah * r  # (N, H) candidate block is scaled by r
        dprev_h += dha @ Wh.T  # (N, H)
    else:
        dhr = dah @ Wh_h.T  # (N, H) gradient of r * prev_h
        dar[...] = dhr * prev_h * r * (1 - r)  # (N, H)
        dprev_h += dhr * r  # (N, H)
        dprev_h += daz @ Wh_z.T + dar @ Wh_r.T  # (N, H) via the z and r gates
        dha = dxa  # (N, 3H) the candidate block multiplies hr instead of prev_h
    return dxa, dha, dprev_h


def _weight_grads(x, prev_h, hr, dxa, dha, reset_after):
    """dWx, dWh, db from stacked rows: x (M, D), prev_h/hr (M, H), dxa/dha (M, 3H)."""
    dWx = x.T @ dxa  # (D, 3H)
    if reset_after:
        dWh = prev_h.T @ dha  # (H, 3H)
        db = np.stack([dxa.sum(axis=0), dha.sum(axis=0)])  # (2, 3H)
    else:
        dha_z, dha_r, dha_h = split_gates(dha, _G)  # (M, H) each
        dWh = np.concatenate(
            [prev_h.T @ dha_z, prev_h.T @ dha_r, hr.T @ dha_h], axis=1
        )  # (H, 3H) the candidate block saw r * prev_h
        db = dxa.sum(axis=0)  # (3H,)
    return dWx, dWh, db


def gru_step_forward(x, prev_h, Wx, Wh, b, reset_after=True):
    """One GRU step.

    x: input at this step, (N, D); prev_h: (N, H); Wx: (D, 3H); Wh: (H, 3H);
    b: (2, 3H) when reset_after else (3H,).
    Returns next_h (N, H) and a :class:`GRUStepCache`. Notebook 06.
    """
    reset_after = check_flag("gru_step_forward", "reset_after", reset_after)
    dims = Dims("gru_step_forward")
    x = dims.array("x", x, "N D")
    prev_h = dims.array("prev_h", prev_h, "N H")
    Wx = dims.array("Wx", Wx, "D 3H")
    Wh = dims.array("Wh", Wh, "H 3H")
    b = dims.array("b", b, _bias_spec(reset_after))
    dtype = result_dtype(x, prev_h, Wx, Wh, b)
    x, prev_h, Wx, Wh, b = (v.astype(dtype, copy=False) for v in (x, prev_h, Wx, Wh, b))

    b_in, b_rec = _split_bias(b, reset_after)  # (3H,), (3H,) or None
    xa = x @ Wx + b_in  # (N, 3H)
    gates, hr, next_h = _cell_forward(xa, prev_h, Wh, b_rec, reset_after)
    return next_h, GRUStepCache(x, prev_h, Wx, Wh, gates, hr, reset_after)


def gru_step_backward(dnext_h, cache: GRUStepCache):
    """Backward pass of one GRU step.

    dnext_h: upstream gradient, (N, H). Returns dx (N, D), dprev_h (N, H), dWx (D, 3H),
    dWh (H, 3H), db ((2, 3H) or (3H,), like b). Notebook 06.
    """
    cache = check_cache("gru_step_backward", cache, GRUStepCache, "gru_step_forward")
    dnext_h = check_upstream(
        "gru_step_backward", "dnext_h", dnext_h, cache.prev_h.shape, cache.gates.dtype
    )
    dxa, dha, dprev_h = _cell_backward(
        dnext_h, cache.gates, cache.prev_h, cache.hr, cache.Wh, cache.reset_after
    )
    dx = dxa @ cache.Wx.T  # (N, D)
    dWx, dWh, db = _weight_grads(cache.x, cache.prev_h, cache.hr, dxa, dha, cache.reset_after)
    return dx, dprev_h, dWx, dWh, db


def gru_forward(x, h0, Wx, Wh, b, reset_after=True, mask=None):
    """GRU over a whole sequence (Keras ``GRU(return_sequences=True)``).

    x: (N, T, D); h0: (N, H); Wx: (D, 3H); Wh: (H, 3H); b: (2, 3H) when reset_after
    else (3H,); mask: optional bool (N, T), True = real step.
    Returns h (N, T, H), the output at every step, and a :class:`GRUCache`. Notebook 06.
    """
    reset_after = check_flag("gru_forward", "reset_after", reset_after)
    dims = Dims("gru_forward")
    x = dims.array("x", x, "N T D")
    h0 = dims.array("h0", h0, "N H")
    Wx = dims.array("Wx", Wx, "D 3H")
    Wh = dims.array("Wh", Wh, "H 3H")
    b = dims.array("b", b, _bias_spec(reset_after))
    mask = dims.mask("mask", mask)
    dtype = result_dtype(x, h0, Wx, Wh, b)
    x, h0, Wx, Wh, b = (v.astype(dtype, copy=False) for v in (x, h0, Wx, Wh, b))
    N, T, _ = x.shape
    H = h0.shape[1]

    b_in, b_rec = _split_bias(b, reset_after)  # (3H,), (3H,) or None
    xa = per_step(x, Wx) + b_in  # (N, T, 3H) input part of every step, one matmul
    out = np.empty((N, T, H), dtype)  # (N, T, H) outputs, filled by scan
    prev_hs = np.empty((N, T, H), dtype)  # (N, T, H)
    gates = np.empty((N, T, _G * H), dtype)  # (N, T, 3H)
    hrs = np.empty((N, T, H), dtype)  # (N, T, H)

    def step(t, states):
        (h,) = states  # (N, H) state entering step t
        prev_hs[:, t] = h
        gates[:, t], hrs[:, t], next_h = _cell_forward(xa[:, t], h, Wh, b_rec, reset_after)
        return next_h, (next_h,)  # the output is the new state

    (h,) = scan(step, (h0,), out, mask)  # masked steps: state carried, output repeated
    return out, GRUCache(x, Wx, Wh, mask, prev_hs, gates, hrs, reset_after, h)


def gru_backward(dh, cache: GRUCache, dh_last=None):
    """Backward pass of :func:`gru_forward`: one reverse pass over time.

    dh: upstream gradient of every output, (N, T, H); dh_last: optional upstream gradient
    of the final state ``cache.h_last``, (N, H) (truncated BPTT, an encoder feeding a
    decoder). Returns dx (N, T, D), dh0 (N, H), dWx (D, 3H), dWh (H, 3H), db (like b).
    Notebook 06.
    """
    cache = check_cache("gru_backward", cache, GRUCache, "gru_forward")
    Wx, Wh, mask, reset_after = cache.Wx, cache.Wh, cache.mask, cache.reset_after
    N, T, H = cache.prev_h.shape
    D = cache.x.shape[2]
    dh = check_upstream("gru_backward", "dh", dh, (N, T, H), cache.gates.dtype)

    dxa = np.empty_like(cache.gates)  # (N, T, 3H) gradients of the input pre-activations
    dha = np.empty_like(cache.gates)  # (N, T, 3H) gradients of the recurrent matmul outputs

    def step_backward(t, dout, dstates):
        (dh_state,) = dstates  # (N, H) gradient reaching h_t from later steps
        dxa[:, t], dha[:, t], dprev_h = _cell_backward(
            dout + dh_state,
            cache.gates[:, t],
            cache.prev_h[:, t],
            cache.hr[:, t],
            Wh,
            reset_after,
        )
        return (dprev_h,)  # (N, H) gradient of h_{t-1}

    dh_state = np.zeros((N, H), dh.dtype)  # (N, H) gradient of the final state
    if dh_last is not None:  # the final state is the state after the last real step
        dh_state += check_upstream(
            "gru_backward", "dh_last", dh_last, (N, H), dh.dtype, "the final state h_last"
        )
    (dh0,) = scan_backward(step_backward, dh, (dh_state,), mask)

    # shared weights: sum the per-step gradients with one matmul each
    dx = per_step(dxa, Wx.T)  # (N, T, D)
    dWx, dWh, db = _weight_grads(
        cache.x.reshape(N * T, D),  # (N*T, D)
        cache.prev_h.reshape(N * T, H),  # (N*T, H)
        cache.hr.reshape(N * T, H),  # (N*T, H)
        dxa.reshape(N * T, _G * H),  # (N*T, 3H)
        dha.reshape(N * T, _G * H),  # (N*T, 3H)
        reset_after,
    )
    return dx, dh0, dWx, dWh, db
