"""Tests of rnnlib.music.scores: music21 chorales to token grids and back, and MIDI files."""

import numpy as np
import pytest

from rnnlib import music

pytest.importorskip("music21")


@pytest.fixture(scope="module")
def bwv66():
    from music21 import corpus

    return corpus.parse("bach/bwv66.6")


def test_encode_score_reads_four_voices_and_the_pickup(bwv66):
    """Does bwv66.6 become a (T, 4) grid in 4/4 that starts one beat before a downbeat?"""
    grid = music.encode_score(bwv66, 4)
    assert grid.tokens.shape == (144, 4) and grid.beats_per_bar == 4 and grid.first == 12
    assert grid.positions()[4] == 0  # the first downbeat comes after the one-beat pickup
    soprano = music.sounding_pitches(grid.tokens[:, 0])
    assert soprano[0] == 73  # C#5
    assert (grid.tokens[0] >= 3).all()  # every voice starts with a note


@pytest.mark.parametrize("first", [0, 12, 3])
def test_decode_score_round_trips(bwv66, first):
    """Is encode_score(decode_score(grid)) the grid again, pickup and meter included?"""
    grid = music.encode_score(bwv66, 4)
    score = music.decode_score(grid.tokens, 4, grid.beats_per_bar, first)
    again = music.encode_score(score, 4)
    assert np.array_equal(again.tokens, grid.tokens)
    assert (again.first, again.beats_per_bar) == (first, 4)
    assert [p.partName for p in score.parts] == ["Soprano", "Alto", "Tenor", "Bass"]


def test_decode_score_round_trips_in_three_four():
    """Does a grid in 3/4 with rests and held notes over barlines round-trip?"""
    rng = np.random.default_rng(1)
    tokens = rng.choice([music.REST, music.HOLD, 40, 45, 50], size=(30, 4))
    tokens[0] = 40
    score = music.decode_score(tokens, 2, 3, 0)
    again = music.encode_score(score, 2)
    # a HOLD right after a rest is read as more rest
    expected = np.stack(
        [music.encode_voice(music.decode_voice(tokens[:, v], 2), 30, 2) for v in range(4)], axis=1
    )
    assert np.array_equal(again.tokens, expected) and again.beats_per_bar == 3


def test_off_grid_and_wrong_shapes_are_refused(bwv66):
    """Is a score with notes off the grid a GridError, and a wrong grid a ValueError?"""
    with pytest.raises(music.GridError):
        music.encode_score(bwv66, 1)  # bwv66.6 has eighth notes
    with pytest.raises(ValueError, match=r"\(T, 4\)"):
        music.decode_score(np.zeros((3, 3), dtype=int))


def test_write_midi_writes_a_midi_file(tmp_path, bwv66):
    """Does write_midi write a standard MIDI file that music21 reads back with four parts?"""
    from music21 import converter

    grid = music.encode_score(bwv66, 4)
    path = music.write_midi(grid.tokens[:32], tmp_path / "x.mid", 4, 4, grid.first)
    assert path.read_bytes()[:4] == b"MThd"
    assert len(converter.parse(path).parts) == 4
