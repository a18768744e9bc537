"""Tests of rnnlib.music.encoding: voices as tokens on a grid, and back."""

import numpy as np
import pytest

from rnnlib import music
from rnnlib.music import HOLD, PAD, REST


def test_tokens_cover_pitches_and_specials():
    """Are PAD, REST, HOLD 0, 1, 2 and every pitch of the range a token of its own?"""
    assert (PAD, REST, HOLD) == (0, 1, 2)
    assert music.pitch_token(music.LOWEST_PITCH) == 3
    assert music.pitch_token(music.HIGHEST_PITCH) == music.VOCAB_SIZE - 1
    assert music.token_pitch(music.pitch_token(60)) == 60
    assert music.token_pitch(HOLD) is None and music.token_pitch(REST) is None
    assert len(music.token_names()) == music.VOCAB_SIZE and music.token_names()[60 - 25] == "C4"
    with pytest.raises(ValueError, match="outside"):
        music.pitch_token(music.HIGHEST_PITCH + 1)


def test_encode_voice_marks_onsets_holds_and_rests():
    """Does a note become its pitch token then HOLDs, and silence REST at every step?"""
    events = [(0.0, 1.0, 60), (1.0, 0.5, 62), (2.0, 1.0, None), (3.0, 0.5, 62)]
    tokens = music.encode_voice(events, 16, steps_per_quarter=4)
    C4, D4 = music.pitch_token(60), music.pitch_token(62)
    expected = [
        C4,
        HOLD,
        HOLD,
        HOLD,
        D4,
        HOLD,
        REST,
        REST,
        REST,
        REST,
        REST,
        REST,
        D4,
        HOLD,
        REST,
        REST,
    ]
    assert tokens.tolist() == expected and tokens.dtype == np.int64


def test_encode_voice_refuses_what_does_not_fit():
    """Are notes off the grid, overlapping or past the end errors that say so?"""
    with pytest.raises(music.GridError, match="not on a grid"):
        music.encode_voice([(0.0, 1 / 3, 60)], 8, 2)
    with pytest.raises(ValueError, match="overlaps"):
        music.encode_voice([(0.0, 2.0, 60), (1.0, 1.0, 62)], 8, 2)
    with pytest.raises(ValueError, match="after the grid"):
        music.encode_voice([(3.0, 2.0, 60)], 8, 2)


def test_decode_voice_inverts_encode_voice():
    """Is decode(encode(events)) the events, with adjacent rests merged, and encode(decode(t))
    the tokens for random valid token sequences?"""
    rng = np.random.default_rng(0)
    for _ in range(200):
        T = int(rng.integers(1, 40))
        raw = rng.choice([REST, HOLD, 20, 30, 40], size=T, p=[0.2, 0.5, 0.1, 0.1, 0.1])
        events = music.decode_voice(raw, 2)
        tokens = music.encode_voice(events, T, 2)  # a HOLD after silence becomes REST
        assert np.array_equal(tokens[raw >= 3], raw[raw >= 3])
        assert music.decode_voice(tokens, 2) == events
        pairs = zip(events, events[1:], strict=False)
        assert not any(a[2] is None and b[2] is None for a, b in pairs)  # rests merged
        assert sum(d for _, d, _ in events) == T / 2


def test_decode_voice_reads_hold_after_rest_as_rest_and_stops_at_pad():
    """Does a HOLD with nothing to hold extend the silence, and PAD end the voice?"""
    assert music.decode_voice([HOLD, REST, 40, HOLD, PAD, 40], 1) == [
        (0.0, 2.0, None),
        (2.0, 2.0, 40 - music.PITCH_TOKEN_OFFSET),
    ]


def test_transpose_and_bar_positions():
    """Does transposition move pitches only, refuse to leave the range, and do bar positions
    start at `first`?"""
    tokens = np.array([[REST, 30], [HOLD, 31]])
    assert music.transpose_tokens(tokens, 2).tolist() == [[REST, 32], [HOLD, 33]]
    with pytest.raises(ValueError, match="leaves"):
        music.transpose_tokens(np.array([music.VOCAB_SIZE - 1]), 1)
    assert music.bar_positions(6, 4, first=3).tolist() == [3, 0, 1, 2, 3, 0]
