"""One unit's memory (notebook 02): sliders over w_h, w_x and b of a single tanh unit.

The figure shows the unit's response to a fixed input (a pulse in small noise), its map
h_{t-1} -> tanh(w_h h_{t-1} + b) with the fixed points, and the (w_h, b) plane where the unit
is a latch; the title names the regime (no memory, fading memory with its half-life, latch,
broken latch) and the threshold b_c(w_h). Presets set the sliders to the three units of the
notebook's hand-made cell and to a latch just past its threshold.

Holds no model logic: the numbers come from :mod:`rnnlib.dynamics.unit_memory`, the drawing from
:mod:`rnnlib.plot.rnn_cell`. ipywidgets and matplotlib are imported inside.
"""

from __future__ import annotations

import numpy as np

# name: (w_h, w_x, b). The first three are notebook 02's hand-made units.
PRESETS = {
    "now": (0.0, 2.0, 0.0),
    "fading": (0.8, 1.0, 0.0),
    "latch": (5.0, 9.0, -2.5),
    "broken latch": (5.0, 9.0, -3.1),
}


def pulse_input(T=20, at=4, size=1.0, noise=0.03, seed=0):
    """The default input: small noise with one pulse of ``size`` at step ``at`` (1-based).

    Returns (T,) floats; x[at - 1] is the pulse x_at.
    """
    if not 1 <= int(at) <= int(T):
        raise ValueError(f"pulse_input: the pulse step should be in [1, {T}], got {at}")
    x = noise * np.random.default_rng(seed).normal(size=int(T))  # (T,)
    x[int(at) - 1] = size
    return x


def describe(w_h, b):
    """One line naming the unit's regime, with its numbers (used as the figure's title)."""
    from rnnlib.dynamics.unit_memory import regime

    r = regime(w_h, b)
    bc = f"b_c({w_h:g}) = {r.threshold:.2f}"
    if r.name == "no memory":
        return "no memory: w_h = 0, h_t depends on x_t alone"
    if r.name == "latch":
        return (
            f"latch: two stable states ({r.stable[0]:+.2f}, {r.stable[-1]:+.2f}); "
            f"|b| = {abs(b):.2f} < {bc}"
        )
    if r.name == "broken latch":
        return (
            f"latch broken: |b| = {abs(b):.2f} >= {bc}, one stable state "
            f"({r.stable[0]:+.2f}) that every state slides back to"
        )
    half = "never" if not np.isfinite(r.half_life) else f"{r.half_life:.1f} steps"
    return f"fading memory: ×{r.decay:.2f} per step, half-life {half}"


class UnitMemoryExplorer:
    """Sliders over one tanh unit's w_h, w_x and b, and the figure they drive.

    x: the (T,) input sequence (default: :func:`pulse_input`); h0: the initial state.
    Display it with ``display(explorer)`` (or as a cell's last expression).
    """

    def __init__(self, x=None, w_h=0.8, w_x=1.0, b=0.0, h0=0.0):
        x = pulse_input() if x is None else np.asarray(x, dtype=float)
        if x.ndim != 1 or len(x) == 0:
            raise ValueError(
                f"unit_memory_explorer: x should be one input sequence (T,), got shape {x.shape}"
            )
        self.x, self.h0 = x, float(h0)
        self._build(float(w_h), float(w_x), float(b))

    def _build(self, w_h, w_x, b):
        import ipywidgets as widgets

        def slider(description, value, low, high):
            return widgets.FloatSlider(
                value=value,
                min=low,
                max=high,
                step=0.1,
                description=description,
                continuous_update=False,
                readout_format=".1f",
            )

        self.w_h = slider("w_h", w_h, 0.0, 6.0)
        self.w_x = slider("w_x", w_x, -10.0, 10.0)
        self.b = slider("b", b, -5.0, 5.0)
        self.presets = widgets.ToggleButtons(
            options=["(sliders)", *PRESETS], value="(sliders)", description="preset"
        )
        self.output = widgets.Output()
        for s in (self.w_h, self.w_x, self.b):
            s.observe(lambda change: self.draw(), names="value")
        self.presets.observe(lambda change: self.apply_preset(change["new"]), names="value")
        self.widget = widgets.VBox(
            [widgets.HBox([self.w_h, self.w_x, self.b]), self.presets, self.output]
        )
        self._holding = False
        self.draw()

    def apply_preset(self, name):
        """Sets the three sliders to the preset ``name`` and redraws once."""
        if name not in PRESETS:
            return
        self._holding = True
        try:
            self.w_h.value, self.w_x.value, self.b.value = PRESETS[name]
        finally:
            self._holding = False
        self.draw()

    def figure(self):
        """The figure for the sliders' current values (the caller closes it)."""
        import matplotlib.pyplot as plt

        from rnnlib.dynamics.unit_memory import fixed_points, unit_trajectory
        from rnnlib.plot.rnn_cell import latch_diagram, unit_map, unit_response

        w_h, w_x, b = self.w_h.value, self.w_x.value, self.b.value
        h = unit_trajectory(self.x, w_h, w_x, b, h0=self.h0)  # (T,)
        fig, (ax_t, ax_map, ax_plane) = plt.subplots(
            1, 3, figsize=(12, 3.4), gridspec_kw={"width_ratios": [2.2, 1, 1]}
        )
        unit_response(
            self.x, h, ax=ax_t, title=rf"$h_t = \tanh({w_x:g}\,x_t + {w_h:g}\,h_{{t-1}} {b:+g})$"
        )
        unit_map(w_h, b, fixed=fixed_points(w_h, b), ax=ax_map)
        latch_diagram(w_h, b, ax=ax_plane)
        fig.suptitle(describe(w_h, b), fontsize=11)
        fig.tight_layout()
        return fig

    def draw(self):
        """Redraws the output area for the sliders' current values."""
        if self._holding:
            return
        import matplotlib.pyplot as plt
        from IPython.display import display

        fig = self.figure()
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)  # shown once, inside the output area

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def unit_memory_explorer(x=None, w_h=0.8, w_x=1.0, b=0.0, h0=0.0):
    """Builds a :class:`UnitMemoryExplorer` (see there for the arguments). Notebook 02."""
    return UnitMemoryExplorer(x, w_h=w_h, w_x=w_x, b=b, h0=h0)
