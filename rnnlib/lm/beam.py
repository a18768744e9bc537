"""Beam search: keep the k most probable partial outputs instead of greedy decoding's one.

Greedy decoding commits to the most likely token at each step; a choice that looked best can
lead to a worse whole sequence. Beam search keeps, for every input, the ``k`` partial outputs
with the highest total log-probability ``sum_t log p(y_t | y_<t, x)``, extends each by every
token, and keeps the best ``k`` of the ``k V`` candidates. With ``k = 1`` it is greedy
decoding. A finished beam (it emitted EOS) keeps its score and only pads. Introduced in
notebook 07 (dates).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _take(state, idx: np.ndarray):
    """Rows ``idx`` of a state that is an array or a list / tuple of arrays."""
    if isinstance(state, list | tuple):
        return type(state)(np.asarray(s)[idx] for s in state)
    return np.asarray(state)[idx]


def beam_search(
    step: Callable, state, k: int, max_length: int, bos: int = 1, eos: int = 2, pad: int = 0
):
    """The ``k``-best output of each of N inputs, by total log-probability.

    step: ``step(tokens, state) -> (log_probs, state)`` with ``tokens`` (M,) the previous
    token of each of M hypotheses, ``log_probs`` (M, V) of the next token, and the state an
    array (M, ...) or a list / tuple of arrays with first dimension M.
    state: the initial state of the N inputs, first dimension N (repeated k times here).
    Returns ``(tokens (N, L) int64, scores (N,))``: the best hypothesis of each input (BOS
    not included, EOS kept, then ``pad``) and its total log-probability; L <= max_length.
    """
    if int(k) < 1:
        raise ValueError(f"beam_search: k should be >= 1, got {k}")
    k = int(k)
    first = state[0] if isinstance(state, list | tuple) else state
    N = np.asarray(first).shape[0]
    # (N k, ...): hypothesis j of input n is row n k + j
    state = _take(state, np.repeat(np.arange(N), k))
    tokens = np.full(N * k, bos, np.int64)
    scores = np.full((N, k), -np.inf)
    scores[:, 0] = 0.0  # one live hypothesis at the start: the k copies must not tie
    done = np.zeros((N, k), bool)
    history = np.zeros((N, k, 0), np.int64)
    for _ in range(int(max_length)):
        log_probs, state = step(tokens, state)
        log_probs = np.asarray(log_probs, np.float64)  # (N k, V)
        V = log_probs.shape[1]
        log_probs = log_probs.reshape(N, k, V)
        # a finished hypothesis extends only by pad, at no cost
        log_probs = np.where(done[..., None], -np.inf, log_probs)
        log_probs[..., pad] = np.where(done, 0.0, log_probs[..., pad])
        cand = (scores[..., None] + log_probs).reshape(N, k * V)  # (N, k V)
        best = np.argsort(-cand, axis=1, kind="stable")[:, :k]  # (N, k)
        beam, token = best // V, best % V
        scores = np.take_along_axis(cand, best, axis=1)
        history = np.concatenate(
            [np.take_along_axis(history, beam[..., None], axis=1), token[..., None]], axis=2
        )  # (N, k, t)
        done = np.take_along_axis(done, beam, axis=1) | (token == eos)
        rows = (np.arange(N)[:, None] * k + beam).ravel()  # the parent of each new hypothesis
        state = _take(state, rows)
        tokens = token.ravel()
        if done[:, 0].all():  # every input's best has ended: log-probs <= 0, none can pass it
            break
    best = history[:, 0]  # (N, t)
    used = (best != pad).any(axis=0) | (np.arange(best.shape[1]) == 0)
    width = int(np.flatnonzero(used).max()) + 1 if best.size else 0
    return best[:, :width], scores[:, 0]
