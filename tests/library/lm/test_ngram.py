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


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_kneser_ney_is_nltks(n):
    """Does KneserNey(uniform=False) give NLTK's KneserNeyInterpolated probabilities, to 1e-12,
    on a small character corpus (the same discount; NLTK's vocabulary adds <UNK>)?"""
    nltk_lm = pytest.importorskip("nltk.lm")
    from nltk.util import everygrams

    rng = np.random.default_rng(n)
    # a first symbol that never comes back: NLTK counts the text's first n-gram as a
    # continuation of nothing, which only contexts holding that symbol would see
    text = "S" + "".join(rng.choice(list("abcde"), size=400, p=[0.4, 0.2, 0.2, 0.1, 0.1]))
    test = "".join(rng.choice(list("abcde"), size=80))
    ref = nltk_lm.KneserNeyInterpolated(n, discount=0.7)
    ref.fit([list(everygrams(list(text), max_len=n))], vocabulary_text=list(text))
    chars = sorted(set(text))  # ids 0..5; NLTK's <UNK> is the never-seen id 6
    ids = {c: i for i, c in enumerate(chars)}
    V = len(ref.vocab)
    assert V == len(chars) + 1
    model = ngram.KneserNey(n, V, 0.7, uniform=False).fit(np.array([ids[c] for c in text]))
    got = model.log_probs(
        np.array([ids[c] for c in test[n - 1 :]]), context=np.array([ids[c] for c in test[: n - 1]])
    )
    expected = [
        np.log(ref.score(test[t], list(test[t - n + 1 : t]))) for t in range(n - 1, len(test))
    ]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_kneser_ney_with_the_uniform_floor_differs_only_a_little():
    """Is the course's default (continuation unigram floored by the uniform distribution)
    close to NLTK's variant on seen symbols, and finite where NLTK's would give 0?"""
    ids, V = _text(0)
    plain = ngram.KneserNey(3, V + 1, 0.7).fit(ids)  # symbol V never appears
    nltk_like = ngram.KneserNey(3, V + 1, 0.7, uniform=False).fit(ids)
    held = _text(1, 500)[0]
    assert abs(plain.loss(held) - nltk_like.loss(held)) < 0.05
    assert np.isfinite(plain.log_probs(np.array([V]), context=ids[:2]))
    assert nltk_like.log_probs(np.array([V]), context=ids[:2])[0] == -np.inf


def test_sequences_stream_resets_the_context():
    """Does each sequence start after n - 1 boundaries, and are only its symbols and its end
    scored?"""
    ids, scored = ngram.sequences_stream([[5, 6], [], [7]], n=3, boundary=0)
    np.testing.assert_array_equal(ids, [0, 0, 5, 6, 0, 0, 0, 0, 7, 0])
    np.testing.assert_array_equal(scored, [0, 0, 1, 1, 1, 0, 1, 0, 1, 1])
    ids1, scored1 = ngram.sequences_stream([[5, 6], [7]], n=1, boundary=0)
    np.testing.assert_array_equal(ids1, [0, 5, 6, 0, 7, 0])
    assert scored1.sum() == 5


def test_sequence_kneser_ney_scores_each_sequence_alone():
    """Is sequence_loss the mean over symbols and ends, with every sequence scored from a fresh
    context (the loss of a list is the length-weighted mean of the single losses)?"""
    rng = np.random.default_rng(0)
    seqs = [rng.integers(1, 6, size=rng.integers(2, 8)) for _ in range(300)]
    model = ngram.fit_kneser_ney_sequences(seqs[:250], seqs[250:270], n=3, V=6, boundary=0)
    assert set(model.val_losses) == {0.5, 0.6, 0.7, 0.8, 0.9}
    held = seqs[270:]
    whole = ngram.sequence_loss(model, held, 0)
    parts = [ngram.sequence_loss(model, [s], 0) for s in held]
    weights = [len(s) + 1 for s in held]
    assert whole == pytest.approx(np.average(parts, weights=weights))
