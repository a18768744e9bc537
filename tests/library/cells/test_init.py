"""Tests of rnnlib.cells.init: chrono initialisation of an LSTM's gate biases (notebook 06)."""

import numpy as np
import pytest

from rnnlib.cells import init
from rnnlib.cells.gates import LSTM_GATES, gate_dict


def test_chrono_bias_has_keras_layout_and_the_papers_ranges():
    """Is b (4H,) with b_f = log U(1, T-1), b_i = -b_f and zero c and o blocks?"""
    H, T = 64, 200
    b = init.chrono_bias(H, T, seed=3)
    assert b.shape == (4 * H,) and b.dtype == np.float32
    g = gate_dict(b, LSTM_GATES)
    assert np.all(g["f"] >= 0) and np.all(g["f"] < np.log(T - 1))
    np.testing.assert_array_equal(g["i"], -g["f"])
    assert not g["c"].any() and not g["o"].any()
    # exp(b_f) is uniform on [1, T-1]: its mean is about T/2
    assert (
        abs(np.exp(init.chrono_bias(4000, T, seed=0, dtype="float64")[4000:8000]).mean() - T / 2)
        < 5
    )


def test_chrono_bias_is_seeded():
    """Does the same seed give the same bias, and another seed another one?"""
    np.testing.assert_array_equal(init.chrono_bias(8, 50, seed=1), init.chrono_bias(8, 50, seed=1))
    assert not np.array_equal(init.chrono_bias(8, 50, seed=1), init.chrono_bias(8, 50, seed=2))
    rng = np.random.default_rng(0)
    assert init.chrono_bias(8, 50, seed=rng).shape == (32,)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"units": 0, "max_len": 10}, "units should be an integer >= 1"),
        ({"units": 4, "max_len": 2}, "max_len should be an integer >= 3"),
        ({"units": 4.0, "max_len": 10}, "units should be an integer"),
    ],
)
def test_chrono_bias_rejects_bad_sizes(kwargs, match):
    """Are a zero width, a too-short T_max and a float width refused with a message?"""
    with pytest.raises(ValueError, match=match):
        init.chrono_bias(**kwargs)


def test_forget_time_scale_is_one_plus_u():
    """Is the memory of a forget gate at sigmoid(log u) equal to 1 + u steps?"""
    np.testing.assert_allclose(init.forget_time_scale(np.log([1.0, 9.0, 99.0])), [2, 10, 100])


def test_apply_chrono_sets_a_keras_lstm_bias_and_keeps_its_config():
    """Does apply_chrono write chrono_bias into a built LSTM, leaving its config loadable?"""
    keras = pytest.importorskip("keras")
    layer = keras.layers.LSTM(5)
    config = layer.get_config()
    layer.build((None, 7, 2))
    assert init.apply_chrono(layer, max_len=30, seed=4) is layer
    np.testing.assert_allclose(layer.cell.bias.numpy(), init.chrono_bias(5, 30, seed=4))
    assert layer.get_config() == config
    with pytest.raises(ValueError, match="no weights yet"):
        init.apply_chrono(keras.layers.LSTM(3), max_len=10)
    gru = keras.layers.GRU(3)
    gru.build((None, 4, 2))
    with pytest.raises(ValueError, match="expected a keras.layers.LSTM"):
        init.apply_chrono(gru, max_len=10)
    nob = keras.layers.LSTM(3, use_bias=False)
    nob.build((None, 4, 2))
    with pytest.raises(ValueError, match="use_bias=False"):
        init.apply_chrono(nob, max_len=10)
