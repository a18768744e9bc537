"""Tests of rnnlib.music.sampling: one token per voice with a temperature."""

import numpy as np
import pytest

from rnnlib import music


def test_samples_follow_softmax_of_logits_over_temperature():
    """Are the frequencies of 6,000 draws softmax(logits / T) for each voice?"""
    rng = np.random.default_rng(0)
    logits = np.array([[0.0, 1.0, 2.0], [2.0, 0.0, -np.inf]])
    for T in (0.5, 2.0):
        draws = np.array([music.sample_voices(logits, T, rng) for _ in range(6000)])
        for v in range(2):
            z = np.exp(logits[v] / T - (logits[v] / T).max())
            freq = np.bincount(draws[:, v], minlength=3) / len(draws)
            assert np.allclose(freq, z / z.sum(), atol=0.025)
    assert (draws[:, 1] != 2).all()  # a -inf logit is never drawn


def test_sample_voices_refuses_bad_input():
    """Are a zero temperature and 1-D logits errors?"""
    with pytest.raises(ValueError, match="temperature"):
        music.sample_voices(np.zeros((4, 5)), 0.0)
    with pytest.raises(ValueError, match="voices"):
        music.sample_voices(np.zeros(5), 1.0)
