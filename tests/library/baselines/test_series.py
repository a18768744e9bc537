"""Tests for rnnlib.baselines.series: persistence, AR(p) with statsmodels, MAE."""

import numpy as np
import pytest

from rnnlib import baselines


def test_persistence_predicts_the_previous_value():
    """Is the persistence forecast of x[t] the value x[t - 1]?"""
    x = np.array([1.0, 4.0, 9.0, 16.0])
    assert baselines.persistence(x, np.array([1, 3])).tolist() == [1.0, 9.0]
    with pytest.raises(ValueError, match="target indices"):
        baselines.persistence(x, np.array([0]))


def test_ar_recovers_the_coefficients_of_a_simulated_ar2_process():
    """Does fit_ar find c, a1, a2 of a long simulated AR(2) series?"""
    rng = np.random.default_rng(0)
    x = np.zeros(5000)
    for t in range(2, len(x)):
        x[t] = 1.0 + 0.6 * x[t - 1] - 0.3 * x[t - 2] + rng.normal()
    coef = baselines.fit_ar(x, 2, 4000)
    assert np.allclose(coef, [1.0, 0.6, -0.3], atol=0.05)
    idx = np.arange(4000, 5000)
    pred = baselines.ar_forecast(x, 2, 4000, idx)
    manual = coef[0] + coef[1] * x[idx - 1] + coef[2] * x[idx - 2]
    assert np.allclose(pred, manual)
    assert baselines.mae(pred, x[idx]) < baselines.mae(baselines.persistence(x, idx), x[idx])


def test_mae_rejects_different_shapes():
    """Is a shape mismatch refused instead of broadcast?"""
    assert baselines.mae([1.0, 3.0], [2.0, 1.0]) == 1.5
    with pytest.raises(ValueError, match="shapes"):
        baselines.mae(np.zeros(3), np.zeros((3, 1)))
