"""One tanh unit as a memory: its response to an input, its fixed points, and the latch.

A single unit with one input, h_t = tanh(w_x x_t + w_h h_{t-1} + b), is the smallest
recurrent network. With no input (x_t = 0) it iterates the map h -> tanh(w_h h + b), whose
fixed points h* = tanh(w_h h* + b) decide what it remembers:

* w_h = 0: no feedback, no memory (h_t depends on x_t alone);
* one stable fixed point: whatever an input wrote into h fades back to h*, by a factor of
  about lambda = w_h (1 - h*^2) per step (a fading memory, half-life log(1/2) / log|lambda|);
* two stable fixed points (a latch): it happens exactly when w_h > 1 and
  |b| < b_c(w_h) = w_h s - artanh(s) with s = sqrt(1 - 1/w_h); a strong enough input flips
  the unit from one to the other for good. At |b| = b_c the two fixed points on one side
  meet and vanish, and the latch breaks: every state slides back to the one that is left.

NumPy only. Introduced in notebook 02 (widget ``rl.widgets.unit_memory_explorer``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Regime(NamedTuple):
    """What one unit with no input does, for given w_h and b.

    name: "no memory", "fading memory" (w_h <= 1), "latch" (w_h > 1, |b| < b_c) or
        "broken latch" (w_h > 1, |b| >= b_c: one stable state; a state pushed away slides
        back to it, slowly where the vanished pair of fixed points was).
    stable, unstable: the fixed points h* (sorted), stable ones and the unstable one between.
    decay: lambda = w_h (1 - h*^2) at the stable fixed point (fading memory; None otherwise).
    half_life: steps for a trace to halve, log(1/2) / log|lambda| (inf when lambda = 1).
    threshold: b_c(w_h), the largest |b| with a latch (0 when w_h <= 1: never a latch).
    """

    name: str
    stable: tuple
    unstable: tuple
    decay: float | None
    half_life: float | None
    threshold: float


def _scalar(name, value, where):
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{where}: {name} should be a finite number, got {value}")
    return value


def unit_trajectory(x, w_h, w_x, b, h0=0.0):
    """The states h_1..h_T of one tanh unit driven by the inputs x_1..x_T.

    x: (T,) inputs (x[t-1] is x_t); w_h, w_x, b: the unit's scalar weights; h0: h_0.
    Returns (T,) float: h[t-1] is h_t. Introduced in notebook 02.
    """
    where = "unit_trajectory"
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"{where}: x should be one input sequence of shape (T,), got {x.shape}")
    w_h, w_x, b = (_scalar(n, v, where) for n, v in (("w_h", w_h), ("w_x", w_x), ("b", b)))
    h = np.empty_like(x)  # (T,)
    prev = _scalar("h0", h0, where)
    for t in range(len(x)):
        prev = np.tanh(w_x * x[t] + w_h * prev + b)
        h[t] = prev
    return h


def latch_threshold(w_h):
    """b_c(w_h): the unit is a latch (two stable states) exactly when |b| < b_c.

    b_c = w_h s - artanh(s), s = sqrt(1 - 1/w_h), for w_h > 1; 0 for w_h <= 1 (never a latch).
    """
    w_h = _scalar("w_h", w_h, "latch_threshold")
    if w_h <= 1.0:
        return 0.0
    s = np.sqrt(1.0 - 1.0 / w_h)
    return float(w_h * s - np.arctanh(s))


def fixed_points(w_h, b, grid=4001):
    """The fixed points h* = tanh(w_h h* + b) in (-1, 1), sorted, each with its stability.

    Returns [(h*, stable)]: stable when |w_h (1 - h*^2)| < 1. Found by a sign change of
    tanh(w_h h + b) - h on a grid, refined by bisection.
    """
    w_h = _scalar("w_h", w_h, "fixed_points")
    b = _scalar("b", b, "fixed_points")

    def g(h):
        return np.tanh(w_h * h + b) - h

    hs = np.linspace(-1.0, 1.0, grid)
    gs = g(hs)
    points = []
    for k in np.flatnonzero(np.sign(gs[:-1]) * np.sign(gs[1:]) <= 0):
        lo, hi = hs[k], hs[k + 1]
        if gs[k] == 0.0:
            root = lo
        else:
            for _ in range(60):  # bisection to float precision
                mid = 0.5 * (lo + hi)
                if np.sign(g(mid)) == np.sign(g(lo)):
                    lo = mid
                else:
                    hi = mid
            root = 0.5 * (lo + hi)
        if not points or abs(root - points[-1]) > 1e-6:
            points.append(float(root))
    return [(h, bool(abs(w_h * (1.0 - h * h)) < 1.0)) for h in points]


def regime(w_h, b):
    """Classifies one unit with no input: no memory, fading memory, latch or broken latch."""
    w_h = _scalar("w_h", w_h, "regime")
    b = _scalar("b", b, "regime")
    points = fixed_points(w_h, b)
    stable = tuple(h for h, ok in points if ok)
    unstable = tuple(h for h, ok in points if not ok)
    threshold = latch_threshold(w_h)
    if w_h == 0.0:
        return Regime("no memory", stable, unstable, 0.0, 0.0, threshold)
    if len(stable) >= 2:
        return Regime("latch", stable, unstable, None, None, threshold)
    name = "broken latch" if w_h > 1.0 else "fading memory"
    h_star = stable[0] if stable else points[0][0]
    decay = float(w_h * (1.0 - h_star * h_star))
    half_life = float("inf") if abs(decay) >= 1.0 else float(np.log(0.5) / np.log(abs(decay)))
    return Regime(name, stable, unstable, decay, half_life, threshold)
