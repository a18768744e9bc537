"""Builds ``rnnlib/datasets/data/chorales.npz``: music21's bundled Bach chorales as arrays.

    .venv/bin/python tools/build_data/chorales.py        # about a minute (more under load)

Every chorale of ``music21.corpus.chorales.Iterator()`` (371 files) that has four parts in one
meter of 4/4 or 3/4 and whose notes all start and end on a sixteenth-note grid is encoded with
:func:`rnnlib.music.encode_score`; the others are counted and left out. The file holds, for
all kept chorales one after the other on the sixteenth grid:

    pitch   uint8 (S, 4)  MIDI pitch sounding at each step, 0 = rest (soprano, alto, tenor, bass)
    onset   bool  (S, 4)  True where a note starts
    starts  int32 (C + 1,) chorale c is rows starts[c]:starts[c + 1]
    names   str   (C,)    corpus names (bwv66.6, bwv153.1: unique)
    beats   int8  (C,)    quarter notes per bar (4 or 3)
    first   int8  (C,)    bar position of the first step, in sixteenths (a pickup bar)
    tonic   int8  (C,)    pitch class of the key music21's analysis finds (0 = C)
    minor   bool  (C,)    True for a minor key

tests/tools/test_build_chorales.py checks that a fresh build equals the shipped file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "rnnlib" / "datasets" / "data" / "chorales.npz"
STEPS_PER_QUARTER = 4  # sixteenth notes
METERS = (4, 3)


def build(limit: int | None = None, verbose: bool = False) -> dict[str, np.ndarray]:
    """Parses the chorales (the first ``limit`` of them, all by default) into the arrays."""
    from music21 import corpus

    from rnnlib.music import GridError, encode_score, sounding_pitches

    pitch, onset, names, beats, first, tonic, minor = [], [], [], [], [], [], []
    skipped: dict[str, int] = {}
    for k, name in enumerate(corpus.chorales.Iterator(returnType="filename")):
        if limit is not None and k >= limit:
            break
        score = corpus.parse(name)
        try:
            grid = encode_score(score, STEPS_PER_QUARTER)
        except GridError as e:
            reason = str(e).split(":")[0]
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        if grid.beats_per_bar not in METERS:
            skipped["meter"] = skipped.get("meter", 0) + 1
            continue
        key = score.analyze("key")
        pitch.append(sounding_pitches(grid.tokens).astype(np.uint8))  # (T, 4)
        onset.append(grid.tokens >= 3)
        names.append(str(name).rsplit("/", 1)[-1])  # "bach/bwv153.1" -> "bwv153.1"
        beats.append(grid.beats_per_bar)
        first.append(grid.first)
        tonic.append(key.tonic.pitchClass)
        minor.append(key.mode == "minor")
    if verbose:
        print(f"kept {len(names)} chorales; left out: {skipped}", file=sys.stderr)
    lengths = [len(p) for p in pitch]
    return {
        "pitch": np.concatenate(pitch),
        "onset": np.concatenate(onset),
        "starts": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32),
        "names": np.array(names),
        "beats": np.array(beats, dtype=np.int8),
        "first": np.array(first, dtype=np.int8),
        "tonic": np.array(tonic, dtype=np.int8),
        "minor": np.array(minor, dtype=bool),
    }


def main() -> None:
    arrays = build(verbose=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(
        f"{OUT.relative_to(ROOT)}: {len(arrays['names'])} chorales, "
        f"{len(arrays['pitch'])} sixteenth steps, {OUT.stat().st_size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
