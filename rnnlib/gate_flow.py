"""Gradient flow through a Keras recurrent layer: how much of ``h_T`` depends on the state at
step t, for SimpleRNN, LSTM and GRU alike.

For a SimpleRNN or GRU the state is ``h_t``; for an LSTM it is the pair ``(h_t, c_t)``, and
the Jacobian of ``h_T`` with respect to it is ``[dh_T/dh_t | dh_T/dc_t]`` (H, 2H). The norm
reported is the spectral norm (largest singular value), as in notebook 05's
``rnnlib.jacobians``. Computed with TensorFlow's autodiff through the layer's own cell, one
backward pass for all H rows (the sequence is copied H times and copy n contributes row n).
TensorFlow is imported inside the function. Introduced in notebook 06 (gates).
"""

from __future__ import annotations

import numpy as np


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

    from rnnlib.keras_io import layer_kind

    kind = layer_kind(layer)  # refuses layers rnnlib cannot read
    cell = layer.cell if isinstance(layer, keras.layers.RNN) else layer
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"state_gradient_norms: x should be one sequence (T, D), got shape "
                         f"{x.shape}; for a batch pass one example, e.g. x[0]")
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
