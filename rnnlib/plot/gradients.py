"""Figures of notebook 05 (vanishing and exploding gradients): gradient norm against lag,
the loss cliff, an adding-problem sequence and the adding-problem results over T.

Each helper takes ``ax=None`` (a new figure is made) and returns the ``ax``. matplotlib is
imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rnnlib.plot.common import _axes


def lag_norms(
    profiles: Mapping[str, np.ndarray],
    ax=None,
    *,
    bounds: Mapping[str, float] | None = None,
    title=None,
    ylim=(1e-12, 1e6),
):
    """Gradient norm ``||dh_T/dh_{T-k}||`` against the lag k, on a log scale.

    profiles: label -> norms by lag, (K,) with entry k at lag k (entry 0 is 1).
    bounds: label -> ``gamma * sigma_1``; each draws the bound ``(gamma sigma_1) ** k`` as a
    dashed line in its profile's colour. Notebook 05.
    """
    ax = _axes(ax, (7, 4))
    for label, norms in profiles.items():
        norms = np.asarray(norms, dtype=float)
        if norms.ndim != 1:
            raise ValueError(
                f"lag_norms: the norms of {label!r} should be 1-D (by lag), got shape {norms.shape}"
            )
        lags = np.arange(len(norms))
        (line,) = ax.semilogy(lags, np.where(norms > 0, norms, np.nan), label=label)
        if bounds and label in bounds:
            ax.semilogy(
                lags,
                float(bounds[label]) ** lags,
                linestyle="--",
                linewidth=1,
                color=line.get_color(),
                label=f"bound ({bounds[label]:.3g})$^k$",
            )
    ax.set_xlabel("lag k = T - t (steps back in time)")
    ax.set_ylabel(r"$\|\partial h_T / \partial h_{T-k}\|_2$")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    if title:
        ax.set_title(title)
    return ax


def cliff(w, loss, grad, ax=None, *, title=None):
    """Loss (left axis) and gradient magnitude (right axis, log scale) against one weight w:
    the cliff of Pascanu et al. 2013. w, loss, grad: (K,). Returns the loss axes. Notebook 05."""
    w, loss, grad = (np.asarray(v, dtype=float) for v in (w, loss, grad))
    if not w.shape == loss.shape == grad.shape or w.ndim != 1:
        raise ValueError(
            f"cliff: w, loss and grad should be 1-D of one length, got shapes "
            f"{w.shape}, {loss.shape}, {grad.shape}"
        )
    ax = _axes(ax, (7, 3.5))
    ax.plot(w, loss, color="tab:blue")
    ax.set_xlabel("recurrent weight w")
    ax.set_ylabel("loss", color="tab:blue")
    twin = ax.twinx()
    twin.semilogy(w, np.abs(grad), color="tab:red", linewidth=1)
    twin.set_ylabel(r"$|\partial\,$loss$/\partial w|$", color="tab:red")
    if title:
        ax.set_title(title)
    return ax


def adding_sequence(x, y=None, ax=None, *, title=None):
    """One adding-problem sequence: the values as bars, the two marked ones highlighted.
    x: (T, 2) (values, markers); y: its target, shown in the title. Notebook 05."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"adding_sequence: x should be one sequence (T, 2), got shape {x.shape}")
    ax = _axes(ax, (8, 2.5))
    T = x.shape[0]
    marked = x[:, 1] > 0
    ax.bar(np.arange(T), x[:, 0], color=np.where(marked, "#e06666", "#9fc5e8"), width=1.0)
    ax.axvline(T / 2 - 0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_xlim(-0.5, T - 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    if title is None and y is not None:
        a, b = x[marked, 0]
        title = f"marked values {a:.2f} + {b:.2f} = target {float(y):.2f}"
    if title:
        ax.set_title(title)
    return ax


# How the benchmarks' model keys read in a legend.
MODEL_NAMES = {
    "simple_rnn": "SimpleRNN",
    "lstm": "LSTM",
    "lstm_chrono": "LSTM (chrono init)",
    "gru": "GRU",
}


def adding_results(runs, ax=None, *, baseline: float = 1 / 6, title=None):
    """Held-out MSE against T for each model, log scale, beside the predict-the-mean baseline.
    runs: dicts with keys ``model``, ``T``, ``mse`` (the benchmark JSON's ``runs``); several
    seeds of one (model, T) are drawn as their median. Notebook 05 (and 06)."""
    ax = _axes(ax, (6, 3.5))
    models = sorted({r["model"] for r in runs})
    for model in models:
        Ts = sorted({r["T"] for r in runs if r["model"] == model})
        mses = [
            np.median([r["mse"] for r in runs if r["model"] == model and r["T"] == T]) for T in Ts
        ]
        ax.semilogy(Ts, mses, marker="o", label=MODEL_NAMES.get(model, model))
    ax.axhline(
        baseline,
        color="black",
        linestyle="--",
        linewidth=1,
        label=f"predict the mean ({baseline:.3f})",
    )
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("held-out MSE")
    ax.legend(fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    if title:
        ax.set_title(title)
    return ax
