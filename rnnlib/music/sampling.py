"""Sampling the four voices' next tokens with a temperature (notebook 09)."""

from __future__ import annotations

import numpy as np


def sample_voices(logits, temperature: float = 1.0, rng=None) -> np.ndarray:
    """One token per voice from logits (4, V): token k of voice v with probability
    softmax(logits[v] / temperature)[k]. Returns int64 (4,). temperature > 0; -inf logits
    are never drawn."""
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f"sample_voices: logits should be (voices, V), got {logits.shape}")
    if not float(temperature) > 0:
        raise ValueError(f"sample_voices: temperature should be > 0, got {temperature}")
    rng = np.random.default_rng() if rng is None else rng
    z = logits / float(temperature)
    z = z - z.max(axis=1, keepdims=True)  # (4, V): the largest is 0, so exp cannot overflow
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random(len(p))[:, None]  # (4, 1)
    return np.minimum((np.cumsum(p, axis=1) < u).sum(axis=1), p.shape[1] - 1).astype(np.int64)
