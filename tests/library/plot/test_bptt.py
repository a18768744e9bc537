"""Tests of rnnlib.plot.bptt, notebook 04's figures (headless: tests/conftest.py selects the
Agg backend and closes the figures; the truncation slider is in test_widgets_truncation.py)."""

import matplotlib
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch

from rnnlib.plot import bptt


def _norms(T=12):
    lag = np.subtract.outer(np.arange(T), np.arange(T))
    return np.where(lag >= 0, 0.8 ** np.clip(lag, 0, None), 0.0)


def _red_arrows(ax):
    return [
        p
        for p in ax.patches
        if isinstance(p, FancyArrowPatch)
        and matplotlib.colors.to_hex(p.get_edgecolor()) == "#cc0000"
    ]


def test_bptt_graph_draws_every_loss_and_state():
    """Does the graph have a loss, a state and an input per step, and one shared W_h?"""
    ax = bptt.bptt_graph(4)
    texts = [t.get_text() for t in ax.texts]
    for k in range(1, 5):
        assert {rf"$L_{{{k}}}$", rf"$h_{{{k}}}$", rf"$x_{{{k}}}$"} <= set(texts)
    assert sum("W_h" in t for t in texts) == 1


def test_truncation_cuts_the_backward_chain():
    """Does a window of 2 over 6 steps remove the two red arrows that cross a boundary?"""
    full = len(_red_arrows(bptt.bptt_graph(6)))
    cut = len(_red_arrows(bptt.bptt_graph(6, window=2)))
    assert full - cut == 2
    with pytest.raises(ValueError, match="window"):
        bptt.bptt_graph(3, window=0)
    with pytest.raises(ValueError, match="steps"):
        bptt.bptt_graph(0)


def test_dependency_matrix_greys_out_dropped_pairs():
    """Does the overlay cover exactly the pairs in an earlier window, and say how much of
    the total is kept?"""
    ax = bptt.dependency_matrix(_norms(), window=4)
    overlay = np.asarray(ax.images[1].get_array().filled(np.nan))
    t, s = np.indices((12, 12))
    assert np.array_equal(np.isfinite(overlay), (s // 4 < t // 4) & (s <= t))
    assert any("keeps" in x.get_text() for x in ax.texts)
    assert len(bptt.dependency_matrix(_norms()).images) == 1
    with pytest.raises(ValueError, match="square"):
        bptt.dependency_matrix(np.zeros((3, 4)))


def test_gradcheck_bars_colour_failures():
    """Are errors above the tolerance drawn in red and the others in green?"""
    ax = bptt.gradcheck_bars({"Wx": 1e-9, "Wh": 1e-4, "b": 0.0})
    colors = [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches]
    assert colors == ["#6aa84f", "#cc0000", "#6aa84f"]
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="empty"):
        bptt.gradcheck_bars({})


def test_cost_curves_and_char_model_curve():
    """Do the cost plot and the learning curve draw their data and the baselines?"""
    ax = bptt.cost_curves([5, 10, 20], [1.0, 2.0, 3.0], [0.1, 0.2, 0.4])
    assert np.allclose(ax.lines[0].get_ydata(), [1, 2, 3])
    with pytest.raises(ValueError, match="one value per window"):
        bptt.cost_curves([5, 10], [1.0], [0.1, 0.2])
    ax = bptt.char_model_curve(
        {"step": [1, 2], "held_out": [2.0, 1.5], "loss": [2.1, 1.4]}, {"add-k 4-gram": 1.6}
    )
    labels = [line.get_label() for line in ax.lines]
    assert "add-k 4-gram: 1.60" in labels and len(ax.lines) == 3
    with pytest.raises(ValueError, match="held_out"):
        bptt.char_model_curve({"step": [1]})
