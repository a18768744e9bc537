"""Plausible wrong answers to the exercises of notebook 02 (the recurrent cell).

Each entry replaces the whole solution cell; the exercise's test cells must then fail.
"""

_STEP_DOC = '''    """One time step of a vanilla (tanh) RNN for a batch (a wrong answer)."""
'''
_FORWARD_HEAD = '''def rnn_forward(x, h0, Wx, Wh, b):
    """Runs a vanilla RNN over whole sequences (a wrong answer)."""
    N, T, _ = x.shape
    H = h0.shape[1]
'''

WRONG_ANSWERS = {
    "rnn_step_forward": [
        ("forgot the bias", "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n" + _STEP_DOC
         + "    return np.tanh(x @ Wx + prev_h @ Wh)\n"),
        ("transposed Wh", "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n" + _STEP_DOC
         + "    return np.tanh(x @ Wx + prev_h @ Wh.T + b)\n"),
        ("ReLU instead of tanh", "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n" + _STEP_DOC
         + "    return np.maximum(0, x @ Wx + prev_h @ Wh + b)\n"),
        ("ignored prev_h", "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n" + _STEP_DOC
         + "    return np.tanh(x @ Wx + b)\n"),
        ("returned (next_h, cache) although only next_h was asked for",
         "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n" + _STEP_DOC
         + "    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)\n"
         + "    return next_h, (x, prev_h, Wx, Wh, next_h)\n"),
        ("called the reference", "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n" + _STEP_DOC
         + "    return rl.rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)[0]\n"),
    ],
    "rnn_forward": [
        ("returned only the last step", _FORWARD_HEAD
         + "    prev_h = h0\n"
         + "    for t in range(T):\n"
         + "        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)\n"
         + "    return prev_h\n"),
        ("h0 ignored (started from zeros)", _FORWARD_HEAD
         + "    h = np.zeros((N, T, H))\n"
         + "    prev_h = np.zeros((N, H))\n"
         + "    for t in range(T):\n"
         + "        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)\n"
         + "        h[:, t] = prev_h\n"
         + "    return h\n"),
        ("off by one in time (stores the state before the update)", _FORWARD_HEAD
         + "    h = np.zeros((N, T, H))\n"
         + "    prev_h = h0\n"
         + "    for t in range(T):\n"
         + "        h[:, t] = prev_h\n"
         + "        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)\n"
         + "    return h\n"),
        ("time-major output (T, N, H)", _FORWARD_HEAD
         + "    states = []\n"
         + "    prev_h = h0\n"
         + "    for t in range(T):\n"
         + "        prev_h = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)\n"
         + "        states.append(prev_h)\n"
         + "    return np.stack(states)\n"),
        ("called the reference", _FORWARD_HEAD
         + "    return rl.rnn.rnn_forward(x, h0, Wx, Wh, b)[0]\n"),
        ("called the reference step instead of its own", _FORWARD_HEAD
         + "    h = np.zeros((N, T, H))\n"
         + "    prev_h = h0\n"
         + "    for t in range(T):\n"
         + "        prev_h, _ = rl.rnn.rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)\n"
         + "        h[:, t] = prev_h\n"
         + "    return h\n"),
    ],
    "count_params": [
        ("missing the bias", "def count_params(input_dim, units):\n"
         + "    return input_dim * units + units * units\n"),
        ("counted two biases (PyTorch style)", "def count_params(input_dim, units):\n"
         + "    return input_dim * units + units * units + 2 * units\n"),
        ("forgot the recurrent weights", "def count_params(input_dim, units):\n"
         + "    return input_dim * units + units\n"),
        ("called the reference", "def count_params(input_dim, units):\n"
         + "    return rl.keras_io.count_params('simple_rnn', input_dim, units)\n"),
    ],
    "simple_rnn_params": [
        ("swapped kernel and recurrent_kernel", "def simple_rnn_params(layer):\n"
         + "    kernel, recurrent, bias = layer.get_weights()\n"
         + "    return recurrent, kernel, bias\n"),
        ("transposed the recurrent kernel", "def simple_rnn_params(layer):\n"
         + "    kernel, recurrent, bias = layer.get_weights()\n"
         + "    return kernel, recurrent.T, bias\n"),
        ("returned Keras Variables, not arrays", "def simple_rnn_params(layer):\n"
         + "    return layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias\n"),
        ("fails on a layer without bias", "def simple_rnn_params(layer):\n"
         + "    kernel, recurrent, bias = layer.get_weights()\n"
         + "    return kernel, recurrent, bias\n"),
        ("called the reference", "def simple_rnn_params(layer):\n"
         + "    p = rl.keras_io.params_from_keras(layer)\n"
         + "    return p['Wx'], p['Wh'], p['b']\n"),
    ],
    "embedding_forward": [
        ("one-hot off by one", "def embedding_forward(ids, W):\n"
         + "    return W[ids - 1]\n"),
        ("indexed the transposed table", "def embedding_forward(ids, W):\n"
         + "    return W.T[ids]\n"),
        ("np.take without axis (flattens W)", "def embedding_forward(ids, W):\n"
         + "    return np.take(W, ids)\n"),
        ("summed the embeddings over time", "def embedding_forward(ids, W):\n"
         + "    return W[ids].sum(axis=1)\n"),
        ("called the reference", "def embedding_forward(ids, W):\n"
         + "    return rl.layers.embedding_forward(ids, W)[0]\n"),
    ],
}
