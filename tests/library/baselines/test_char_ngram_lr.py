"""Tests of rnnlib.baselines.char_ngram_lr: bags of character n-grams, a softmax classifier."""

import numpy as np
import pytest

from rnnlib import baselines
from rnnlib.baselines import char_ngram_lr as lr


def test_char_ngrams_mark_the_boundaries():
    """Are the n-grams of ^name$ listed once each, n = 1..n_max, with ^ and $ marks?"""
    grams = lr.char_ngrams("ana", 2)
    assert grams == ["^", "a", "n", "$", "^a", "an", "na", "a$"]
    assert "^an" in lr.char_ngrams("ana", 3) and len(lr.char_ngrams("", 3)) == 3


def _toy(seed=0, n=300):
    """Two 'languages': names ending in -ski and names ending in -son, with random stems."""
    rng = np.random.default_rng(seed)
    stems = ["".join(rng.choice(list("abdeklmnort"), size=rng.integers(3, 7))) for _ in range(n)]
    y = rng.integers(2, size=n)
    return [s.capitalize() + ("ski" if k else "son") for s, k in zip(stems, y, strict=True)], y


def test_learns_a_suffix_rule():
    """Does the classifier separate -ski from -son names it has never seen?"""
    X, y = _toy(0)
    Xt, yt = _toy(1, 100)
    model = lr.CharNgramLR(steps=60).fit(X, y)
    assert (model.predict(Xt) == yt).mean() == 1.0
    p = model.predict_proba(Xt)
    assert p.shape == (100, 2) and np.allclose(p.sum(axis=1), 1)


def test_gradient_is_the_dense_gradient():
    """Does one Adam step equal the step computed from the dense feature matrix?"""
    X, y = _toy(2, 40)
    model = lr.CharNgramLR(steps=1, lr=0.1, l2=0.0).fit(X, y)
    F = len(model.features)
    dense = np.zeros((len(X), F))
    for i, name in enumerate(X):
        for g in lr.char_ngrams(name):
            dense[i, model.features[g]] = 1
    dense /= np.sqrt(dense.sum(axis=1, keepdims=True))
    dz = (np.full((len(X), 2), 0.5) - np.eye(2)[y]) / len(X)
    g = dense.T @ dz
    # the first Adam step is lr * sign(g) wherever g is not 0
    expected = -0.1 * g / (np.abs(g) + 1e-8)
    np.testing.assert_allclose(model.W, expected, atol=1e-6)


def test_unseen_ngrams_are_ignored_and_fit_first():
    """Does a name of unseen letters get the bias only, and predict before fit say so?"""
    X, y = _toy(0, 50)
    model = lr.CharNgramLR(steps=5).fit(X, y)
    p = model.predict_proba(["Ýýý"])  # only ^ and $ are known
    assert p.shape == (1, 2)
    with pytest.raises(RuntimeError, match="fit"):
        lr.CharNgramLR().predict(["x"])


def test_fit_char_ngram_lr_chooses_on_validation():
    """Does fit_char_ngram_lr keep the L2 weight of the best validation accuracy?"""
    X, y = _toy(0)
    Xv, yv = _toy(3, 80)
    model = baselines.fit_char_ngram_lr(X, y, Xv, yv, l2s=(1e-4, 10.0), steps=40)
    assert set(model.val_accuracy) == {1e-4, 10.0}
    assert model.l2 == max(model.val_accuracy, key=model.val_accuracy.get)
