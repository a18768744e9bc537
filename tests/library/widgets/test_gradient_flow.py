"""Tests of rnnlib.widgets.gradient_flow, notebook 05's gradient-flow widget (headless:
tests/conftest.py selects the Agg backend and closes the figures; the figures themselves are
in test_plot_gradients.py)."""

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlib.dynamics import jacobians
from rnnlib.plot import gradients as plots
from rnnlib.widgets import gradient_flow as gf

# ----------------------------------------------------------------------------- the widget


def _controls(box):
    import ipywidgets as widgets

    controls, output = box.children
    slider = next(w for w in controls.children if isinstance(w, widgets.FloatSlider))
    dropdown = next(w for w in controls.children if isinstance(w, widgets.Dropdown))
    return slider, dropdown, output


def test_widget_controls_span_sigma_and_nonlinearities(monkeypatch):
    """Does the widget offer a sigma_1 slider and the three nonlinearities, at the given values?"""
    import ipywidgets as widgets

    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    slider, dropdown, output = _controls(gf.gradient_flow_slider(1.1, "sigmoid"))
    assert (slider.min, slider.max, slider.value) == (0.25, 2.0, 1.1)
    assert list(dropdown.options) == ["tanh", "sigmoid", "linear"] and dropdown.value == "sigmoid"
    assert isinstance(output, widgets.Output)


def test_widget_redraws_what_the_controls_ask_for(monkeypatch):
    """Does moving the slider or the dropdown redraw the profile of the new (sigma_1, f), with
    the bound gamma sigma_1 and different drawn data?"""
    calls, drawn = [], []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    real = plots.lag_norms

    def spy(profiles, ax=None, **kwargs):
        ax = real(profiles, ax=ax, **kwargs)
        drawn.append((dict(kwargs["bounds"]), ax.get_lines()[0].get_ydata().copy(), ax.get_title()))
        return ax

    monkeypatch.setattr(plots, "lag_norms", spy)

    def profile(s, act):
        calls.append((s, act))
        return jacobians.lag_profile(s, act, T=20, N=2, H=8)

    slider, dropdown, _ = _controls(gf.gradient_flow_slider(1.0, "tanh", profile=profile))
    slider.value = 0.5
    dropdown.value = "sigmoid"
    assert calls == [(1.0, "tanh"), (0.5, "tanh"), (0.5, "sigmoid")]
    assert [list(b.values())[0] for b, _, _ in drawn] == [1.0, 0.5, 0.125]
    assert not np.allclose(drawn[0][1], drawn[1][1], equal_nan=True)
    assert "measured" in drawn[2][2] and f"{np.log10(0.125):+.3f}" in drawn[2][2]
    assert not plt.get_fignums()  # each frame's figure is closed after display


def test_widget_rejects_bad_arguments():
    """Are an unknown nonlinearity and a sigma_1 outside the slider refused?"""
    with pytest.raises(ValueError, match="activation should be one of"):
        gf.gradient_flow_slider(1.0, "relu")
    with pytest.raises(ValueError, match="sigma1 should be in"):
        gf.gradient_flow_slider(5.0)


def test_importing_the_modules_stays_light():
    """Does importing these modules leave matplotlib, ipywidgets and TensorFlow unimported?"""
    code = (
        "import sys, rnnlib.plot.gradients, rnnlib.widgets.gradient_flow, "
        "rnnlib.dynamics.jacobians, rnnlib.dynamics.cliffs; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
