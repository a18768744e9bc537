"""Four voices on a fixed grid: one token per voice and time step (notebook 09).

A chorale of T steps is a grid ``(T, 4)`` of token ids, one column per voice in the order
soprano, alto, tenor, bass (:data:`VOICES`). At every step a voice holds one of

* ``REST`` (1): silence (a rest that lasts k steps is k ``REST`` tokens),
* ``HOLD`` (2): the note sounding at the previous step goes on,
* a pitch token (3 ... V-1): a new note starts at this step; its MIDI pitch is
  ``token - PITCH_TOKEN_OFFSET``, from :data:`LOWEST_PITCH` to :data:`HIGHEST_PITCH`.

``PAD`` (0) fills the steps after the end of a shorter chorale in a batch. A voice's *events*
are plain tuples ``(offset, duration, pitch)`` in quarter notes, ``pitch`` a MIDI number or
``None`` for a rest; :func:`encode_voice` and :func:`decode_voice` turn one into the other,
exactly, for every voice whose notes start and end on the grid (consecutive rests merge into
one). The grid has ``steps_per_quarter`` steps per quarter note: 4 for sixteenths, 2 for
eighths.
"""

from __future__ import annotations

import numpy as np

PAD, REST, HOLD = 0, 1, 2
LOWEST_PITCH, HIGHEST_PITCH = 28, 88  # MIDI E1 ... E6: every voice, transposed by -6 ... +6
PITCH_TOKEN_OFFSET = 3 - LOWEST_PITCH  # token = pitch + PITCH_TOKEN_OFFSET
VOCAB_SIZE = HIGHEST_PITCH - LOWEST_PITCH + 4  # PAD, REST, HOLD and the pitches: V
VOICES = ("soprano", "alto", "tenor", "bass")
N_VOICES = len(VOICES)


class GridError(ValueError):
    """A note or rest of a score does not start and end on the time grid."""


def pitch_token(pitch) -> int:
    """The token of a new note of MIDI ``pitch`` (LOWEST_PITCH ... HIGHEST_PITCH)."""
    p = int(pitch)
    if not LOWEST_PITCH <= p <= HIGHEST_PITCH:
        raise ValueError(f"pitch_token: MIDI pitch {p} is outside {LOWEST_PITCH}..{HIGHEST_PITCH}")
    return p + PITCH_TOKEN_OFFSET


def token_pitch(token) -> int | None:
    """The MIDI pitch of a pitch token; ``None`` for ``REST``, ``HOLD`` and ``PAD``."""
    t = int(token)
    if not 0 <= t < VOCAB_SIZE:
        raise ValueError(f"token_pitch: token {t} is outside 0..{VOCAB_SIZE - 1}")
    return None if t <= HOLD else t - PITCH_TOKEN_OFFSET


def token_names() -> list[str]:
    """A short name per token id, for plots and tables: PAD, REST, HOLD, C4, C#4, ..."""
    names = ["PAD", "REST", "HOLD"]
    letters = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    for p in range(LOWEST_PITCH, HIGHEST_PITCH + 1):
        names.append(f"{letters[p % 12]}{p // 12 - 1}")
    return names


def _steps(where: str, value: float, steps_per_quarter: int, what: str) -> int:
    steps = float(value) * steps_per_quarter
    k = round(steps)
    if abs(steps - k) > 1e-6:
        raise GridError(
            f"{where}: {what} {value} quarter notes is not on a grid of "
            f"{steps_per_quarter} steps per quarter"
        )
    return int(k)


def encode_voice(events, n_steps: int, steps_per_quarter: int = 4) -> np.ndarray:
    """One voice's events as tokens on the grid.

    events: ``[(offset, duration, pitch or None), ...]`` in quarter notes, not overlapping.
    n_steps: T, the length of the grid; steps no event covers are ``REST``.
    Returns tokens int64 (T,): the pitch token at each note's first step, ``HOLD`` on its
    other steps, ``REST`` on silent steps. Raises :class:`GridError` for an event off the grid
    and ``ValueError`` for events that overlap or end after step T.
    """
    tokens = np.full(int(n_steps), REST, dtype=np.int64)  # (T,)
    covered = np.zeros(int(n_steps), dtype=bool)
    for offset, duration, pitch in events:
        start = _steps("encode_voice", offset, steps_per_quarter, "offset")
        length = _steps("encode_voice", duration, steps_per_quarter, "duration")
        if length <= 0:
            raise GridError(
                f"encode_voice: an event at offset {offset} lasts {duration} "
                "quarter notes; every event must last at least one step"
            )
        stop = start + length
        if start < 0 or stop > n_steps:
            raise ValueError(
                f"encode_voice: the event at offset {offset} (duration {duration}) "
                f"ends at step {stop}, after the grid's {n_steps} steps"
            )
        if covered[start:stop].any():
            raise ValueError(f"encode_voice: the event at offset {offset} overlaps another one")
        covered[start:stop] = True
        if pitch is not None:
            tokens[start] = pitch_token(pitch)
            tokens[start + 1 : stop] = HOLD
    return tokens


def decode_voice(tokens, steps_per_quarter: int = 4) -> list[tuple]:
    """The events of one voice's tokens: the exact inverse of :func:`encode_voice`.

    tokens: (T,) ids. Returns ``[(offset, duration, pitch or None), ...]`` in quarter notes
    (floats), in time order, consecutive rests merged into one. A ``HOLD`` with no note
    before it (at the start, after a rest) extends the silence; ``PAD`` ends the voice.
    """
    events: list[list] = []
    for t, token in enumerate(np.asarray(tokens).reshape(-1)):
        token = int(token)
        if token == PAD:
            break
        if token >= 3:  # a new note
            events.append([t, 1, token - PITCH_TOKEN_OFFSET])
        elif events and (token == HOLD or events[-1][2] is None):
            events[-1][1] += 1  # HOLD: whatever sounds goes on; REST after a rest: it goes on
        else:
            events.append([t, 1, None])  # a rest starts (or a HOLD with nothing to hold)
    q = float(steps_per_quarter)
    return [(start / q, length / q, pitch) for start, length, pitch in events]


def sounding_pitches(tokens) -> np.ndarray:
    """The MIDI pitch sounding at each step, holds resolved: int64 like ``tokens``, 0 = silence.

    tokens: (T,) or (T, 4) ... with time on axis 0.
    """
    tokens = np.asarray(tokens)
    steps = np.arange(tokens.shape[0]).reshape((-1,) + (1,) * (tokens.ndim - 1))
    # the step of the last token that is not a HOLD, at or before each step
    last = np.maximum.accumulate(np.where(tokens != HOLD, steps, 0), axis=0)
    base = np.take_along_axis(tokens, last, axis=0)
    return np.where(base >= 3, base - PITCH_TOKEN_OFFSET, 0).astype(np.int64)


def onsets(tokens) -> np.ndarray:
    """True where a new note starts (a pitch token): bool, the shape of ``tokens``."""
    return np.asarray(tokens) >= 3


def transpose_tokens(tokens, semitones: int) -> np.ndarray:
    """The same music ``semitones`` higher (negative: lower); REST, HOLD and PAD stay.

    Raises ``ValueError`` when a pitch leaves LOWEST_PITCH ... HIGHEST_PITCH.
    """
    tokens = np.asarray(tokens, dtype=np.int64)
    shifted = np.where(tokens >= 3, tokens + int(semitones), tokens)
    if ((tokens >= 3) & ((shifted < 3) | (shifted >= VOCAB_SIZE))).any():
        raise ValueError(
            f"transpose_tokens: by {semitones} semitones a pitch leaves "
            f"{LOWEST_PITCH}..{HIGHEST_PITCH}"
        )
    return shifted


def bar_positions(n_steps: int, steps_per_bar: int, first: int = 0) -> np.ndarray:
    """The position of each step within its bar, 0 = the downbeat: int64 (T,).

    first: the position of step 0 (a chorale with a one-beat pickup in 4/4 on a sixteenth grid
    starts at 12).
    """
    return (np.arange(int(n_steps)) + int(first)) % int(steps_per_bar)
