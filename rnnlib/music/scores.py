"""Chorales between music21 scores and the token grid of :mod:`rnnlib.music.encoding`.

:func:`encode_score` reads a four-part score (soprano, alto, tenor, bass, one meter) into a
:class:`ScoreGrid`; :func:`decode_score` builds the music21 score back, with the pickup bar,
the meter and ties over barlines, so that ``encode_score(decode_score(g))`` gives ``g`` again
for every grid. :func:`write_midi` writes a grid as a MIDI file through music21. music21 is
imported inside the functions. Notebook 09.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from rnnlib.music.encoding import (
    N_VOICES,
    VOICES,
    GridError,
    _steps,
    bar_positions,
    decode_voice,
    encode_voice,
)

__all__ = ["ScoreGrid", "score_meter", "score_events", "encode_score", "decode_score", "write_midi"]


class ScoreGrid(NamedTuple):
    """A chorale on the grid: ``tokens`` int64 (T, 4), soprano first; the bar of
    ``beats_per_bar`` quarter notes; ``first`` the bar position of step 0 (in steps); the grid's
    ``steps_per_quarter``."""

    tokens: np.ndarray
    beats_per_bar: int
    first: int
    steps_per_quarter: int

    @property
    def steps_per_bar(self) -> int:
        return self.beats_per_bar * self.steps_per_quarter

    def positions(self) -> np.ndarray:
        """The bar position of every step, (T,)."""
        return bar_positions(len(self.tokens), self.steps_per_bar, self.first)


def score_meter(score) -> int:
    """The number of quarter notes per bar of a score in one meter of quarter-note beats
    (4/4, 3/4, 2/4, ...); raises :class:`GridError` for none, several, or another beat."""
    from music21 import meter

    found = {ts.ratioString for ts in score.recurse().getElementsByClass(meter.TimeSignature)}
    if len(found) != 1:
        raise GridError(f"score_meter: expected one time signature, found {sorted(found)}")
    num, den = (int(v) for v in found.pop().split("/"))
    if den != 4:
        raise GridError(f"score_meter: only meters of quarter-note beats, got {num}/{den}")
    return num


def _pickup(part, bar: float) -> float:
    """How much of the first bar is missing before the first note (quarter notes): the
    pickup bar's ``paddingLeft``, or what its length falls short of a full bar."""
    measures = part.getElementsByClass("Measure")
    if not measures:
        return 0.0
    first = measures[0]
    pad = float(first.paddingLeft or 0.0)
    if pad == 0.0 and float(first.duration.quarterLength) < bar:
        pad = bar - float(first.duration.quarterLength)
    return pad


def score_events(score) -> list[list[tuple]]:
    """The four voices of a score as event lists ``(offset, duration, pitch or None)`` in
    quarter notes, ties merged; raises :class:`GridError` unless it has exactly four parts of
    single notes."""
    parts = list(score.parts)
    if len(parts) != N_VOICES:
        raise GridError(
            f"score_events: expected {N_VOICES} parts ({', '.join(VOICES)}), got {len(parts)}"
        )
    voices = []
    for part in parts:
        events = []
        for n in part.stripTies().flatten().notesAndRests:
            if float(n.quarterLength) == 0.0:  # a grace note: no time of its own
                continue
            if n.isChord:
                raise GridError("score_events: a chord inside one voice")
            pitch = int(n.pitch.midi) if n.isNote else None
            events.append((float(n.offset), float(n.quarterLength), pitch))
        voices.append(events)
    return voices


def encode_score(score, steps_per_quarter: int = 4) -> ScoreGrid:
    """A four-part score on a grid of ``steps_per_quarter`` steps per quarter note.

    Returns a :class:`ScoreGrid`; raises :class:`GridError` when a note is off the grid or the
    score is not four voices in one meter of quarter-note beats.
    """
    beats = score_meter(score)
    pickup = _pickup(score.parts[0], float(beats))
    voices = score_events(score)
    end = max((o + d for events in voices for o, d, _ in events), default=0.0)
    n_steps = _steps("encode_score", end, steps_per_quarter, "the length")
    tokens = np.stack(
        [encode_voice(events, n_steps, steps_per_quarter) for events in voices], axis=1
    )  # (T, 4)
    first = _steps("encode_score", pickup, steps_per_quarter, "the pickup") % (
        beats * steps_per_quarter
    )  # the missing beats of a pickup bar
    return ScoreGrid(tokens, beats, first, int(steps_per_quarter))


def decode_score(tokens, steps_per_quarter: int = 4, beats_per_bar: int = 4, first: int = 0):
    """A music21 ``Score`` of four parts (soprano first) from a token grid (T, 4).

    beats_per_bar: quarter notes per bar (4 or 3); first: the bar position of step 0, so a
    chorale with a pickup starts with a short bar. Notes over a barline are tied.
    """
    from music21 import clef, meter, note, stream

    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] != N_VOICES:
        raise ValueError(f"decode_score: tokens should be (T, {N_VOICES}), got {tokens.shape}")
    gap = (first % (beats_per_bar * steps_per_quarter)) / steps_per_quarter  # quarter notes
    clefs = (clef.TrebleClef, clef.TrebleClef, clef.Treble8vbClef, clef.BassClef)
    score = stream.Score()
    for v, name in enumerate(VOICES):
        flat = stream.Part()
        flat.partName = name.capitalize()
        flat.insert(0, clefs[v]())
        flat.insert(0, meter.TimeSignature(f"{beats_per_bar}/4"))
        if gap:
            flat.insert(0, note.Rest(quarterLength=gap))  # stands in for the missing beats
        for offset, duration, pitch in decode_voice(tokens[:, v], steps_per_quarter):
            n = note.Rest() if pitch is None else note.Note(pitch)
            n.quarterLength = duration
            flat.insert(gap + offset, n)
        part = flat.makeMeasures()
        part.makeTies(inPlace=True)
        if gap:
            _drop_pickup_rest(part, gap)
        part.partName = flat.partName
        score.insert(0, part)
    return score


def _drop_pickup_rest(part, gap: float) -> None:
    """Turns the leading stand-in rest into the first bar's ``paddingLeft`` (a pickup bar)."""
    measures = list(part.getElementsByClass("Measure"))
    first = measures[0]
    rest = next(iter(first.notesAndRests))
    first.remove(rest)
    for el in first.notesAndRests:
        first.coreSetElementOffset(el, float(el.offset) - gap)
    first.coreElementsChanged()
    first.paddingLeft = gap
    for m in measures[1:]:
        part.coreSetElementOffset(m, float(m.offset) - gap)
    part.coreElementsChanged()


def write_midi(
    tokens,
    path,
    steps_per_quarter: int = 4,
    beats_per_bar: int = 4,
    first: int = 0,
    bpm: float = 72.0,
):
    """Writes a token grid (T, 4) as a MIDI file (through music21) at ``bpm`` quarter notes a
    minute; returns the path."""
    from music21 import tempo

    score = decode_score(tokens, steps_per_quarter, beats_per_bar, first)
    score.insert(0, tempo.MetronomeMark(number=bpm))
    return Path(score.write("midi", fp=str(path)))
