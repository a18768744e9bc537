"""Time-step scrubber for notebook 02: slide over t, see the hidden state and the input.

Holds no model logic: it is given hidden states already computed and only redraws the
plot helpers of :mod:`rnnlib.plot.rnn_cell`. ipywidgets is imported inside the function.
"""

from __future__ import annotations

import numpy as np


def hidden_state_scrubber(h, x=None, t=0, step_labels=None, unit_labels=None,
                          feature_labels=None):
    """Returns a widget: an IntSlider (and play button) over t that outlines column t of the
    hidden-state heatmap and shows the input x_t beside it.

    h: hidden states of one sequence, (T, H); x: its inputs, (T, D), or None.
    The figure is redrawn into an ``Output`` widget, so executing the notebook headless
    just renders the first frame. Introduced in notebook 02.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from rnnlib.plot.rnn_cell import hidden_state_heatmap, input_at_step

    h = np.asarray(h, dtype=float)
    if h.ndim != 2:
        raise ValueError(f"hidden_state_scrubber: h should be one sequence (T, H), got shape "
                         f"{h.shape}; for a batch pass one example, e.g. h[0]")
    T = h.shape[0]
    if x is not None:
        x = np.asarray(x, dtype=float)
        if x.shape[0] != T:
            raise ValueError(f"hidden_state_scrubber: x should have T={T} steps like h, "
                             f"got shape {x.shape}")
    if not 0 <= int(t) < T:
        raise ValueError(f"hidden_state_scrubber: t should be in [0, {T - 1}], got {t}")

    slider = widgets.IntSlider(value=int(t), min=0, max=T - 1, step=1, description="t",
                               continuous_update=True)
    play = widgets.Play(value=int(t), min=0, max=T - 1, step=1, interval=600, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    out = widgets.Output()

    def draw(step):
        with out:
            out.clear_output(wait=True)
            if x is None:
                fig, ax_h = plt.subplots(figsize=(8, 3))
            else:
                fig, (ax_h, ax_x) = plt.subplots(
                    1, 2, figsize=(11, 3.2), gridspec_kw={"width_ratios": [3, 1]})
                label = step_labels[step] if step_labels is not None else None
                input_at_step(x, step, ax=ax_x, feature_labels=feature_labels,
                              title=None if label is None else f"input at t = {step}: {label!r}")
            hidden_state_heatmap(h, t=step, ax=ax_h, step_labels=step_labels,
                                 unit_labels=unit_labels)
            ax_h.set_title(rf"hidden state $h_t$, column t = {step} outlined")
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    slider.observe(lambda change: draw(change["new"]), names="value")
    draw(int(t))
    return widgets.VBox([widgets.HBox([play, slider]), out])
