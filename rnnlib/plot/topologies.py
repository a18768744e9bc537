"""Figures for notebook 03 (topologies): the four RNN topologies with their tensor shapes,
a forecast against its baselines, and next-token probabilities at a temperature.

Each helper takes ``ax=None`` (or ``axes=None``) and returns what it drew on. matplotlib
is imported inside the functions.
"""

from __future__ import annotations

import numpy as np

from rnnlib.plot.common import _axes

_IN, _STATE, _OUT, _FEED = "#dbe9f6", "#fde0c5", "#d9ead3", "#b2182b"

# name -> (title, input shape, output shape, n_in, n_out, n_cells)
TOPOLOGIES = {
    "many_to_one": ("many-to-one", "(N, T, D)", "(N, K)"),
    "one_to_many": ("one-to-many", "(N, D) or a start token", "(N, T, V)"),
    "many_to_many": ("many-to-many, same length", "(N, T, D)", "(N, T, K)"),
    "encoder_decoder": ("encoder-decoder", "(N, S) -> state (N, H)", "(N, T, V)"),
}


def _box(ax, cx, cy, text, face, w=0.7, h=0.5):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle="round,pad=0.03",
            facecolor=face,
            edgecolor="0.3",
            linewidth=1.0,
        )
    )
    ax.text(cx, cy, text, ha="center", va="center", fontsize=9)


def _arrow(ax, p, q, color="0.35", style="-|>", rad=0.0, dashed=False):
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            p,
            q,
            arrowstyle=style,
            mutation_scale=10,
            color=color,
            linewidth=1.1,
            linestyle="--" if dashed else "-",
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=0,
            shrinkB=0,
        )
    )


def topology(name: str, ax=None, steps: int = 4):
    """Draws one topology unrolled over ``steps`` steps, with its input and output shapes.

    name: ``"many_to_one"``, ``"one_to_many"``, ``"many_to_many"`` or ``"encoder_decoder"``.
    Inputs are blue, hidden states orange, outputs green; a red dashed arrow feeds an
    output back in as the next input. Notebook 03.
    """
    if name not in TOPOLOGIES:
        raise ValueError(f"topology: name should be one of {list(TOPOLOGIES)}, got {name!r}")
    steps = int(steps)
    if steps < 2:
        raise ValueError(f"topology: steps should be at least 2, got {steps}")
    title, in_shape, out_shape = TOPOLOGIES[name]
    enc = steps if name == "encoder_decoder" else 0
    cols = enc + steps
    ax = _axes(ax, (1.0 + 0.9 * cols, 3.2))
    y_in, y_h, y_out = 0.0, 1.2, 2.4
    xs = [0.9 * i for i in range(cols)]
    for i, x in enumerate(xs):
        decoder = i >= enc
        t = (i - enc + 1) if decoder else i + 1
        label = f"$s_{{{t}}}$" if (name == "encoder_decoder" and decoder) else f"$h_{{{t}}}$"
        _box(ax, x, y_h, label, _STATE)
        if i > 0:
            _arrow(ax, (xs[i - 1] + 0.36, y_h), (x - 0.36, y_h))
        has_in = {
            "many_to_one": True,
            "many_to_many": True,
            "one_to_many": i == 0,
            "encoder_decoder": True,
        }[name]
        has_out = {
            "many_to_one": i == cols - 1,
            "many_to_many": True,
            "one_to_many": True,
            "encoder_decoder": decoder,
        }[name]
        if has_in:
            text = f"$x_{{{t}}}$"
            if name == "encoder_decoder" and decoder:
                text = "BOS" if t == 1 else f"$y_{{{t - 1}}}$"
            _box(ax, x, y_in, text, _IN)
            _arrow(ax, (x, y_in + 0.26), (x, y_h - 0.26))
        if has_out:
            _box(ax, x, y_out, f"$y_{{{t}}}$" if name != "many_to_one" else "$y$", _OUT)
            _arrow(ax, (x, y_h + 0.26), (x, y_out - 0.26))
        feeds_back = name == "one_to_many" or (name == "encoder_decoder" and decoder)
        if feeds_back and i < cols - 1:
            _arrow(
                ax,
                (x + 0.3, y_out - 0.1),
                (xs[i + 1] - 0.15, y_in + 0.27 if name == "encoder_decoder" else y_h + 0.27),
                color=_FEED,
                dashed=True,
            )
    if enc:
        mid = (xs[enc - 1] + xs[enc]) / 2
        ax.axvline(mid, color="0.6", linewidth=0.8, linestyle=":")
        ax.text(xs[0], y_out, "encoder", fontsize=9, color="0.3", va="center")
        ax.text(mid, y_h + 0.45, "state\n(N, H)", fontsize=8, ha="center", color="0.3")
    ax.text(xs[0] - 0.45, y_in - 0.55, f"in: {in_shape}", fontsize=9, ha="left", va="top")
    ax.text(xs[-1] + 0.45, y_out + 0.45, f"out: {out_shape}", fontsize=9, ha="right", va="bottom")
    ax.set_title(title, fontsize=11)
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    ax.set_ylim(y_in - 1.0, y_out + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def four_topologies(axes=None, steps: int = 4):
    """All four topologies side by side, each with its tensor shapes (see :func:`topology`).

    axes: four matplotlib axes, or None for a new 2 x 2 figure. Returns the axes.
    Notebook 03.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, grid = plt.subplots(2, 2, figsize=(12, 6.5), width_ratios=[1, 1.6])
        axes = [grid[0, 0], grid[1, 0], grid[0, 1], grid[1, 1]]
        axes = [axes[0], axes[1], axes[2], axes[3]]
    axes = list(np.ravel(axes))
    if len(axes) != 4:
        raise ValueError(f"four_topologies: needs 4 axes, got {len(axes)}")
    for ax, name in zip(axes, TOPOLOGIES, strict=True):
        topology(name, ax=ax, steps=steps)
    return axes


def forecast(years, actual, predictions, ax=None, title=None, ylabel="sunspot number"):
    """A series and one or more forecasts of it over the same years.

    years, actual: (M,); predictions: {name: (M,)}, each drawn as a line with its MAE in
    the legend. Notebook 03.
    """
    years = np.asarray(years)
    actual = np.asarray(actual, float)
    if years.shape != actual.shape or actual.ndim != 1:
        raise ValueError(
            f"forecast: years and actual should be (M,), got {years.shape} and {actual.shape}"
        )
    ax = _axes(ax, (9, 3.4))
    ax.plot(years, actual, color="black", linewidth=2, label="actual")
    for name, pred in predictions.items():
        pred = np.asarray(pred, float)
        if pred.shape != actual.shape:
            raise ValueError(
                f"forecast: prediction {name!r} has shape {pred.shape}, expected {actual.shape}"
            )
        ax.plot(
            years,
            pred,
            linewidth=1.3,
            marker=".",
            markersize=4,
            label=f"{name} (MAE {np.mean(np.abs(pred - actual)):.1f})",
        )
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def temperature_bars(probabilities, labels=None, ax=None, title=None):
    """Bars of one next-token distribution (V,), e.g. ``softmax(logits / temperature)``.

    labels: the V token names (default: their ids). Notebook 03.
    """
    p = np.asarray(probabilities, float)
    if p.ndim != 1:
        raise ValueError(f"temperature_bars: probabilities should be (V,), got {p.shape}")
    labels = [str(v) for v in range(len(p))] if labels is None else [str(v) for v in labels]
    if len(labels) != len(p):
        raise ValueError(f"temperature_bars: {len(labels)} labels for {len(p)} probabilities")
    ax = _axes(ax, (4, 2.8))
    ax.bar(np.arange(len(p)), p, color="#9fc5e8", edgecolor="0.3")
    for i, v in enumerate(p):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    ax.set_xticks(np.arange(len(p)), labels)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    if title:
        ax.set_title(title)
    return ax
