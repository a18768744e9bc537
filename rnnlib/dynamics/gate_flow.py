"""Gradient flow through a Keras recurrent layer: how much of ``h_T`` depends on the state at
step t, for SimpleRNN, LSTM and GRU alike.

For a SimpleRNN or GRU the state is ``h_t``; for an LSTM it is the pair ``(h_t, c_t)``, and
the Jacobian of ``h_T`` with respect to it is ``[dh_T/dh_t | dh_T/dc_t]`` (H, 2H). The norm
reported is the spectral norm (largest singular value), as in notebook 05's
``rnnlib.dynamics.jacobians``. Computed with TensorFlow's autodiff through the layer's own cell, one
backward pass for all H rows (the sequence is copied H times and copy n contributes row n).
TensorFlow is imported inside the function. Introduced in notebook 06 (gates).
"""

from __future__ import annotations

import numpy as np

from rnnlib.cells.gates import sigmoid


def state_gradient_norms(layer, x) -> np.ndarray:
    """``||dh_T / ds_t||`` for every t = 0 .. T of one sequence through a Keras RNN layer.

    layer: a built ``keras.layers.SimpleRNN``, ``LSTM`` or ``GRU`` (or its cell);
    x: one input sequence, (T, D). Starts from zero states.
    Returns norms (T + 1,): ``norms[t]`` belongs to the state after step t (``norms[0]`` to
    the initial state), so the lag is ``T - t``; for an LSTM the state is ``(h_t, c_t)``.
    Notebook 06.
    """
    import keras
    import tensorflow as tf

    from rnnlib.cells.keras_io import layer_kind

    kind = layer_kind(layer)  # refuses layers rnnlib cannot read
    cell = layer.cell if isinstance(layer, keras.layers.RNN) else layer
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(
            f"state_gradient_norms: x should be one sequence (T, D), got shape "
            f"{x.shape}; for a batch pass one example, e.g. x[0]"
        )
    T, D = x.shape
    H = int(cell.units)
    dtype = str(cell.kernel.dtype)
    xs = tf.constant(np.repeat(x[None], H, axis=0), dtype=dtype)  # (H, T, D): one copy per row
    n_states = 2 if kind == "lstm" else 1
    states = [tf.zeros((H, H), dtype=dtype) for _ in range(n_states)]  # h (and c), (H, H)
    history = [states]
    with tf.GradientTape() as tape:
        tape.watch(states)
        for t in range(T):
            _, states = cell.call(xs[:, t], states, training=False)  # no Layer.__call__ overhead
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            history.append(states)
        target = tf.linalg.trace(states[0])  # sum_n h_T[n, n]: copy n gives row n
    flat = [s for step in history for s in step]
    grads = tape.gradient(target, flat, unconnected_gradients="zero")
    norms = np.empty(T + 1)
    for t in range(T + 1):
        blocks = [np.asarray(g, dtype=float) for g in grads[t * n_states : (t + 1) * n_states]]
        jac = np.concatenate(blocks, axis=1)  # (H, H) or (H, 2H): rows of dh_T/ds_t
        norms[t] = np.linalg.norm(jac, 2)
    return norms


def gate_activations(layer, x) -> dict[str, np.ndarray]:
    """The gate values a Keras ``LSTM`` or ``GRU`` computes on one sequence, from zero states.

    layer: a built ``keras.layers.LSTM`` or ``GRU`` (either ``reset_after``); x: (T, D).
    Returns ``{"i", "f", "o"}`` (LSTM) or ``{"z", "r"}`` (GRU), each (T, H) in [0, 1], and
    ``"h"`` (T, H), the layer's output at every step. Computed in NumPy from the layer's
    weights with the equations of :mod:`rnnlib.cells.lstm` and :mod:`rnnlib.cells.gru`. Notebook 06.
    """
    from rnnlib.cells.gates import GRU_GATES, LSTM_GATES, split_gates
    from rnnlib.cells.keras_io import layer_kind, params_from_keras

    kind = layer_kind(layer)
    if kind == "simple_rnn":
        raise ValueError("gate_activations: a SimpleRNN has no gates; pass an LSTM or a GRU")
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"gate_activations: x should be one sequence (T, D), got shape {x.shape}")
    p = {k: np.asarray(v, dtype=float) for k, v in params_from_keras(layer).items()}
    Wx, Wh, b = p["Wx"], p["Wh"], p["b"]
    T, H = x.shape[0], Wh.shape[0]
    h, c = np.zeros(H), np.zeros(H)  # (H,) states of the one sequence
    names = ("i", "f", "o") if kind == "lstm" else ("z", "r")
    out = {k: np.empty((T, H)) for k in (*names, "h")}
    cell = layer.cell if hasattr(layer, "cell") else layer
    reset_after = kind == "gru" and bool(cell.reset_after)
    for t in range(T):
        if kind == "lstm":
            a_i, a_f, a_c, a_o = split_gates(x[t] @ Wx + h @ Wh + b, len(LSTM_GATES))  # (H,)
            i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)
            c = f * c + i * np.tanh(a_c)
            h = o * np.tanh(c)
            out["i"][t], out["f"][t], out["o"][t] = i, f, o
        else:
            b_in, b_rec = (b[0], b[1]) if reset_after else (b, np.zeros_like(b))
            x_z, x_r, x_h = split_gates(x[t] @ Wx + b_in, len(GRU_GATES))  # (H,) each
            Wh_z, Wh_r, Wh_h = split_gates(Wh, len(GRU_GATES))  # (H, H) each
            r_z, r_r, r_h = split_gates(b_rec, len(GRU_GATES))  # (H,) recurrent biases
            z = sigmoid(x_z + h @ Wh_z + r_z)
            r = sigmoid(x_r + h @ Wh_r + r_r)
            if reset_after:
                cand = np.tanh(x_h + r * (h @ Wh_h + r_h))
            else:
                cand = np.tanh(x_h + (r * h) @ Wh_h)
            h = z * h + (1 - z) * cand
            out["z"][t], out["r"][t] = z, r
        out["h"][t] = h
    return out
