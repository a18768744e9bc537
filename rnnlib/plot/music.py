"""Piano rolls of four-voice token grids (notebook 09). matplotlib is imported inside."""

from __future__ import annotations

import numpy as np

VOICE_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:blue")  # soprano ... bass


def piano_roll(
    tokens, ax=None, steps_per_quarter: int = 2, seed_steps: int = 0, title: str | None = None
):
    """Draws a grid (T, 4) as a piano roll: one bar per note, a colour per voice, time in
    quarter notes; a shaded region marks the first ``seed_steps`` steps (a given opening).
    Returns ``ax``."""
    from rnnlib.music.encoding import PITCH_TOKEN_OFFSET, VOICES, decode_voice, token_names
    from rnnlib.plot.common import _axes

    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] != len(VOICES):
        raise ValueError(f"piano_roll: tokens should be (T, {len(VOICES)}), got {tokens.shape}")
    ax = _axes(ax, (11, 3.6))
    q = float(steps_per_quarter)
    pitches = []
    for v, name in enumerate(VOICES):
        bars = [
            (o, d, p) for o, d, p in decode_voice(tokens[:, v], steps_per_quarter) if p is not None
        ]
        for o, d, p in bars:
            ax.broken_barh([(o, d - 0.04)], (p - 0.4, 0.8), color=VOICE_COLOURS[v])
            pitches.append(p)
        ax.plot([], [], color=VOICE_COLOURS[v], lw=6, label=name)
    if seed_steps:
        ax.axvspan(0, seed_steps / q, color="0.85", zorder=0, label="given opening")
    if pitches:
        lo, hi = min(pitches) - 2, max(pitches) + 2
        ax.set_ylim(lo, hi)
        names = token_names()
        ticks = [p for p in range(lo, hi + 1) if p % 12 in (0, 7)]  # the Cs and Gs
        ax.set_yticks(ticks, [names[p + PITCH_TOKEN_OFFSET] for p in ticks])
    ax.set_xlim(0, len(tokens) / q)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("pitch")
    ax.legend(loc="upper right", fontsize=8, ncol=5)
    if title:
        ax.set_title(title)
    return ax
