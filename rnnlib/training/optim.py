"""Optimisers and gradient clipping for NumPy parameter dicts ``{name: array}``.

``params`` and ``grads`` are dicts with the same keys and shapes (``{"Wx": ..., "Wh":
...}``). The optimisers update ``params`` in place, as a training loop over NumPy models
needs; :func:`clip_by_global_norm` follows ``tf.clip_by_global_norm``. Introduced in
notebook 04 (training a character model with BPTT); clipping is the subject of notebook 05.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def _same_keys(where: str, params: Mapping, grads: Mapping) -> None:
    if set(params) != set(grads):
        raise ValueError(
            f"{where}: params and grads should have the same keys, got "
            f"{sorted(params)} and {sorted(grads)}"
        )
    for k in params:
        if np.shape(params[k]) != np.shape(grads[k]):
            raise ValueError(
                f"{where}: grads[{k!r}] has shape {np.shape(grads[k])}, "
                f"params[{k!r}] {np.shape(params[k])}"
            )


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """The Euclidean norm of all gradients together, ``sqrt(sum of every squared entry)``."""
    return float(
        np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values()))
    )


def clip_by_global_norm(grads: Mapping[str, np.ndarray], max_norm: float):
    """Scales all gradients by one factor so that their global norm is at most ``max_norm``.

    Like ``tf.clip_by_global_norm``: the direction of the full gradient is kept, only its
    length is limited. Returns ``(clipped, norm)``: a new dict and the norm *before*
    clipping. Notebooks 04 and 05.
    """
    if not max_norm > 0:
        raise ValueError(f"clip_by_global_norm: max_norm should be > 0, got {max_norm!r}")
    norm = global_norm(grads)
    scale = max_norm / max(norm, max_norm)  # 1 when the norm is already small enough
    return {k: g * np.asarray(scale, dtype=np.asarray(g).dtype) for k, g in grads.items()}, norm


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction, Keras's defaults.

    ``opt.step(params, grads)`` updates ``params`` in place::

        m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
        p -= lr * m_hat / (sqrt(v_hat) + eps)

    with ``m_hat = m / (1 - b1^t)``, ``v_hat = v / (1 - b2^t)``.
    """

    def __init__(
        self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-7
    ):
        if not lr > 0 or not 0 <= beta1 < 1 or not 0 <= beta2 < 1:
            raise ValueError(
                f"Adam: lr > 0 and betas in [0, 1), got lr={lr}, beta1={beta1}, beta2={beta2}"
            )
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params: dict, grads: Mapping) -> None:
        _same_keys("Adam.step", params, grads)
        self.t += 1
        c1 = 1 - self.beta1**self.t
        c2 = 1 - self.beta2**self.t
        for k, g in grads.items():
            if k not in self.m:
                self.m[k] = np.zeros_like(params[k])
                self.v[k] = np.zeros_like(params[k])
            m, v = self.m[k], self.v[k]
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * np.square(g)
            params[k] -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)

    def state(self) -> dict:
        """The optimiser state as arrays (to save it with the parameters)."""
        out = {"t": np.array(self.t)}
        out.update({f"m/{k}": v for k, v in self.m.items()})
        out.update({f"v/{k}": v for k, v in self.v.items()})
        return out


class Adagrad:
    """Adagrad (Duchi et al., 2011): each entry's step shrinks with its squared-gradient sum.

    ``G += g^2;  p -= lr * g / (sqrt(G) + eps)``, updating ``params`` in place (the
    optimiser of Karpathy's min-char-rnn).
    """

    def __init__(self, lr: float = 0.1, eps: float = 1e-8, initial: float = 0.0):
        if not lr > 0:
            raise ValueError(f"Adagrad: lr should be > 0, got {lr}")
        self.lr, self.eps, self.initial = lr, eps, initial
        self.G: dict[str, np.ndarray] = {}

    def step(self, params: dict, grads: Mapping) -> None:
        _same_keys("Adagrad.step", params, grads)
        for k, g in grads.items():
            if k not in self.G:
                self.G[k] = np.full_like(params[k], self.initial)
            self.G[k] += np.square(g)
            params[k] -= self.lr * g / (np.sqrt(self.G[k]) + self.eps)
