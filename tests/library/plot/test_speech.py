"""Tests of rnnlib.plot.speech: spectrogram, confusion matrix, stream posteriors."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib as rl  # noqa: E402


def test_spectrogram_spans_the_frames_in_seconds():
    """Does the spectrogram's time axis run to F frames times the hop, in seconds?"""
    ax = rl.plot.spectrogram(np.zeros((50, 40)), title="x")
    assert ax.get_xlim() == pytest.approx((0.0, 0.5)) and ax.get_title() == "x"
    with pytest.raises(ValueError, match="n_mels"):
        rl.plot.spectrogram(np.zeros(5))


def test_confusion_matrix_writes_the_counts():
    """Does the confusion matrix write each non-zero count in its cell?"""
    ax = rl.plot.confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2], ["a", "b", "c"])
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "1", "1"]
    with pytest.raises(ValueError):
        rl.plot.confusion_matrix([0, 1], [0], ["a", "b"])


def test_stream_posteriors_marks_words_and_detections():
    """Does the stream plot shade each word said and draw each detection?"""
    probs = np.zeros((100, 3))
    probs[:, 0] = 1.0
    probs[40:60, 2] = 0.9
    ax = rl.plot.stream_posteriors(probs, [[1, 20, 39]], ["a", "b"], detections=[[1, 45]])
    assert [t.get_text() for t in ax.texts] == ["b"]
    assert len(ax.lines) == 2  # the posterior of "b" and one detection line
