"""Tests of notebook 02's figures (rnnlib.plot.rnn_cell), headless on matplotlib's Agg
backend."""

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from rnnlib.dynamics import unit_memory
from rnnlib.plot import rnn_cell


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


@pytest.mark.parametrize("steps", [1, 4])
def test_unrolled_graph_draws_the_bias_and_the_output_layer_at_every_step(steps):
    """Does every unrolled step show the bias b into h_t and the output y_t = h_t W_y + b_y?"""
    texts = _texts(rnn_cell.unrolled_graph(steps, folded=False))
    assert texts.count(r"$b$") == steps
    assert texts.count(r"$W_y$") == steps and texts.count(r"$b_y$") == steps
    for k in range(1, steps + 1):
        assert rf"$y_{{{k}}}$" in texts
    assert any("$W_y$ and $b_y$" in t and "shared weights" in t for t in texts)
    plain = _texts(rnn_cell.unrolled_graph(steps, folded=False, output=False))
    assert plain.count(r"$b$") == steps and r"$W_y$" not in plain


def test_unrolled_graph_draws_the_folded_cell_on_the_given_axes():
    """Does folded=True add the rolled-up cell, on the axes passed in?"""
    _, ax = plt.subplots()
    assert rnn_cell.unrolled_graph(2, ax=ax, folded=True) is ax
    texts = _texts(ax)
    assert r"$x_t$" in texts and r"$h_t$" in texts
    assert texts.count(r"$W_h$") == 3  # the loop + two unrolled steps
    assert texts.count(r"$b$") == 3 and r"$y_t$" in texts


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


def test_heatmap_labels_time_from_one_as_the_equations_do(states):
    """Are the columns labelled t = 1..T by default (column k holds h_{k+1})?"""
    h, _ = states
    ax = rnn_cell.hidden_state_heatmap(h, colorbar=False)
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(k) for k in range(1, 10)]


def test_heatmap_uses_step_and_unit_labels(states):
    """Are the given step and unit labels used as tick labels?"""
    h, _ = states
    steps = list("abcdefghi")
    ax = rnn_cell.hidden_state_heatmap(
        h, step_labels=steps, unit_labels=["u0", "u1", "u2", "u3"], colorbar=False
    )
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
    assert ax_w.get_title().startswith("table E") and "E[ids]" in ax_out.get_title()
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


# ----------------------------------------------------------------------------- one unit


def test_unit_response_draws_the_input_and_the_state_from_t_1():
    """Does the response show x_t as bars and h_t as a line at t = 1..T, on tanh's range?"""
    x = np.array([0.0, 1.0, 0.0, 0.0])
    h = unit_memory.unit_trajectory(x, 0.8, 1.0, 0.0)
    ax = rnn_cell.unit_response(x, h, title="t")
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), h)
    np.testing.assert_allclose([p.get_height() for p in ax.patches], x)
    assert ax.get_ylim() == (-1.1, 1.1)
    with pytest.raises(ValueError, match="same length"):
        rnn_cell.unit_response(x, h[:3])


@pytest.mark.parametrize(("w_h", "b", "stable", "unstable"), [(0.8, 0.0, 1, 0), (5.0, -2.5, 2, 1)])
def test_unit_map_marks_the_fixed_points_filled_when_stable(w_h, b, stable, unstable):
    """Does the map mark each fixed point on the diagonal, filled if stable, hollow if not?"""
    ax = rnn_cell.unit_map(w_h, b)
    markers = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(markers) == stable + unstable
    filled = [m for m in markers if m.get_markerfacecolor() != "white"]
    assert len(filled) == stable
    for m in markers:
        h = m.get_xdata()[0]
        assert m.get_ydata()[0] == h and np.tanh(w_h * h + b) == pytest.approx(h, abs=1e-9)
    assert ax.get_title().startswith(f"{stable} stable")


def test_latch_diagram_shades_the_latch_region_and_marks_the_unit():
    """Is the shaded region bounded by +-b_c(w_h), and is the unit's (w_h, b) marked?"""
    ax = rnn_cell.latch_diagram(5.0, -2.5)
    upper = ax.lines[0]
    ws, bc = upper.get_xdata(), upper.get_ydata()
    k = np.argmin(np.abs(ws - 5.0))
    assert bc[k] == pytest.approx(unit_memory.latch_threshold(ws[k]))
    assert (bc[ws <= 1.0] == 0).all()
    point = [line for line in ax.lines if line.get_marker() == "X"][0]
    assert (point.get_xdata()[0], point.get_ydata()[0]) == (5.0, -2.5)


def test_importing_the_modules_stays_light():
    """Does importing these modules leave matplotlib and ipywidgets unimported?"""
    code = (
        "import sys, rnnlib.plot.rnn_cell, rnnlib.widgets.unit_memory, "
        "rnnlib.dynamics.unit_memory; "
        "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'tensorflow') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
