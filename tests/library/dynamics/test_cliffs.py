"""Tests of rnnlib.dynamics.cliffs: the loss cliff of Pascanu et al. 2013 (its BPTT derivative
against finite differences, and the cliff itself)."""

import numpy as np

from rnnlib.dynamics import cliffs


def test_cliff_gradient_matches_finite_differences():
    """Is cliff_loss's BPTT derivative in w the centred difference of its loss?"""
    w = np.array([3.0, 4.5, 4.81, 5.5])
    loss, grad = cliffs.cliff_loss(w)
    eps = 1e-6
    numeric = (cliffs.cliff_loss(w + eps)[0] - cliffs.cliff_loss(w - eps)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5)
    assert loss.shape == (4,)


def test_cliff_has_a_cliff():
    """Does the loss drop by more than 5 within 0.01 of w, where the gradient is > 1000x
    larger than on the plateau?"""
    w = np.linspace(4.0, 6.0, 2001)
    loss, grad = cliffs.cliff_loss(w)
    i = int(np.argmax(np.abs(grad)))
    assert loss[max(i - 10, 0)] - loss[min(i + 10, 2000)] > 5
    assert np.abs(grad[i]) > 1000 * np.median(np.abs(grad))
