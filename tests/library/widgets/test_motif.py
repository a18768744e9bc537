"""Tests of rnnlib.widgets.motif, notebook 01's motif-position slider (headless: tests/conftest.py
selects the Agg backend and closes the figures)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import rnnlib as rl
from rnnlib.widgets import motif as wm


def test_widgets_are_exported():
    """Are the motif demos reachable as rl.widgets.<name>?"""
    assert rl.widgets.motif_slider is wm.motif_slider
    assert rl.widgets.motif_variants is wm.motif_variants


def test_motif_variants_places_the_motif_at_every_position():
    """Does row p of motif_variants hold the motif at p..p+k-1 and the base elsewhere?"""
    base = np.array([7, 7, 7, 7, 7])
    variants = wm.motif_variants(base, [1, 2])
    assert variants.shape == (4, 5)
    for p in range(4):
        expected = base.copy()
        expected[p : p + 2] = [1, 2]
        assert np.array_equal(variants[p], expected)
    assert np.array_equal(base, [7] * 5)  # the base is not modified


def test_motif_variants_rejects_a_motif_longer_than_the_base():
    """Is a motif that does not fit refused?"""
    with pytest.raises(ValueError, match="motif length"):
        wm.motif_variants([1, 2], [1, 2, 3])


class _Predictor:
    """A stand-in model: P(motif) = the motif's start position / 10; records its calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, X):
        self.calls.append(X.copy())
        starts = np.argmax(X == 1, axis=1)  # (P,)
        return (starts / 10.0)[:, None]  # (P, 1), like a Keras model's output


def test_slider_calls_each_predictor_once_with_every_placement():
    """Is each predictor called once, on all placements, and its output kept per position?"""
    base = np.full(8, 5)
    mlp, rnn = _Predictor(), _Predictor()
    slider = rl.widgets.motif_slider(
        base, [1, 2, 3], predictors={"MLP": mlp, "RNN": rnn}, train_positions=[0, 1, 2]
    )
    assert len(mlp.calls) == 1 and len(rnn.calls) == 1
    assert np.array_equal(mlp.calls[0], wm.motif_variants(base, [1, 2, 3]))
    assert np.allclose(slider.probabilities["RNN"], np.arange(6) / 10.0)
    assert slider.slider.min == 0 and slider.slider.max == 5


def test_moving_the_slider_redraws_without_calling_the_models_again():
    """Does a new slider value redraw from the stored predictions only?"""
    mlp = _Predictor()
    slider = wm.MotifSlider(np.full(8, 5), [1, 2, 3], predictors={"MLP": mlp}, position=2)
    assert slider.position == 2
    slider.slider.value = 4  # what a user's drag does
    assert slider.position == 4
    assert len(mlp.calls) == 1
    assert plt.get_fignums() == []  # every drawn figure is closed after display


def test_slider_figure_names_seen_and_unseen_positions():
    """Does the figure's title say whether the position was seen in training?"""
    slider = wm.MotifSlider(
        np.full(8, 5),
        [1, 2, 3],
        probabilities={"RNN": np.linspace(0, 1, 6)},
        train_positions=[0, 1],
    )
    seen = slider.figure(1)
    unseen = slider.figure(3)
    assert "(seen in training)" in seen.axes[0].get_title()
    assert "never seen" in unseen.axes[0].get_title()
    bars = [p for p in unseen.axes[1].patches]
    assert np.isclose(bars[0].get_width(), 0.6)


def test_slider_is_a_displayable_widget():
    """Does the slider render as a Jupyter widget (so display() shows it) without blocking?"""
    slider = wm.MotifSlider(np.full(6, 5), [1, 2], probabilities={"RNN": np.zeros(5)})
    bundle = slider._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_slider_rejects_wrong_probability_lengths_and_ambiguous_inputs():
    """Are probabilities of the wrong length, or both/neither sources, refused?"""
    with pytest.raises(ValueError, match="6 values"):
        wm.MotifSlider(np.full(8, 5), [1, 2, 3], probabilities={"RNN": np.zeros(5)})
    with pytest.raises(ValueError, match="exactly one"):
        wm.MotifSlider(np.full(8, 5), [1, 2, 3])
