"""Character n-gram language models: the honest non-neural baseline of a character RNN.

An n-gram model predicts the next symbol from the previous ``n - 1`` only, with counts
from the training text. Two smoothings of the raw counts, so that an unseen combination
does not get probability 0 (an infinite loss):

* add-k: ``p(x | c) = (count(c, x) + k) / (count(c) + k V)``, with k chosen on
  validation text (:func:`fit_add_k`);
* interpolated Kneser-Ney (:class:`KneserNey`): absolute discounting, the mass taken from
  seen symbols handed to a lower-order model built from *continuation* counts (in how
  many different contexts a symbol appears).

Losses are in nats per symbol, the unit of the course. Counting uses integer codes of the
n-grams (base V), ``np.unique`` and ``np.searchsorted``: no Python loop over the text.
Introduced in notebook 04 (BPTT), used again in 07 and 09.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


def _ids(where: str, ids, V: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or not (np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(f"{where}: ids should be a 1-D integer array, got {ids.dtype} {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"{where}: ids should be in 0..{V - 1}")
    return ids.astype(np.int64)


def _codes(ids: np.ndarray, order: int, V: int) -> np.ndarray:
    """Integer code of every window of ``order`` symbols, (len(ids) - order + 1,)."""
    n = len(ids) - order + 1
    code = np.zeros(max(n, 0), np.int64)
    for j in range(order):
        code = code * V + ids[j : j + n]
    return code


class _Counts:
    """Sorted unique codes and their counts; ``lookup`` gives 0 for unseen codes."""

    def __init__(self, codes: np.ndarray, weights: np.ndarray | None = None):
        if weights is None:
            self.keys, self.values = np.unique(codes, return_counts=True)
        else:
            order = np.argsort(codes, kind="stable")
            codes, weights = codes[order], weights[order]
            self.keys, start = np.unique(codes, return_index=True)
            self.values = np.add.reduceat(weights, start) if len(codes) else weights
        self.values = self.values.astype(np.float64)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        if len(self.keys) == 0:
            return np.zeros(len(codes))
        pos = np.minimum(np.searchsorted(self.keys, codes), len(self.keys) - 1)
        return np.where(self.keys[pos] == codes, self.values[pos], 0.0)


def _targets(where: str, ids, V: int, n: int, context) -> tuple[np.ndarray, int]:
    """The ids with their ``n - 1`` characters of context in front, and that prefix length."""
    ids = _ids(where, ids, V)
    none = np.zeros(0, np.int64)  # (np.asarray([]) would be float and fail the check)
    prefix = (
        _ids(where, context if context is not None else none, V)[-(n - 1) :]
        if n > 1
        else np.zeros(0, np.int64)
    )
    return np.concatenate([prefix, ids]), len(prefix)


@dataclass
class AddK:
    """Add-k smoothed n-gram model over V symbols (n = 1 is the unigram model).

    Fit with :meth:`fit`; near the start of a text, where fewer than n - 1 symbols of
    context exist, the model backs off to the longest available context.
    """

    n: int
    V: int
    k: float = 1.0
    _grams: list = field(default_factory=list, repr=False)  # order j -> counts of j-grams

    def fit(self, ids) -> AddK:
        ids = _ids("AddK.fit", ids, self.V)
        if self.n < 1 or self.k <= 0:
            raise ValueError(f"AddK: n should be >= 1 and k > 0, got n={self.n}, k={self.k}")
        self._grams = [None] + [_Counts(_codes(ids, j, self.V)) for j in range(1, self.n + 1)]
        # count(c) as a context: only where a symbol follows it, so p(. | c) sums to 1
        self._ctx = [None] + [_Counts(g.keys // self.V, g.values) for g in self._grams[1:]]
        self._total = float(len(ids))
        return self

    def log_probs(self, ids, context=None) -> np.ndarray:
        """log p(x_t | previous n - 1 symbols) for every symbol of ``ids``, (T,).

        context: symbols that precede ``ids`` (e.g. the end of the training text)."""
        if not self._grams:
            raise RuntimeError("AddK: call fit() first")
        full, start = _targets("AddK.log_probs", ids, self.V, self.n, context)
        T = len(full) - start
        out = np.empty(T)
        for t0 in range(T):  # only the first n - 1 positions lack a full context
            if t0 + start >= self.n - 1:
                break
            order = t0 + start + 1
            out[t0] = self._logp(full[t0 + start + 1 - order : t0 + start + 1], order)[0]
        t0 = min(max(self.n - 1 - start, 0), T)
        if t0 < T:
            out[t0:] = self._logp(full[t0 + start - self.n + 1 :], self.n)
        return out

    def _logp(self, ids: np.ndarray, order: int) -> np.ndarray:
        grams = _codes(ids, order, self.V)  # (M,) codes of (context, x)
        num = self._grams[order].lookup(grams) + self.k
        if order == 1:
            den = self._total + self.k * self.V
        else:
            den = self._ctx[order].lookup(grams // self.V) + self.k * self.V
        return np.log(num / den)

    def loss(self, ids, context=None) -> float:
        """Mean negative log-likelihood, nats per symbol."""
        return float(-self.log_probs(ids, context).mean())


def fit_add_k(
    train, val, n: int, V: int, ks: Sequence[float] = (1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
) -> AddK:
    """Fits add-k models on ``train`` for each k, keeps the k with the lowest loss on
    ``val`` (text that follows ``train``). Returns the chosen model (``model.k``)."""
    losses = {k: AddK(n, V, k).fit(train).loss(val, context=train) for k in ks}
    best = min(losses, key=losses.get)
    model = AddK(n, V, best).fit(train)
    model.val_losses = losses
    return model


@dataclass
class KneserNey:
    """Interpolated Kneser-Ney n-gram model (discount d for every order).

    p(x | c) = max(count(c x) - d, 0) / count(c) + d N1+(c .) / count(c) * p_lower(x | c'),
    where c' drops the oldest symbol; the lower orders use continuation counts, and the
    lowest order interpolates with the uniform distribution over V symbols.
    uniform=False keeps the continuation unigram as it is, N1+(. x) / N1+(. .), without a
    discount and the uniform floor, as NLTK's ``KneserNeyInterpolated`` does (a symbol never
    seen after another then has probability 0; the test of this module compares the two).
    """

    n: int
    V: int
    d: float = 0.75
    uniform: bool = True

    def fit(self, ids) -> KneserNey:
        ids = _ids("KneserNey.fit", ids, self.V)
        if self.n < 1 or not 0 < self.d < 1:
            raise ValueError(f"KneserNey: n >= 1 and 0 < d < 1, got n={self.n}, d={self.d}")
        V = self.V
        self._num, self._den, self._types = {}, {}, {}
        for order in range(1, self.n + 1):
            if order == self.n:  # highest order: ordinary counts
                full = _Counts(_codes(ids, order, V))
            else:  # lower orders: continuation counts N1+(. w) of each order-gram w
                higher = np.unique(_codes(ids, order + 1, V))  # distinct (order+1)-grams
                full = _Counts(higher % V**order)  # each counts once per left neighbour
            self._num[order] = full
            ctx = full.keys // V  # the context of every seen gram
            self._den[order] = _Counts(ctx, full.values)  # sum over x of the counts
            self._types[order] = _Counts(ctx)  # N1+(c .): distinct followers of c
        return self

    def log_probs(self, ids, context=None) -> np.ndarray:
        """log p(x_t | previous n - 1 symbols) for every symbol of ``ids``, (T,)."""
        if not getattr(self, "_num", None):
            raise RuntimeError("KneserNey: call fit() first")
        full, start = _targets("KneserNey.log_probs", ids, self.V, self.n, context)
        T = len(full) - start
        padded = np.concatenate([np.full(self.n - 1 - start, -1, np.int64), full])
        # windows of n symbols ending at each target; -1 marks "before the text"
        win = np.lib.stride_tricks.sliding_window_view(padded, self.n)[:T]  # (T, n)
        p = np.full(T, 1.0 / self.V)
        for order in range(1, self.n + 1):
            part = win[:, self.n - order :]  # (T, order)
            valid = (part >= 0).all(axis=1)
            code = np.zeros(T, np.int64)
            for j in range(order):
                code = code * self.V + np.maximum(part[:, j], 0)
            count = self._num[order].lookup(code)
            den = self._den[order].lookup(code // self.V)
            types = self._types[order].lookup(code // self.V)
            seen = valid & (den > 0)
            safe = np.where(seen, den, 1.0)
            if order == 1 and not self.uniform:  # NLTK's lowest order: no floor
                p_new = count / safe
            else:
                p_new = np.maximum(count - self.d, 0) / safe + self.d * types / safe * p
            p = np.where(seen, p_new, p)  # an unseen context keeps the lower order
        with np.errstate(divide="ignore"):  # p = 0 only with uniform=False: log 0 = -inf
            return np.log(p)

    def loss(self, ids, context=None) -> float:
        """Mean negative log-likelihood, nats per symbol."""
        return float(-self.log_probs(ids, context).mean())


def fit_kneser_ney(
    train, val, n: int, V: int, ds: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9)
) -> KneserNey:
    """Fits Kneser-Ney models on ``train`` for each discount, keeps the best on ``val``."""
    losses = {d: KneserNey(n, V, d).fit(train).loss(val, context=train) for d in ds}
    best = min(losses, key=losses.get)
    model = KneserNey(n, V, best).fit(train)
    model.val_losses = losses
    return model


def sequences_stream(seqs, n: int, boundary: int) -> tuple[np.ndarray, np.ndarray]:
    """Separate sequences (names) as one stream for an n-gram model, and the positions to score.

    Each sequence gets ``max(n - 1, 1)`` ``boundary`` symbols in front, so its first symbol
    is predicted from a context of boundaries only (a fresh start, like an RNN's h_0), and
    one after it, its end. Returns ``(ids (L,), scored (L,) bool)``: scored marks each
    sequence's symbols and the boundary that ends it (what a character model is scored on).
    """
    lead = max(n - 1, 1)
    seqs = [np.asarray(seq, np.int64).ravel() for seq in seqs]
    pieces = [p for seq in seqs for p in (np.full(lead, boundary, np.int64), seq)]
    ids = np.concatenate(pieces + [np.full(1, boundary, np.int64)])
    scored = np.zeros(len(ids), bool)
    start = lead
    for seq in seqs:
        scored[start : start + len(seq) + 1] = True  # its symbols and the boundary after them
        start += len(seq) + lead
    return ids, scored


def sequence_loss(model, seqs, boundary: int) -> float:
    """Mean negative log-likelihood of ``model`` (a fitted :class:`KneserNey` or
    :class:`AddK`) over the symbols and ends of ``seqs``, nats per symbol."""
    ids, scored = sequences_stream(seqs, model.n, boundary)
    return float(-model.log_probs(ids)[scored].mean())


def fit_kneser_ney_sequences(
    train, val, n: int, V: int, boundary: int, ds: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9)
) -> KneserNey:
    """Kneser-Ney on separate sequences (:func:`sequences_stream`): fitted on ``train`` for
    each discount, the best on ``val`` by :func:`sequence_loss` kept (``model.val_losses``)."""
    ids, _ = sequences_stream(train, n, boundary)
    losses = {d: sequence_loss(KneserNey(n, V, d).fit(ids), val, boundary) for d in ds}
    best = min(losses, key=losses.get)
    model = KneserNey(n, V, best).fit(ids)
    model.val_losses = losses
    return model
