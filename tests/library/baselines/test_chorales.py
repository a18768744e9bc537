"""Tests of rnnlib.baselines.chorales: the count-based next-step models of notebook 09."""

import numpy as np
import pytest

from rnnlib import baselines, datasets, music
from rnnlib.music import HOLD, REST


@pytest.fixture(scope="module")
def splits():
    return datasets.load_chorales()


def _nll(model, chorales):
    probs = np.concatenate([model.predict(c.tokens, c.positions) for c in chorales])
    targets = np.concatenate([c.tokens[1:] for c in chorales])
    previous = np.concatenate([c.tokens[:-1] for c in chorales])
    return music.next_step_metrics(probs, targets, previous)


@pytest.mark.parametrize(
    "make",
    [baselines.RepeatBaseline, lambda: baselines.VoiceNgram(3), baselines.BarBigram],
    ids=["repeat", "ngram", "bar_bigram"],
)
def test_predictions_are_distributions_without_pad(splits, make):
    """Does every baseline give (T - 1, 4, V) distributions that sum to 1 and never PAD?"""
    model = make().fit(splits["train"][:30])
    c = splits["test"][0]
    p = model.predict(c.tokens, c.positions)
    assert p.shape == (len(c.tokens) - 1, 4, music.VOCAB_SIZE)
    assert np.allclose(p.sum(-1), 1) and (p[..., music.PAD] == 0).all() and (p > 0).any()


def test_repeat_baseline_continues_with_the_fitted_probability(splits):
    """Does the repeat baseline give HOLD after a note and REST after a rest the share of
    such steps in training?"""
    model = baselines.RepeatBaseline().fit(splits["train"])
    tokens = np.array([[40, REST, 40, 40], [HOLD, REST, HOLD, HOLD]])
    p = model.predict(tokens)
    assert p[0, 0, HOLD] == pytest.approx(model.q[0]) and p[0, 1, REST] == pytest.approx(model.q[1])
    assert 0.3 < model.q.min() and model.q.max() < 0.8


def test_richer_baselines_do_better_on_held_out_chorales(splits):
    """Do the 3-gram and the bar-position bigram beat the repeat baseline on the test split,
    and does fit_baseline_alpha keep the best validation alpha?"""
    repeat = _nll(baselines.RepeatBaseline().fit(splits["train"]), splits["test"])
    ngram = baselines.fit_baseline_alpha(baselines.VoiceNgram(3), splits["train"], splits["val"])
    bar = baselines.fit_baseline_alpha(baselines.BarBigram(), splits["train"], splits["val"])
    assert ngram.alpha == min(ngram.val_nll, key=ngram.val_nll.get)
    n3, b2 = _nll(ngram, splits["test"]), _nll(bar, splits["test"])
    assert b2["nll_per_token"] < n3["nll_per_token"] < repeat["nll_per_token"]
    assert repeat["change_accuracy"] == 0.0 < n3["change_accuracy"]


def test_ngram_order_is_checked():
    """Is an n-gram of order 0 refused?"""
    with pytest.raises(ValueError, match="n should be"):
        baselines.VoiceNgram(0)
