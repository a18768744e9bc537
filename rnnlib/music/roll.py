"""The piano roll of a token grid: which voice sounds which pitch at each step (notebook 09)."""

from __future__ import annotations

import numpy as np

from rnnlib.music.encoding import HIGHEST_PITCH, LOWEST_PITCH, N_VOICES, sounding_pitches


def to_piano_roll(tokens) -> np.ndarray:
    """A piano roll (P, T) int8 of a grid (T, 4): row p is MIDI pitch LOWEST_PITCH + p; the
    entry is v + 1 where voice v sounds that pitch (the lower voice wins if two share one),
    0 where none does."""
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] != N_VOICES:
        raise ValueError(f"to_piano_roll: tokens should be (T, {N_VOICES}), got {tokens.shape}")
    pitch = sounding_pitches(tokens)  # (T, 4), 0 = silent
    roll = np.zeros((HIGHEST_PITCH - LOWEST_PITCH + 1, len(tokens)), dtype=np.int8)
    for v in range(N_VOICES):  # soprano first, so the lower voices overwrite a shared pitch
        t = np.nonzero(pitch[:, v])[0]
        roll[pitch[t, v] - LOWEST_PITCH, t] = v + 1
    return roll
