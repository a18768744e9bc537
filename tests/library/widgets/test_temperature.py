"""Tests for the temperature slider (rnnlib.widgets.temperature), driven headless."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib as rl  # noqa: E402
from rnnlib.widgets import temperature as wt  # noqa: E402

SAMPLES = {0.5: ["()", "()"], 1.0: ["(())", ")("], 2.0: ["))((", "(", ")"]}


def _slider(**kw):
    return rl.widgets.temperature_slider(
        np.log([0.3, 0.6, 0.1]),
        ["(", ")", "$"],
        SAMPLES,
        context="((",
        score=rl.datasets.is_balanced,
        **kw,
    )


def test_moving_the_slider_changes_the_bars_and_the_samples():
    """Does a new temperature redraw flatter bars and that temperature's samples?"""
    slider = _slider(temperature=0.5)
    cold = slider.figure(0.5)
    hot = slider.figure(2.0)
    bars = lambda fig: [round(p.get_height(), 4) for p in fig.axes[0].patches]  # noqa: E731
    assert max(bars(cold)) > max(bars(hot))
    assert np.isclose(sum(bars(hot)), 1.0)
    assert "))((" in hot.axes[1].texts[0].get_text()
    assert "100% of 2 pass" in cold.axes[1].get_title()
    assert "0% of 3 pass" in hot.axes[1].get_title()
    slider.slider.value = 2.0  # what a user's drag does
    assert slider.temperature == 2.0
    plt.close("all")
    assert plt.get_fignums() == []


def test_slider_is_a_displayable_widget_over_the_given_temperatures():
    """Does it render as a widget whose options are the sampled temperatures?"""
    slider = _slider()
    assert [v for _, v in slider.slider.options] == [0.5, 1.0, 2.0]
    assert slider.temperature == 1.0
    assert "application/vnd.jupyter.widget-view+json" in slider._repr_mimebundle_()


def test_slider_rejects_mismatched_inputs():
    """Are wrong label counts and unknown start temperatures refused?"""
    with pytest.raises(ValueError, match="labels"):
        wt.TemperatureSlider(np.zeros(3), ["a"], SAMPLES)
    with pytest.raises(ValueError, match="no samples"):
        wt.TemperatureSlider(np.zeros(3), ["a", "b", "c"], SAMPLES, temperature=3.0)
