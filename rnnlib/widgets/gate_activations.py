"""Gate explorer for notebook 06: pick a gate, a unit and a step, see what the gates did.

Holds no model logic: it is given gate activations already computed (e.g. ``i, f, o`` of an
LSTM or ``z, r`` of a GRU over one sequence) and only redraws the plot helpers of
:mod:`rnnlib.plot.gated_cells`. ipywidgets is imported inside the function.
"""

from __future__ import annotations

import numpy as np


def gate_explorer(gates, markers=None, gate=None, unit=0, t=0, title=None):
    """Returns a widget: a gate dropdown, a unit slider and a time slider over a heatmap of
    the chosen gate (units down, time across) and the traces of every gate of the chosen unit.

    gates: ``{name: (T, H)}`` for one sequence, e.g. ``{"i": i, "f": f, "o": o}``.
    markers: optional (T,) values drawn behind the traces (the adding problem's markers).
    The figure is redrawn into an ``Output`` widget, so a headless run renders the first
    frame. Introduced in notebook 06.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from rnnlib.plot import gated_cells

    gates = gated_cells._check_gates("gate_explorer", gates)
    names = list(gates)
    T, H = next(iter(gates.values())).shape
    gate = names[0] if gate is None else gate
    if gate not in gates:
        raise ValueError(f"gate_explorer: gate should be one of {names}, got {gate!r}")
    if not 0 <= int(unit) < H:
        raise ValueError(f"gate_explorer: unit should be in [0, {H - 1}], got {unit}")
    if not 0 <= int(t) < T:
        raise ValueError(f"gate_explorer: t should be in [0, {T - 1}], got {t}")
    if markers is not None:
        markers = np.asarray(markers, dtype=float).ravel()

    pick = widgets.Dropdown(options=names, value=gate, description="gate")
    unit_slider = widgets.IntSlider(
        value=int(unit), min=0, max=H - 1, description="unit", continuous_update=False
    )
    t_slider = widgets.IntSlider(
        value=int(t), min=0, max=T - 1, description="t", continuous_update=False
    )
    readout = widgets.HTML()
    out = widgets.Output()

    def draw(*_):
        g, u, s = pick.value, unit_slider.value, t_slider.value
        with out:
            out.clear_output(wait=True)
            fig, (ax_map, ax_line) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
            gated_cells.gate_heatmap(gates[g], ax=ax_map, gate=g, t=s, unit=u)
            gated_cells.gate_traces(gates, unit=u, ax=ax_line, t=s, markers=markers)
            if title:
                fig.suptitle(title)
            fig.tight_layout()
            display(fig)
            plt.close(fig)
        # The readout changes after the figure, so text and plot never disagree for long.
        values = ", ".join(f"{k} = {v[s, u]:.2f}" for k, v in gates.items())
        readout.value = f"unit {u} at t = {s}: {values}"

    for control in (pick, unit_slider, t_slider):
        control.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox([pick, unit_slider, t_slider]), readout, out])
