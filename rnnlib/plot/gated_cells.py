"""Figures of notebook 06 (LSTM and GRU): the LSTM cell as a diagram, gate activations over
a sequence, and gradient flow (the norm of dh_T/dh_t against the lag) of several cells.

(``rnnlib.cells.gates`` holds the gate names and block helpers; this module only draws.)
Each helper takes ``ax=None`` (a new figure is made) and returns the ``ax``.
matplotlib is imported inside the functions. Introduced in notebook 06.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rnnlib.plot.common import _axes

GATE_LABELS = {
    "i": "input gate $i_t$",
    "f": "forget gate $f_t$",
    "o": "output gate $o_t$",
    "c": r"candidate $\tilde c_t$",
    "z": "update gate $z_t$",
    "r": "reset gate $r_t$",
    "h": r"candidate $\tilde h_t$",
}
_COLOURS = {
    "i": "#3d85c6",
    "f": "#e06666",
    "o": "#6aa84f",
    "c": "#8e7cc3",
    "z": "#e69138",
    "r": "#45818e",
    "h": "#8e7cc3",
}


def _one_sequence(where: str, name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{where}: {name} should be one sequence (T, H), got shape {arr.shape}; "
            "for a batch pass one example, e.g. gates[0]"
        )
    return arr


def _check_gates(where: str, gates) -> dict[str, np.ndarray]:
    if not isinstance(gates, Mapping) or not gates:
        raise ValueError(
            f"{where}: gates should be a non-empty dict {{name: (T, H) array}}, "
            f"e.g. {{'i': i, 'f': f, 'o': o}}"
        )
    out = {str(k): _one_sequence(where, f"gates[{k!r}]", v) for k, v in gates.items()}
    shapes = {v.shape for v in out.values()}
    if len(shapes) != 1:
        raise ValueError(
            f"{where}: every gate should have the same shape (T, H), got "
            + ", ".join(f"{k}: {v.shape}" for k, v in out.items())
        )
    return out


def gate_heatmap(values, ax=None, *, gate="f", t=None, unit=None, colorbar=True, title=None):
    """Activations of one gate over a sequence: time across, units down, on [0, 1].

    values: (T, H) gate values in [0, 1] (a sigmoid gate) of one sequence. t: a step to mark
    with a vertical line; unit: a unit to mark with a horizontal line. Notebook 06.
    """
    arr = _one_sequence("gate_heatmap", "values", values)
    T, H = arr.shape
    ax = _axes(ax, (min(12.0, 3.0 + 0.05 * T), min(5.0, 1.5 + 0.15 * H)))
    image = ax.imshow(
        arr.T, aspect="auto", interpolation="nearest", cmap="magma", vmin=0.0, vmax=1.0
    )
    if t is not None:
        if not 0 <= int(t) < T:
            raise ValueError(f"gate_heatmap: t should be in [0, {T - 1}], got {t}")
        ax.axvline(int(t), color="#00ffff", linewidth=1.5)
    if unit is not None:
        if not 0 <= int(unit) < H:
            raise ValueError(f"gate_heatmap: unit should be in [0, {H - 1}], got {unit}")
        ax.axhline(int(unit), color="#00ffff", linewidth=1.0, linestyle=":")
    ax.set_xlabel("time step t")
    ax.set_ylabel("unit")
    ax.set_title(title if title is not None else GATE_LABELS.get(gate, gate))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.02)
    return ax


def gate_traces(gates, unit=0, ax=None, *, t=None, markers=None, title=None):
    """Every gate of one unit over time, as lines on [0, 1].

    gates: ``{name: (T, H)}`` of one sequence, e.g. ``{"i": i, "f": f, "o": o}``.
    unit: which unit. markers: optional (T,) values (e.g. the adding problem's marker
    channel) drawn as grey bars behind the lines. t: a step to mark. Notebook 06.
    """
    gates = _check_gates("gate_traces", gates)
    T, H = next(iter(gates.values())).shape
    if not 0 <= int(unit) < H:
        raise ValueError(f"gate_traces: unit should be in [0, {H - 1}], got {unit}")
    ax = _axes(ax, (min(12.0, 3.0 + 0.05 * T), 3.0))
    steps = np.arange(T)
    if markers is not None:
        markers = np.asarray(markers, dtype=float).ravel()
        if markers.shape != (T,):
            raise ValueError(f"gate_traces: markers should have shape ({T},), got {markers.shape}")
        ax.bar(steps, markers, width=1.0, color="#cccccc", label="input marker", zorder=0)
    for name, values in gates.items():
        ax.plot(
            steps,
            values[:, int(unit)],
            color=_COLOURS.get(name),
            linewidth=1.5,
            label=GATE_LABELS.get(name, name),
        )
    if t is not None:
        if not 0 <= int(t) < T:
            raise ValueError(f"gate_traces: t should be in [0, {T - 1}], got {t}")
        ax.axvline(int(t), color="black", linewidth=1.0)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(-0.5, T - 0.5)
    ax.set_xlabel("time step t")
    ax.set_ylabel("activation")
    ax.set_title(title if title is not None else f"gates of unit {int(unit)}")
    ax.legend(loc="upper right", fontsize="small", ncol=len(gates) + (markers is not None))
    return ax


def gradient_by_lag(norms, ax=None, *, title=None, floor=1e-30):
    """Gradient norm ``||dh_T/ds_t||`` against the lag ``T - t``, one line per model, log y.

    The state s_t is h_t, or (h_t, c_t) for an LSTM (:func:`rnnlib.dynamics.state_gradient_norms`).
    norms: ``{model name: (T,) array}`` with ``norms[name][t]`` the norm for state t
    (0-based, so the last entry has lag 0), or ``{name: (lags, values)}``. Values below
    ``floor`` are drawn at it, so that a vanished gradient still shows; a dotted line marks the
    floor and says so whenever a value was clipped. Notebook 06.
    """
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError("gradient_by_lag: norms should be a non-empty dict {model: (T,) norms}")
    ax = _axes(ax, (7.0, 3.5))
    clipped = False
    for name, value in norms.items():
        if isinstance(value, tuple) and len(value) == 2:
            lags, vals = (np.asarray(v, dtype=float).ravel() for v in value)
        else:
            vals = np.asarray(value, dtype=float).ravel()
            lags = np.arange(len(vals))[::-1]  # state t = 0 .. T-1 has lag T-1 .. 0
        if lags.shape != vals.shape or vals.size == 0:
            raise ValueError(
                f"gradient_by_lag: norms[{name!r}] should be a non-empty 1-D array "
                f"(or matching lags and values), got {vals.shape} values"
            )
        order = np.argsort(lags)
        ax.semilogy(lags[order], np.maximum(vals[order], floor), label=str(name), linewidth=1.8)
        clipped = clipped or bool(np.any(vals < floor))
    if clipped:
        ax.axhline(
            floor,
            color="grey",
            linestyle=":",
            linewidth=1.0,
            label=f"below {floor:.0e}: drawn here (vanished)",
        )
    ax.set_xlabel(r"lag $T - t$ (steps back from the end)")
    ax.set_ylabel(r"$\|\partial h_T / \partial s_t\|$, $s_t = h_t$ or $(h_t, c_t)$")
    ax.set_title(title if title is not None else "how much of the gradient reaches step t")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def lstm_cell_diagram(ax=None, *, cell="lstm"):
    """The LSTM (or GRU, ``cell="gru"``) cell drawn as boxes and arrows: the gates, and the
    state path (c for an LSTM, h for a GRU) along the top, touched only by a product and a sum.
    Notebook 06.
    """
    if cell not in ("lstm", "gru"):
        raise ValueError(f"lstm_cell_diagram: cell should be 'lstm' or 'gru', got {cell!r}")
    ax = _axes(ax, (8.0, 4.0))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.set_axis_off()

    def box(x, y, text, colour, w=1.1, h=0.7):
        from matplotlib.patches import FancyBboxPatch

        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.05",
                facecolor=colour,
                edgecolor="black",
                alpha=0.9,
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=11)

    def op(x, y, text):
        from matplotlib.patches import Circle

        ax.add_patch(Circle((x, y), 0.3, facecolor="white", edgecolor="black", zorder=3))
        ax.text(x, y, text, ha="center", va="center", fontsize=13, zorder=4)

    def arrow(x0, y0, x1, y1, **kw):
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "->",
                "lw": kw.get("lw", 1.2),
                "color": kw.get("color", "black"),
            },
        )

    top = 5.0
    if cell == "lstm":
        state_in, state_out = r"$c_{t-1}$", r"$c_t$"
        gates = [
            ("f", 2.5, r"$\sigma$"),
            ("i", 4.5, r"$\sigma$"),
            ("c", 5.9, "tanh"),
            ("o", 7.5, r"$\sigma$"),
        ]
    else:
        state_in, state_out = r"$h_{t-1}$", r"$h_t$"
        gates = [("z", 2.5, r"$\sigma$"), ("r", 4.5, r"$\sigma$"), ("h", 5.9, "tanh")]
    # the state path along the top: one product and one sum, no matrix, no squashing
    arrow(0.3, top, 9.7, top, lw=3.0, color="#cc0000")
    ax.text(0.3, top + 0.35, state_in, fontsize=12)
    ax.text(9.3, top + 0.35, state_out, fontsize=12)
    op(2.5, top, r"$\times$")
    op(5.9, top, "+")
    for name, x, act in gates:
        box(x, 2.6, f"{name}: {act}", _COLOURS[name])
        arrow(x, 1.2, x, 2.2)
    ax.text(
        5.0,
        0.6,
        r"$x_t W_x + h_{t-1} W_h + b$  (one matmul, split into gate blocks)",
        ha="center",
        fontsize=10,
    )
    if cell == "lstm":
        arrow(2.5, 2.95, 2.5, top - 0.3)  # f scales c_{t-1}
        op(5.2, 3.9, r"$\times$")  # i * candidate
        arrow(4.5, 2.95, 5.0, 3.7)
        arrow(5.9, 2.95, 5.4, 3.7)
        arrow(5.2, 4.2, 5.75, top - 0.25)
        op(8.6, 3.9, r"$\times$")  # o * tanh(c_t)
        arrow(7.5, 2.95, 8.4, 3.75)
        arrow(8.6, top - 0.05, 8.6, 4.2)
        ax.text(8.75, 4.45, "tanh", fontsize=9)
        arrow(8.9, 3.9, 9.7, 3.2)
        ax.text(9.1, 2.8, r"$h_t$", fontsize=12)
        ax.set_title(
            r"LSTM: $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$, "
            r"$h_t = o_t \odot \tanh(c_t)$",
            fontsize=11,
        )
    else:
        arrow(2.5, 2.95, 2.5, top - 0.3)  # z scales h_{t-1}
        arrow(4.5, 2.95, 5.6, 2.75)  # r feeds the candidate
        op(5.9, 3.9, r"$\times$")  # (1 - z) * candidate
        arrow(5.9, 2.95, 5.9, 3.6)
        arrow(5.9, 4.2, 5.9, top - 0.3)
        ax.text(6.3, 3.8, r"$1 - z_t$", fontsize=9)
        ax.set_title(r"GRU: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$", fontsize=11)
    return ax
