"""Tests of rnnlib.plot.common: each helper draws on the given axes (or a new one),
returns it, labels it, and rejects bad input clearly. Headless (Agg backend)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlib import plot
from rnnlib.plot import common


def test_exported_from_package():
    """Are the common helpers reachable as rl.plot.<name>?"""
    assert plot.heatmap is common.heatmap
    assert plot.loss_curve is common.loss_curve
    assert plot.sequence_bars is common.sequence_bars
    assert plot.accuracy_table is common.accuracy_table


def test_heatmap_draws_units_down_time_across():
    """Does heatmap show a (T, H) array transposed (H rows, T columns), centred on 0?"""
    rng = np.random.default_rng(0)
    h = np.tanh(rng.normal(size=(7, 3)))  # (T, H)
    ax = common.heatmap(h, title="states", t=2)
    image = ax.get_images()[0]
    np.testing.assert_allclose(image.get_array(), h.T)
    lo, hi = image.get_clim()
    assert lo == -hi
    assert ax.get_xlabel() == "time step t" and ax.get_ylabel() == "hidden unit"
    assert ax.get_title() == "states"
    assert len(ax.get_lines()) == 1  # the marked step


def test_heatmap_batch_uses_sample_and_given_axes():
    """With (N, T, H), is the chosen sample drawn on the axes passed in?"""
    h = np.arange(2 * 4 * 3, dtype=float).reshape(2, 4, 3)
    _, ax = plt.subplots()
    out = common.heatmap(h, ax=ax, sample=1, colorbar=False, ylabel="unit")
    assert out is ax
    np.testing.assert_allclose(ax.get_images()[0].get_array(), h[1].T)
    assert ax.get_images()[0].get_clim()[0] == 0.0  # no negatives: starts at 0
    assert ax.get_ylabel() == "unit"


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(values=np.zeros((2, 2, 2, 2))), ["(T, H)", "(2, 2, 2, 2)"]),
        (dict(values=np.zeros((2, 3, 4)), sample=5), ["sample"]),
        (dict(values=np.zeros((3, 4)), t=3), ["t should be in [0, 2]"]),
    ],
)
def test_heatmap_bad_input(kwargs, words):
    """Are a wrong rank, a missing sample and a step outside the sequence reported?"""
    with pytest.raises(ValueError) as err:
        common.heatmap(**kwargs)
    for w in words:
        assert w in str(err.value)


class _History:
    """Stands in for keras.callbacks.History."""

    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.9]}


def test_loss_curve_from_history_dict_and_list():
    """Does loss_curve plot the loss curves of a History against epochs 1..E, and also take a
    dict or a plain list?"""
    ax = common.loss_curve(_History(), baseline=0.167, logy=True)
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["loss", "val_loss", "baseline"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), [1.1, 0.7, 0.6])
    assert ax.get_yscale() == "log" and ax.get_legend() is not None
    ax = common.loss_curve({"accuracy": [0.1, 0.2]}, ylabel="accuracy")
    assert ax.get_lines()[0].get_label() == "accuracy"
    ax = common.loss_curve([3.0, 2.0, 1.0, 0.5])
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [3, 2, 1, 0.5])
    ax = common.loss_curve(_History(), keys=["accuracy"])
    assert len(ax.get_lines()) == 1


def test_loss_curve_bad_input():
    """Are an unknown key and a 2-D array reported clearly?"""
    with pytest.raises(ValueError, match="no curve named"):
        common.loss_curve(_History(), keys=["val_accuracy"])
    with pytest.raises(ValueError, match="History"):
        common.loss_curve(np.zeros((2, 2)))


def test_sequence_bars_highlight_and_labels():
    """Are highlighted steps coloured differently and labels written above the bars?"""
    values = np.array([0.2, 0.9, 0.4, 0.7])
    ax = common.sequence_bars(values, highlight=[1, 3], labels=list("abcd"), title="x")
    bars = ax.patches
    assert len(bars) == 4
    np.testing.assert_allclose([b.get_height() for b in bars], values)
    colours = [b.get_facecolor() for b in bars]
    assert colours[1] == colours[3] != colours[0] == colours[2]
    assert [t.get_text() for t in ax.texts] == list("abcd")
    mask = np.array([True, False, False, False])
    ax = common.sequence_bars(values, highlight=mask)
    assert ax.patches[0].get_facecolor() != ax.patches[1].get_facecolor()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(values=np.zeros((2, 2))), "one sequence"),
        (dict(values=np.zeros(3), highlight=[3]), r"\[0, 3\)"),
        (dict(values=np.zeros(3), highlight=np.ones(2, bool)), r"\(3,\)"),
        (dict(values=np.zeros(3), labels=["a"]), "1 labels for 3 steps"),
    ],
)
def test_sequence_bars_bad_input(kwargs, match):
    """Are a 2-D input, a highlight outside the sequence and wrong labels reported?"""
    with pytest.raises(ValueError, match=match):
        common.sequence_bars(**kwargs)


def test_accuracy_table_text_and_html():
    """Does accuracy_table align rows and columns, format numbers, leave missing cells blank,
    and escape its HTML?"""
    table = common.accuracy_table(
        {"MLP": {"seen": 0.98765, "unseen": 0.5}, "RNN <tiny>": {"seen": 1.0}},
        title="motif detection",
    )
    text = str(table).splitlines()
    assert text[0] == "motif detection"
    assert text[1].split() == ["model", "seen", "unseen"]
    assert text[3].split() == ["MLP", "0.988", "0.500"]
    assert text[4].split() == ["RNN", "<tiny>", "1.000"]
    page = table._repr_html_()
    assert "&lt;tiny&gt;" in page and "<caption>motif detection</caption>" in page
    single = common.accuracy_table({"persistence": 0.31, "LSTM": 0.2}, digits=2)
    assert str(single).splitlines()[2].split() == ["persistence", "0.31"]
    with pytest.raises(ValueError, match="non-empty"):
        common.accuracy_table({})
