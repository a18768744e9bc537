"""Tests of rnnlib.cells._time_loop: Keras's mask rule, written once for every cell.

The cells' own tests (test_rnn, test_lstm, test_gru) check it through gradient checks,
golden files and Keras; here a running-sum cell shows the rule itself.
"""

import numpy as np
import pytest

from rnnlib.cells._time_loop import scan, scan_backward

MASK = np.array(
    [
        [0, 1, 0, 1, 1, 0],  # leading, middle and trailing masked steps
        [0, 0, 0, 0, 0, 0],  # fully masked row
        [1, 1, 1, 1, 1, 1],
    ],
    bool,
)


def running_sum(x, s0, mask):
    """A cell whose state adds up its inputs: s_t = s_{t-1} + x_t, output s_t."""
    out = np.empty(x.shape)

    def step(t, states):
        (s,) = states
        return s + x[:, t], (s + x[:, t],)

    (s_last,) = scan(step, (s0,), out, mask)
    return out, s_last


def test_scan_carries_the_state_and_repeats_the_output():
    """Are outputs zeros before the first real step, repeated at masked steps, and is the
    final state the state after the last real step (s0 for a fully masked row)?"""
    x, s0 = np.arange(18.0).reshape(3, 6, 1), np.full((3, 1), 100.0)
    out, s_last = running_sum(x, s0, MASK)
    np.testing.assert_array_equal(out[0, :, 0], [0, 101, 101, 104, 108, 108])
    np.testing.assert_array_equal(out[1], 0)
    np.testing.assert_array_equal(out[2, :, 0], 100 + np.cumsum(x[2, :, 0]))
    np.testing.assert_array_equal(s_last[:, 0], [108, 100, 100 + x[2].sum()])
    out_none, _ = running_sum(x, s0, None)
    np.testing.assert_array_equal(out_none, running_sum(x, s0, np.ones((3, 6), bool))[0])


@pytest.mark.parametrize("mask", [None, MASK], ids=["unmasked", "masked"])
def test_scan_backward_is_the_exact_gradient(mask):
    """For the running sum (linear, so differences are exact), does scan_backward give the
    gradient of sum(out * dout) + sum(s_last * ds_last) with respect to s0?"""
    rng = np.random.default_rng(0)
    x, s0 = rng.standard_normal((3, 6, 2)), rng.standard_normal((3, 2))
    dout, ds_last = rng.standard_normal((3, 6, 2)), rng.standard_normal((3, 2))

    def loss(s0):
        out, s_last = running_sum(x, s0, mask)
        return np.sum(out * dout) + np.sum(s_last * ds_last)

    expected = np.zeros_like(s0)
    for index in np.ndindex(s0.shape):
        bumped = s0.copy()
        bumped[index] += 1.0
        expected[index] = loss(bumped) - loss(s0)

    calls = []

    def step_backward(t, doutput, dstates):
        calls.append(t)
        (ds,) = dstates
        return (doutput + ds,)  # s_t = s_{t-1} + x_t: the identity Jacobian

    (ds0,) = scan_backward(step_backward, dout, (ds_last,), mask)
    np.testing.assert_allclose(ds0, expected, atol=1e-12)
    assert calls == list(range(5, -1, -1))


def test_empty_time_axis():
    """With T=0, are the initial states the final ones, and their gradients passed through?"""
    s0 = np.ones((2, 3))
    (s_last,) = scan(lambda t, states: None, (s0,), np.empty((2, 0, 3)), None)
    assert s_last is s0
    (ds0,) = scan_backward(lambda t, d, ds: None, np.empty((2, 0, 3)), (s0,), None)
    assert ds0 is s0
