"""Figures for notebook 02 (the recurrent cell): the unrolled graph, the hidden-state
heatmap, the input at one step, one unit's memory (its response, its map h -> tanh(w_h h + b)
and the (w_h, b) plane where it is a latch), and the embedding lookup.

Each helper takes ``ax=None`` (or ``axes=None``) and returns what it drew on. matplotlib
is imported inside the functions so that ``import rnnlib`` stays light.
"""

from __future__ import annotations

import numpy as np

from rnnlib.plot.common import _axes


def _as_sequence(name, value, where):
    """Returns ``value`` as a float (T, K) array; a 1-D array is read as (T, 1)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{where}: {name} should be one sequence of shape (T, {'H' if name == 'h' else 'D'}), "
            f"got shape {arr.shape}; for a batch pass one example, e.g. {name}[0]"
        )
    return arr


# Colours shared by the diagram: inputs, states, outputs, weights, biases.
_INPUT, _STATE, _OUTPUT = "#dbe9f6", "#fde0c5", "#e5f5e0"
_WX, _WH, _WY, _B = "#2166ac", "#b2182b", "#238b45", "#6a51a3"


def unrolled_graph(steps=4, ax=None, folded=True, output=True):
    """Draws a recurrent cell rolled up (optional) and unrolled over ``steps`` time steps.

    Every unrolled step carries the same labels W_x, W_h and b (the bias enters every state)
    and, with ``output=True``, the same output layer y_t = h_t W_y + b_y: one set of weights
    shared across time. Introduced in notebook 02, reused in 04 (backpropagation through time).
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if int(steps) < 1:
        raise ValueError(f"unrolled_graph: steps should be at least 1, got {steps}")
    steps = int(steps)
    ax = _axes(ax, (1.9 * steps + (3.2 if folded else 1.2), 4.4 if output else 3.4))

    def box(cx, cy, text, face, w=0.9, h=0.6):
        ax.add_patch(
            FancyBboxPatch(
                (cx - w / 2, cy - h / 2),
                w,
                h,
                boxstyle="round,pad=0.04",
                facecolor=face,
                edgecolor="0.25",
                linewidth=1.2,
            )
        )
        ax.text(cx, cy, text, ha="center", va="center", fontsize=12)

    def arrow(p, q, color, label=None, label_at=None, rad=0.0):
        ax.add_patch(
            FancyArrowPatch(
                p,
                q,
                arrowstyle="-|>",
                mutation_scale=14,
                color=color,
                linewidth=1.6,
                connectionstyle=f"arc3,rad={rad}",
                shrinkA=0,
                shrinkB=0,
            )
        )
        if label:
            x, y = label_at if label_at else ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
            ax.text(
                x,
                y,
                label,
                color=color,
                fontsize=11,
                ha="center",
                va="center",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )

    def bias(cx, cy, label):
        """A bias entering the box centred at (cx, cy) from its lower right."""
        arrow((cx + 0.75, cy - 0.45), (cx + 0.47, cy - 0.2), _B)
        ax.text(cx + 0.8, cy - 0.5, label, color=_B, fontsize=11, ha="left", va="top")

    y_in, y_h, y_out = 0.0, 1.5, 3.0
    top = y_out + 0.5 if output else y_out
    left = 0.0
    if folded:
        # The rolled-up cell: one box with a loop back into itself.
        box(0.0, y_in, r"$x_t$", _INPUT)
        box(0.0, y_h, r"$h_t$", _STATE)
        arrow((0.0, y_in + 0.32), (0.0, y_h - 0.32), _WX, r"$W_x$", (-0.35, 0.75))
        arrow((0.25, y_h + 0.34), (0.5, y_h - 0.05), _WH, None, rad=-1.9)
        ax.text(1.05, y_h + 0.5, r"$W_h$", color=_WH, fontsize=11, va="center")
        bias(0.0, y_h, r"$b$")
        if output:
            box(0.0, y_out, r"$y_t$", _OUTPUT)
            arrow((0.0, y_h + 0.32), (0.0, y_out - 0.32), _WY, r"$W_y$", (-0.35, 2.25))
            bias(0.0, y_out, r"$b_y$")
        else:
            arrow((0.0, y_h + 0.32), (0.0, y_out - 0.2), "0.4")
            ax.text(0.0, y_out, "output", ha="center", va="bottom", fontsize=10, color="0.3")
        ax.text(1.9, y_h, "=", fontsize=22, ha="center", va="center")
        ax.text(1.9, y_h - 0.45, "unroll", fontsize=9, ha="center", color="0.3")
        left = 3.0

    xs = [left + 1.9 * k for k in range(1, steps + 1)]
    box(left, y_h, r"$h_0$", "white", w=0.7)
    prev = left
    for k, cx in enumerate(xs, start=1):
        box(cx, y_in, rf"$x_{{{k}}}$", _INPUT)
        box(cx, y_h, rf"$h_{{{k}}}$", _STATE)
        arrow((cx, y_in + 0.32), (cx, y_h - 0.32), _WX, r"$W_x$", (cx - 0.3, 0.75))
        arrow(
            (prev + (0.38 if k == 1 else 0.48), y_h),
            (cx - 0.48, y_h),
            _WH,
            r"$W_h$",
            ((prev + cx) / 2, y_h + 0.3),
        )
        bias(cx, y_h, r"$b$")
        if output:
            box(cx, y_out, rf"$y_{{{k}}}$", _OUTPUT)
            arrow((cx, y_h + 0.32), (cx, y_out - 0.32), _WY, r"$W_y$", (cx - 0.3, 2.25))
            bias(cx, y_out, r"$b_y$")
        else:
            arrow((cx, y_h + 0.32), (cx, y_out - 0.2), "0.4")
            ax.text(cx, y_out, rf"$y_{{{k}}}$", ha="center", va="bottom", fontsize=11, color="0.3")
        prev = cx
    shared = r"$W_x$, $W_h$, $b$" + (r", $W_y$ and $b_y$" if output else "")
    ax.text(
        (xs[0] + xs[-1]) / 2,
        -0.85,
        f"the same {shared} at every step: shared weights",
        ha="center",
        va="center",
        fontsize=11,
    )
    ax.set_xlim(-0.8 if folded else left - 0.6, xs[-1] + 1.2)
    ax.set_ylim(-1.2, top + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def hidden_state_heatmap(h, t=None, ax=None, step_labels=None, unit_labels=None, colorbar=True):
    """Draws one sequence's hidden states as a heatmap, units down and time across.

    h: hidden states of one sequence, (T, H), values in [-1, 1] for tanh; column k is the
       state h_{k+1} (the time axis is labelled t = 1..T, as in the equations).
    t: a column (0-based array index, h[t] = h_{t+1}) to outline, or None.
    step_labels: optional T labels for the time axis (for example the input tokens).
    Introduced in notebook 02.
    """
    from matplotlib.patches import Rectangle

    h = _as_sequence("h", h, "hidden_state_heatmap")
    T, H = h.shape
    ax = _axes(ax, (min(12, 1.0 + 0.45 * T), min(6, 1.2 + 0.4 * H)))
    image = ax.imshow(h.T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xlabel("time step t")
    ax.set_ylabel("hidden unit")
    ax.set_xticks(range(T))
    ax.set_xticklabels(step_labels if step_labels is not None else [str(k + 1) for k in range(T)])
    ax.set_yticks(range(H))
    if unit_labels is not None:
        ax.set_yticklabels(unit_labels)
    if t is not None:
        if not 0 <= int(t) < T:
            raise ValueError(f"hidden_state_heatmap: t should be in [0, {T - 1}], got {t}")
        ax.add_patch(
            Rectangle(
                (int(t) - 0.5, -0.5),
                1,
                H,
                fill=False,
                edgecolor="black",
                linewidth=2.5,
                label=f"t = {int(t)}",
            )
        )
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.02, label=r"$h_t$ (tanh)")
    return ax


def input_at_step(x, t, ax=None, feature_labels=None, title=None):
    """Draws the input vector x_t of one sequence as bars, on a y-range fixed over all steps.

    x: one input sequence, (T, D) (a 1-D array is read as (T, 1)); t: the step, 0-based.
    Introduced in notebook 02 (time-step scrubber).
    """
    x = _as_sequence("x", x, "input_at_step")
    T, D = x.shape
    if not 0 <= int(t) < T:
        raise ValueError(f"input_at_step: t should be in [0, {T - 1}], got {t}")
    ax = _axes(ax, (3, 3))
    values = x[int(t)]
    ax.bar(range(D), values, color=[_WX if v >= 0 else _WH for v in values])
    top = max(float(np.abs(x).max()), 1e-9) * 1.1
    ax.set_ylim(-top if (x < 0).any() else 0, top)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_xticks(range(D))
    if feature_labels is not None:
        ax.set_xticklabels(feature_labels)
    ax.set_xlabel("input feature")
    ax.set_title(title if title is not None else rf"input $x_t$ at t = {int(t)}")
    return ax


def embedding_lookup(ids, E, axes=None, token_labels=None, vocab_labels=None):
    """Draws one-hot rows (T, V) times the table E (V, D) and the result (T, D) = E[ids].

    ids: integer token ids of one sequence, (T,); E: the embedding table, (V, D).
    token_labels: optional T labels of the steps; vocab_labels: optional V labels of the rows.
    The rows of E picked by the ids are outlined. Introduced in notebook 02.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    ids = np.asarray(ids)
    E = np.asarray(E, dtype=float)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"embedding_lookup: ids should be a 1-D integer array (T,), got "
            f"{ids.dtype} of shape {ids.shape}"
        )
    if E.ndim != 2:
        raise ValueError(f"embedding_lookup: E should have shape (V, D), got {E.shape}")
    V, D = E.shape
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(
            f"embedding_lookup: ids should be in [0, {V - 1}], got {ids.min()}..{ids.max()}"
        )
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(11, 3.4), gridspec_kw={"width_ratios": [V, D + 1, D]})
    ax_hot, ax_w, ax_out = axes
    one_hot = np.eye(V)[ids]  # (T, V)
    scale = max(float(np.abs(E).max()), 1e-9)
    ax_hot.imshow(one_hot, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax_hot.set_title(f"one-hot ids  ({len(ids)}, {V})\nsparse: one 1 per row")
    ax_hot.set_xlabel("vocabulary index")
    ax_hot.set_ylabel("time step")
    if token_labels is not None:
        ax_hot.set_yticks(range(len(ids)))
        ax_hot.set_yticklabels(token_labels)
    ax_w.imshow(E, cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto")
    ax_w.set_title(f"table E  ({V}, {D})")
    ax_w.set_xlabel("embedding dim")
    ax_w.set_ylabel("vocabulary index")
    if vocab_labels is not None:
        ax_w.set_yticks(range(V))
        ax_w.set_yticklabels([f"{k} {label!r}" for k, label in enumerate(vocab_labels)])
        ax_hot.set_xticks(range(V))
        ax_hot.set_xticklabels([repr(label) for label in vocab_labels])
    for row in sorted(set(ids.tolist())):
        ax_w.add_patch(
            Rectangle((-0.5, row - 0.5), D, 1, fill=False, edgecolor="black", linewidth=2)
        )
    ax_out.imshow(E[ids], cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto")
    ax_out.set_title(f"one-hot @ E = E[ids]  ({len(ids)}, {D})\ndense")
    ax_out.set_xlabel("embedding dim")
    ax_out.set_yticks(range(len(ids)))
    ax_out.set_yticklabels(token_labels if token_labels is not None else [""] * len(ids))
    return axes


# ----------------------------------------------------------------------------- one unit's memory


def unit_response(x, h, ax=None, title=None):
    """Draws one unit's input x_t (bars) and state h_t (line) over t = 1..T.

    x: (T,) inputs; h: (T,) states, h[t-1] = h_t (from rnnlib.dynamics.unit_memory.unit_trajectory).
    The y-range is fixed to [-1.1, 1.1] (the range of tanh), so figures can be compared.
    Introduced in notebook 02 (widget ``unit_memory_explorer``).
    """
    x = np.asarray(x, dtype=float)
    h = np.asarray(h, dtype=float)
    if x.ndim != 1 or h.shape != x.shape:
        raise ValueError(
            f"unit_response: x and h should be two (T,) arrays of the same length, "
            f"got shapes {x.shape} and {h.shape}"
        )
    ax = _axes(ax, (6, 3))
    steps = np.arange(1, len(x) + 1)
    scale = max(1.0, float(np.abs(x).max()) if x.size else 1.0)
    ax.bar(
        steps,
        x / scale,
        width=0.6,
        color=_INPUT,
        edgecolor="0.5",
        linewidth=0.5,
        label="input $x_t$" + ("" if scale == 1.0 else f" (/ {scale:g})"),
    )
    ax.plot(steps, h, "o-", color=_WH, markersize=3.5, linewidth=1.8, label="state $h_t$")
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set_ylim(-1.1, 1.1)
    ax.set_xlim(0.4, len(x) + 0.6)
    ax.set_xlabel("time step t")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def unit_map(w_h, b, fixed=None, ax=None):
    """Draws the map h_{t-1} -> tanh(w_h h_{t-1} + b) of one unit with no input, against the
    diagonal h_t = h_{t-1}: where they cross are the fixed points, filled when stable.

    fixed: [(h*, stable)] as returned by rl.dynamics.fixed_points (computed if None).
    Introduced in notebook 02.
    """
    from rnnlib.dynamics.unit_memory import fixed_points

    ax = _axes(ax, (3.2, 3.2))
    fixed = fixed_points(w_h, b) if fixed is None else fixed
    hs = np.linspace(-1, 1, 201)
    ax.plot(hs, hs, color="0.6", linewidth=1, linestyle="--", label="$h_t = h_{t-1}$")
    ax.plot(hs, np.tanh(w_h * hs + b), color=_WH, linewidth=1.8, label=r"$\tanh(w_h h_{t-1} + b)$")
    for h_star, stable in fixed:
        ax.plot(
            [h_star],
            [h_star],
            "o",
            markersize=8,
            color=_WH,
            markerfacecolor=_WH if stable else "white",
            markeredgewidth=1.5,
        )
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_aspect("equal")
    ax.set_xlabel("$h_{t-1}$")
    ax.set_ylabel("$h_t$ (no input)")
    n_stable = sum(stable for _, stable in fixed)
    ax.set_title(f"{n_stable} stable state{'s' if n_stable != 1 else ''}", fontsize=10)
    ax.legend(loc="upper left", fontsize=7)
    return ax


def latch_diagram(w_h, b, ax=None, w_h_max=6.0, b_max=5.0):
    """Draws the (w_h, b) plane of one unit: shaded where it is a latch (two stable states,
    w_h > 1 and |b| < b_c(w_h)), the boundary b = +-b_c(w_h), and the point (w_h, b).

    Introduced in notebook 02: moving b across the boundary breaks the latch.
    """
    from rnnlib.dynamics.unit_memory import latch_threshold

    ax = _axes(ax, (3.2, 3.2))
    ws = np.linspace(0.0, max(w_h_max, float(w_h)), 301)
    bc = np.array([latch_threshold(w) for w in ws])
    ax.fill_between(ws, -bc, bc, where=bc > 0, color=_STATE, label="latch")
    ax.plot(ws, bc, color="0.3", linewidth=1.2)
    ax.plot(ws, -bc, color="0.3", linewidth=1.2, label=r"$|b| = b_c(w_h)$")
    ax.axvline(1.0, color="0.6", linewidth=0.8, linestyle=":")
    ax.plot([w_h], [b], "X", markersize=10, color="black", label="this unit")
    ax.set_xlim(ws[0], ws[-1])
    ax.set_ylim(-max(b_max, abs(float(b)) + 0.5), max(b_max, abs(float(b)) + 0.5))
    ax.set_xlabel("$w_h$")
    ax.set_ylabel("$b$")
    ax.set_title(r"where a unit is a latch", fontsize=10)
    ax.legend(loc="lower left", fontsize=7)
    return ax
