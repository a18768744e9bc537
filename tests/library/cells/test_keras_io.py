"""rnnlib.cells.keras_io, and the cells live against Keras: outputs and tf.GradientTape gradients.

Small shapes only; every layer gets random weights through params_to_keras (constant weights
cannot pin the gate order), nonzero initial states and masks with leading, middle and
trailing masked steps.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from rnnlib.cells import gru, keras_io, lstm, rnn  # noqa: E402
from rnnlib.testing.gradcheck import rel_error  # noqa: E402

N, T, D, H = 4, 6, 3, 5
MASK = np.array(
    [
        [0, 0, 1, 1, 1, 1],  # leading masked steps
        [1, 1, 0, 0, 1, 1],  # middle
        [1, 1, 1, 1, 0, 0],  # trailing
        [0, 1, 0, 1, 1, 0],  # scattered
    ],
    bool,
)
KINDS = ["simple_rnn", "lstm", "gru", "gru_reset_before"]


def make_layer(kind, dtype="float32", **kwargs):
    """A built Keras layer of the given kind."""
    layer = {
        "simple_rnn": lambda: keras.layers.SimpleRNN(H, **kwargs),
        "lstm": lambda: keras.layers.LSTM(H, **kwargs),
        "gru": lambda: keras.layers.GRU(H, reset_after=True, **kwargs),
        "gru_reset_before": lambda: keras.layers.GRU(H, reset_after=False, **kwargs),
    }[kind]()
    if dtype != "float32":
        layer = type(layer).from_config({**layer.get_config(), "dtype": dtype})
    layer.build((None, T, D))
    return layer


def random_params(layer, rng, dtype=np.float32):
    """Random weights (scale 0.5) with the layer's shapes, in rnnlib's names."""
    shapes = {k: v.shape for k, v in keras_io.params_from_keras(layer).items()}
    return {k: (rng.standard_normal(s) * 0.5).astype(dtype) for k, s in shapes.items()}


def rnnlib_forward(kind, x, h0, c0, params, mask):
    if kind == "simple_rnn":
        return rnn.rnn_forward(x, h0, **params, mask=mask)
    if kind == "lstm":
        return lstm.lstm_forward(x, h0, **params, c0=c0, mask=mask)
    return gru.gru_forward(x, h0, **params, reset_after=kind == "gru", mask=mask)


def rnnlib_backward(kind, dh, cache):
    backward = {"simple_rnn": rnn.rnn_backward, "lstm": lstm.lstm_backward}.get(
        kind, gru.gru_backward
    )
    return backward(dh, cache)


def keras_forward_backward(layer, kind, x, h0, c0, mask, dh):
    """Keras output; gradients of sum(output * dh) wrt x, h0, kernel, recurrent_kernel, bias
    (and c0 for an LSTM)."""
    x_t, h0_t, c0_t = (tf.constant(v) for v in (x, h0, c0))
    with tf.GradientTape() as tape:
        tape.watch([x_t, h0_t, c0_t])
        state = [h0_t, c0_t] if kind == "lstm" else [h0_t]
        y = layer(x_t, initial_state=state, mask=None if mask is None else tf.constant(mask))
        loss = tf.reduce_sum(y * dh)
    cell = layer.cell
    sources = [x_t, h0_t, cell.kernel, cell.recurrent_kernel, cell.bias]
    grads = tape.gradient(loss, sources + ([c0_t] if kind == "lstm" else []))
    return y.numpy(), [g.numpy() for g in grads]


@pytest.mark.parametrize("masked", [True, False], ids=["masked", "unmasked"])
@pytest.mark.parametrize("return_sequences", [True, False], ids=["sequences", "last"])
@pytest.mark.parametrize("kind", KINDS)
def test_outputs_and_gradients_match_keras(kind, return_sequences, masked):
    """Does rnnlib reproduce Keras's output to 1e-5 and its GradientTape gradients (float32)?"""
    rng = np.random.default_rng(KINDS.index(kind) * 4 + 2 * return_sequences + masked)
    layer = make_layer(kind, return_sequences=return_sequences)
    params = random_params(layer, rng)
    keras_io.params_to_keras(params, layer)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    h0, c0 = (rng.standard_normal((N, H)).astype(np.float32) for _ in range(2))
    mask = MASK if masked else None
    dh_seq = rng.standard_normal((N, T, H)).astype(np.float32)
    if not return_sequences:
        dh_seq[:, :-1] = 0  # only the last output reaches the loss
    dh_keras = dh_seq if return_sequences else dh_seq[:, -1]

    y, keras_grads = keras_forward_backward(layer, kind, x, h0, c0, mask, dh_keras)
    h, cache = rnnlib_forward(kind, x, h0, c0, params, mask)
    assert h.dtype == np.float32
    np.testing.assert_allclose(h if return_sequences else h[:, -1], y, atol=1e-5, rtol=0)

    ours = rnnlib_backward(kind, dh_seq, cache)  # dx, dh0, dWx, dWh, db (, dc0 for an LSTM)
    assert len(ours) == len(keras_grads)
    for name, a, b in zip(
        ["dx", "dh0", "dWx", "dWh", "db", "dc0"], ours, keras_grads, strict=False
    ):
        assert a.shape == b.shape, name
        assert rel_error(a, b) <= 1e-5, f"{name}: rel. error {rel_error(a, b):.1e}"


@pytest.mark.parametrize("kind", ["lstm", "gru_reset_before"])
def test_float64_layers_match_closely(kind):
    """Does a float64 Keras layer agree with rnnlib to round-off (1e-12)?"""
    rng = np.random.default_rng(11)
    layer = make_layer(kind, dtype="float64", return_sequences=True)
    params = random_params(layer, rng, np.float64)
    keras_io.params_to_keras(params, layer)
    x = rng.standard_normal((N, T, D))
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    state = [h0, c0] if kind == "lstm" else [h0]
    y = np.asarray(layer(x, initial_state=state, mask=MASK))
    h, _ = rnnlib_forward(kind, x, h0, c0, params, MASK)
    assert h.dtype == np.float64
    np.testing.assert_allclose(h, y, atol=1e-12, rtol=0)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: keras.layers.RNN(keras.layers.LSTMCell(H), return_sequences=True),
        lambda: keras.layers.RNN(keras.layers.SimpleRNNCell(H), return_sequences=True),
        lambda: keras.layers.LSTM(H, return_sequences=True, use_bias=False),
        lambda: keras.layers.GRU(H, return_sequences=True, unroll=True),
        lambda: keras.layers.GRU(H, return_sequences=True, dropout=0.5, recurrent_dropout=0.5),
    ],
    ids=["RNN(LSTMCell)", "RNN(SimpleRNNCell)", "use_bias=False", "unroll", "dropout"],
)
def test_other_accepted_layers_match(factory):
    """Are RNN-wrapped cells, use_bias=False, unroll and (inference) dropout reproduced exactly?"""
    rng = np.random.default_rng(12)
    layer = factory()
    layer.build((None, T, D))
    kind = keras_io.layer_kind(layer)
    kind = "gru" if kind == "gru" and layer.cell.reset_after else kind
    params = random_params(layer, rng)
    if not layer.cell.use_bias:
        params["b"][:] = 0
    keras_io.params_to_keras(params, layer)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    y = np.asarray(layer(x, mask=MASK))  # zero initial state
    h, _ = rnnlib_forward(kind, x, np.zeros((N, H), np.float32), None, params, MASK)
    np.testing.assert_allclose(h, y, atol=1e-5, rtol=0)


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip(kind):
    """Does params_from_keras return exactly what params_to_keras wrote, in Keras's order?"""
    layer = make_layer(kind)
    params = random_params(layer, np.random.default_rng(13), np.float64)
    keras_io.params_to_keras(params, layer)
    back = keras_io.params_from_keras(layer)
    assert set(back) == {"Wx", "Wh", "b"}
    for name, keras_weight in zip(["Wx", "Wh", "b"], layer.get_weights(), strict=False):
        assert back[name].dtype == np.float32
        np.testing.assert_array_equal(back[name], params[name].astype(np.float32))
        np.testing.assert_array_equal(back[name], keras_weight)


def test_use_bias_false_reads_zero_bias_and_refuses_nonzero():
    """Does a bias-free layer read as b = 0, and refuse a nonzero b?"""
    layer = keras.layers.GRU(H, use_bias=False)
    layer.build((None, T, D))
    params = keras_io.params_from_keras(layer)
    assert params["b"].shape == (2, 3 * H) and not params["b"].any()
    params["b"] = params["b"] + 1
    with pytest.raises(ValueError, match="use_bias=False"):
        keras_io.params_to_keras(params, layer)


def _built(layer, shape=(None, T, D)):
    layer.build(shape)
    return layer


@pytest.mark.parametrize(
    "factory, words",
    [
        (lambda: keras.layers.LSTM(H), ["no weights yet", "build"]),
        (
            lambda: _built(keras.layers.SimpleRNN(H, activation="relu")),
            ["activation='relu'", "tanh"],
        ),
        (lambda: _built(keras.layers.LSTM(H, activation="relu")), ["activation='relu'"]),
        (
            lambda: _built(keras.layers.GRU(H, recurrent_activation="hard_sigmoid")),
            ["recurrent_activation='hard_sigmoid'", "sigmoid"],
        ),
        (lambda: _built(keras.layers.LSTM(H, go_backwards=True)), ["go_backwards"]),
        (
            lambda: _built(keras.layers.Bidirectional(keras.layers.LSTM(H))),
            ["Bidirectional", "forward_layer"],
        ),
        (
            lambda: _built(keras.layers.SimpleRNN(H, zero_output_for_mask=True)),
            ["zero_output_for_mask"],
        ),
        (
            lambda: _built(keras.layers.RNN([keras.layers.LSTMCell(H), keras.layers.LSTMCell(H)])),
            ["stacked"],
        ),
        (lambda: _built(keras.layers.Dense(H), (None, D)), ["expected", "Dense"]),
        (lambda: _built(keras.layers.LSTM(H, dtype="mixed_float16")), ["mixed precision"]),
    ],
    ids=[
        "unbuilt",
        "simple_relu",
        "lstm_relu",
        "hard_sigmoid",
        "go_backwards",
        "bidirectional",
        "zero_output",
        "stacked",
        "dense",
        "mixed_precision",
    ],
)
def test_refusals_are_clear(factory, words):
    """Is every layer rnnlib cannot reproduce exactly refused with a ValueError saying why?"""
    layer = factory()
    for fn in (keras_io.params_from_keras, lambda lay: keras_io.params_to_keras({}, lay)):
        with pytest.raises(ValueError) as err:
            fn(layer)
        for word in words:
            assert word in str(err.value)


@pytest.mark.parametrize(
    "kind, params, words",
    [
        (
            "gru",
            dict(Wx=np.zeros((D, 3 * H)), Wh=np.zeros((H, 3 * H)), b=np.zeros(3 * H)),
            ["b", "(15,)", "reset_after=True"],
        ),
        (
            "lstm",
            dict(Wx=np.zeros((D + 1, 4 * H)), Wh=np.zeros((H, 4 * H)), b=np.zeros(4 * H)),
            ["Wx", "(4, 20)", "D=3"],
        ),
        (
            "lstm",
            dict(Wx=np.zeros((D, 4 * H)), Wh=np.zeros((4 * H, H)), b=np.zeros(4 * H)),
            ["Wh", "(20, 5)"],
        ),
        ("simple_rnn", dict(Wx=np.zeros((D, H)), Wh=np.zeros((H, H))), ["missing", "'b'"]),
    ],
)
def test_params_to_keras_names_bad_shapes(kind, params, words):
    """Does params_to_keras name the parameter whose shape does not fit the layer?"""
    with pytest.raises(ValueError) as err:
        keras_io.params_to_keras(params, make_layer(kind))
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("D_, H_", [(1, 1), (3, 5), (16, 32)])
def test_count_params_equals_keras(D_, H_, use_bias):
    """Does count_params equal Keras's count_params for every cell and option?"""
    cases = [
        ("simple_rnn", True, keras.layers.SimpleRNN(H_, use_bias=use_bias)),
        ("lstm", True, keras.layers.LSTM(H_, use_bias=use_bias)),
        ("gru", True, keras.layers.GRU(H_, use_bias=use_bias)),
        ("gru", False, keras.layers.GRU(H_, reset_after=False, use_bias=use_bias)),
    ]
    for cell, reset_after, layer in cases:
        layer.build((None, 7, D_))
        expected = layer.count_params()
        assert (
            keras_io.count_params(cell, D_, H_, reset_after=reset_after, use_bias=use_bias)
            == expected
        )


@pytest.mark.parametrize(
    "args, words",
    [
        (("rnn", 3, 5), ["cell", "'rnn'"]),
        (("lstm", 0, 5), ["input_dim"]),
        (("gru", 3, 2.5), ["units"]),
    ],
)
def test_count_params_bad_arguments(args, words):
    """Does count_params refuse an unknown cell or a non-positive size, naming it?"""
    with pytest.raises(ValueError) as err:
        keras_io.count_params(*args)
    for word in words:
        assert word in str(err.value)


def test_count_params_flags_must_be_bools():
    """Is reset_after="False" (a truthy string) a TypeError rather than counted as True?"""
    with pytest.raises(TypeError, match="count_params: reset_after should be True or False"):
        keras_io.count_params("gru", 3, 5, reset_after="False")
    with pytest.raises(TypeError, match="count_params: use_bias should be True or False"):
        keras_io.count_params("gru", 3, 5, use_bias=1)
