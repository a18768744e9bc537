"""Tests for notebook 03's data in rnnlib.datasets.synthetic: sunspots and the generated tasks."""

import numpy as np
import pytest

import rnnlib as rl
from rnnlib import datasets


def test_sunspots_are_the_yearly_series_1700_2008():
    """Are the 309 yearly values there, offline, with the known first and last ones?"""
    years, activity = datasets.load_sunspots()
    assert years.shape == activity.shape == (309,)
    assert years[0] == 1700 and years[-1] == 2008 and np.all(np.diff(years) == 1)
    assert activity[0] == 5.0 and activity[-1] == 2.9


def test_reverse_task_targets_are_reversed_sources_then_eos():
    """Is every target the source's real tokens reversed, then EOS, then padding?"""
    src, tgt = datasets.reverse_task(50, min_length=2, max_length=5, n_symbols=4, seed=3)
    assert src.shape == (50, 5) and tgt.shape == (50, 6)
    for s, t in zip(src, tgt, strict=True):
        real = s[s != datasets.PAD]
        L = len(real)
        assert 2 <= L <= 5 and np.all((real >= 3) & (real < 7))
        assert t[:L].tolist() == real[::-1].tolist() and t[L] == datasets.EOS
        assert np.all(t[L + 1 :] == datasets.PAD) and np.all(s[L:] == datasets.PAD)
    again, _ = datasets.reverse_task(50, min_length=2, max_length=5, n_symbols=4, seed=3)
    assert np.array_equal(src, again)
    with pytest.raises(ValueError, match="min_length"):
        datasets.reverse_task(5, min_length=4, max_length=3)


def test_repeat_tagging_tags_tokens_seen_earlier():
    """Is tag[t] 1 exactly when X[t] occurred before t in the same row?"""
    X, tags = datasets.repeat_tagging(30, length=9, vocab_size=5, seed=1)
    assert X.shape == tags.shape == (30, 9) and X.min() >= 1 and X.max() <= 4
    for x, tg in zip(X, tags, strict=True):
        assert tg.tolist() == [int(x[t] in x[:t]) for t in range(len(x))]


def test_balanced_brackets_are_balanced_and_bounded():
    """Are the strings balanced, within max_length, and seeded?"""
    words = datasets.balanced_brackets(300, max_length=10, seed=2)
    assert len(words) == 300 and all(datasets.is_balanced(w) and len(w) <= 10 for w in words)
    assert words == datasets.balanced_brackets(300, max_length=10, seed=2)
    assert (
        not datasets.is_balanced("())(")
        and not datasets.is_balanced("")
        and not datasets.is_balanced("(a)")
    )
    assert len({len(w) for w in words}) > 2  # several lengths, not only "()"
    assert rl.datasets.is_balanced("(()())")
