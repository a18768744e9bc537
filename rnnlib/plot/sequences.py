"""Plots for notebook 01 (sequences): token strips, one-hot and dense matrices, padded
batches, accuracy by motif position and predicted probabilities.

Each helper takes ``ax=None`` (a new figure is made) and returns the ``ax``.
matplotlib is imported inside the functions.
"""

from __future__ import annotations

import numpy as np

from rnnlib.plot.common import _axes

_SEEN = "#d9ead3"  # background of positions seen in training
_MOTIF = "#f6b26b"  # highlight of the motif's tokens
_PAD = "#eeeeee"  # padded (masked) entries
_MODEL_COLOURS = ("#3d85c6", "#e06666", "#6aa84f", "#8e7cc3")


def sequence_matrix(
    matrix, row_labels=None, col_labels=None, ax=None, title=None, annotate=None, cmap=None
):
    """Heat map of one sequence of vectors, one row per time step.

    matrix: (T, D) array, e.g. one-hot rows (T, V) or dense embeddings (T, d).
    row_labels: T labels (the tokens); col_labels: D labels (vocabulary words or None).
    annotate: write each value in its cell (default: when the matrix has <= 200 cells).
    Introduced in notebook 01 (sparse one-hot vs dense vectors).
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"sequence_matrix: matrix should be 2-D (T, D), got shape {matrix.shape}")
    T, D = matrix.shape
    ax = _axes(ax, (max(3.0, 0.45 * D + 1.5), max(2.0, 0.4 * T + 1.0)))
    limit = float(np.abs(matrix).max()) or 1.0
    signed = bool((matrix < 0).any())
    if cmap is None:
        cmap = "RdBu_r" if signed else "Greys"
    ax.imshow(matrix, cmap=cmap, vmin=-limit if signed else 0.0, vmax=limit, aspect="auto")
    if annotate is None:
        annotate = matrix.size <= 200
    if annotate:
        for t in range(T):
            for d in range(D):
                value = matrix[t, d]
                text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
                dark = abs(value) > 0.6 * limit
                ax.text(
                    d,
                    t,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if dark else "black",
                )
    ax.set_yticks(range(T))
    ax.set_yticklabels(row_labels if row_labels is not None else range(T))
    ax.set_xticks(range(D))
    if col_labels is not None:
        ax.set_xticklabels(col_labels, rotation=90)
    ax.set_ylabel("time step")
    if title:
        ax.set_title(title)
    return ax


def padded_batch(X, mask, ax=None, title=None):
    """Draws a padded batch as a grid of numbers; padded entries (mask False) are greyed.

    X: (N, T) int tokens; mask: (N, T) bool, True at real entries.
    Introduced in notebook 01 (padding and masks).
    """
    from matplotlib.colors import ListedColormap

    X = np.asarray(X)
    mask = np.asarray(mask, dtype=bool)
    if X.shape != mask.shape or X.ndim != 2:
        raise ValueError(
            f"padded_batch: X and mask should both be (N, T), got {X.shape} and {mask.shape}"
        )
    N, T = X.shape
    ax = _axes(ax, (max(3.0, 0.5 * T + 1.0), max(1.5, 0.45 * N + 0.8)))
    ax.imshow(
        mask.astype(float), cmap=ListedColormap([_PAD, "#cfe2f3"]), vmin=0, vmax=1, aspect="auto"
    )
    for n in range(N):
        for t in range(T):
            ax.text(
                t,
                n,
                str(X[n, t]),
                ha="center",
                va="center",
                fontsize=9,
                color="black" if mask[n, t] else "#999999",
            )
    ax.set_xticks(range(T))
    ax.set_yticks(range(N))
    ax.set_xlabel("position (array index; step t = index + 1)")
    ax.set_ylabel("sequence")
    if title:
        ax.set_title(title)
    return ax


def motif_sequence(sequence, position, motif_length, ax=None, token_labels=None, title=None):
    """One sequence as a strip of boxes, the motif's tokens highlighted.

    sequence: (T,) int tokens; position: where the motif starts (None: no highlight);
    motif_length: k. token_labels: optional names for the token ids.
    Introduced in notebook 01 (motif-position slider).
    """
    from matplotlib.patches import Rectangle

    sequence = np.asarray(sequence)
    T = len(sequence)
    ax = _axes(ax, (max(4.0, 0.4 * T), 1.0))
    for t, token in enumerate(sequence):
        inside = position is not None and position <= t < position + motif_length
        ax.add_patch(
            Rectangle((t, 0), 1, 1, facecolor=_MOTIF if inside else "white", edgecolor="#666666")
        )
        label = token_labels[token] if token_labels is not None else str(token)
        ax.text(t + 0.5, 0.5, label, ha="center", va="center", fontsize=9)
    ax.set_xlim(0, T)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_xticks(np.arange(T) + 0.5)
    ax.set_xticklabels(range(T), fontsize=7)
    ax.set_xlabel(r"position p (array index: it holds $x_{p+1}$)")
    if title:
        ax.set_title(title)
    return ax


def accuracy_by_position(positions, accuracies, train_positions=None, ax=None, title=None):
    """Accuracy on sequences that contain the motif, against where the motif starts.

    positions: (P,) motif start positions; accuracies: {model name: (P,) accuracies};
    train_positions: positions used in training (their background is shaded).
    Introduced in notebook 01 (MLP vs RNN on a motif at unseen positions).
    """
    positions = np.asarray(positions)
    ax = _axes(ax, (7.0, 3.2))
    if train_positions is not None:
        for i, p in enumerate(sorted(set(np.asarray(train_positions).tolist()))):
            ax.axvspan(
                p - 0.5, p + 0.5, color=_SEEN, lw=0, label="seen in training" if i == 0 else None
            )
    for i, (name, acc) in enumerate(accuracies.items()):
        colour = _MODEL_COLOURS[i % len(_MODEL_COLOURS)]
        acc = np.asarray(acc, dtype=float)
        if acc.shape != positions.shape:
            raise ValueError(
                f"accuracy_by_position: accuracies[{name!r}] has shape {acc.shape}, "
                f"expected {positions.shape} (one value per position)"
            )
        ax.plot(positions, acc, "o-", color=colour, label=name)
    ax.axhline(0.5, color="#999999", ls=":", lw=1)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xticks(positions)
    ax.set_xlabel("position of the motif")
    ax.set_ylabel("accuracy (motif present)")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title)
    return ax


def motif_probabilities(probabilities, threshold=0.5, ax=None, title=None):
    """Bar chart of each model's predicted probability that the motif is present.

    probabilities: {model name: probability in [0, 1]}.
    Introduced in notebook 01 (motif-position slider).
    """
    names = list(probabilities)
    values = [float(probabilities[name]) for name in names]
    ax = _axes(ax, (4.0, 2.5))
    colours = [_MODEL_COLOURS[i % len(_MODEL_COLOURS)] for i in range(len(names))]
    bars = ax.barh(names, values, color=colours)
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            min(value + 0.02, 0.9),
            bar.get_y() + bar.get_height() / 2,
            f"{value:.2f}",
            va="center",
            fontsize=9,
        )
    ax.axvline(threshold, color="#333333", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("P(motif present)")
    if title:
        ax.set_title(title)
    return ax
