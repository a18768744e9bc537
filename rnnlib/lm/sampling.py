"""Generating sequences: temperature sampling, greedy decoding.

A sequence model factorises a sequence's probability into next-step probabilities,
``p(x_1 .. x_T) = prod_t p(x_t | x_1 .. x_{t-1})``; generating means drawing ``x_t`` from
the model's ``p(. | x_<t)`` and feeding it back. Logits are ``(N, V)`` (or ``(V,)``).
Introduced in notebook 03 (topologies); used again in 07 (names) and 09 (chorales).
"""

from __future__ import annotations

import numpy as np


def _logits(where: str, logits) -> np.ndarray:
    logits = np.asarray(logits)
    if logits.ndim not in (1, 2) or logits.shape[-1] < 1:
        raise ValueError(f"{where}: logits should be (V,) or (N, V), got shape {logits.shape}")
    if not np.issubdtype(logits.dtype, np.number) or logits.dtype == np.bool_:
        raise ValueError(f"{where}: logits should be numbers, got dtype {logits.dtype}")
    return logits.astype(np.float64)


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """``softmax(logits / temperature)`` along the last axis, without overflow.

    logits: (V,) or (N, V). temperature > 0: below 1 sharpens the distribution, above 1
    flattens it. Returns probabilities of the same shape (float64).
    """
    logits = _logits("softmax", logits)
    if not temperature > 0:
        raise ValueError(f"softmax: temperature should be > 0, got {temperature}")
    z = logits / temperature  # (N, V)
    z = z - z.max(axis=-1, keepdims=True)  # the largest becomes 0: exp never overflows
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def sample(logits, temperature: float = 1.0, rng=None):
    """Draws one id per row from ``softmax(logits / temperature)``.

    logits: (N, V) (or (V,) for one distribution); temperature >= 0, where 0 means greedy
    (argmax); rng: a ``np.random.Generator`` (the only source of randomness).
    Returns int64 ids (N,) (a 0-d int for (V,) logits). Notebook 03.
    """
    logits = _logits("sample", logits)
    if temperature < 0:
        raise ValueError(f"sample: temperature should be >= 0, got {temperature}")
    if temperature == 0:
        return np.argmax(logits, axis=-1)
    if rng is None:
        rng = np.random.default_rng()
    p = softmax(logits, temperature)  # (N, V)
    cdf = np.cumsum(p, axis=-1)  # (N, V)
    u = rng.random(p.shape[:-1] + (1,))  # (N, 1) uniform in [0, 1)
    ids = (u * cdf[..., -1:] >= cdf).sum(axis=-1)  # first v with cdf[v] > u
    return np.minimum(ids, p.shape[-1] - 1).astype(np.int64)[()]


def greedy_decode(model, source, max_length: int, bos: int = 1, eos: int = 2, pad: int = 0):
    """Greedy decoding with an encoder-decoder: start from BOS, feed back the argmax.

    model: called as ``model([source, decoder_input])`` with ``source`` (N, S) and
    ``decoder_input`` (N, t) ids, returning next-token scores (N, t, V). At each step the
    prediction at the last position is appended to the decoder input. Each row stops at its
    EOS (kept); later positions hold ``pad``. Stops after ``max_length`` tokens or when
    every row has ended. Returns int64 ids (N, L), L <= max_length (BOS not included).
    Notebook 03.
    """
    source = np.asarray(source)
    N = source.shape[0]
    decoder_input = np.full((N, 1), bos, dtype=np.int64)  # (N, 1): BOS
    done = np.zeros(N, dtype=bool)
    out = []
    for _ in range(int(max_length)):
        scores = np.asarray(model([source, decoder_input]))  # (N, t, V)
        nxt = scores[:, -1].argmax(axis=-1)  # (N,) the most likely next token
        nxt = np.where(done, pad, nxt)  # finished rows only pad
        out.append(nxt)
        done |= nxt == eos
        decoder_input = np.concatenate([decoder_input, nxt[:, None]], axis=1)  # (N, t+1)
        if done.all():
            break
    return np.stack(out, axis=1) if out else np.zeros((N, 0), np.int64)
