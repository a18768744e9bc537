"""Tests of rnnlib.widgets.gate_activations, notebook 06's gate explorer (headless:
tests/conftest.py selects the Agg backend and closes the figures; the figures themselves are
in test_plot_gated_cells.py)."""

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlib.plot import gated_cells
from rnnlib.widgets import gate_activations


@pytest.fixture
def gates():
    rng = np.random.default_rng(0)
    return {k: 1 / (1 + np.exp(-rng.normal(size=(12, 5)))) for k in "ifo"}  # (T, H) each


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
    """Does importing these modules (and cells.init) leave matplotlib, ipywidgets, TF out?"""
    code = (
        "import sys, rnnlib.plot.gated_cells, rnnlib.widgets.gate_activations, "
        "rnnlib.cells.init; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow', 'keras') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
