"""Tests for notebook 03's figures (rnnlib.plot.topologies). Headless: Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib as rl  # noqa: E402
from rnnlib.plot import topologies as pt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_topologies_draws_four_titled_panels_with_shapes():
    """Four panels, each titled with its topology and labelled with its shapes?"""
    axes = rl.plot.four_topologies()
    assert [ax.get_title() for ax in axes] == [v[0] for v in pt.TOPOLOGIES.values()]
    for ax, (_, shape_in, shape_out) in zip(axes, pt.TOPOLOGIES.values(), strict=True):
        texts = [t.get_text() for t in ax.texts]
        assert f"in: {shape_in}" in texts and f"out: {shape_out}" in texts


def test_topology_boxes_count_inputs_and_outputs():
    """Many-to-one has T inputs and 1 output; one-to-many 1 input and T outputs?"""
    ax = pt.topology("many_to_one", steps=5)
    assert sum(t.get_text() == "$y$" for t in ax.texts) == 1
    assert sum(t.get_text().startswith("$x_") for t in ax.texts) == 5
    ax = pt.topology("one_to_many", steps=5)
    assert sum(t.get_text().startswith("$x_") for t in ax.texts) == 1
    assert sum(t.get_text().startswith("$y_") for t in ax.texts) == 5
    with pytest.raises(ValueError, match="one of"):
        pt.topology("many_to_few")


def test_forecast_draws_one_line_per_model_with_its_mae():
    """Is each forecast a line whose legend gives its MAE?"""
    years = np.arange(2000, 2005)
    actual = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    ax = rl.plot.forecast(years, actual, {"persistence": actual - 1})
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["actual", "persistence (MAE 1.0)"]
    with pytest.raises(ValueError, match="persistence"):
        rl.plot.forecast(years, actual, {"persistence": actual[:3]})


def test_temperature_bars_height_is_the_probability():
    """One bar per token, as high as its probability?"""
    ax = rl.plot.temperature_bars([0.2, 0.8], labels=["(", ")"])
    assert [round(b.get_height(), 6) for b in ax.patches] == [0.2, 0.8]
