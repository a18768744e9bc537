"""Tests for rnnlib.lm.sampling: temperature softmax, sampling, greedy decoding, n-gram sampler."""

import numpy as np
import pytest

from rnnlib.lm import sampling


def test_softmax_matches_the_definition_and_never_overflows():
    """Is softmax(logits / T) right, and finite for logits of 1e4?"""
    logits = np.array([[1.0, 2.0, 3.0], [1e4, 0.0, -1e4]])
    p = sampling.softmax(logits, temperature=2.0)
    e = np.exp(logits[0] / 2.0)
    assert np.allclose(p[0], e / e.sum())
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="temperature"):
        sampling.softmax(logits, 0.0)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sample_frequencies_follow_the_tempered_distribution(temperature):
    """Do 200,000 draws land on each id with the frequency softmax(logits / T) gives?"""
    logits = np.log([0.1, 0.2, 0.3, 0.4])
    rng = np.random.default_rng(0)
    ids = sampling.sample(np.tile(logits, (200_000, 1)), temperature, rng)
    freq = np.bincount(ids, minlength=4) / len(ids)
    assert np.abs(freq - sampling.softmax(logits, temperature)).max() < 0.005


def test_sample_is_greedy_at_zero_and_reproducible_with_a_seed():
    """Is T = 0 the argmax, and do equal generators give equal draws?"""
    logits = np.random.default_rng(1).normal(size=(50, 7))
    assert np.array_equal(sampling.sample(logits, 0.0), logits.argmax(axis=1))
    a = sampling.sample(logits, 1.0, np.random.default_rng(3))
    b = sampling.sample(logits, 1.0, np.random.default_rng(3))
    assert np.array_equal(a, b) and a.shape == (50,) and a.dtype == np.int64
    one = sampling.sample(logits[0], 1.0, np.random.default_rng(3))
    assert np.ndim(one) == 0 and 0 <= int(one) < 7


def test_sample_rejects_bad_arguments():
    """Are a negative temperature and 3-D logits refused with a clear message?"""
    with pytest.raises(ValueError, match="temperature"):
        sampling.sample(np.zeros(3), -1.0)
    with pytest.raises(ValueError, match=r"\(N, V\)"):
        sampling.sample(np.zeros((2, 2, 2)))


class _ReverseModel:
    """A fake encoder-decoder that emits the source reversed, then EOS (2)."""

    def __init__(self, V=12):
        self.V = V
        self.calls = 0

    def __call__(self, inputs):
        source, dec = inputs
        self.calls += 1
        N, t = dec.shape
        scores = np.zeros((N, t, self.V))
        for n in range(N):
            seq = [s for s in source[n] if s != 0][::-1] + [2]
            scores[n, -1, seq[min(t - 1, len(seq) - 1)]] = 1.0
        return scores


def test_greedy_decode_reverses_with_a_perfect_model_and_stops_at_eos():
    """Does greedy decoding give each row's output, EOS, then padding, and stop early?"""
    source = np.array([[3, 4, 5, 0], [6, 7, 0, 0]])
    model = _ReverseModel()
    out = sampling.greedy_decode(model, source, max_length=10)
    assert out.tolist() == [[5, 4, 3, 2], [7, 6, 2, 0]]
    assert model.calls == 4


def test_greedy_decode_feeds_back_its_own_predictions():
    """Does each step see the previous predictions (a model that counts up from BOS)?"""

    def count_up(inputs):
        _, dec = inputs
        scores = np.zeros(dec.shape + (20,))
        scores[:, -1, (dec[:, -1] + 3) % 20] = 1.0  # next = previous + 3
        return scores

    out = sampling.greedy_decode(count_up, np.zeros((2, 3), int), max_length=4, eos=19)
    assert out.tolist() == [[4, 7, 10, 13]] * 2
