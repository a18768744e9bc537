"""The non-neural baseline of notebook 08: multinomial logistic regression (softmax
regression) in NumPy on fixed-size summaries of a variable-length utterance: per-channel mean
and standard deviation of its MFCCs, over the whole utterance or over a few equal segments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def segment_features(feats, n_segments: int = 1) -> np.ndarray:
    """A fixed-size vector from a ``(T, C)`` feature sequence: the mean and standard
    deviation of every channel over each of ``n_segments`` equal stretches of time, and over
    the whole: ``(2 C (n_segments + 1),)`` for ``n_segments > 1``, ``(2 C,)`` for 1.
    Sequences shorter than ``n_segments`` frames are repeated to that length."""
    feats = np.asarray(feats, dtype=np.float64)
    if feats.shape[0] == 0:
        feats = np.zeros((1, feats.shape[1]))
    if feats.shape[0] < n_segments:
        feats = np.repeat(feats, -(-n_segments // feats.shape[0]), axis=0)
    parts = [feats] + (np.array_split(feats, n_segments) if n_segments > 1 else [])
    return np.concatenate([np.r_[p.mean(0), p.std(0)] for p in parts]).astype(np.float32)


@dataclass
class LogisticRegression:
    """Softmax regression on standardised features: ``p = softmax(((x - mu) / sd) W + b)``."""

    W: np.ndarray  # (D, K)
    b: np.ndarray  # (K,)
    mu: np.ndarray  # (D,)
    sd: np.ndarray  # (D,)

    def predict_proba(self, X) -> np.ndarray:
        """``(N, D) -> (N, K)`` class probabilities."""
        z = ((np.asarray(X, np.float64) - self.mu) / self.sd) @ self.W + self.b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """``(N, D) -> (N,)`` the most probable class."""
        return self.predict_proba(X).argmax(axis=1)


def fit_logistic_regression(
    X, y, n_classes: int | None = None, l2: float = 1e-3, steps: int = 500, lr: float = 0.5
) -> LogisticRegression:
    """Softmax regression fitted by full-batch gradient descent with momentum on the mean
    cross-entropy plus ``l2 * |W|^2``. X: ``(N, D)``; y: ``(N,)`` ints in ``0..K-1``."""
    X = np.asarray(X, np.float64)
    y = np.asarray(y, np.int64)
    K = int(n_classes or y.max() + 1)
    mu, sd = X.mean(0), X.std(0) + 1e-8
    Z = (X - mu) / sd  # (N, D)
    N, D = Z.shape
    W, b = np.zeros((D, K)), np.zeros(K)
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    Y = np.eye(K)[y]  # (N, K)
    for _ in range(steps):
        logits = Z @ W + b
        logits -= logits.max(axis=1, keepdims=True)
        P = np.exp(logits)
        P /= P.sum(axis=1, keepdims=True)
        dlogits = (P - Y) / N  # (N, K)
        dW = Z.T @ dlogits + 2 * l2 * W
        db = dlogits.sum(0)
        vW = 0.9 * vW - lr * dW
        vb = 0.9 * vb - lr * db
        W += vW
        b += vb
    return LogisticRegression(W, b, mu, sd)
