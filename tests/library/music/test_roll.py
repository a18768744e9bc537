"""Tests of rnnlib.music.roll: the piano roll of a grid."""

import numpy as np
import pytest

from rnnlib import music


def test_piano_roll_marks_each_voice_where_it_sounds():
    """Does the roll hold v + 1 at (pitch, step) while voice v sounds, 0 elsewhere?"""
    tokens = np.full((3, 4), music.REST)
    tokens[0, 0], tokens[1, 0] = music.pitch_token(72), music.HOLD
    tokens[2, 3] = music.pitch_token(48)
    roll = music.to_piano_roll(tokens)
    assert roll.shape == (music.HIGHEST_PITCH - music.LOWEST_PITCH + 1, 3)
    assert roll[72 - music.LOWEST_PITCH, :2].tolist() == [1, 1]
    assert roll[48 - music.LOWEST_PITCH, 2] == 4
    assert (roll > 0).sum() == 3
    with pytest.raises(ValueError):
        music.to_piano_roll(np.zeros(3, dtype=int))
