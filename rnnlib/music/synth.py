"""Audio of a token grid, synthesised in NumPy: no synthesiser, no sound font (notebook 09).

Each voice is rendered note by note (:func:`rnnlib.music.decode_voice` gives the notes) with a
simple instrument and an envelope, and the four voices are mixed:

* ``"organ"``: additive synthesis, a few harmonics of falling strength, with an
  attack-decay-sustain-release envelope (no click at the start or end of a note);
* ``"pluck"``: a Karplus-Strong plucked string: a burst of noise through a delay line of one
  period whose averaging filter makes the tone decay, brighter notes faster.

The result plays in a notebook with ``IPython.display.Audio(audio, rate=sample_rate)``.
"""

from __future__ import annotations

import numpy as np

from rnnlib.music.encoding import N_VOICES, decode_voice

INSTRUMENTS = ("organ", "pluck")
DEFAULT_INSTRUMENTS = ("organ", "organ", "organ", "pluck")  # soprano, alto, tenor, bass
SAMPLE_RATE = 22050


def midi_frequency(pitch) -> np.ndarray:
    """Hz of MIDI pitches in equal temperament, A4 = 69 = 440 Hz."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=np.float64) - 69.0) / 12.0)


def adsr(
    n: int,
    sample_rate: int = SAMPLE_RATE,
    attack: float = 0.02,
    decay: float = 0.08,
    sustain: float = 0.7,
    release: float = 0.06,
) -> np.ndarray:
    """An attack-decay-sustain-release envelope of n samples, 0 at both ends: (n,)."""
    t = np.arange(n) / sample_rate
    length = n / sample_rate
    a, d, r = (max(min(x, length / 3), 1.0 / sample_rate) for x in (attack, decay, release))
    env = np.where(t < a, t / a, np.where(t < a + d, 1 - (1 - sustain) * (t - a) / d, sustain))
    return env * np.clip((length - t) / r, 0.0, 1.0)


def organ_note(
    pitch: int,
    seconds: float,
    sample_rate: int = SAMPLE_RATE,
    harmonics=(1.0, 0.5, 0.3, 0.15, 0.08),
) -> np.ndarray:
    """Additive synthesis of one note: harmonics k = 1, 2, ... with the given strengths."""
    n = max(int(round(seconds * sample_rate)), 1)
    t = np.arange(n) / sample_rate
    f = float(midi_frequency(pitch))
    wave = sum(
        a * np.sin(2 * np.pi * k * f * t)
        for k, a in enumerate(harmonics, start=1)
        if k * f < sample_rate / 2
    )
    return wave / sum(harmonics) * adsr(n, sample_rate)


def pluck_note(pitch: int, seconds: float, sample_rate: int = SAMPLE_RATE, rng=None) -> np.ndarray:
    """Karplus-Strong: y[n] = (y[n - P] + y[n - P - 1]) / 2, started from one period of noise."""
    rng = np.random.default_rng(int(pitch)) if rng is None else rng
    n = max(int(round(seconds * sample_rate)), 1)
    period = max(int(round(sample_rate / float(midi_frequency(pitch)))), 2)
    blocks = -(-n // period) + 1
    y = np.empty(blocks * period)
    burst = rng.uniform(-1, 1, period)
    y[:period] = burst - burst.mean()  # no DC: the averaging filter would keep it for ever
    for k in range(1, blocks):  # one period at a time: the loop runs n / P times
        prev = y[(k - 1) * period : k * period]
        before = np.concatenate(
            [y[(k - 1) * period - 1 : (k - 1) * period] if k > 1 else prev[:1], prev[:-1]]
        )
        y[k * period : (k + 1) * period] = 0.5 * (prev + before) * 0.998
    return y[:n] * adsr(n, sample_rate, attack=0.002, decay=0.05, sustain=1.0, release=0.03)


def synthesize(
    tokens,
    steps_per_quarter: int = 2,
    bpm: float = 72.0,
    sample_rate: int = SAMPLE_RATE,
    instruments=DEFAULT_INSTRUMENTS,
    gains=(1.0, 0.7, 0.7, 0.9),
) -> np.ndarray:
    """The grid (T, 4) as mono audio, float32 (S,), peak 0.9, at ``bpm`` quarter notes a
    minute: S = T / steps_per_quarter * 60 / bpm * sample_rate (plus a short tail)."""
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] != N_VOICES:
        raise ValueError(f"synthesize: tokens should be (T, {N_VOICES}), got {tokens.shape}")
    unknown = set(instruments) - set(INSTRUMENTS)
    if unknown or len(instruments) != N_VOICES:
        raise ValueError(f"synthesize: instruments should be {N_VOICES} of {INSTRUMENTS}")
    quarter = 60.0 / float(bpm)
    total = int(np.ceil((len(tokens) / steps_per_quarter * quarter + 0.5) * sample_rate))
    mix = np.zeros(total)
    for v in range(N_VOICES):
        for offset, duration, pitch in decode_voice(tokens[:, v], steps_per_quarter):
            if pitch is None:
                continue
            seconds = duration * quarter
            note = (
                organ_note(pitch, seconds, sample_rate)
                if instruments[v] == "organ"
                else pluck_note(pitch, seconds, sample_rate)
            )
            start = int(round(offset * quarter * sample_rate))
            mix[start : start + len(note)] += gains[v] * note[: total - start]
    peak = np.abs(mix).max()
    return (0.9 * mix / peak if peak > 0 else mix).astype(np.float32)
