"""Tests of rnnlib.widgets.truncation, notebook 04's truncation slider (headless:
tests/conftest.py selects the Agg backend and closes the figures)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlib.widgets import truncation


def _norms(T=12):
    lag = np.subtract.outer(np.arange(T), np.arange(T))
    return np.where(lag >= 0, 0.8 ** np.clip(lag, 0, None), 0.0)


def test_truncation_slider_redraws_with_the_new_window(monkeypatch):
    """Does moving the slider redraw the matrix with the new window's overlay?"""
    import ipywidgets as widgets

    shown = []

    def capture(fig, *a, **k):
        matrix_ax = fig.axes[1]
        shown.append(np.isfinite(np.asarray(matrix_ax.images[1].get_array().filled(np.nan))))

    monkeypatch.setattr("IPython.display.display", capture)
    box = truncation.truncation_slider(_norms(), window=3)
    slider = next(w for w in box.children if isinstance(w, widgets.IntSlider))
    assert (slider.min, slider.max, slider.value) == (1, 12, 3)
    slider.value = 6
    assert len(shown) == 2 and shown[0].sum() > shown[1].sum()  # a longer window drops less
    assert not plt.get_fignums()
    with pytest.raises(ValueError, match="window"):
        truncation.truncation_slider(_norms(), window=13)
