"""Tests of notebook 02's figures (rnnlib.plot.rnn_cell) and time-step scrubber
(rnnlib.widgets.hidden_state), headless on matplotlib's Agg backend."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from rnnlib.plot import rnn_cell  # noqa: E402
from rnnlib.widgets import hidden_state  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def states():
    rng = np.random.default_rng(0)
    h = np.tanh(rng.normal(size=(9, 4)))  # (T, H)
    x = rng.normal(size=(9, 2))  # (T, D)
    return h, x


def _texts(ax):
    return [t.get_text() for t in ax.texts]


# ----------------------------------------------------------------------------- unrolled graph


@pytest.mark.parametrize("steps", [1, 3, 6])
def test_unrolled_graph_repeats_the_same_weights_at_every_step(steps):
    """Does the unrolled diagram label every step with the same W_x and W_h?"""
    ax = rnn_cell.unrolled_graph(steps, folded=False)
    texts = _texts(ax)
    assert texts.count(r"$W_x$") == steps
    assert texts.count(r"$W_h$") == steps
    for k in range(1, steps + 1):
        assert rf"$x_{{{k}}}$" in texts and rf"$h_{{{k}}}$" in texts
    assert r"$h_0$" in texts
    assert any("shared weights" in t for t in texts)


def test_unrolled_graph_draws_the_folded_cell_on_the_given_axes():
    """Does folded=True add the rolled-up cell, on the axes passed in?"""
    _, ax = plt.subplots()
    assert rnn_cell.unrolled_graph(2, ax=ax, folded=True) is ax
    texts = _texts(ax)
    assert r"$x_t$" in texts and r"$h_t$" in texts
    assert texts.count(r"$W_h$") == 3  # the loop + two unrolled steps


def test_unrolled_graph_rejects_zero_steps():
    """Is a diagram with no time step refused with a clear error?"""
    with pytest.raises(ValueError, match="steps should be at least 1"):
        rnn_cell.unrolled_graph(0)


# ----------------------------------------------------------------------------- heatmap


def test_heatmap_shows_units_down_and_time_across(states):
    """Is the heatmap of h (T, H) an image of h.T, units as rows and steps as columns?"""
    h, _ = states
    ax = rnn_cell.hidden_state_heatmap(h)
    image = ax.images[0]
    np.testing.assert_allclose(image.get_array(), h.T)
    assert image.get_clim() == (-1, 1)  # the range of tanh, the same for every figure
    assert not [p for p in ax.patches if isinstance(p, Rectangle)]


@pytest.mark.parametrize("t", [0, 4, 8])
def test_heatmap_outlines_the_current_column(states, t):
    """Does t outline exactly the column of step t, over all units?"""
    h, _ = states
    ax = rnn_cell.hidden_state_heatmap(h, t=t)
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(boxes) == 1
    assert boxes[0].get_x() == pytest.approx(t - 0.5)
    assert boxes[0].get_width() == pytest.approx(1)
    assert boxes[0].get_height() == pytest.approx(h.shape[1])


def test_heatmap_uses_step_and_unit_labels(states):
    """Are the given step and unit labels used as tick labels?"""
    h, _ = states
    steps = list("abcdefghi")
    ax = rnn_cell.hidden_state_heatmap(h, step_labels=steps, unit_labels=["u0", "u1", "u2", "u3"],
                                       colorbar=False)
    assert [t.get_text() for t in ax.get_xticklabels()] == steps
    assert [t.get_text() for t in ax.get_yticklabels()] == ["u0", "u1", "u2", "u3"]


def test_heatmap_rejects_a_batch_and_a_step_out_of_range(states):
    """Are a batch (N, T, H) and a t outside [0, T-1] refused with messages that say why?"""
    h, _ = states
    with pytest.raises(ValueError, match=r"one sequence of shape \(T, H\).*h\[0\]"):
        rnn_cell.hidden_state_heatmap(h[None])
    with pytest.raises(ValueError, match=r"t should be in \[0, 8\], got 9"):
        rnn_cell.hidden_state_heatmap(h, t=9)


# ----------------------------------------------------------------------------- input bars


def test_input_at_step_draws_one_bar_per_feature_on_a_fixed_scale(states):
    """Does the input panel show x_t feature by feature, with the same y-range at every t?"""
    _, x = states
    limits = []
    for t in (0, 5):
        _, ax = plt.subplots()
        rnn_cell.input_at_step(x, t, ax=ax)
        heights = [bar.get_height() for bar in ax.patches]
        np.testing.assert_allclose(heights, x[t])
        limits.append(ax.get_ylim())
    assert limits[0] == limits[1]


def test_input_at_step_reads_a_1d_signal_as_one_feature():
    """Is a 1-D signal (T,) read as T steps of one feature?"""
    ax = rnn_cell.input_at_step(np.array([0.0, 1.0, -2.0]), 2)
    assert [bar.get_height() for bar in ax.patches] == [-2.0]
    with pytest.raises(ValueError, match="t should be in"):
        rnn_cell.input_at_step(np.zeros(3), 3)


# ----------------------------------------------------------------------------- embeddings


def test_embedding_lookup_shows_one_hot_times_w_equal_to_the_rows():
    """Does the figure show one-hot (T, V), W (V, D) and W[ids], outlining the rows used?"""
    rng = np.random.default_rng(1)
    W = rng.normal(size=(6, 3))
    ids = np.array([4, 1, 4, 0])
    ax_hot, ax_w, ax_out = rnn_cell.embedding_lookup(ids, W, vocab_labels=list("abcdef"))
    np.testing.assert_array_equal(ax_hot.images[0].get_array(), np.eye(6)[ids])
    np.testing.assert_allclose(ax_out.images[0].get_array(), W[ids])
    outlined = sorted(int(round(p.get_y() + 0.5)) for p in ax_w.patches)
    assert outlined == [0, 1, 4]


def test_embedding_lookup_rejects_bad_ids():
    """Are float ids and ids outside the table refused?"""
    W = np.zeros((5, 2))
    with pytest.raises(ValueError, match="integer"):
        rnn_cell.embedding_lookup(np.array([0.0, 1.0]), W)
    with pytest.raises(ValueError, match=r"ids should be in \[0, 4\]"):
        rnn_cell.embedding_lookup(np.array([0, 5]), W)


# ----------------------------------------------------------------------------- the widget


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


def test_importing_the_modules_stays_light():
    """Does importing these modules leave matplotlib and ipywidgets unimported?"""
    code = ("import sys, rnnlib.plot.rnn_cell, rnnlib.widgets.hidden_state; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
