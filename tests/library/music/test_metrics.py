"""Tests of rnnlib.music.metrics: next-step pairs and their metrics."""

import numpy as np
import pytest

from rnnlib import music
from rnnlib.music import HOLD, REST


def test_next_step_pairs_shift_by_one():
    """Are the targets the inputs one step later, with the next step's bar position?"""
    tokens = np.arange(20).reshape(5, 4)
    x, pos, y = music.next_step_pairs(tokens, np.arange(5) % 4)
    assert np.array_equal(x, tokens[:-1]) and np.array_equal(y, tokens[1:])
    assert pos.tolist() == [1, 2, 3, 0]
    xb, posb, yb = music.next_step_pairs(tokens[None], (np.arange(5) % 4)[None])
    assert xb.shape == (1, 4, 4) and posb.shape == (1, 4)


def test_metrics_of_a_known_distribution():
    """Do NLL per token and per onset, accuracy and change accuracy come out by hand?"""
    V = music.VOCAB_SIZE
    targets = np.array([[HOLD, 40], [REST, REST]])
    previous = np.array([[40, 30], [HOLD, REST]])
    probs = np.full((2, 2, V), 0.0)
    probs[..., HOLD] = 0.5
    probs[..., 40] = 0.25
    probs[..., REST] = 0.25
    m = music.next_step_metrics(probs, targets, previous)
    nll = [np.log(2), np.log(4), np.log(4), np.log(4)]
    assert m["nll_per_token"] == pytest.approx(np.mean(nll))
    assert m["nll_per_onset"] == pytest.approx(np.sum(nll) / 1)
    assert m["accuracy"] == pytest.approx(0.25) and m["changes"] == 2
    assert m["change_accuracy"] == 0.0  # 40 and REST-after-HOLD are changes; both missed
    with pytest.raises(ValueError, match="should be"):
        music.next_step_metrics(probs[:1], targets, previous)


def test_mask_drops_padding():
    """Does a mask leave the padded targets out of every metric?"""
    V = music.VOCAB_SIZE
    probs = np.full((3, V), 1.0 / V)
    m = music.next_step_metrics(
        probs, np.array([40, 0, 0]), np.array([HOLD, 0, 0]), mask=np.array([True, False, False])
    )
    assert m["tokens"] == 1 and m["nll_per_token"] == pytest.approx(np.log(V))
