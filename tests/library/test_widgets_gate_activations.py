"""Tests of notebook 06's figures (rnnlib.plot.gated_cells) and gate explorer
(rnnlib.widgets.gate_activations), headless on matplotlib's Agg backend."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.plot import gated_cells  # noqa: E402
from rnnlib.widgets import gate_activations  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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


def _controls(box):
    import ipywidgets as widgets

    row = box.children[0].children
    pick = next(w for w in row if isinstance(w, widgets.Dropdown))
    unit, t = (w for w in row if isinstance(w, widgets.IntSlider))
    return pick, unit, t


def test_explorer_controls_span_the_gates_units_and_steps(gates, monkeypatch):
    """Do the dropdown and sliders offer every gate, unit 0..H-1 and step 0..T-1?"""
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    box = gate_activations.gate_explorer(gates, gate="o", unit=1, t=5)
    pick, unit, t = _controls(box)
    assert list(pick.options) == ["i", "f", "o"] and pick.value == "o"
    assert (unit.min, unit.max, unit.value) == (0, 4, 1)
    assert (t.min, t.max, t.value) == (0, 11, 5)
    assert f"{gates['f'][5, 1]:.2f}" in box.children[1].value


def test_explorer_redraws_what_the_controls_choose(gates, monkeypatch):
    """Does changing the gate, the unit or t redraw the heatmap and traces with the new choice?"""
    calls = []
    real_map, real_traces = gated_cells.gate_heatmap, gated_cells.gate_traces
    drawn = []

    def map_spy(values, **kwargs):
        calls.append(("map", kwargs["gate"], kwargs["unit"], kwargs["t"]))
        return real_map(values, **kwargs)

    def traces_spy(g, **kwargs):
        calls.append(("traces", kwargs["unit"], kwargs["t"]))
        return real_traces(g, **kwargs)

    def capture(fig, *a, **k):
        fig.canvas.draw()
        drawn.append(np.asarray(fig.canvas.buffer_rgba()).copy())

    monkeypatch.setattr(gated_cells, "gate_heatmap", map_spy)
    monkeypatch.setattr(gated_cells, "gate_traces", traces_spy)
    monkeypatch.setattr("IPython.display.display", capture)
    box = gate_activations.gate_explorer(gates, markers=np.arange(12) % 5 == 0)
    pick, unit, t = _controls(box)
    pick.value = "f"
    unit.value = 3
    t.value = 7
    assert calls[0] == ("map", "i", 0, 0)
    assert ("map", "f", 0, 0) in calls and ("traces", 3, 0) in calls
    assert calls[-2:] == [("map", "f", 3, 7), ("traces", 3, 7)]
    assert len(drawn) == 4
    assert all(not np.array_equal(a, b) for a, b in zip(drawn[:-1], drawn[1:], strict=True))
    assert "unit 3 at t = 7" in box.children[1].value
    assert not plt.get_fignums()


def test_explorer_refuses_bad_arguments(gates, monkeypatch):
    """Are an unknown gate, a unit or t out of range and a batch refused with a message?"""
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    with pytest.raises(ValueError, match="gate should be one of"):
        gate_activations.gate_explorer(gates, gate="z")
    with pytest.raises(ValueError, match=r"unit should be in \[0, 4\]"):
        gate_activations.gate_explorer(gates, unit=9)
    with pytest.raises(ValueError, match=r"t should be in \[0, 11\]"):
        gate_activations.gate_explorer(gates, t=-1)
    with pytest.raises(ValueError, match="one sequence"):
        gate_activations.gate_explorer({"i": np.zeros((2, 3, 4))})


def test_importing_the_modules_stays_light():
    """Does importing these modules (and rnnlib.init) leave matplotlib, ipywidgets and TF out?"""
    code = ("import sys, rnnlib.plot.gated_cells, rnnlib.widgets.gate_activations, rnnlib.init; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow', 'keras') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
