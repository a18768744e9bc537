"""Plausible wrong answers to notebook 02's exercises (solutions/02_rnn_cell)."""

import keras
import numpy as np

import rnnlib as rl
from mistakes.catalogue import delegates, mistake


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """Stands for the student's own step function of exercise 1 (not copied into answers)."""
    return np.tanh(x @ Wx + prev_h @ Wh + b)


# ---- rnn_step_forward ------------------------------------------------------------------------


@mistake("rnn_step_forward", "forgot the bias")
def step_without_bias(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh)


@mistake("rnn_step_forward", "transposed Wh")
def step_transposed_wh(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + prev_h @ Wh.T + b)


@mistake("rnn_step_forward", "ReLU instead of tanh")
def step_relu(x, prev_h, Wx, Wh, b):
    return np.maximum(0, x @ Wx + prev_h @ Wh + b)


@mistake("rnn_step_forward", "ignored prev_h")
def step_without_memory(x, prev_h, Wx, Wh, b):
    return np.tanh(x @ Wx + b)


@mistake("rnn_step_forward", "returned (next_h, cache) although only next_h was asked for")
def step_with_cache(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


@delegates("rnn_step_forward")
def step_by_rnnlib(x, prev_h, Wx, Wh, b):
    return rl.cells.rnn_step_forward(x, prev_h, Wx, Wh, b)[0]


@delegates("rnn_step_forward")
def step_by_rnnlib_sequence(x, prev_h, Wx, Wh, b):
    return rl.cells.rnn_forward(x[:, None], prev_h, Wx, Wh, b)[0][:, 0]


# ---- rnn_forward -----------------------------------------------------------------------------


@mistake("rnn_forward", "returned only the last step")
def forward_last_step(x, h0, Wx, Wh, b):
    prev_h = h0
    for t in range(x.shape[1]):
        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
    return prev_h


@mistake("rnn_forward", "h0 ignored (started from zeros)")
def forward_from_zeros(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = np.zeros_like(h0)
    for t in range(T):
        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
    return h


@mistake("rnn_forward", "off by one in time (stores the state before the update)")
def forward_off_by_one(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    for t in range(T):
        h[:, t] = prev_h
        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
    return h


@mistake("rnn_forward", "time-major output (T, N, H)")
def forward_time_major(x, h0, Wx, Wh, b):
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        states.append(prev_h)
    return np.stack(states)


@mistake("rnn_forward", "an integer buffer (np.zeros(..., dtype=int)) truncates the states")
def forward_integer_buffer(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]), dtype=int)
    prev_h = h0
    for t in range(T):
        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
    return h


@mistake("rnn_forward", "feeds the input of step 0 at every step")
def forward_same_input(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    for t in range(T):
        prev_h = rnn_step_forward(x[:, 0], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
    return h


@delegates("rnn_forward")
def forward_by_rnnlib(x, h0, Wx, Wh, b):
    return rl.cells.rnn_forward(x, h0, Wx, Wh, b)[0]


@delegates("rnn_forward")
def forward_by_rnnlib_steps(x, h0, Wx, Wh, b):
    states, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h = rl.cells.rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)[0]
        states.append(prev_h)
    return np.stack(states, axis=1)


# ---- count_params ----------------------------------------------------------------------------


@mistake("count_params", "missing the bias")
def params_without_bias(input_dim, units):
    return input_dim * units + units * units


@mistake("count_params", "counted two biases (PyTorch style)")
def params_two_biases(input_dim, units):
    return input_dim * units + units * units + 2 * units


@mistake("count_params", "forgot the recurrent weights")
def params_without_recurrence(input_dim, units):
    return input_dim * units + units


@delegates("count_params")
def params_by_rnnlib(input_dim, units):
    return rl.cells.count_params("simple_rnn", input_dim, units)


@delegates("count_params")
def params_by_keras(input_dim, units):
    layer = keras.layers.SimpleRNN(units)
    layer.build((None, None, input_dim))
    return layer.count_params()


# ---- simple_rnn_params -----------------------------------------------------------------------


@mistake("simple_rnn_params", "swapped kernel and recurrent_kernel")
def weights_swapped(layer):
    kernel, recurrent, bias = layer.get_weights()
    return recurrent, kernel, bias


@mistake("simple_rnn_params", "transposed the recurrent kernel")
def weights_transposed(layer):
    kernel, recurrent, bias = layer.get_weights()
    return kernel, recurrent.T, bias


@mistake("simple_rnn_params", "returned Keras Variables, not arrays")
def weights_as_variables(layer):
    return layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias


@mistake("simple_rnn_params", "fails on a layer without bias")
def weights_always_three(layer):
    kernel, recurrent, bias = layer.get_weights()
    return kernel, recurrent, bias


@delegates("simple_rnn_params")
def weights_by_rnnlib(layer):
    params = rl.cells.params_from_keras(layer)
    return params["Wx"], params["Wh"], params["b"]


# ---- embedding_forward -----------------------------------------------------------------------


@mistake("embedding_forward", "one-hot off by one")
def embedding_shifted(ids, E):
    return E[ids - 1]


@mistake("embedding_forward", "indexed the transposed table")
def embedding_transposed(ids, E):
    return E.T[ids]


@mistake("embedding_forward", "np.take without axis (flattens E)")
def embedding_flat_take(ids, E):
    return np.take(E, ids)


@mistake("embedding_forward", "summed the embeddings over time")
def embedding_summed(ids, E):
    return E[ids].sum(axis=1)


@delegates("embedding_forward")
def embedding_by_rnnlib(ids, E):
    return rl.cells.embedding_forward(ids, E)[0]
