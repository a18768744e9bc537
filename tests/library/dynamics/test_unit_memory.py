"""Tests of rnnlib.dynamics.unit_memory: one tanh unit's trajectory, fixed points, latch."""

import numpy as np
import pytest

import rnnlib as rl
from rnnlib.dynamics import unit_memory


def test_trajectory_equals_the_reference_rnn_with_one_unit():
    """Is the trajectory rl.cells.rnn_forward with D = H = 1, h[t-1] = h_t?"""
    x = np.random.default_rng(0).normal(size=12)
    h = unit_memory.unit_trajectory(x, 0.7, -1.3, 0.2, h0=0.4)
    ref, _ = rl.cells.rnn_forward(
        x[None, :, None], np.array([[0.4]]), np.array([[-1.3]]), np.array([[0.7]]), np.array([0.2])
    )
    np.testing.assert_allclose(h, ref[0, :, 0], rtol=1e-12)


def test_trajectory_rejects_a_batch_and_a_non_finite_weight():
    """Are a 2-D input and a NaN weight refused with messages naming them?"""
    with pytest.raises(ValueError, match=r"shape \(T,\)"):
        unit_memory.unit_trajectory(np.zeros((2, 3)), 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="w_h should be a finite number"):
        unit_memory.unit_trajectory(np.zeros(3), np.nan, 1.0, 0.0)


@pytest.mark.parametrize("w_h", [1.5, 3.0, 5.0])
def test_threshold_is_where_two_fixed_points_merge(w_h):
    """Just inside |b| < b_c there are three fixed points (two stable); just outside, one."""
    bc = unit_memory.latch_threshold(w_h)
    for sign in (1, -1):
        inside = unit_memory.fixed_points(w_h, sign * (bc - 1e-3))
        outside = unit_memory.fixed_points(w_h, sign * (bc + 1e-3))
        assert [s for _, s in inside] == [True, False, True]
        assert len(outside) == 1 and outside[0][1]


def test_no_latch_without_strong_feedback():
    """Is b_c = 0 for w_h <= 1, and is there then a single stable fixed point?"""
    for w_h in (0.0, 0.5, 1.0):
        assert unit_memory.latch_threshold(w_h) == 0.0
        assert sum(s for _, s in unit_memory.fixed_points(w_h, 0.3)) == 1


def test_the_notebook_units_are_named_by_their_regime():
    """Are notebook 02's hand-made units no memory, fading (0.8 per step) and a latch?"""
    assert unit_memory.regime(0.0, 0.0).name == "no memory"
    fading = unit_memory.regime(0.8, 0.0)
    assert fading.name == "fading memory" and fading.decay == pytest.approx(0.8)
    assert fading.half_life == pytest.approx(np.log(0.5) / np.log(0.8))
    latch = unit_memory.regime(5.0, -2.5)
    assert latch.name == "latch" and len(latch.stable) == 2 and len(latch.unstable) == 1
    assert latch.threshold == pytest.approx(3.0285, abs=1e-4)
    assert unit_memory.regime(5.0, -3.1).name == "broken latch"


def test_a_latch_keeps_a_pulse_and_a_broken_one_forgets_it():
    """After a pulse, does a latch stay up and a latch past its threshold slide back down?"""
    x = np.zeros(15)
    x[3] = 1.0
    kept = unit_memory.unit_trajectory(x, 5.0, 9.0, -2.5)
    lost = unit_memory.unit_trajectory(x, 5.0, 9.0, -3.1)
    assert kept[2] < -0.9 and kept[-1] > 0.9
    assert lost[3] > 0 and lost[-1] < -0.9
    weak = unit_memory.unit_trajectory(x, 5.0, 8.0, -2.5)  # the pulse is too weak to flip it
    assert weak[-1] < -0.9
