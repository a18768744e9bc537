"""Plausible wrong answers to notebook 06's exercises (solutions/06_gates)."""

import keras
import numpy as np

import rnnlib as rl
from mistakes.catalogue import delegates, mistake


def sigmoid(a):
    """Stands for the notebook's own sigmoid (defined in its first code cell; not copied)."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """Stands for the student's own step function of exercise 1 (not copied into answers)."""
    next_h, next_c, _ = rl.cells.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    return next_h, next_c


# ---- lstm_step_forward -----------------------------------------------------------------------


@mistake("lstm_step_forward", "gate order i, c, f, o (TensorFlow 1's LSTMCell)")
def step_tf1_order(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, g = sigmoid(a[:, :H]), np.tanh(a[:, H : 2 * H])
    f, o = sigmoid(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c


@mistake("lstm_step_forward", "gate order i, f, o, c")
def step_ifoc_order(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    o, g = sigmoid(a[:, 2 * H : 3 * H]), np.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c


@mistake("lstm_step_forward", "forgot the bias")
def step_without_bias(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c


@mistake("lstm_step_forward", "h = o * c (no tanh of the cell state)")
def step_without_tanh_c(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    return o * next_c, next_c


@mistake("lstm_step_forward", "sigmoid candidate instead of tanh")
def step_sigmoid_candidate(x, prev_h, prev_c, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    H = prev_h.shape[1]
    i, f, g, o = (sigmoid(a[:, k * H : (k + 1) * H]) for k in range(4))
    next_c = f * prev_c + i * g
    return o * np.tanh(next_c), next_c


@mistake("lstm_step_forward", "returned the state it was given (prev_h, prev_c)")
def step_returns_its_state(x, prev_h, prev_c, Wx, Wh, b):
    return prev_h, prev_c


@mistake("lstm_step_forward", "returned (next_c, next_h)")
def step_swapped_outputs(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    return next_c, o * np.tanh(next_c)


@delegates("lstm_step_forward")
def step_by_reference(x, prev_h, prev_c, Wx, Wh, b):
    return rl.cells.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[:2]


@delegates("lstm_step_forward")
def step_by_private_helper(x, prev_h, prev_c, Wx, Wh, b):
    _, next_c, _, next_h = rl.cells.lstm._cell_forward(x @ Wx + prev_h @ Wh + b, prev_c)
    return next_h, next_c


# ---- lstm_forward ----------------------------------------------------------------------------


@mistake("lstm_forward", "ignored c0 (started the cell state from zeros)")
def forward_without_c0(x, h0, Wx, Wh, b, c0=None):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h, prev_c = h0, np.zeros_like(h0)
    for t in range(T):
        prev_h, prev_c = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
    return h


@mistake("lstm_forward", "reset the cell state to zeros at every step")
def forward_without_carrying_c(x, h0, Wx, Wh, b, c0=None):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    c = np.zeros_like(h0) if c0 is None else c0
    for t in range(T):
        prev_h, _ = lstm_step_forward(x[:, t], prev_h, c, Wx, Wh, b)
        h[:, t] = prev_h
    return h


@mistake("lstm_forward", "off by one in time (stores the state before the update)")
def forward_off_by_one(x, h0, Wx, Wh, b, c0=None):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h, prev_c = h0, (np.zeros_like(h0) if c0 is None else c0)
    for t in range(T):
        h[:, t] = prev_h
        prev_h, prev_c = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
    return h


@mistake("lstm_forward", "returned the cell states instead of the hidden states")
def forward_returns_c(x, h0, Wx, Wh, b, c0=None):
    N, T, _ = x.shape
    c = np.zeros((N, T, h0.shape[1]))
    prev_h, prev_c = h0, (np.zeros_like(h0) if c0 is None else c0)
    for t in range(T):
        prev_h, prev_c = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        c[:, t] = prev_c
    return c


@delegates("lstm_forward")
def forward_by_reference(x, h0, Wx, Wh, b, c0=None):
    return rl.cells.lstm_forward(x, h0, Wx, Wh, b, c0=c0)[0]


@delegates("lstm_forward")
def forward_by_rnnlib_step(x, h0, Wx, Wh, b, c0=None):
    h, c = h0, np.zeros_like(h0) if c0 is None else c0
    out = []
    for t in range(x.shape[1]):
        h, c, _ = rl.cells.lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        out.append(h)
    return np.stack(out, axis=1)


@delegates("lstm_forward")
def forward_by_keras_rnn_of_a_cell(x, h0, Wx, Wh, b, c0=None):
    H = h0.shape[1]
    layer = keras.layers.RNN(keras.layers.LSTMCell(H), return_sequences=True)
    layer.build((None, None, x.shape[2]))
    layer.set_weights([Wx, Wh, b])
    c = np.zeros_like(h0) if c0 is None else c0
    return np.asarray(layer(x.astype("float32"), initial_state=[h0, c]), dtype=np.float64)


# ---- lstm_step_backward ----------------------------------------------------------------------


@mistake("lstm_step_backward", "ignored dnext_c (the gradient along the cell state)")
def backward_without_dnext_c(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    tanh_c = np.tanh(f * prev_c + i * g)
    dc = dnext_h * o * (1 - tanh_c**2)
    da = np.concatenate(
        [
            dc * g * i * (1 - i),
            dc * prev_c * f * (1 - f),
            dc * i * (1 - g**2),
            dnext_h * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


@mistake("lstm_step_backward", "forgot the route from h through tanh(c) into dc")
def backward_without_h_route(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    tanh_c = np.tanh(f * prev_c + i * g)
    dc = dnext_c
    da = np.concatenate(
        [
            dc * g * i * (1 - i),
            dc * prev_c * f * (1 - f),
            dc * i * (1 - g**2),
            dnext_h * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


@mistake("lstm_step_backward", "tanh derivative 1 - g instead of 1 - g**2 for the candidate")
def backward_wrong_tanh_derivative(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    tanh_c = np.tanh(f * prev_c + i * g)
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    da = np.concatenate(
        [
            dc * g * i * (1 - i),
            dc * prev_c * f * (1 - f),
            dc * i * (1 - g),
            dnext_h * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


@mistake("lstm_step_backward", "dWh = da.T @ prev_h (transposed)")
def backward_transposed_dwh(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    tanh_c = np.tanh(f * prev_c + i * g)
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    da = np.concatenate(
        [
            dc * g * i * (1 - i),
            dc * prev_c * f * (1 - f),
            dc * i * (1 - g**2),
            dnext_h * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    dWh = (da.T @ prev_h).reshape(prev_h.shape[1], -1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, dWh, da.sum(axis=0)


@delegates("lstm_step_backward")
def backward_by_reference(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    _, _, cache = rl.cells.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    return rl.cells.lstm_step_backward(dnext_h, dnext_c, cache)


@delegates("lstm_step_backward")
def backward_by_sequence_backward(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    _, cache = rl.cells.lstm_forward(x[:, None], prev_h, Wx, Wh, b, c0=prev_c)
    dx, dprev_h, dWx, dWh, db, dprev_c = rl.cells.lstm_backward(
        dnext_h[:, None], cache, dc_last=dnext_c
    )
    return dx[:, 0], dprev_h, dprev_c, dWx, dWh, db


@delegates("lstm_step_backward")
def backward_by_private_helper(dnext_h, dnext_c, x, prev_h, prev_c, Wx, Wh, b):
    gates, _, tanh_c, _ = rl.cells.lstm._cell_forward(x @ Wx + prev_h @ Wh + b, prev_c)
    da, dprev_c = rl.cells.lstm._cell_backward(dnext_h, dnext_c, gates, prev_c, tanh_c)
    return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)


# ---- gru_step_forward ------------------------------------------------------------------------


@mistake("gru_step_forward", "z and 1 - z swapped (PyTorch's documentation convention)")
def gru_swapped_z(x, prev_h, Wx, Wh, b, reset_after=True):
    H = prev_h.shape[1]
    if reset_after:
        xa, ha = x @ Wx + b[0], prev_h @ Wh + b[1]
        z, r = sigmoid(xa[:, :H] + ha[:, :H]), sigmoid(xa[:, H : 2 * H] + ha[:, H : 2 * H])
        cand = np.tanh(xa[:, 2 * H :] + r * ha[:, 2 * H :])
    else:
        xa = x @ Wx + b
        z = sigmoid(xa[:, :H] + prev_h @ Wh[:, :H])
        r = sigmoid(xa[:, H : 2 * H] + prev_h @ Wh[:, H : 2 * H])
        cand = np.tanh(xa[:, 2 * H :] + (r * prev_h) @ Wh[:, 2 * H :])
    return (1 - z) * prev_h + z * cand


@mistake("gru_step_forward", "reset applied before the product in both forms")
def gru_always_reset_before(x, prev_h, Wx, Wh, b, reset_after=True):
    H = prev_h.shape[1]
    bias = b[0] + b[1] if reset_after else b
    xa = x @ Wx + bias
    z = sigmoid(xa[:, :H] + prev_h @ Wh[:, :H])
    r = sigmoid(xa[:, H : 2 * H] + prev_h @ Wh[:, H : 2 * H])
    cand = np.tanh(xa[:, 2 * H :] + (r * prev_h) @ Wh[:, 2 * H :])
    return z * prev_h + (1 - z) * cand


@mistake("gru_step_forward", "only the input bias b[0] when reset_after")
def gru_input_bias_only(x, prev_h, Wx, Wh, b, reset_after=True):
    H = prev_h.shape[1]
    if reset_after:
        xa, ha = x @ Wx + b[0], prev_h @ Wh
        z, r = sigmoid(xa[:, :H] + ha[:, :H]), sigmoid(xa[:, H : 2 * H] + ha[:, H : 2 * H])
        cand = np.tanh(xa[:, 2 * H :] + r * ha[:, 2 * H :])
    else:
        xa = x @ Wx + b
        z = sigmoid(xa[:, :H] + prev_h @ Wh[:, :H])
        r = sigmoid(xa[:, H : 2 * H] + prev_h @ Wh[:, H : 2 * H])
        cand = np.tanh(xa[:, 2 * H :] + (r * prev_h) @ Wh[:, 2 * H :])
    return z * prev_h + (1 - z) * cand


@mistake("gru_step_forward", "swapped the z and r blocks")
def gru_swapped_blocks(x, prev_h, Wx, Wh, b, reset_after=True):
    H = prev_h.shape[1]
    if reset_after:
        xa, ha = x @ Wx + b[0], prev_h @ Wh + b[1]
        r, z = sigmoid(xa[:, :H] + ha[:, :H]), sigmoid(xa[:, H : 2 * H] + ha[:, H : 2 * H])
        cand = np.tanh(xa[:, 2 * H :] + r * ha[:, 2 * H :])
    else:
        xa = x @ Wx + b
        r = sigmoid(xa[:, :H] + prev_h @ Wh[:, :H])
        z = sigmoid(xa[:, H : 2 * H] + prev_h @ Wh[:, H : 2 * H])
        cand = np.tanh(xa[:, 2 * H :] + (r * prev_h) @ Wh[:, 2 * H :])
    return z * prev_h + (1 - z) * cand


@delegates("gru_step_forward")
def gru_by_reference(x, prev_h, Wx, Wh, b, reset_after=True):
    return rl.cells.gru_step_forward(x, prev_h, Wx, Wh, b, reset_after=reset_after)[0]


@delegates("gru_step_forward")
def gru_by_keras_cell(x, prev_h, Wx, Wh, b, reset_after=True):
    cell = keras.layers.GRUCell(prev_h.shape[1], reset_after=reset_after)
    cell.build((None, x.shape[1]))
    cell.set_weights([Wx, Wh, b])
    out, _ = cell(x.astype("float32"), [prev_h.astype("float32")])
    return np.asarray(out, dtype=np.float64)


# ---- gated_params ----------------------------------------------------------------------------


@mistake("gated_params", "swapped kernel and recurrent_kernel")
def params_swapped(layer):
    weights = layer.get_weights()
    H = weights[1].shape[0]
    b = weights[2] if len(weights) == 3 else np.zeros(weights[1].shape[1])
    if len(weights) == 2 and isinstance(layer, keras.layers.GRU) and layer.reset_after:
        b = np.zeros((2, 3 * H))
    return weights[1], weights[0], b


@mistake("gated_params", "zero bias of shape (kH,) for every layer without a bias")
def params_flat_zero_bias(layer):
    weights = layer.get_weights()
    b = weights[2] if len(weights) == 3 else np.zeros(weights[1].shape[1])
    return weights[0], weights[1], b


@mistake("gated_params", "flattened the GRU's (2, 3H) bias")
def params_flat_gru_bias(layer):
    weights = layer.get_weights()
    H = weights[1].shape[0]
    if len(weights) == 3:
        return weights[0], weights[1], np.ravel(weights[2])
    if isinstance(layer, keras.layers.GRU) and layer.reset_after:
        return weights[0], weights[1], np.zeros((2, 3 * H))
    return weights[0], weights[1], np.zeros(weights[1].shape[1])


@mistake("gated_params", "transposed each (H, H) block of the recurrent kernel")
def params_transposed(layer):
    weights = layer.get_weights()
    H = weights[1].shape[0]
    if len(weights) == 3:
        b = weights[2]
    elif isinstance(layer, keras.layers.GRU) and layer.reset_after:
        b = np.zeros((2, 3 * H))
    else:
        b = np.zeros(weights[1].shape[1])
    blocks = np.split(weights[1], weights[1].shape[1] // H, axis=1)  # k blocks (H, H)
    Wh = np.concatenate([blk.T for blk in blocks], axis=1)
    return weights[0], Wh, b


@delegates("gated_params")
def params_by_reference(layer):
    p = rl.cells.params_from_keras(layer)
    return p["Wx"], p["Wh"], p["b"]


# ---- chrono_bias -----------------------------------------------------------------------------


@mistake("chrono_bias", "b_i = +b_f")
def chrono_same_sign(units, max_len, rng):
    b_f = np.log(rng.uniform(1.0, max_len - 1.0, size=units))
    return np.concatenate([b_f, b_f, np.zeros(units), np.zeros(units)])


@mistake("chrono_bias", "forget and input blocks swapped (order f, i, c, o)")
def chrono_swapped_blocks(units, max_len, rng):
    b_f = np.log(rng.uniform(1.0, max_len - 1.0, size=units))
    return np.concatenate([b_f, -b_f, np.zeros(units), np.zeros(units)])


@mistake("chrono_bias", "no log: b_f = u")
def chrono_without_log(units, max_len, rng):
    u = rng.uniform(1.0, max_len - 1.0, size=units)
    return np.concatenate([-u, u, np.zeros(units), np.zeros(units)])


@mistake("chrono_bias", "u ~ U(0, max_len) instead of U(1, max_len - 1)")
def chrono_wrong_range(units, max_len, rng):
    b_f = np.log(rng.uniform(0.0, max_len, size=units))
    return np.concatenate([-b_f, b_f, np.zeros(units), np.zeros(units)])


@delegates("chrono_bias")
def chrono_by_reference(units, max_len, rng):
    return rl.cells.chrono_bias(units, max_len, seed=rng)
