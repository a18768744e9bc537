"""Motif-position slider (notebook 01): move a motif along a sequence and watch what each
model predicts.

The widget holds no model logic. It builds every placement of the motif in one base
sequence, asks each predictor once for the whole batch (or takes probabilities computed
beforehand), and the slider only redraws. ipywidgets and matplotlib are imported inside.
"""

from __future__ import annotations

import numpy as np


def motif_variants(base, motif):
    """Every placement of ``motif`` in ``base``: row p holds the motif at positions p..p+k-1.

    base: (T,) int tokens; motif: (k,) int tokens, k <= T. Returns (T - k + 1, T) int.
    """
    base = np.asarray(base)
    motif = np.asarray(motif)
    if base.ndim != 1 or motif.ndim != 1:
        raise ValueError(
            "motif_variants: base and motif should be 1-D, "
            f"got shapes {base.shape} and {motif.shape}"
        )
    T, k = len(base), len(motif)
    if not 0 < k <= T:
        raise ValueError(f"motif_variants: motif length {k} should be between 1 and len(base)={T}")
    variants = np.tile(base, (T - k + 1, 1))  # (P, T)
    for p in range(T - k + 1):
        variants[p, p : p + k] = motif
    return variants


class MotifSlider:
    """A slider over the motif's start position, drawing the sequence and each model's P(motif).

    base: (T,) int tokens without the motif; motif: (k,) int tokens.
    predictors: {name: f(X) -> probabilities}, X (P, T) int tokens, result (P,) or (P, 1);
        each is called once, here. Or pass ``probabilities``: {name: (P,) array} directly.
    train_positions: start positions seen in training (named in the title).
    token_labels: optional names of the token ids.
    Display it with ``display(slider)`` (or as a cell's last expression).
    """

    def __init__(
        self,
        base,
        motif,
        predictors=None,
        probabilities=None,
        train_positions=None,
        token_labels=None,
        position=0,
    ):
        self.base = np.asarray(base)
        self.motif = np.asarray(motif)
        self.variants = motif_variants(self.base, self.motif)  # (P, T)
        P = len(self.variants)
        if (predictors is None) == (probabilities is None):
            raise ValueError("MotifSlider: pass exactly one of predictors= or probabilities=")
        if predictors is not None:
            probabilities = {name: fn(self.variants) for name, fn in predictors.items()}
        self.probabilities = {}
        for name, probs in probabilities.items():
            probs = np.asarray(probs, dtype=float).reshape(-1)
            if probs.shape != (P,):
                raise ValueError(
                    f"MotifSlider: probabilities for {name!r} should have {P} values "
                    f"(one per motif position 0..{P - 1}), got shape {probs.shape}"
                )
            self.probabilities[name] = probs
        self.train_positions = (
            None
            if train_positions is None
            else {int(p) for p in np.asarray(train_positions).ravel()}
        )
        self.token_labels = token_labels
        self._build(int(position))

    def _build(self, position):
        import ipywidgets as widgets

        self.slider = widgets.IntSlider(
            value=position,
            min=0,
            max=len(self.variants) - 1,
            step=1,
            description="motif at",
            continuous_update=False,
        )
        self.output = widgets.Output()
        self.slider.observe(lambda change: self.draw(change["new"]), names="value")
        self.widget = widgets.VBox([self.slider, self.output])
        self.draw(position)

    def figure(self, position):
        """The figure for one position: the sequence on top, the probabilities below.

        The caller owns the figure (close it with ``plt.close(fig)``).
        """
        import matplotlib.pyplot as plt

        from rnnlib.plot.sequences import motif_probabilities, motif_sequence

        fig = plt.figure(figsize=(7.5, 1.2 + 0.45 * len(self.probabilities) + 0.8))
        top, bottom = fig.subplots(2, 1, height_ratios=[1, 1 + 0.3 * len(self.probabilities)])
        seen = ""
        if self.train_positions is not None:
            seen = (
                " (seen in training)"
                if position in self.train_positions
                else " (never seen in training)"
            )
        motif_sequence(
            self.variants[position],
            position,
            len(self.motif),
            ax=top,
            token_labels=self.token_labels,
            title=f"motif starts at position {position}{seen}",
        )
        motif_probabilities(
            {name: probs[position] for name, probs in self.probabilities.items()}, ax=bottom
        )
        fig.tight_layout()
        return fig

    def draw(self, position):
        """Redraws the output area for ``position``."""
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.position = int(position)
        fig = self.figure(self.position)
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)  # shown once, inside the output area; never again at the cell's end

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def motif_slider(
    base,
    motif,
    predictors=None,
    probabilities=None,
    train_positions=None,
    token_labels=None,
    position=0,
):
    """Builds a :class:`MotifSlider` (see there for the arguments). Notebook 01."""
    return MotifSlider(
        base,
        motif,
        predictors=predictors,
        probabilities=probabilities,
        train_positions=train_positions,
        token_labels=token_labels,
        position=position,
    )
