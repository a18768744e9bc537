"""Tests of rnnlib.cells.gates: gate names, gate blocks and the gates' sigmoid."""

import warnings

import numpy as np
import pytest

from rnnlib.cells import gates
from rnnlib.cells.gates import LSTM_GATES, split_gates

# ----------------------------------------------------------------------------- sigmoid


def test_sigmoid_matches_the_formula():
    """Is sigmoid(x) = 1 / (1 + exp(-x)) where that formula is safe?"""
    x = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(gates.sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-14)


def test_sigmoid_is_stable_for_large_inputs():
    """Are huge |x| handled without warnings, with exact limits and tiny tails kept?"""
    x = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = gates.sigmoid(x)
            s32 = gates.sigmoid(x.astype(np.float32))
    assert s[0] == 0 and s[-1] == 1 and s[3] == 0.5
    np.testing.assert_allclose(s[2], np.exp(-40.0) / (1 + np.exp(-40.0)), rtol=1e-14)
    assert s32.dtype == np.float32 and np.isfinite(s32).all()


def test_sigmoid_dtypes_and_scalars():
    """Does sigmoid keep float dtypes, turn ints into float64, and return a scalar for one?"""
    assert gates.sigmoid(np.zeros(3, np.float32)).dtype == np.float32
    assert gates.sigmoid(np.arange(3)).dtype == np.float64
    assert np.ndim(gates.sigmoid(2.0)) == 0 and gates.sigmoid(0) == 0.5
    np.testing.assert_allclose(gates.sigmoid(-2.0) + gates.sigmoid(2.0), 1.0)


# ----------------------------------------------------------------------------- gate blocks


def test_split_gates_names_blocks_in_keras_order():
    """Does split_gates cut the last axis into equal views in gate order, refusing a bad width?"""
    from rnnlib.cells.gates import gate_dict

    W = np.arange(2 * 8).reshape(2, 8)
    i, f, c, o = split_gates(W, len(LSTM_GATES))
    np.testing.assert_array_equal(f, W[:, 2:4])
    assert np.shares_memory(o, W)
    np.testing.assert_array_equal(gate_dict(W, LSTM_GATES)["c"], W[:, 4:6])
    with pytest.raises(ValueError, match="10 cannot be split into 4"):
        split_gates(np.zeros((3, 10)), 4)
