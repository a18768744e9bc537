"""Tests of rnnlib.plot.gated_cells, notebook 06's figures (headless: tests/conftest.py
selects the Agg backend and closes the figures)."""

import numpy as np
import pytest

from rnnlib.plot import gated_cells


@pytest.fixture
def gates():
    rng = np.random.default_rng(0)
    return {k: 1 / (1 + np.exp(-rng.normal(size=(12, 5)))) for k in "ifo"}  # (T, H) each


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_gate_heatmap_shows_units_down_time_across_on_0_1(gates):
    """Is the heatmap the gate's (T, H) values transposed, on the fixed range [0, 1]?"""
    ax = gated_cells.gate_heatmap(gates["f"], gate="f", t=3, unit=2)
    np.testing.assert_allclose(ax.images[0].get_array(), gates["f"].T)
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert "forget" in ax.get_title()
    assert [line.get_xdata()[0] for line in ax.lines if line.get_xdata()[0] == 3]
    with pytest.raises(ValueError, match=r"t should be in \[0, 11\]"):
        gated_cells.gate_heatmap(gates["f"], t=12)
    with pytest.raises(ValueError, match="one sequence"):
        gated_cells.gate_heatmap(np.zeros((2, 3, 4)))


def test_gate_traces_draws_one_line_per_gate_for_the_unit(gates):
    """Does gate_traces plot each gate of the chosen unit, with the markers as bars?"""
    markers = np.zeros(12)
    markers[[2, 9]] = 1
    ax = gated_cells.gate_traces(gates, unit=4, markers=markers)
    lines = [line for line in ax.lines if len(line.get_xdata()) == 12]
    assert len(lines) == 3
    for line, name in zip(lines, "ifo", strict=True):
        np.testing.assert_allclose(line.get_ydata(), gates[name][:, 4])
    assert [p.get_height() for p in ax.patches] == list(markers)
    with pytest.raises(ValueError, match=r"unit should be in \[0, 4\]"):
        gated_cells.gate_traces(gates, unit=5)
    with pytest.raises(ValueError, match="same shape"):
        gated_cells.gate_traces({"i": np.zeros((3, 2)), "f": np.zeros((4, 2))})
    with pytest.raises(ValueError, match="markers should have shape"):
        gated_cells.gate_traces(gates, markers=np.zeros(5))


def test_gradient_by_lag_plots_norms_against_lag_on_a_log_scale():
    """Is each model a line of norm against lag T - t (last state = lag 0) on a log y axis?"""
    norms = {"RNN": 0.5 ** np.arange(6)[::-1], "GRU": np.ones(6)}
    ax = gated_cells.gradient_by_lag(norms)
    assert ax.get_yscale() == "log"
    rnn = ax.lines[0]
    np.testing.assert_allclose(rnn.get_xdata(), np.arange(6))
    np.testing.assert_allclose(rnn.get_ydata(), 0.5 ** np.arange(6))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["RNN", "GRU"]
    ax = gated_cells.gradient_by_lag({"x": (np.array([3, 1]), np.array([0.0, 2.0]))}, floor=1e-9)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2.0, 1e-9])  # sorted by lag, floored
    assert ax.lines[-1].get_label().startswith("below 1e-09")  # the floor is marked and named
    with pytest.raises(ValueError, match="non-empty dict"):
        gated_cells.gradient_by_lag({})


@pytest.mark.parametrize("cell, state", [("lstm", r"$c_t$"), ("gru", r"$h_t$")])
def test_cell_diagram_draws_the_state_path_and_the_gates(cell, state):
    """Does the diagram label the state path and one box per gate block?"""
    ax = gated_cells.lstm_cell_diagram(cell=cell)
    texts = _texts(ax)
    assert state in texts
    letters = "ifco" if cell == "lstm" else "zrh"
    assert sum(any(t.startswith(f"{g}:") for t in texts) for g in letters) == len(letters)
    with pytest.raises(ValueError, match="'lstm' or 'gru'"):
        gated_cells.lstm_cell_diagram(cell="rnn")
