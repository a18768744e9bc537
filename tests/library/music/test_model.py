"""Tests of rnnlib.music.model: next-step batches, the Keras chorale LSTM and NumPy generation."""

import numpy as np
import pytest

from rnnlib import music
from rnnlib.datasets import Chorale


def _chorale(T=10, seed=0):
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, music.VOCAB_SIZE, size=(T, 4))
    return Chorale("x", tokens, np.arange(T) % 8, 8, "c major", 0)


def test_batches_are_shifted_padded_and_weighted():
    """Are the batches next-step pairs, padded with PAD, weight 1 exactly at real targets?"""
    a, b = _chorale(10), _chorale(6, 1)
    X, P, Y, W = music.chorale_batches([a, b])
    assert X.shape == (2, 9, 4) and W.sum() == 9 + 5
    assert np.array_equal(X[0], a.tokens[:-1]) and np.array_equal(Y[0], a.tokens[1:])
    assert np.array_equal(P[0], a.positions[1:]) and (Y[1, 5:] == music.PAD).all()
    X, P, Y, W = music.chorale_batches([a], length=4, stride=2)
    assert X.shape == (4, 4, 4) and np.array_equal(X[1], a.tokens[2:6])
    assert W[-1].tolist() == [1, 1, 1, 0]


def test_numpy_step_equals_the_keras_model():
    """Do the NumPy steps of generation give the Keras model's probabilities, step by step?"""
    pytest.importorskip("keras")
    model = music.build_chorale_lstm(units=8, embed=3)
    X, P, _, _ = music.chorale_batches([_chorale(7)])
    probs = model.predict([X, P], verbose=0)[0]  # (6, 4, V)
    params = music.chorale_params(model)
    h = c = np.zeros((1, 8))
    for t in range(6):
        logits, h, c = music.chorale_step(params, X[:, t], P[:, t], h, c)
        z = np.exp(logits[0] - logits[0].max(-1, keepdims=True))
        assert np.allclose(z / z.sum(-1, keepdims=True), probs[t], atol=1e-5)


def test_the_model_saves_and_loads(tmp_path):
    """Does a saved model load back (no Lambda layer) and predict the same?"""
    keras = pytest.importorskip("keras")
    model = music.build_chorale_lstm(units=4, embed=2)
    X, P, _, _ = music.chorale_batches([_chorale(5)])
    model.save(tmp_path / "m.keras")
    again = keras.models.load_model(tmp_path / "m.keras")
    assert np.allclose(again.predict([X, P], verbose=0), model.predict([X, P], verbose=0))


def test_generate_keeps_the_seed_and_never_pads():
    """Does generation keep the seed, fill every later step with real tokens, and depend on
    the generator only through sampling?"""
    rng = np.random.default_rng(0)
    H, V, De = 5, music.VOCAB_SIZE, 2
    params = music.ChoraleParams(
        rng.normal(size=(V, De)),
        rng.normal(size=(4 * De + 16, 4 * H)),
        rng.normal(size=(H, 4 * H)),
        np.zeros(4 * H),
        rng.normal(size=(H, 4 * V)),
        np.zeros(4 * V),
    )
    seed = _chorale(4).tokens
    out = music.generate_chorale(params, seed, np.arange(12) % 8, 1.0, np.random.default_rng(1))
    assert out.shape == (12, 4) and np.array_equal(out[:4], seed)
    assert (out[4:] != music.PAD).all()
    again = music.generate_chorale(params, seed, np.arange(12) % 8, 1.0, np.random.default_rng(1))
    assert np.array_equal(out, again)
    with pytest.raises(ValueError, match="seed"):
        music.generate_chorale(params, seed, np.arange(3), 1.0)
