"""Plots every notebook uses: a heatmap over time, a loss curve, bars along a sequence,
and a small results table.

Each plot helper takes ``ax=None`` (a new figure is made) and returns the ``ax``.
matplotlib is imported inside the functions. Introduced in notebook 01.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np

_BAR, _HIGHLIGHT = "#9fc5e8", "#e06666"


def _axes(ax, figsize):
    """``ax``, or the axes of a new figure of ``figsize`` when ``ax`` is None (every plot
    module uses this one; matplotlib is imported only then)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def heatmap(
    values,
    ax=None,
    xlabel="time step t",
    ylabel="hidden unit",
    title=None,
    *,
    sample=0,
    t=None,
    cmap=None,
    vmin=None,
    vmax=None,
    colorbar=True,
):
    """Heatmap of a sequence of vectors with time across and units down.

    values: ``(T, H)``, or a batch ``(N, T, H)`` of which ``sample`` is shown.
    t: a time step to mark with a vertical line, or None. Colours are centred on 0
    (``RdBu_r``) when there are negative values.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 3:
        if not 0 <= sample < arr.shape[0]:
            raise ValueError(f"heatmap: sample should be in [0, {arr.shape[0]}), got {sample}")
        arr = arr[sample]
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"heatmap: values should be (T, H) or (N, T, H), got shape {arr.shape}")
    T, H = arr.shape
    ax = _axes(ax, (min(12.0, 2.0 + 0.3 * T), min(6.0, 1.5 + 0.3 * H)))
    signed = bool((arr < 0).any())
    limit = float(np.nanmax(np.abs(arr))) if arr.size else 1.0
    limit = limit or 1.0
    if vmin is None:
        vmin = -limit if signed else 0.0
    if vmax is None:
        vmax = limit
    image = ax.imshow(
        arr.T,
        aspect="auto",
        interpolation="nearest",
        cmap=cmap or ("RdBu_r" if signed else "viridis"),
        vmin=vmin,
        vmax=vmax,
    )
    if t is not None:
        if not 0 <= int(t) < T:
            raise ValueError(f"heatmap: t should be in [0, {T - 1}], got {t}")
        ax.axvline(int(t), color="black", linewidth=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.02)
    return ax


def _curves(history) -> dict:
    """``{name: 1-D array}`` from a Keras History, a dict of lists, or one list of values."""
    hist = getattr(history, "history", history)
    if isinstance(hist, Mapping):
        return {str(k): np.ravel(np.asarray(v, dtype=float)) for k, v in hist.items()}
    arr = np.asarray(hist, dtype=float)
    if arr.ndim != 1:
        raise ValueError(
            "loss_curve: history should be a keras History, a dict of per-epoch lists or "
            f"one list of values, got an array of shape {arr.shape}"
        )
    return {"loss": arr}


def loss_curve(
    history,
    ax=None,
    keys=None,
    *,
    baseline=None,
    baseline_label="baseline",
    logy=False,
    title=None,
    xlabel="epoch",
    ylabel="loss",
):
    """Training curves against epoch (1, 2, ...), with an optional horizontal baseline.

    history: a Keras History, a dict ``{"loss": [...], "val_loss": [...]}`` or a list.
    keys: the curves to draw (default: those with "loss" in the name, else all).
    baseline: a value to draw as a dashed line (e.g. 1/6 for the adding problem).
    """
    curves = _curves(history)
    if keys is None:
        keys = [k for k in curves if "loss" in k] or list(curves)
    missing = [k for k in keys if k not in curves]
    if missing:
        raise ValueError(f"loss_curve: no curve named {missing}; the history has {list(curves)}")
    ax = _axes(ax, (5.0, 3.2))
    for k in keys:
        ax.plot(
            np.arange(1, len(curves[k]) + 1),
            curves[k],
            marker="o" if len(curves[k]) < 30 else None,
            markersize=3,
            label=k,
        )
    if baseline is not None:
        ax.axhline(float(baseline), color="0.4", linestyle="--", label=baseline_label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(keys) > 1 or baseline is not None:
        ax.legend()
    return ax


def sequence_bars(
    values,
    ax=None,
    *,
    highlight=None,
    labels=None,
    title=None,
    xlabel="time step t",
    ylabel="value",
):
    """One sequence as bars over time, some steps highlighted (e.g. the adding problem's
    marked values or a motif's tokens).

    values: ``(T,)``. highlight: step indices or a bool ``(T,)`` mask.
    labels: text above each bar (e.g. the tokens), or None.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"sequence_bars: values should be one sequence (T,), got {values.shape}")
    T = len(values)
    marked = np.zeros(T, dtype=bool)
    if highlight is not None:
        h = np.asarray(highlight)
        if h.dtype == np.bool_:
            if h.shape != (T,):
                raise ValueError(f"sequence_bars: a highlight mask should be ({T},), got {h.shape}")
            marked = h
        else:
            if h.size and (h.min() < 0 or h.max() >= T):
                raise ValueError(f"sequence_bars: highlight steps should be in [0, {T}), got {h}")
            marked[h.astype(int)] = True
    if labels is not None and len(labels) != T:
        raise ValueError(f"sequence_bars: {len(labels)} labels for {T} steps")
    ax = _axes(ax, (min(12.0, 1.5 + 0.35 * T), 2.8))
    bars = ax.bar(
        np.arange(T),
        values,
        color=np.where(marked, _HIGHLIGHT, _BAR),
        edgecolor="0.3",
        linewidth=0.5,
    )
    if labels is not None:
        for bar, text in zip(bars, labels, strict=True):
            ax.annotate(
                str(text),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
    ax.set_xlim(-0.6, T - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


class Table:
    """A small results table: prints as aligned text, shows as HTML in Jupyter."""

    def __init__(self, header: list[str], rows: list[list[str]], title: str | None = None):
        self.header, self.rows, self.title = header, rows, title

    def __str__(self) -> str:
        cells = [self.header] + self.rows
        widths = [max(len(r[j]) for r in cells) for j in range(len(self.header))]

        def line(r):
            return "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()

        out = [line(self.header), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in self.rows]
        return "\n".join(([self.title] if self.title else []) + out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in self.rows
        )
        caption = f"<caption>{esc(self.title)}</caption>" if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def accuracy_table(
    results: Mapping, *, digits: int = 3, title: str | None = None, row_name: str = "model"
) -> Table:
    """A table of results, e.g. ``{"MLP": {"seen": 0.99, "unseen": 0.51}, "RNN": {...}}``.

    results: ``{row: {column: value}}`` (columns in order of first appearance; a missing
    cell is blank) or ``{row: value}`` for a single column. Numbers get ``digits`` decimals.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("accuracy_table: results should be a non-empty dict {row: {col: value}}")
    columns: list[str] = []
    for v in results.values():
        for c in v if isinstance(v, Mapping) else {"value": v}:
            if c not in columns:
                columns.append(c)

    def fmt(x) -> str:
        if x is None:
            return ""
        if isinstance(x, (float, np.floating)):
            return f"{x:.{digits}f}"
        return str(x)

    rows = []
    for name, v in results.items():
        v = v if isinstance(v, Mapping) else {"value": v}
        rows.append([str(name)] + [fmt(v.get(c)) for c in columns])
    return Table([row_name] + [str(c) for c in columns], rows, title)
