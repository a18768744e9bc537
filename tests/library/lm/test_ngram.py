"""Tests of rnnlib.lm.ngram: add-k and Kneser-Ney character models."""

import numpy as np
import pytest

from rnnlib.lm import ngram


def _text(seed=0, n=3000, V=5):
    rng = np.random.default_rng(seed)
    # a Markov chain with structure, so that longer contexts help
    P = rng.dirichlet(np.full(V, 0.3), size=V)
    ids = [0]
    for _ in range(n - 1):
        ids.append(rng.choice(V, p=P[ids[-1]]))
    return np.array(ids), V


@pytest.mark.parametrize("cls", [ngram.AddK, ngram.KneserNey])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_probabilities_sum_to_one(cls, n):
    """Does p(. | context) sum to 1 for seen, unseen and too-short contexts?"""
    ids, V = _text()
    model = cls(n, V).fit(ids)
    for ctx in (ids[100 : 100 + n - 1], np.full(n - 1, 4), ids[:0]):
        total = sum(np.exp(model.log_probs(np.array([x]), context=ctx))[0] for x in range(V))
        assert total == pytest.approx(1.0, abs=1e-9)


def test_add_k_matches_the_formula():
    """Is AddK's bigram probability (count(c x) + k) / (count(c) + k V)?"""
    ids = np.array([0, 1, 0, 1, 0, 2, 0, 1])
    model = ngram.AddK(2, 3, k=0.5).fit(ids)
    # count(0 1) = 3, count(0 .) = 4 (the final 1 has no follower but 0 is a context 4 times)
    expected = (3 + 0.5) / (4 + 0.5 * 3)
    got = np.exp(model.log_probs(np.array([1]), context=np.array([0])))[0]
    assert got == pytest.approx(expected)


def test_unigram_add_k_is_smoothed_frequency():
    """Is the add-k unigram (count(x) + k) / (len + k V)?"""
    ids = np.array([0, 0, 0, 1])
    model = ngram.AddK(1, 3, k=1.0).fit(ids)
    assert np.exp(model.log_probs(np.array([0, 2]))) == pytest.approx([4 / 7, 1 / 7])


def test_longer_contexts_help_on_structured_text():
    """Does a bigram beat a unigram on held-out text of a Markov chain, and is the loss
    the mean of -log p?"""
    ids, V = _text(n=6000)
    train, held = ids[:5000], ids[5000:]
    uni = ngram.AddK(1, V, 1.0).fit(train)
    bi = ngram.AddK(2, V, 0.1).fit(train)
    assert bi.loss(held, context=train) < uni.loss(held, context=train) - 0.1
    assert uni.loss(held) == pytest.approx(-uni.log_probs(held).mean())


def test_fit_add_k_picks_the_best_validation_k():
    """Does fit_add_k keep the k with the lowest validation loss?"""
    ids, V = _text(n=4000)
    model = ngram.fit_add_k(ids[:3000], ids[3000:], 3, V, ks=(0.01, 0.1, 1.0))
    assert model.k == min(model.val_losses, key=model.val_losses.get)
    kn = ngram.fit_kneser_ney(ids[:3000], ids[3000:], 3, V, ds=(0.5, 0.9))
    assert kn.d == min(kn.val_losses, key=kn.val_losses.get)


def test_kneser_ney_beats_add_k_on_sparse_counts():
    """Does Kneser-Ney give a lower held-out loss than add-k at order 4 on a small text?"""
    ids, V = _text(n=3000, V=8)
    train, held = ids[:2500], ids[2500:]
    kn = ngram.fit_kneser_ney(train[:2000], train[2000:], 4, V)
    ak = ngram.fit_add_k(train[:2000], train[2000:], 4, V)
    kn_loss = ngram.KneserNey(4, V, kn.d).fit(train).loss(held, context=train)
    ak_loss = ngram.AddK(4, V, ak.k).fit(train).loss(held, context=train)
    assert kn_loss < ak_loss


def test_bad_arguments_are_named():
    """Are bad ids, orders and smoothing constants rejected with their names?"""
    with pytest.raises(ValueError, match="ids"):
        ngram.AddK(2, 3).fit(np.array([0, 3]))
    with pytest.raises(ValueError, match="k > 0"):
        ngram.AddK(2, 3, k=0).fit(np.array([0, 1]))
    with pytest.raises(ValueError, match="0 < d < 1"):
        ngram.KneserNey(2, 3, d=1.5).fit(np.array([0, 1]))
    with pytest.raises(RuntimeError, match="fit"):
        ngram.AddK(2, 3).log_probs(np.array([0]))
