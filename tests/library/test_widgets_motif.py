"""Tests for notebook 01's plot helpers (rnnlib.plot.sequences) and the motif-position slider
(rnnlib.widgets.motif). Headless: Agg backend, no display."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib as rl  # noqa: E402
from rnnlib.plot import sequences as ps  # noqa: E402
from rnnlib.widgets import motif as wm  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- plot helpers


def test_plot_helpers_are_exported():
    """Are the helpers reachable as rl.plot.<name> and rl.widgets.<name>?"""
    for name in ("sequence_matrix", "padded_batch", "motif_sequence", "accuracy_by_position",
                 "motif_probabilities"):
        assert getattr(rl.plot, name) is getattr(ps, name)
    assert rl.widgets.motif_slider is wm.motif_slider
    assert rl.widgets.motif_variants is wm.motif_variants


def test_sequence_matrix_draws_on_the_given_axes():
    """Does sequence_matrix draw the (T, D) matrix on the ax it is given and return it?"""
    _, ax = plt.subplots()
    X = rl.data.one_hot(np.array([2, 0, 1]), 4)  # (T=3, V=4)
    out = ps.sequence_matrix(X, row_labels=["c", "a", "b"], col_labels=list("wxyz"), ax=ax,
                             title="one-hot")
    assert out is ax
    image = ax.get_images()[0].get_array()
    assert image.shape == (3, 4) and np.array_equal(image, X)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "a", "b"]
    assert len(ax.texts) == 12  # small matrices are annotated
    assert ax.get_title() == "one-hot"


def test_sequence_matrix_uses_a_diverging_map_for_signed_values():
    """Are dense (signed) vectors drawn with a symmetric colour range?"""
    ax = ps.sequence_matrix(np.array([[-2.0, 1.0], [0.5, 0.0]]))
    assert ax.get_images()[0].get_clim() == (-2.0, 2.0)


def test_sequence_matrix_rejects_a_1d_input():
    """Is a 1-D input refused with a message naming the expected (T, D) shape?"""
    with pytest.raises(ValueError, match=r"\(T, D\)"):
        ps.sequence_matrix(np.zeros(3))


def test_padded_batch_greys_the_padding():
    """Does padded_batch write every id and grey exactly the padded ones?"""
    X, mask = rl.data.pad_sequences([[5, 6, 7], [8]], maxlen=3)
    ax = ps.padded_batch(X, mask)
    assert [t.get_text() for t in ax.texts] == ["5", "6", "7", "0", "0", "8"]
    grey = [t.get_color() == "#999999" for t in ax.texts]
    assert grey == [False, False, False, True, True, False]


def test_padded_batch_rejects_mismatched_shapes():
    """Is a mask of another shape than X refused?"""
    with pytest.raises(ValueError, match="padded_batch"):
        ps.padded_batch(np.zeros((2, 3), int), np.ones((2, 4), bool))


def test_motif_sequence_highlights_the_motif():
    """Are exactly the motif's boxes highlighted?"""
    ax = ps.motif_sequence(np.array([4, 1, 2, 3, 5]), position=1, motif_length=3)
    faces = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    highlighted = [f == ps._MOTIF for f in faces]
    assert highlighted == [False, True, True, True, False]
    assert [t.get_text() for t in ax.texts] == ["4", "1", "2", "3", "5"]


def test_accuracy_by_position_plots_one_line_per_model_and_shades_training_positions():
    """One line per model, and one shaded band per training position?"""
    positions = np.arange(6)
    acc = {"MLP": np.linspace(0, 1, 6), "RNN": np.ones(6), "bag": np.full(6, 0.5),
           "other": np.zeros(6), "fifth": np.ones(6)}  # more models than colours
    ax = ps.accuracy_by_position(positions, acc, train_positions=[0, 1, 5])
    lines = [ln for ln in ax.get_lines() if ln.get_label() in acc]
    assert [ln.get_label() for ln in lines] == list(acc)
    assert np.allclose(lines[0].get_ydata(), acc["MLP"])
    assert len(ax.patches) == 3


def test_accuracy_by_position_rejects_wrong_lengths():
    """Is an accuracy array of the wrong length refused, naming the model?"""
    with pytest.raises(ValueError, match="'RNN'"):
        ps.accuracy_by_position(np.arange(4), {"RNN": np.ones(3)})


def test_motif_probabilities_draws_one_bar_per_model():
    """One bar per model, its length the probability?"""
    ax = ps.motif_probabilities({"MLP": 0.2, "RNN": 0.9})
    assert [round(b.get_width(), 6) for b in ax.patches] == [0.2, 0.9]


# ----------------------------------------------------------------------------- widget


def test_motif_variants_places_the_motif_at_every_position():
    """Does row p of motif_variants hold the motif at p..p+k-1 and the base elsewhere?"""
    base = np.array([7, 7, 7, 7, 7])
    variants = wm.motif_variants(base, [1, 2])
    assert variants.shape == (4, 5)
    for p in range(4):
        expected = base.copy()
        expected[p:p + 2] = [1, 2]
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
    slider = rl.widgets.motif_slider(base, [1, 2, 3], predictors={"MLP": mlp, "RNN": rnn},
                                     train_positions=[0, 1, 2])
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
    slider = wm.MotifSlider(np.full(8, 5), [1, 2, 3], probabilities={"RNN": np.linspace(0, 1, 6)},
                            train_positions=[0, 1])
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
