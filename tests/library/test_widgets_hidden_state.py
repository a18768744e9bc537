"""Tests of rnnlib.widgets.hidden_state, notebook 02's time-step scrubber (headless:
tests/conftest.py selects the Agg backend and closes the figures)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlib.plot import rnn_cell
from rnnlib.widgets import hidden_state


@pytest.fixture
def states():
    rng = np.random.default_rng(0)
    h = np.tanh(rng.normal(size=(9, 4)))  # (T, H)
    x = rng.normal(size=(9, 2))  # (T, D)
    return h, x


def test_scrubber_slider_spans_the_sequence(states):
    """Does the scrubber's slider run over t = 0 .. T-1, starting at the given t?"""
    import ipywidgets as widgets

    h, x = states
    box = hidden_state.hidden_state_scrubber(h, x, t=3)
    assert isinstance(box, widgets.VBox)
    controls, output = box.children
    sliders = [w for w in controls.children if isinstance(w, widgets.IntSlider)]
    assert len(sliders) == 1
    slider = sliders[0]
    assert (slider.min, slider.max, slider.value) == (0, 8, 3)
    assert isinstance(output, widgets.Output)


def test_scrubber_redraws_the_plot_helpers_at_the_new_step(states, monkeypatch):
    """Does moving the slider redraw the heatmap and the input panel at the new t?"""
    import ipywidgets as widgets

    calls = []
    real_heatmap, real_input = rnn_cell.hidden_state_heatmap, rnn_cell.input_at_step

    def heatmap_spy(h, t=None, **kwargs):
        calls.append(("heatmap", t))
        return real_heatmap(h, t=t, **kwargs)

    def input_spy(x, t, **kwargs):
        calls.append(("input", t))
        return real_input(x, t, **kwargs)

    monkeypatch.setattr(rnn_cell, "hidden_state_heatmap", heatmap_spy)
    monkeypatch.setattr(rnn_cell, "input_at_step", input_spy)
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    h, x = states
    box = hidden_state.hidden_state_scrubber(h, x, t=0)
    slider = next(w for w in box.children[0].children if isinstance(w, widgets.IntSlider))
    slider.value = 6
    assert ("heatmap", 0) in calls and ("input", 0) in calls
    assert calls[-2:] in ([("input", 6), ("heatmap", 6)], [("heatmap", 6), ("input", 6)])
    assert not plt.get_fignums()  # each frame's figure is closed after display


def test_scrubber_without_inputs_and_bad_arguments(states, monkeypatch):
    """Does the scrubber work without x, and refuse a batch, a length mismatch or a bad t?"""
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    h, x = states
    hidden_state.hidden_state_scrubber(h)
    with pytest.raises(ValueError, match="one sequence"):
        hidden_state.hidden_state_scrubber(h[None])
    with pytest.raises(ValueError, match="T=9 steps"):
        hidden_state.hidden_state_scrubber(h, x[:5])
    with pytest.raises(ValueError, match=r"t should be in \[0, 8\]"):
        hidden_state.hidden_state_scrubber(h, x, t=-1)
