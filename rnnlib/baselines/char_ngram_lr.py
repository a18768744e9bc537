"""Bag of character n-grams + multinomial logistic regression: a name classifier with no order.

Each name becomes the set of its character n-grams (n = 1..3 by default) with boundary marks,
``^Nov``, ``ová$``: local spelling only, no sequence model. A linear softmax classifier over
those features, trained full-batch with Adam and an L2 penalty chosen on validation data, is the
honest non-neural baseline of notebook 07's name -> language classifier. NumPy only: the sparse
features are index lists, both passes ``np.bincount`` sums
over them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


def char_ngrams(name: str, n_max: int = 3) -> list[str]:
    """The distinct character n-grams (n = 1..n_max) of ``^name$``, in order of first
    appearance (``^`` and ``$`` mark the start and the end)."""
    text = f"^{name}$"
    out = dict.fromkeys(
        text[i : i + n] for n in range(1, n_max + 1) for i in range(len(text) - n + 1)
    )
    return list(out)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class CharNgramLR:
    """Multinomial logistic regression on bags of character n-grams.

    n_max: longest n-gram; l2: weight of ``l2 / 2 * ||W||^2`` (the bias is not penalised);
    steps, lr: full-batch Adam. Fit with :meth:`fit`, predict with :meth:`predict_proba`.
    """

    n_max: int = 3
    l2: float = 1e-4
    steps: int = 100
    lr: float = 0.2
    features: dict = field(default_factory=dict, repr=False)

    def _encode(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Feature ids of every name, flattened (nnz,), and each name's count (N,)."""
        ids, counts = [], []
        for name in names:
            f = [self.features[g] for g in char_ngrams(name, self.n_max) if g in self.features]
            counts.append(len(f))
            ids.extend(f)
        return np.array(ids, np.int64), np.array(counts, np.int64)

    def _logits(self, ids, counts) -> np.ndarray:
        """(N, K) scores: each name's feature rows summed, scaled by 1 / sqrt(count)."""
        N, K = len(counts), self.W.shape[1]
        row_of = np.repeat(np.arange(N), counts)  # the name of every feature id
        rows = self.W[ids]  # (nnz, K)
        summed = np.stack([np.bincount(row_of, rows[:, k], minlength=N) for k in range(K)], 1)
        return summed / np.sqrt(np.maximum(counts, 1))[:, None] + self.b  # (N, K)

    def fit(self, names: Sequence[str], labels, K: int | None = None) -> CharNgramLR:
        labels = np.asarray(labels, np.int64)
        K = int(labels.max()) + 1 if K is None else K
        grams = sorted({g for name in names for g in char_ngrams(name, self.n_max)})
        self.features = {g: i for i, g in enumerate(grams)}
        ids, counts = self._encode(names)
        row_of = np.repeat(np.arange(len(names)), counts)  # the name of every feature id
        scale = (1 / np.sqrt(np.maximum(counts, 1)))[row_of]  # (nnz,)
        N, F = len(names), len(grams)
        self.W, self.b = np.zeros((F, K)), np.zeros(K)
        m = [np.zeros_like(self.W), np.zeros_like(self.b)]
        v = [np.zeros_like(self.W), np.zeros_like(self.b)]
        onehot = np.eye(K)[labels]
        for t in range(1, self.steps + 1):
            p = _softmax(self._logits(ids, counts))  # (N, K)
            dz = (p - onehot) / N  # gradient of the mean cross-entropy
            dW = np.stack(
                [np.bincount(ids, dz[row_of, k] * scale, minlength=F) for k in range(K)], 1
            )  # X^T dz, (F, K)
            grads = [dW + self.l2 * self.W, dz.sum(axis=0)]
            for j, (param, g) in enumerate(zip((self.W, self.b), grads, strict=True)):
                m[j] = 0.9 * m[j] + 0.1 * g
                v[j] = 0.999 * v[j] + 0.001 * g * g
                step = self.lr * (m[j] / (1 - 0.9**t)) / (np.sqrt(v[j] / (1 - 0.999**t)) + 1e-8)
                param -= step
        return self

    def predict_proba(self, names: Sequence[str]) -> np.ndarray:
        """Class probabilities (N, K); n-grams never seen in training are ignored."""
        if not self.features:
            raise RuntimeError("CharNgramLR: call fit() first")
        return _softmax(self._logits(*self._encode(names)))

    def predict(self, names: Sequence[str]) -> np.ndarray:
        """The most probable class of each name, int64 (N,)."""
        return self.predict_proba(names).argmax(axis=1)


def fit_char_ngram_lr(
    train_names,
    train_labels,
    val_names,
    val_labels,
    K: int | None = None,
    l2s: Sequence[float] = (1e-6, 1e-5, 1e-4),
    **kw,
) -> CharNgramLR:
    """Fits :class:`CharNgramLR` for each L2 weight and keeps the best on validation
    accuracy (``model.val_accuracy`` maps each weight to its accuracy)."""
    val_labels = np.asarray(val_labels)
    models = {l2: CharNgramLR(l2=l2, **kw).fit(train_names, train_labels, K) for l2 in l2s}
    acc = {l2: float((m.predict(val_names) == val_labels).mean()) for l2, m in models.items()}
    best = max(acc, key=acc.get)
    model = models[best]
    model.val_accuracy = acc
    return model
