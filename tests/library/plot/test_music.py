"""Tests of rnnlib.plot.music: the piano roll of a grid."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib as rl  # noqa: E402


def test_piano_roll_draws_one_bar_per_note_and_the_seed():
    """Does the roll draw one bar per note in its voice's colour and shade the opening?"""
    tokens = np.full((8, 4), rl.music.HOLD)
    tokens[0] = [rl.music.pitch_token(p) for p in (72, 64, 55, 48)]
    tokens[4, 0] = rl.music.pitch_token(74)
    ax = rl.plot.piano_roll(tokens, steps_per_quarter=2, seed_steps=2, title="x")
    bars = [c for c in ax.collections if type(c).__name__ == "PolyCollection"]
    assert len(bars) == 5 and ax.get_title() == "x"
    assert ax.get_xlim() == (0.0, 4.0)
    assert any(p.get_label() == "given opening" for p in ax.patches)
    with pytest.raises(ValueError, match=r"\(T, 4\)"):
        rl.plot.piano_roll(np.zeros((3, 2), dtype=int))
