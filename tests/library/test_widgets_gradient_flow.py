"""Tests of notebook 05's figures (rnnlib.plot.gradients) and gradient-flow widget
(rnnlib.widgets.gradient_flow), headless on matplotlib's Agg backend."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import jacobians  # noqa: E402
from rnnlib.plot import gradients as plots  # noqa: E402
from rnnlib.widgets import gradient_flow as gf  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- figures


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
    from rnnlib import cliffs

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
    runs = [{"model": "m", "T": 50, "mse": 0.01}, {"model": "m", "T": 50, "mse": 0.03},
            {"model": "m", "T": 100, "mse": 0.17}, {"model": "n", "T": 100, "mse": 0.001}]
    ax = plots.adding_results(runs)
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), [0.02, 0.17])
    np.testing.assert_allclose(lines[1].get_ydata(), [0.001])
    np.testing.assert_allclose(lines[2].get_ydata(), [1 / 6, 1 / 6])


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
    code = ("import sys, rnnlib.plot.gradients, rnnlib.widgets.gradient_flow, rnnlib.jacobians, "
            "rnnlib.cliffs; print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
