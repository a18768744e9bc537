"""Plots of notebook 04 (backpropagation through time): the unrolled graph with the
gradient flowing back, which (loss step, state step) pairs truncation keeps, a
gradient-check report, the cost of BPTT against the window length, and the character
model's learning curve beside its n-gram baselines.

Each helper takes ``ax=None`` (a new figure is made) and returns the ``ax``.
matplotlib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rnnlib.plot.common import _axes

_STATE, _INPUT, _LOSS = "#cfe2f3", "#fff2cc", "#f4cccc"
_FWD, _BWD, _W = "0.35", "#cc0000", "#1155cc"


def bptt_graph(steps: int = 4, window: int | None = None, ax=None):
    """The RNN unrolled over ``steps`` steps, forward arrows in grey and the gradient's
    path back in red: from every loss L_t down into h_t, back along the chain of states,
    and into the one shared W_h, which collects a term from every step.

    window: draw truncated BPTT with windows of this many steps: the red chain stops at
    each window's first state (the state entering it is a constant), the black forward
    chain carries on.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    steps = int(steps)
    if steps < 1:
        raise ValueError(f"bptt_graph: steps should be at least 1, got {steps}")
    if window is not None and int(window) < 1:
        raise ValueError(f"bptt_graph: window should be at least 1 or None, got {window}")
    ax = _axes(ax, (1.8 * steps + 1.6, 4.2))

    def box(cx, cy, text, face, w=0.8, h=0.55):
        ax.add_patch(
            FancyBboxPatch(
                (cx - w / 2, cy - h / 2),
                w,
                h,
                boxstyle="round,pad=0.04",
                facecolor=face,
                edgecolor="0.25",
                linewidth=1.1,
            )
        )
        ax.text(cx, cy, text, ha="center", va="center", fontsize=11)

    def arrow(p, q, color, rad=0.0, style="-|>", lw=1.5, ls="-"):
        ax.add_patch(
            FancyArrowPatch(
                p,
                q,
                arrowstyle=style,
                mutation_scale=13,
                color=color,
                linewidth=lw,
                linestyle=ls,
                connectionstyle=f"arc3,rad={rad}",
                shrinkA=0,
                shrinkB=0,
            )
        )

    y_x, y_h, y_l, y_w = 0.0, 1.4, 2.8, -1.2
    xs = [1.8 * k for k in range(1, steps + 1)]
    starts = set(range(0, steps, int(window))) if window else {0}
    if window:
        for s in sorted(starts):
            e = min(s + int(window), steps)
            ax.add_patch(
                Rectangle(
                    (xs[s] - 0.75, y_x - 0.5),
                    1.8 * (e - s) - 0.3,
                    y_l + 1.0,
                    facecolor="0.93",
                    edgecolor="0.6",
                    linestyle="--",
                    zorder=0,
                )
            )
    box(0.0, y_h, r"$h_0$", "white", w=0.6)
    box((xs[0] + xs[-1]) / 2, y_w, r"$W_h$ (one matrix, shared)", "#d9e6fb", w=3.6)
    for k, cx in enumerate(xs, start=1):
        box(cx, y_x, rf"$x_{{{k}}}$", _INPUT)
        box(cx, y_h, rf"$h_{{{k}}}$", _STATE)
        box(cx, y_l, rf"$L_{{{k}}}$", _LOSS)
        prev = xs[k - 2] if k > 1 else 0.0
        arrow((prev + 0.42, y_h + 0.08), (cx - 0.42, y_h + 0.08), _FWD)  # forward state
        arrow((cx, y_x + 0.3), (cx, y_h - 0.3), _FWD)
        arrow((cx - 0.12, y_h + 0.3), (cx - 0.12, y_l - 0.3), _FWD)
        arrow((cx + 0.12, y_l - 0.3), (cx + 0.12, y_h + 0.3), _BWD)  # dL_t/dh_t
        if (k - 1) not in starts:  # the gradient flows back into the previous state
            arrow((cx - 0.42, y_h - 0.1), (prev + 0.42, y_h - 0.1), _BWD)
        arrow(
            (cx + 0.05, y_h - 0.3),
            ((xs[0] + xs[-1]) / 2 + 0.25 * (cx - (xs[0] + xs[-1]) / 2), y_w + 0.3),
            _BWD,
            lw=1.0,
            ls=":",
        )
    ax.text(xs[-1] + 0.6, y_l + 0.55, "forward", color=_FWD, fontsize=10, ha="right")
    ax.text(xs[-1] + 0.6, y_l + 0.85, "gradient", color=_BWD, fontsize=10, ha="right")
    title = (
        "backpropagation through time"
        if not window
        else f"truncated BPTT, windows of {int(window)}: the state is carried, the gradient is not"
    )
    ax.set_title(title, fontsize=11)
    ax.set_xlim(-0.6, xs[-1] + 0.8)
    ax.set_ylim(y_w - 0.6, y_l + 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def dependency_matrix(norms, window: int | None = None, ax=None, title=None, colorbar=True):
    """How strongly the loss at step t depends on the state at step s: ``norms[t, s]`` =
    ``||dL_t / dh_s||`` (zero above the diagonal: the future does not change the past),
    on a log colour scale. window: hatch the pairs truncated BPTT with that window drops
    (s in an earlier window than t).
    """
    from matplotlib.colors import LogNorm

    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 2 or norms.shape[0] != norms.shape[1]:
        raise ValueError(f"dependency_matrix: norms should be square (T, T), got {norms.shape}")
    T = norms.shape[0]
    ax = _axes(ax, (5.2, 4.4))
    shown = np.where(norms > 0, norms, np.nan)
    finite = shown[np.isfinite(shown)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1.0)
    image = ax.imshow(
        shown,
        origin="upper",
        cmap="viridis",
        norm=LogNorm(vmin=max(lo, hi * 1e-8), vmax=hi),
        interpolation="nearest",
    )
    if window:
        t, s = np.indices((T, T))
        dropped = (s // int(window) < t // int(window)) & (s <= t)
        ax.imshow(
            np.where(dropped, 1.0, np.nan),
            origin="upper",
            cmap="Greys",
            vmin=0,
            vmax=1.4,
            alpha=0.75,
            interpolation="nearest",
        )
        kept = float(np.nansum(np.where(dropped, 0, norms)) / max(np.nansum(norms), 1e-300))
        ax.text(
            0.98,
            0.02,
            f"window {int(window)}: keeps {kept:.0%} of the total",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        )
    ax.set_xlabel("state step s")
    ax.set_ylabel("loss step t")
    ax.set_title(title or r"$\|\partial L_t / \partial h_s\|$ (grey: cut by truncation)")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    return ax


def gradcheck_bars(errors: Mapping[str, float], tol: float = 1e-7, ax=None, title=None):
    """A gradient-check report as bars: the relative error of each parameter's gradient on
    a log scale, the tolerance as a dashed line, failures in red. ``errors`` maps a name to
    its error (e.g. ``rl.testing.check_gradients(...).errors``)."""
    if not errors:
        raise ValueError("gradcheck_bars: errors is empty")
    names = list(errors)
    vals = np.maximum(np.array([float(errors[k]) for k in names]), 1e-17)
    ax = _axes(ax, (0.9 * len(names) + 2.5, 3.0))
    colors = ["#cc0000" if v > tol else "#6aa84f" for v in vals]
    ax.bar(names, vals, color=colors)
    ax.axhline(tol, color="0.3", linestyle="--", label=f"tolerance {tol:.0e}")
    ax.set_yscale("log")
    ax.set_ylim(min(vals.min(), tol) / 10, max(vals.max(), tol) * 10)
    ax.set_ylabel("relative error")
    ax.set_title(title or "gradient check: analytic against centred differences")
    ax.legend(loc="upper left", fontsize=9)
    return ax


def cost_curves(windows, seconds, megabytes, ax=None, title=None):
    """The cost of (truncated) BPTT against the window length: time per character
    (left axis) and the memory the forward pass keeps for the backward pass (right)."""
    windows = np.asarray(windows, dtype=float)
    seconds, megabytes = np.asarray(seconds, dtype=float), np.asarray(megabytes, dtype=float)
    if not (windows.shape == seconds.shape == megabytes.shape) or windows.ndim != 1:
        raise ValueError(
            "cost_curves: windows, seconds and megabytes should be 1-D, one "
            f"value per window, got {windows.shape}, {seconds.shape}, "
            f"{megabytes.shape}"
        )
    ax = _axes(ax, (5.5, 3.3))
    ax.plot(windows, seconds, "o-", color="#1155cc", label="time")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("window length k (steps)")
    ax.set_ylabel("time per character (µs)", color="#1155cc")
    right = ax.twinx()
    right.plot(windows, megabytes, "s--", color="#cc0000", label="memory")
    right.set_ylabel("cached activations (MB)", color="#cc0000")
    ax.set_title(title or "cost of BPTT against the window length")
    return ax


def char_model_curve(
    history: Mapping, baselines: Mapping[str, float] | None = None, ax=None, title=None
):
    """Held-out (and training) loss of the character model against training steps, with
    the n-gram baselines as dashed lines. history: ``{"step": [...], "held_out": [...],
    "loss": [...]}`` (:func:`rnnlib.lm.char_rnn.train_char_rnn`)."""
    if "step" not in history or "held_out" not in history:
        raise ValueError(
            f"char_model_curve: history should have 'step' and 'held_out', got {sorted(history)}"
        )
    steps = np.asarray(history["step"], dtype=float)
    ax = _axes(ax, (6.0, 3.8))
    if "loss" in history:
        ax.plot(steps, history["loss"], color="0.6", label="RNN, training windows")
    ax.plot(
        steps,
        history["held_out"],
        "o-",
        color="#1155cc",
        markersize=3,
        label="RNN, held-out stream",
    )
    for i, (name, value) in enumerate((baselines or {}).items()):
        ax.axhline(
            float(value),
            linestyle="--",
            color=f"C{i + 1}",
            linewidth=1.2,
            label=f"{name}: {float(value):.2f}",
        )
    ax.set_xlabel("training step (one window of 32 × 50 characters)")
    ax.set_ylabel("nats per character")
    ax.set_title(title or "character model on Lady Susan")
    ax.legend(fontsize=8)
    return ax
