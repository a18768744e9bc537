"""Tests of rnnlib.dynamics.gate_flow: the norm of dh_T/ds_t through a Keras layer (notebook 06)."""

import numpy as np
import pytest

import rnnlib as rl
from rnnlib.dynamics.gate_flow import state_gradient_norms

keras = pytest.importorskip("keras")


def test_simple_rnn_norms_equal_the_product_of_step_jacobians():
    """For a SimpleRNN, is norms[t] the spectral norm of prod_k diag(1 - h_k^2) Wh^T?"""
    keras.utils.set_random_seed(0)
    layer = keras.layers.SimpleRNN(5)
    layer.build((None, None, 2))
    p = {k: v.astype(float) for k, v in rl.cells.params_from_keras(layer).items()}
    x = np.random.default_rng(1).normal(size=(6, 2)).astype("float32")
    h, _ = rl.cells.rnn_forward(x[None].astype(float), np.zeros((1, 5)), **p)  # (1, 6, 5)
    expected, J = [1.0], np.eye(5)
    for t in range(5, -1, -1):  # dh_T/dh_{t-1} = dh_T/dh_t @ dh_t/dh_{t-1}
        J = J @ (np.diag(1 - h[0, t] ** 2) @ p["Wh"].T)
        expected.append(np.linalg.norm(J, 2))
    np.testing.assert_allclose(state_gradient_norms(layer, x), expected[::-1], rtol=1e-4)


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.layers.LSTM(3),
        lambda: keras.layers.GRU(3),
        lambda: keras.layers.GRU(3, reset_after=False),
    ],
)
def test_gated_norms_match_finite_differences_of_the_initial_state(make):
    """Is norms[0] the norm of dh_T/ds_0 (s = (h, c) for an LSTM), by central differences?"""
    keras.utils.set_random_seed(2)
    layer = make()
    T, D, H = 4, 2, 3
    layer.build((None, T, D))
    kind = rl.cells.layer_kind(layer)
    p = {k: v.astype(float) for k, v in rl.cells.params_from_keras(layer).items()}
    x = np.random.default_rng(3).normal(size=(1, T, D))

    def h_T(s):  # final h from the initial state s (H,) or (2H,)
        h0 = s[None, :H]
        if kind == "lstm":
            return rl.cells.lstm_forward(x, h0, c0=s[None, H:], **p)[0][0, -1]
        reset_after = bool(layer.cell.reset_after)
        return rl.cells.gru_forward(x, h0, reset_after=reset_after, **p)[0][0, -1]

    n = 2 * H if kind == "lstm" else H
    eps, J = 1e-6, np.empty((H, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = eps
        J[:, j] = (h_T(e) - h_T(-e)) / (2 * eps)
    norms = state_gradient_norms(layer, x[0].astype("float32"))
    assert norms.shape == (T + 1,)
    np.testing.assert_allclose(norms[0], np.linalg.norm(J, 2), rtol=1e-3)


def test_chrono_init_keeps_the_lstm_gradient_alive():
    """At initialisation over 100 steps, does the chrono LSTM keep far more gradient than the
    default one (the reason notebook 06 teaches it)?"""
    keras.utils.set_random_seed(0)
    x, _ = rl.datasets.adding_problem(1, 100, seed=0)
    default, chrono = keras.layers.LSTM(8), keras.layers.LSTM(8)
    for layer in (default, chrono):
        layer.build((None, 100, 2))
    rl.cells.apply_chrono(chrono, max_len=100, seed=0)
    assert state_gradient_norms(chrono, x[0])[0] > 1e3 * state_gradient_norms(default, x[0])[0]


def test_rejects_a_batch_and_other_layers():
    """Are a batch of sequences and a non-recurrent layer refused with a message?"""
    layer = keras.layers.GRU(2)
    layer.build((None, 3, 1))
    with pytest.raises(ValueError, match=r"one sequence \(T, D\)"):
        state_gradient_norms(layer, np.zeros((1, 3, 1)))
    with pytest.raises(ValueError, match="expected a keras.layers.SimpleRNN, LSTM or GRU"):
        state_gradient_norms(keras.layers.Dense(2), np.zeros((3, 1)))


@pytest.mark.parametrize(
    "make, names",
    [
        (lambda: keras.layers.LSTM(4, return_sequences=True), "ifo"),
        (lambda: keras.layers.GRU(4, return_sequences=True), "zr"),
        (lambda: keras.layers.GRU(4, return_sequences=True, reset_after=False), "zr"),
    ],
)
def test_gate_activations_reproduce_the_layer_output(make, names):
    """Do the recomputed gates lead to the layer's own output, with gates in [0, 1]?"""
    keras.utils.set_random_seed(5)
    layer = make()
    x = np.random.default_rng(6).normal(size=(1, 7, 3)).astype("float32")
    layer.build((None, 7, 3))
    layer.cell.bias.assign(np.random.default_rng(7).normal(size=layer.cell.bias.shape))
    h_keras = keras.ops.convert_to_numpy(layer(x))[0]
    got = rl.dynamics.gate_activations(layer, x[0])
    assert sorted(got) == sorted([*names, "h"])
    np.testing.assert_allclose(got["h"], h_keras, atol=1e-5)
    for g in names:
        assert got[g].shape == (7, 4) and np.all((got[g] > 0) & (got[g] < 1))
    simple = keras.layers.SimpleRNN(2)
    simple.build((None, 7, 3))
    with pytest.raises(ValueError, match="no gates"):
        rl.dynamics.gate_activations(simple, x[0])
