"""Next-step prediction on token grids: the (inputs, targets) pairs and the metrics
(notebook 09).

A model of a chorale predicts the four tokens of step t from the steps before it and the bar
position of step t. Most targets are ``HOLD`` (a held note goes on), so plain accuracy is
high for a model that always says "hold"; the metrics therefore also report the loss per note
onset and the accuracy at the steps where something new starts (a note, or a rest after a note).
"""

from __future__ import annotations

import numpy as np

from rnnlib.music.encoding import HOLD, REST


def next_step_pairs(tokens, positions):
    """Inputs and targets of next-step prediction for one chorale or a batch.

    tokens: (T, 4) or (N, T, 4); positions: (T,) or (N, T) bar positions.
    Returns ``(inputs, next_positions, targets)``: ``tokens[..., :-1, :]`` (the steps seen),
    ``positions[..., 1:]`` (the bar position of the step to predict) and ``tokens[..., 1:, :]``
    (the step to predict); T - 1 steps each.
    """
    tokens, positions = np.asarray(tokens), np.asarray(positions)
    if tokens.ndim == 2:
        return tokens[:-1], positions[1:], tokens[1:]
    return tokens[:, :-1], positions[:, 1:], tokens[:, 1:]


def changes(targets, previous) -> np.ndarray:
    """True where something new starts at a target step: a note (a pitch token), or a rest
    after a sounding step. bool, the shape of ``targets``."""
    targets, previous = np.asarray(targets), np.asarray(previous)
    return (targets != HOLD) & ~((targets == REST) & (previous == REST))


def next_step_metrics(probs, targets, previous, mask=None) -> dict:
    """NLL and accuracies of next-step predictions.

    probs: (..., V) predicted distributions of each target token; targets, previous: (...)
    the target tokens and the tokens one step before them; mask: (...) True at real targets
    (default: all). Returns a dict: ``nll_per_token`` (nats, mean over real tokens),
    ``nll_per_onset`` (the total NLL divided by the number of note onsets), ``accuracy``
    (argmax = target), ``change_accuracy`` (the same at :func:`changes` only), and the
    counts ``tokens``, ``onsets``, ``changes``.
    """
    probs = np.asarray(probs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.int64)
    previous = np.asarray(previous, dtype=np.int64)
    mask = np.ones(targets.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if (
        probs.shape[:-1] != targets.shape
        or previous.shape != targets.shape
        or mask.shape != targets.shape
    ):
        raise ValueError(
            f"next_step_metrics: probs {probs.shape} should be targets "
            f"{targets.shape} + (V,), previous {previous.shape} and mask "
            f"{mask.shape} like targets"
        )
    p = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    nll = -np.log(np.maximum(p, 1e-12))
    hit = probs.argmax(axis=-1) == targets
    new = changes(targets, previous) & mask
    onset = (targets >= 3) & mask
    n = int(mask.sum())
    return {
        "nll_per_token": float(nll[mask].sum() / max(n, 1)),
        "nll_per_onset": float(nll[mask].sum() / max(int(onset.sum()), 1)),
        "accuracy": float(hit[mask].mean()) if n else float("nan"),
        "change_accuracy": float(hit[new].mean()) if new.any() else float("nan"),
        "tokens": n,
        "onsets": int(onset.sum()),
        "changes": int(new.sum()),
    }
