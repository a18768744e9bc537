"""Truncation slider for notebook 04: choose the window of truncated BPTT and see which
paths of the gradient it cuts.

Holds no model logic: it is given ``norms[t, s] = ||dL_t / dh_s||`` already computed by
the notebook and only redraws :func:`rnnlib.plot.bptt.bptt_graph` and
:func:`rnnlib.plot.bptt.dependency_matrix`. ipywidgets is imported inside the function.
"""

from __future__ import annotations

import numpy as np


def truncation_slider(norms, window: int = 5, graph_steps: int = 8):
    """Returns a widget: an IntSlider over the window length k = 1 .. T, redrawing the
    unrolled graph with windows of k (the first ``graph_steps`` steps) and the (t, s)
    dependency matrix with the pairs that truncation drops greyed out.

    norms: (T, T) array, row t = loss step, column s = state step.
    Introduced in notebook 04.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from rnnlib.plot import bptt

    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 2 or norms.shape[0] != norms.shape[1]:
        raise ValueError(f"truncation_slider: norms should be (T, T), got shape {norms.shape}")
    T = norms.shape[0]
    if not 1 <= int(window) <= T:
        raise ValueError(f"truncation_slider: window should be in [1, {T}], got {window}")

    slider = widgets.IntSlider(
        value=int(window), min=1, max=T, step=1, description="window k", continuous_update=True
    )
    out = widgets.Output()

    def draw(k):
        with out:
            out.clear_output(wait=True)
            fig, (ax_g, ax_m) = plt.subplots(
                1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1.6, 1]}
            )
            bptt.bptt_graph(min(T, int(graph_steps)), window=int(k), ax=ax_g)
            bptt.dependency_matrix(norms, window=int(k), ax=ax_m)
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    slider.observe(lambda change: draw(change["new"]), names="value")
    draw(int(window))
    return widgets.VBox([slider, out])
