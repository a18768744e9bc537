"""Tests of rnnlib.datasets.chorales: the shipped Bach chorales, regridded, transposed and
split by hymn tune."""

import numpy as np
import pytest

from rnnlib import datasets, music
from rnnlib.datasets import chorales as mod


@pytest.fixture(scope="module")
def eighths():
    return datasets.load_chorales()


def test_the_shipped_file_holds_344_chorales():
    """Does the shipped file hold 344 four-voice chorales in 4/4 or 3/4, consistently?"""
    a = datasets.chorale_arrays()
    C = len(a["names"])
    assert C == 344 and a["starts"][-1] == len(a["pitch"]) == len(a["onset"])
    assert set(np.unique(a["beats"]).tolist()) <= {3, 4}
    assert a["pitch"].shape[1] == 4 and not (a["onset"] & (a["pitch"] == 0)).any()
    assert mod.CHORALES_PATH.stat().st_size < 250_000
    # music21's chorale iterator lists a few files twice (326 distinct names); both copies
    # share a tune, so they always fall into the same split
    assert len(set(a["names"].tolist())) == 326 and "bwv153.1" in a["names"]


def test_splits_are_disjoint_by_tune_and_seeded(eighths):
    """Are train, val and test about 80/10/10, with no hymn tune (opening intervals) in two
    splits, and the same split for the same seed?"""
    sizes = {k: len(v) for k, v in eighths.items()}
    assert sum(sizes.values()) == 344 and 25 <= sizes["val"] <= 40 and 25 <= sizes["test"] <= 40

    def tunes(split):
        return {
            mod.tune_key(music.sounding_pitches(c.tokens[:, 0]), c.tokens[:, 0] >= 3)
            for c in eighths[split]
        }

    assert not tunes("train") & tunes("test") and not tunes("train") & tunes("val")
    again = datasets.load_chorales(seed=0)
    assert [c.name for c in again["test"]] == [c.name for c in eighths["test"]]
    other = datasets.load_chorales(seed=1)
    assert [c.name for c in other["test"]] != [c.name for c in eighths["test"]]


def test_common_key_and_grid(eighths):
    """Is every chorale in C major or A minor on an eighth grid, its positions within the
    bar, and the untransposed sixteenth grid the shipped pitches?"""
    for c in eighths["train"][:40]:
        assert c.tokens.dtype == np.int64 and c.tokens.shape[1] == 4
        assert c.positions.max() < c.steps_per_bar in (6, 8)
        assert -6 <= c.shift <= 5
        assert c.tokens.min() >= music.REST and c.tokens.max() < music.VOCAB_SIZE
    a = datasets.chorale_arrays()
    raw = datasets.load_chorales(steps_per_quarter=4, common_key=False)
    c = (
        next(c for c in raw["train"] if c.name == a["names"][0])
        if any(c.name == a["names"][0] for c in raw["train"])
        else None
    )
    if c is not None:
        rows = slice(a["starts"][0], a["starts"][1])
        assert np.array_equal(music.sounding_pitches(c.tokens), a["pitch"][rows])


def test_regrid_keeps_late_onsets():
    """Does a note that starts between two coarse steps start at the next coarse step, and a
    held note stay held?"""
    pitch = np.array([[60], [60], [62], [62]])
    onset = np.array([[True], [False], [True], [False]])
    coarse, started = mod.regrid(pitch, onset, 2)
    assert coarse.ravel().tolist() == [60, 62] and started.ravel().tolist() == [True, True]
    pitch = np.array([[60], [60], [60], [0]])
    onset = np.array([[True], [False], [False], [False]])
    coarse, started = mod.regrid(pitch, onset, 2)
    assert coarse.ravel().tolist() == [60, 60] and started.ravel().tolist() == [True, False]


def test_common_key_shift_and_bad_grid():
    """Does every key go to C major or A minor within -6 ... +5, and is a grid of 3 refused?"""
    for tonic in range(12):
        assert (tonic + mod.common_key_shift(tonic, False)) % 12 == 0
        assert (tonic + mod.common_key_shift(tonic, True)) % 12 == 9
        assert -6 <= mod.common_key_shift(tonic, True) <= 5
    with pytest.raises(ValueError, match="steps_per_quarter"):
        datasets.load_chorales(steps_per_quarter=3)


def test_missing_file_says_how_to_rebuild(monkeypatch, tmp_path):
    """Does a missing file give an error that names the build script?"""
    monkeypatch.setattr(mod, "CHORALES_PATH", tmp_path / "chorales.npz")
    with pytest.raises(FileNotFoundError, match="tools/build_data/chorales.py"):
        datasets.load_chorales()
