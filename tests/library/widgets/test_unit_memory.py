"""Tests of notebook 02's one-unit memory explorer (rnnlib.widgets.unit_memory), headless:
the sliders' callbacks are driven directly and the drawn image must change."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlib.plot import rnn_cell
from rnnlib.widgets import unit_memory


@pytest.fixture
def shown(monkeypatch):
    """The figures the widget displays, as PNG bytes, in order."""
    images = []

    def display(fig, *args, **kwargs):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        images.append(buffer.getvalue())

    monkeypatch.setattr("IPython.display.display", display)
    return images


def test_explorer_has_three_sliders_presets_and_an_output():
    """Does the widget hold sliders w_h, w_x, b at the given values, presets and an Output?"""
    import ipywidgets as widgets

    explorer = unit_memory.unit_memory_explorer(w_h=0.5, w_x=2.0, b=-1.0)
    box = explorer.widget
    assert isinstance(box, widgets.VBox)
    sliders = [w for w in box.children[0].children if isinstance(w, widgets.FloatSlider)]
    assert [(s.description, s.value) for s in sliders] == [("w_h", 0.5), ("w_x", 2.0), ("b", -1.0)]
    assert set(unit_memory.PRESETS) <= set(box.children[1].options)
    assert isinstance(box.children[2], widgets.Output)


@pytest.mark.parametrize("slider", ["w_h", "w_x", "b"])
def test_moving_a_slider_redraws_a_different_image(shown, slider):
    """Does moving any slider redraw the figure, and does the image change?"""
    explorer = unit_memory.UnitMemoryExplorer()
    assert len(shown) == 1
    getattr(explorer, slider).value += 1.0
    assert len(shown) == 2 and shown[1] != shown[0]
    assert not plt.get_fignums()  # every figure is closed once displayed


def test_a_preset_sets_all_sliders_and_redraws_once(shown):
    """Does choosing a preset set w_h, w_x, b together and draw one new figure?"""
    explorer = unit_memory.UnitMemoryExplorer()
    explorer.presets.value = "latch"
    values = (explorer.w_h.value, explorer.w_x.value, explorer.b.value)
    assert values == unit_memory.PRESETS["latch"]
    assert len(shown) == 2 and shown[1] != shown[0]


def test_the_title_names_the_regime_and_the_threshold():
    """Does the figure's title say fading memory, latch or broken latch, with b_c?"""
    explorer = unit_memory.UnitMemoryExplorer()
    titles = {}
    for name in ("now", "fading", "latch", "broken latch"):
        explorer.apply_preset(name)
        fig = explorer.figure()
        titles[name] = fig._suptitle.get_text()
        plt.close(fig)
    assert titles["now"].startswith("no memory")
    assert titles["fading"].startswith("fading memory") and "×0.80 per step" in titles["fading"]
    assert titles["latch"].startswith("latch: two stable states") and "3.03" in titles["latch"]
    assert titles["broken latch"].startswith("latch broken") and "3.03" in titles["broken latch"]


def test_the_widget_calls_the_plot_helpers(monkeypatch):
    """Is the figure drawn by rnnlib.plot.rnn_cell's helpers (the widget holds no drawing)?"""
    calls = []
    for name in ("unit_response", "unit_map", "latch_diagram"):
        real = getattr(rnn_cell, name)

        def spy(*a, _real=real, _name=name, **k):
            calls.append(_name)
            return _real(*a, **k)

        monkeypatch.setattr(rnn_cell, name, spy)
    fig = unit_memory.UnitMemoryExplorer(w_h=5.0, w_x=9.0, b=-2.5).figure()
    plt.close(fig)
    assert calls[-3:] == ["unit_response", "unit_map", "latch_diagram"]


def test_the_default_input_is_a_pulse_at_step_4_and_bad_inputs_are_refused():
    """Is the default input noise with x_4 = 1 (array index 3), and is a batch refused?"""
    x = unit_memory.pulse_input()
    assert x.shape == (20,) and x[3] == 1.0 and np.abs(np.delete(x, 3)).max() < 0.2
    with pytest.raises(ValueError, match="pulse step"):
        unit_memory.pulse_input(T=5, at=6)
    with pytest.raises(ValueError, match=r"one input sequence \(T,\)"):
        unit_memory.UnitMemoryExplorer(x=np.zeros((2, 5)))
