"""Temperature slider (notebook 03): how the temperature reshapes one next-token
distribution, and what a model generates at that temperature.

The widget holds no model logic: it takes the logits of one context and samples that were
generated beforehand at each temperature; the slider only picks and redraws (bars from
:func:`rnnlib.plot.topologies.temperature_bars`). ipywidgets and matplotlib are imported
inside.
"""

from __future__ import annotations

import numpy as np


class TemperatureSlider:
    """A slider over temperatures: the distribution ``softmax(logits / T)`` and the samples.

    logits: (V,) scores of the next token after ``context``; labels: the V token names;
    samples: {temperature: [generated strings]}, one entry per slider position;
    score: optional ``f(string) -> bool`` (e.g. "is balanced"): the share of samples for
    which it holds is printed in the title. Display with ``display(slider)``.
    """

    def __init__(self, logits, labels, samples, context="", score=None, temperature=None, shown=12):
        self.logits = np.asarray(logits, dtype=float)
        if self.logits.ndim != 1:
            raise ValueError(f"TemperatureSlider: logits should be (V,), got {self.logits.shape}")
        self.labels = [str(v) for v in labels]
        if len(self.labels) != len(self.logits):
            raise ValueError(
                f"TemperatureSlider: {len(self.labels)} labels for {len(self.logits)} logits"
            )
        if not samples or any(float(t) <= 0 for t in samples):
            raise ValueError("TemperatureSlider: samples should be {temperature > 0: [strings]}")
        self.samples = {float(t): list(s) for t, s in sorted(samples.items())}
        self.context, self.score, self.shown = context, score, int(shown)
        temps = list(self.samples)
        start = temps[len(temps) // 2] if temperature is None else float(temperature)
        if start not in self.samples:
            raise ValueError(f"TemperatureSlider: no samples for temperature {start}; have {temps}")
        import ipywidgets as widgets

        self.slider = widgets.SelectionSlider(
            options=[(f"{t:g}", t) for t in temps],
            value=start,
            description="temperature",
            continuous_update=False,
        )
        self.output = widgets.Output()
        self.slider.observe(lambda change: self.draw(change["new"]), names="value")
        self.widget = widgets.VBox([self.slider, self.output])
        self.draw(start)

    def figure(self, temperature):
        """The figure for one temperature (the caller closes it)."""
        import matplotlib.pyplot as plt

        from rnnlib.lm.sampling import softmax
        from rnnlib.plot.topologies import temperature_bars

        temperature = float(temperature)
        texts = self.samples[temperature]
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2), width_ratios=[1, 1.6])
        temperature_bars(
            softmax(self.logits, temperature),
            self.labels,
            ax=left,
            title=f"p(next | {self.context!r}) at T = {temperature:g}",
        )
        right.axis("off")
        title = f"samples at T = {temperature:g}"
        if self.score is not None and texts:
            share = np.mean([bool(self.score(s)) for s in texts])
            title += f": {share:.0%} of {len(texts)} pass"
        right.set_title(title, fontsize=10)
        shown = texts[: self.shown]
        right.text(
            0.0,
            1.0,
            "\n".join(s if s else "(empty)" for s in shown),
            family="monospace",
            fontsize=9,
            va="top",
            ha="left",
            transform=right.transAxes,
        )
        fig.tight_layout()
        return fig

    def draw(self, temperature):
        """Redraws the output area for ``temperature``."""
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.temperature = float(temperature)
        fig = self.figure(self.temperature)
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def temperature_slider(logits, labels, samples, context="", score=None, temperature=None):
    """Builds a :class:`TemperatureSlider` (see there for the arguments). Notebook 03."""
    return TemperatureSlider(
        logits, labels, samples, context=context, score=score, temperature=temperature
    )
