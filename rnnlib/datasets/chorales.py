"""Bach's four-part chorales from music21's corpus, as token grids (notebook 09).

The chorales are parsed once by ``tools/build_data/chorales.py`` into the small file
``rnnlib/datasets/data/chorales.npz`` that ships with the course (a cold parse takes about a
minute); :func:`load_chorales` reads it, puts every chorale on the grid asked for, transposes it
to a common key if asked, and splits the collection into train, validation and test **by hymn
tune**: Bach harmonised many tunes several times, and two settings of one tune must not sit on
both sides of the split. Chorales whose soprano opens with the same intervals
(:func:`tune_key`) form one group; whole groups are drawn at random (seeded) into the splits.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from rnnlib.music.encoding import HOLD, PITCH_TOKEN_OFFSET, REST, bar_positions

CHORALES_PATH = Path(__file__).with_name("data") / "chorales.npz"
CHORALE_SPLITS = ("train", "val", "test")
TUNE_INTERVALS = 6  # soprano intervals that name a hymn tune


class Chorale(NamedTuple):
    """One chorale on a grid: ``tokens`` int64 (T, 4) (soprano, alto, tenor, bass),
    ``positions`` int64 (T,) the bar position of each step, ``steps_per_bar``, ``name`` (the
    corpus name, e.g. ``bwv66.6``), ``key`` (e.g. ``"f# minor"``, before transposition) and
    ``shift``: the semitones it was transposed by."""

    name: str
    tokens: np.ndarray
    positions: np.ndarray
    steps_per_bar: int
    key: str
    shift: int


_PITCH_CLASSES = ("c", "c#", "d", "e-", "e", "f", "f#", "g", "a-", "a", "b-", "b")


def chorale_arrays() -> dict[str, np.ndarray]:
    """The shipped arrays of ``chorales.npz`` (see tools/build_data/chorales.py)."""
    if not CHORALES_PATH.is_file():
        raise FileNotFoundError(
            f"load_chorales: '{CHORALES_PATH}' is missing; it ships with the course. Rebuild it "
            "with `.venv/bin/python tools/build_data/chorales.py` (parses music21's corpus)"
        )
    with np.load(CHORALES_PATH, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def regrid(pitch, onset, factor: int):
    """Sounding pitches and onsets (T, 4) on a grid ``factor`` times coarser: (ceil(T/f), 4).

    A coarse step sounds what sounded at its first fine step; a note starts there when a note
    started at that fine step or in the fine steps since the previous coarse step (a note that
    began between two coarse steps starts late; shorter notes in between are lost).
    """
    pitch, onset, f = np.asarray(pitch), np.asarray(onset, dtype=bool), int(factor)
    if f == 1:
        return pitch.copy(), onset.copy()
    T = len(pitch)
    keep = np.arange(0, T, f)
    started = np.zeros((len(keep), pitch.shape[1]), dtype=bool)
    for lag in range(f):  # the fine steps k-lag, ..., k since the last coarse step
        idx = keep - lag
        ok = idx >= 0 if lag else np.ones(len(keep), dtype=bool)
        started[ok] |= onset[idx[ok]]
    coarse = pitch[keep]
    return coarse, started & (coarse > 0)


def to_tokens(pitch, onset) -> np.ndarray:
    """Tokens (T, 4) from sounding pitches (0 = rest) and onsets: pitch token, HOLD or REST."""
    pitch = np.asarray(pitch, dtype=np.int64)
    tokens = np.where(pitch == 0, REST, np.where(onset, pitch + PITCH_TOKEN_OFFSET, HOLD))
    return tokens.astype(np.int64)


def common_key_shift(tonic: int, minor: bool) -> int:
    """The transposition, -6 ... +5 semitones, that takes a key to C major or A minor."""
    target = 9 if minor else 0
    return (target - int(tonic) + 6) % 12 - 6


def tune_key(soprano_pitch, soprano_onset, intervals: int = TUNE_INTERVALS) -> tuple:
    """The first ``intervals`` intervals (semitones) between the soprano's notes: a name for
    the hymn tune that does not depend on the key or the rhythm."""
    notes = np.asarray(soprano_pitch)[np.asarray(soprano_onset, dtype=bool)]
    return tuple(int(v) for v in np.diff(notes.astype(np.int64))[:intervals])


def split_by_group(groups, fractions=(0.8, 0.1, 0.1), seed: int = 0) -> list[np.ndarray]:
    """Indices of train, validation and test: whole groups drawn at random (seeded) until each
    split but the first holds its share of the items. groups: one hashable per item."""
    keys = sorted(set(groups), key=repr)
    order = np.random.default_rng(seed).permutation(len(keys))
    members: dict = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    n = len(groups)
    targets = [round(fr * n) for fr in fractions[1:]]
    splits: list[list[int]] = [[] for _ in fractions]
    for k in order:
        items = members[keys[k]]
        for s, target in enumerate(targets, start=1):
            if len(splits[s]) < target:
                splits[s].extend(items)
                break
        else:
            splits[0].extend(items)
    return [np.array(sorted(s), dtype=np.int64) for s in splits]


def load_chorales(
    steps_per_quarter: int = 2, common_key: bool = True, seed: int = 0, fractions=(0.8, 0.1, 0.1)
) -> dict[str, list[Chorale]]:
    """The Bach chorales, split by hymn tune into ``{"train", "val", "test"}`` lists of
    :class:`Chorale`.

    steps_per_quarter: the grid (4 sixteenths, as shipped; 2 eighths; 1 quarters).
    common_key: transpose major keys to C and minor keys to A minor (-6 ... +5 semitones).
    seed, fractions: the grouped split (the same seed gives the same split).
    """
    if steps_per_quarter not in (1, 2, 4):
        raise ValueError(
            f"load_chorales: steps_per_quarter should be 1, 2 or 4, got {steps_per_quarter}"
        )
    a = chorale_arrays()
    factor = 4 // int(steps_per_quarter)
    chorales, groups = [], []
    for c, name in enumerate(a["names"]):
        rows = slice(a["starts"][c], a["starts"][c + 1])
        pitch, onset = a["pitch"][rows].astype(np.int64), a["onset"][rows]
        groups.append(tune_key(pitch[:, 0], onset[:, 0]))
        tonic, minor = int(a["tonic"][c]), bool(a["minor"][c])
        shift = common_key_shift(tonic, minor) if common_key else 0
        pitch = np.where(pitch > 0, pitch + shift, 0)
        first16 = int(a["first"][c])
        if first16 % factor:  # a pickup off the coarse grid: start at the next coarse step
            skip = factor - first16 % factor
            pitch, onset = pitch[skip:], onset[skip:]
            onset = onset.copy()
            onset[0] |= pitch[0] > 0
            first16 += skip
        pitch, onset = regrid(pitch, onset, factor)
        steps_per_bar = int(a["beats"][c]) * int(steps_per_quarter)
        key = f"{_PITCH_CLASSES[tonic]} {'minor' if minor else 'major'}"
        chorales.append(
            Chorale(
                str(name),
                to_tokens(pitch, onset),
                bar_positions(len(pitch), steps_per_bar, first16 // factor),
                steps_per_bar,
                key,
                shift,
            )
        )
    parts = split_by_group(groups, fractions, seed)
    return {
        split: [chorales[i] for i in idx] for split, idx in zip(CHORALE_SPLITS, parts, strict=True)
    }


def transposed_chorales(chorales, shifts=(-3, -2, -1, 1, 2, 3)) -> list[Chorale]:
    """Augmentation by transposition: the chorales and their copies moved by each of
    ``shifts`` semitones (a copy whose pitches would leave the vocabulary is left out)."""
    from rnnlib.music.encoding import transpose_tokens

    out = list(chorales)
    for c in chorales:
        for s in shifts:
            try:
                tokens = transpose_tokens(c.tokens, s)
            except ValueError:
                continue
            out.append(c._replace(tokens=tokens, shift=c.shift + int(s)))
    return out
