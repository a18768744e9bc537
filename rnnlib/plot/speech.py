"""Plots of notebook 08 (speech): a log-mel spectrogram, a confusion matrix and a stream's
keyword posteriors with the words said. matplotlib is imported inside."""

from __future__ import annotations

import numpy as np


def spectrogram(log_mel, ax=None, hop_seconds: float = 0.01, title: str | None = None):
    """Draws a ``(F, n_mels)`` log-mel spectrogram: time (s) across, mel channel up. Returns
    ``ax``."""
    from rnnlib.plot.common import _axes

    log_mel = np.asarray(log_mel, dtype=np.float64)
    if log_mel.ndim != 2:
        raise ValueError(f"spectrogram: log_mel should be (F, n_mels), got {log_mel.shape}")
    ax = _axes(ax, (6, 2.6))
    F, C = log_mel.shape
    ax.imshow(
        log_mel.T,
        origin="lower",
        aspect="auto",
        cmap="magma",
        extent=(0.0, max(F, 1) * hop_seconds, -0.5, C - 0.5),
    )
    ax.set_xlabel("time (s)")
    ax.set_ylabel("mel channel")
    if title:
        ax.set_title(title)
    return ax


def confusion_matrix(y_true, y_pred, labels, ax=None, title: str | None = None):
    """Draws the confusion matrix (rows: true class, columns: predicted), each row as
    fractions of that class, with the counts written in. Returns ``ax``."""
    from rnnlib.plot.common import _axes

    y_true, y_pred = np.asarray(y_true, int), np.asarray(y_pred, int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: {y_true.shape} true labels, {y_pred.shape} predicted")
    K = len(labels)
    counts = np.zeros((K, K), int)
    np.add.at(counts, (y_true, y_pred), 1)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    ax = _axes(ax, (6, 5))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(K):
        for j in range(K):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if share[i, j] > 0.5 else "black",
                )
    ax.set_xticks(range(K), labels, rotation=60, fontsize=8)
    ax.set_yticks(range(K), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("said")
    if title:
        ax.set_title(title)
    return ax


def stream_posteriors(
    probs,
    events,
    labels,
    ax=None,
    detections=None,
    hop_seconds: float = 0.01,
    title: str | None = None,
):
    """Draws the keyword posteriors ``probs (F, K+1)`` of one stream over time (class 0, "no
    keyword", left out), shades the words said (``events`` rows ``(k, first, end)`` frames) and
    marks ``detections`` rows ``(k, frame)``. ``labels``: the K keyword names. Returns ``ax``."""
    import matplotlib.pyplot as plt

    from rnnlib.plot.common import _axes

    probs = np.asarray(probs, dtype=np.float64)
    ax = _axes(ax, (11, 2.8))
    t = np.arange(probs.shape[0]) * hop_seconds
    colours = plt.get_cmap("tab10")
    for k, first, end in np.asarray(events).reshape(-1, 3):
        ax.axvspan(first * hop_seconds, end * hop_seconds, color=colours(k % 10), alpha=0.15)
        ax.text(first * hop_seconds, 1.02, labels[k], fontsize=8, color=colours(k % 10))
    for k in range(probs.shape[1] - 1):
        if probs[:, k + 1].max() > 0.1:
            ax.plot(t, probs[:, k + 1], color=colours(k % 10), lw=1, label=labels[k])
    for k, frame in np.asarray(detections if detections is not None else []).reshape(-1, 2):
        ax.axvline(frame * hop_seconds, color=colours(k % 10), ls="--", lw=1)
    ax.set_ylim(0, 1.1)
    ax.set_xlim(0, max(len(t), 1) * hop_seconds)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("posterior")
    if title:
        ax.set_title(title)
    return ax
