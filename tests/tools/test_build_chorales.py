"""Does tools/build_data/chorales.py rebuild the shipped chorale arrays exactly?"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from rnnlib import datasets

pytest.importorskip("music21")
SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "build_data" / "chorales.py"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_chorales", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same(fresh, shipped, n_chorales):
    assert set(fresh) == set(shipped)
    rows = shipped["starts"][n_chorales]
    for key in ("names", "beats", "first", "tonic", "minor"):
        assert np.array_equal(fresh[key], shipped[key][:n_chorales]), key
    assert np.array_equal(fresh["starts"], shipped["starts"][: n_chorales + 1])
    assert np.array_equal(fresh["pitch"], shipped["pitch"][:rows])
    assert np.array_equal(fresh["onset"], shipped["onset"][:rows])


def test_a_few_chorales_rebuild_exactly():
    """Do the first chorales of the corpus parse into exactly the shipped rows?"""
    fresh = _build_module().build(limit=6)
    _same(fresh, datasets.chorale_arrays(), len(fresh["names"]))


@pytest.mark.slow
def test_a_fresh_parse_equals_the_shipped_file():
    """Does a cold parse of all 371 chorales give exactly the shipped arrays (about a minute)?"""
    shipped = datasets.chorale_arrays()
    fresh = _build_module().build()
    _same(fresh, shipped, len(shipped["names"]))
