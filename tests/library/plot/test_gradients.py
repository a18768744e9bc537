"""Tests of rnnlib.plot.gradients, notebook 05's figures (headless: tests/conftest.py
selects the Agg backend and closes the figures)."""

import matplotlib
import numpy as np
import pytest

from rnnlib.plot import gradients as plots


def test_lag_norms_draws_each_profile_and_its_bound_on_a_log_scale():
    """Is each profile drawn against the lag on a log y-axis, with its bound (gamma sigma)^k?"""
    prof = 0.8 ** np.arange(11.0)
    ax = plots.lag_norms({"a": prof, "b": prof / 2}, bounds={"a": 0.9})
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert len(lines) == 3
    np.testing.assert_allclose(lines[0].get_ydata(), prof)
    np.testing.assert_allclose(lines[1].get_ydata(), 0.9 ** np.arange(11.0))
    assert lines[1].get_linestyle() == "--"


def test_lag_norms_hides_underflow_and_rejects_a_batch():
    """Are zero norms left out (NaN, not log(0)), and a 2-D array refused?"""
    ax = plots.lag_norms({"a": np.array([1.0, 0.1, 0.0])})
    assert np.isnan(ax.get_lines()[0].get_ydata()[2])
    with pytest.raises(ValueError, match="1-D"):
        plots.lag_norms({"a": np.ones((2, 3))})


def test_cliff_puts_the_gradient_on_a_log_twin_axis():
    """Does the cliff figure show the loss and |gradient| (log scale, twin axis)?"""
    w = np.linspace(4, 6, 50)
    from rnnlib.dynamics import cliffs

    loss, grad = cliffs.cliff_loss(w)
    ax = plots.cliff(w, loss, grad)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), loss)
    twin = [a for a in ax.figure.axes if a is not ax][0]
    assert twin.get_yscale() == "log"
    np.testing.assert_allclose(twin.get_lines()[0].get_ydata(), np.abs(grad))
    with pytest.raises(ValueError, match="one length"):
        plots.cliff(w, loss[:3], grad)


def test_adding_sequence_highlights_the_two_marked_values():
    """Are exactly the two marked steps highlighted, and the target in the title?"""
    from rnnlib import datasets

    X, y = datasets.adding_problem(1, 20, seed=0)
    ax = plots.adding_sequence(X[0], y[0])
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours.count("#e06666") == 2 and len(colours) == 20
    assert f"{y[0]:.2f}" in ax.get_title()
    with pytest.raises(ValueError, match=r"\(T, 2\)"):
        plots.adding_sequence(X)


def test_adding_results_one_line_per_model_and_the_baseline():
    """Is there a line per model (median over seeds) and the baseline at 1/6?"""
    runs = [
        {"model": "m", "T": 50, "mse": 0.01},
        {"model": "m", "T": 50, "mse": 0.03},
        {"model": "m", "T": 100, "mse": 0.17},
        {"model": "n", "T": 100, "mse": 0.001},
    ]
    ax = plots.adding_results(runs)
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), [0.02, 0.17])
    np.testing.assert_allclose(lines[1].get_ydata(), [0.001])
    np.testing.assert_allclose(lines[2].get_ydata(), [1 / 6, 1 / 6])


def test_adding_results_names_the_benchmark_models_as_the_notebooks_do():
    """Does the legend say SimpleRNN and 'LSTM (chrono init)', not the benchmarks' keys?"""
    runs = [
        {"model": "simple_rnn", "T": 50, "mse": 0.01},
        {"model": "lstm_chrono", "T": 50, "mse": 0.02},
    ]
    labels = [line.get_label() for line in plots.adding_results(runs).get_lines()]
    assert labels[:2] == ["LSTM (chrono init)", "SimpleRNN"]
