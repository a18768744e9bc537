"""Tests of rnnlib.plot.sequences, notebook 01's plot helpers (headless: tests/conftest.py
selects the Agg backend and closes the figures)."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import rnnlib as rl
from rnnlib.plot import sequences as ps


def test_plot_helpers_are_exported():
    """Are the helpers reachable as rl.plot.<name>?"""
    for name in (
        "sequence_matrix",
        "padded_batch",
        "motif_sequence",
        "accuracy_by_position",
        "motif_probabilities",
    ):
        assert getattr(rl.plot, name) is getattr(ps, name)


def test_sequence_matrix_draws_on_the_given_axes():
    """Does sequence_matrix draw the (T, D) matrix on the ax it is given and return it?"""
    _, ax = plt.subplots()
    X = rl.data.one_hot(np.array([2, 0, 1]), 4)  # (T=3, V=4)
    out = ps.sequence_matrix(
        X, row_labels=["c", "a", "b"], col_labels=list("wxyz"), ax=ax, title="one-hot"
    )
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
    acc = {
        "MLP": np.linspace(0, 1, 6),
        "RNN": np.ones(6),
        "bag": np.full(6, 0.5),
        "other": np.zeros(6),
        "fifth": np.ones(6),
    }  # more models than colours
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
