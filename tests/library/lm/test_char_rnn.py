"""Tests of rnnlib.lm.char_rnn: the character model's gradients, truncated BPTT, training,
held-out scoring and sampling."""

import numpy as np
import pytest

from rnnlib.cells import rnn
from rnnlib.lm import char_rnn
from rnnlib.testing import gradcheck


def _setup(seed=0, N=3, T=7, V=5, D=4, H=6):
    rng = np.random.default_rng(seed)
    params = char_rnn.init_char_rnn(V, D, H, seed=seed, dtype=np.float64)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}
    x = rng.integers(0, V, size=(N, T))
    y = rng.integers(0, V, size=(N, T))
    h0 = rng.uniform(-0.5, 0.5, size=(N, H))
    return params, x, y, h0


def test_window_gradients_pass_a_gradient_check():
    """Does every gradient of window_loss_and_grads agree with centred differences?"""
    params, x, y, h0 = _setup()
    loss, grads, _ = char_rnn.window_loss_and_grads(params, x, y, h0)

    def f(_):
        return np.array(char_rnn.window_loss_and_grads(params, x, y, h0)[0])

    for name in char_rnn.CHAR_RNN_PARAMS:
        num = gradcheck.numerical_gradient(f, params[name], np.array(1.0))
        assert gradcheck.rel_error(grads[name], num) < 1e-7, name
    logits, _ = char_rnn.char_rnn_forward(params, x, h0)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    assert loss == pytest.approx(-np.take_along_axis(logp, y[..., None], 2).mean())


def test_one_window_is_full_bptt():
    """With a window at least T long, is truncated_bptt the full BPTT of the window?"""
    params, x, y, h0 = _setup(1)
    full = char_rnn.window_loss_and_grads(params, x, y, h0)
    for window in (7, 50):
        loss, grads, h = char_rnn.truncated_bptt(params, x, y, h0, window)
        assert loss == pytest.approx(full[0])
        assert all(np.allclose(grads[k], full[1][k]) for k in grads)
        assert np.allclose(h, full[2])


def test_windows_carry_the_state_and_weigh_by_length():
    """Do windows carry the state (same final state and loss as one pass), weigh their
    gradients by length, and drop the gradient across window boundaries?"""
    params, x, y, h0 = _setup(2, T=7)
    full_loss, full_grads, full_h = char_rnn.window_loss_and_grads(params, x, y, h0)
    loss, grads, h = char_rnn.truncated_bptt(params, x, y, h0, 3)  # windows 3, 3, 1
    assert np.allclose(h, full_h) and loss == pytest.approx(full_loss)
    assert not np.allclose(grads["Wh"], full_grads["Wh"])  # the truncation shows in Wh
    expected = {k: np.zeros_like(v) for k, v in params.items()}
    state = h0
    for s, e in ((0, 3), (3, 6), (6, 7)):
        _, g, state = char_rnn.window_loss_and_grads(params, x[:, s:e], y[:, s:e], state)
        for k in expected:
            expected[k] += (e - s) / 7 * g[k]
    assert all(np.allclose(grads[k], expected[k]) for k in grads)
    with pytest.raises(ValueError, match="window"):
        char_rnn.truncated_bptt(params, x, y, h0, 0)


def test_backward_is_a_parameter():
    """Is the RNN backward pass the one given as backward=?"""
    params, x, y, h0 = _setup(3)
    calls = []

    def spy(dh, cache):
        calls.append(dh.shape)
        return rnn.rnn_backward(dh, cache)

    char_rnn.truncated_bptt(params, x, y, h0, 4, backward=spy)
    assert calls == [(3, 4, 6), (3, 3, 6)]


def test_training_lowers_the_loss_and_scores_a_stream():
    """Does a short training run lower the held-out loss below the uniform log V, and are
    stream_loss and sample consistent with the model?"""
    rng = np.random.default_rng(0)
    pattern = np.array([0, 1, 2, 3, 1, 2])
    ids = np.tile(pattern, 400)
    ids[rng.random(ids.size) < 0.05] = 4
    params = char_rnn.init_char_rnn(5, 4, 16, seed=0)
    before = char_rnn.stream_loss(params, ids[-300:])
    hist = char_rnn.train_char_rnn(
        params,
        ids[:-300],
        steps=150,
        batch_size=8,
        window=12,
        lr=1e-2,
        held_out=ids[-300:],
        eval_every=50,
    )
    assert hist["step"] == [50, 100, 150] and len(hist["held_out"]) == 3
    assert hist["held_out"][-1] < min(before, np.log(5)) - 0.5
    assert hist["held_out"][-1] == pytest.approx(char_rnn.stream_loss(params, ids[-300:]))
    out = char_rnn.sample_chars(params, pattern, 30, temperature=0.5, seed=1)
    assert out.shape == (30,) and out.min() >= 0 and out.max() < 5
    assert np.array_equal(out, char_rnn.sample_chars(params, pattern, 30, temperature=0.5, seed=1))


def test_missing_parameters_are_named():
    """Does a params dict without Wh give an error naming it?"""
    params, x, y, h0 = _setup()
    del params["Wh"]
    with pytest.raises(ValueError, match="Wh"):
        char_rnn.window_loss_and_grads(params, x, y, h0)
