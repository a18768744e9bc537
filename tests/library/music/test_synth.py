"""Tests of rnnlib.music.synth: NumPy audio of a token grid."""

import numpy as np
import pytest

from rnnlib import music


def _grid():
    tokens = np.full((8, 4), music.HOLD)
    tokens[0] = [music.pitch_token(p) for p in (72, 64, 55, 48)]
    tokens[4, 0] = music.pitch_token(74)
    return tokens


def test_synthesize_length_peak_and_silence():
    """Is the audio float32 of the stated length, peak 0.9, and silent for an all-rest grid?"""
    audio = music.synthesize(_grid(), steps_per_quarter=2, bpm=120, sample_rate=8000)
    assert audio.dtype == np.float32
    assert len(audio) == int(np.ceil((8 / 2 * 0.5 + 0.5) * 8000))
    assert abs(np.abs(audio).max() - 0.9) < 1e-6
    rests = np.full((4, 4), music.REST)
    assert not music.synthesize(rests, 2, sample_rate=8000).any()


def test_organ_note_has_its_pitch_and_a_clickless_envelope():
    """Is an organ A4 strongest at 440 Hz, and does it start and end at zero?"""
    note = music.organ_note(69, 1.0, 8000)
    spectrum = np.abs(np.fft.rfft(note))
    assert abs(np.argmax(spectrum) * 8000 / len(note) - 440) < 2
    assert abs(note[0]) < 1e-9 and abs(note[-1]) < 1e-2


def test_pluck_note_decays_at_its_pitch():
    """Does a plucked A3 sound at 220 Hz and grow quieter?"""
    note = music.pluck_note(57, 1.0, 8000)
    spectrum = np.abs(np.fft.rfft(note))
    assert abs(np.argmax(spectrum) * 8000 / len(note) - 220) < 10
    assert np.abs(note[:2000]).mean() > 2 * np.abs(note[-2000:]).mean()


def test_synthesize_refuses_bad_grids():
    """Are a wrong shape and an unknown instrument errors that say so?"""
    with pytest.raises(ValueError, match=r"\(T, 4\)"):
        music.synthesize(np.zeros((3, 2), dtype=int))
    with pytest.raises(ValueError, match="instruments"):
        music.synthesize(_grid(), instruments=("organ",) * 3 + ("kazoo",))
