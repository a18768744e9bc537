"""How a gradient travels back through time in a vanilla RNN: products of Jacobians.

For ``h_t = f(a_t)``, ``a_t = x_t @ Wx + h_{t-1} @ Wh + b`` (row vectors), one step's
Jacobian is ``dh_t/dh_{t-1} = diag(f'(a_t)) @ Wh.T`` (H, H), and the gradient reaching
``h_t`` from ``h_T`` is multiplied by the product of the ``T - t`` Jacobians in between:

    || dh_T/dh_t ||  <=  prod_k ||diag(f'(a_k))|| ||Wh||  <=  (gamma * sigma_1(Wh)) ** (T - t)

with ``gamma`` the largest slope of ``f`` (1 for tanh, 1/4 for sigmoid) and ``sigma_1`` the
largest singular value. Norms are spectral (the largest singular value). Introduced in
notebook 05 (vanishing and exploding gradients); used again in notebook 06.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnnlib.cells._time_loop import per_step
from rnnlib.cells.gates import sigmoid
from rnnlib.testing.shapes import Dims, result_dtype


class Activation(NamedTuple):
    """A recurrent nonlinearity: the function, its derivative from the pre-activation, and
    gamma, the largest value that derivative takes."""

    f: object
    fprime: object
    gamma: float


ACTIVATIONS = {
    "tanh": Activation(np.tanh, lambda a: 1.0 - np.tanh(a) ** 2, 1.0),
    "sigmoid": Activation(sigmoid, lambda a: sigmoid(a) * (1.0 - sigmoid(a)), 0.25),
    "linear": Activation(lambda a: a, np.ones_like, 1.0),
}


def activation(name: str) -> Activation:
    """The :class:`Activation` called ``name`` ("tanh", "sigmoid" or "linear")."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation should be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def jacobian_products(x, h0, Wx, Wh, b, activation_name: str = "tanh"):
    """The Jacobians ``dh_T/dh_t`` for every t = 0 .. T, for each sequence of a batch.

    x: (N, T, D); h0: (N, H); Wx: (D, H); Wh: (H, H); b: (H,).
    Returns J (N, T + 1, H, H) with ``J[n, t, i, j] = d h_T[i] / d h_t[j]`` of sequence n;
    ``J[:, T]`` is the identity. Notebook 05.
    """
    dims = Dims("jacobian_products")
    x = dims.array("x", x, "N T D")
    h0 = dims.array("h0", h0, "N H")
    Wx = dims.array("Wx", Wx, "D H")
    Wh = dims.array("Wh", Wh, "H H")
    b = dims.array("b", b, "H")
    dtype = result_dtype(x, h0, Wx, Wh, b)
    act = activation(activation_name)
    N, T, _ = x.shape
    H = Wh.shape[0]

    # forward: keep every pre-activation, f'(a_t) is all the backward product needs
    a = np.empty((N, T, H), dtype)  # (N, T, H)
    h = h0.astype(dtype)  # (N, H)
    xa = per_step(x, Wx) + b  # (N, T, H)
    for t in range(T):
        a[:, t] = xa[:, t] + h @ Wh
        h = act.f(a[:, t])

    # backward: J_{T,t-1} = J_{T,t} dh_t/dh_{t-1}, starting from the identity at t = T
    J = np.empty((N, T + 1, H, H), dtype)
    J[:, T] = np.eye(H, dtype=dtype)
    for t in range(T, 0, -1):
        # dh_t/dh_{t-1} = diag(f'(a_t)) Wh.T: scale the columns of J_{T,t}, then times Wh.T
        J[:, t - 1] = (J[:, t] * act.fprime(a[:, t - 1])[:, None, :]) @ Wh.T  # (N, H, H)
    return J


def jacobian_norms(x, h0, Wx, Wh, b, activation_name: str = "tanh"):
    """``||dh_T/dh_t||`` (spectral norm) for every t = 0 .. T, for each sequence of a batch.

    x: (N, T, D); h0: (N, H); Wx: (D, H); Wh: (H, H); b: (H,).
    Returns norms (N, T + 1): ``norms[:, t]`` belongs to h_t, so ``norms[:, 0]`` is the
    initial state's, ``norms[:, T]`` is 1 (dh_T/dh_T = I), and the lag is ``T - t``.
    Notebook 05.
    """
    J = jacobian_products(x, h0, Wx, Wh, b, activation_name)  # (N, T + 1, H, H)
    return np.linalg.norm(J, ord=2, axis=(2, 3)).astype(J.dtype)


def recurrent_matrix(H: int, sigma1: float, seed=0, kind: str = "orthogonal"):
    """A random (H, H) recurrent kernel whose largest singular value is ``sigma1``.

    kind="orthogonal": sigma1 times a random orthogonal matrix (every singular value equals
    sigma1; Keras's default recurrent initialiser is the case sigma1 = 1); kind="gaussian":
    a Gaussian matrix rescaled (its other singular values are smaller). Notebook 05.
    """
    if kind not in ("orthogonal", "gaussian"):
        raise ValueError(
            f"recurrent_matrix: kind should be 'orthogonal' or 'gaussian', got {kind!r}"
        )
    if not sigma1 >= 0:
        raise ValueError(f"recurrent_matrix: sigma1 should be >= 0, got {sigma1}")
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(H, H))
    if kind == "gaussian":
        return sigma1 * A / np.linalg.norm(A, ord=2)
    Q, R = np.linalg.qr(A)
    Q = Q * np.sign(np.diag(R))  # uniform (Haar) orthogonal matrix
    return sigma1 * Q


def lag_profile(
    sigma1: float,
    activation_name: str = "tanh",
    *,
    H: int = 32,
    T: int = 60,
    N: int = 16,
    input_scale: float = 0.5,
    seed=0,
):
    """Typical ``||dh_T/dh_{T-k}||`` against the lag k = 0 .. T for a random RNN.

    W_h is ``recurrent_matrix(H, sigma1)``, W_x Gaussian with std ``input_scale / sqrt(D)``
    (D = 1), b = 0, inputs N(0, 1). Returns norms (T + 1,) indexed by lag: the geometric
    mean over N sequences (a log-scale plot shows the typical sequence). Notebook 05's
    figures and gradient-flow widget.
    """
    rng = np.random.default_rng(seed)
    Wh = recurrent_matrix(H, sigma1, seed=rng)
    Wx = input_scale * rng.normal(size=(1, H))
    x = rng.normal(size=(N, T, 1))
    norms = jacobian_norms(x, np.zeros((N, H)), Wx, Wh, np.zeros(H), activation_name)
    with np.errstate(divide="ignore"):
        logs = np.log(norms[:, ::-1])  # (N, T + 1) by lag
    return np.exp(logs.mean(axis=0))


def log10_slope(norms, lags=None) -> float:
    """Least-squares slope of ``log10(norm)`` against the lag: decades per step.

    norms: (K,) positive values; lags: (K,), default 0 .. K-1. A norm that shrinks by
    a factor q per step has slope log10(q). Zeros (underflow) are left out. Notebook 05.
    """
    norms = np.asarray(norms, dtype=float)
    lags = np.arange(len(norms)) if lags is None else np.asarray(lags, dtype=float)
    keep = norms > 0
    if keep.sum() < 2:
        raise ValueError("log10_slope: needs at least two positive norms")
    return float(np.polyfit(lags[keep], np.log10(norms[keep]), 1)[0])


def predicted_log10_slope(sigma1: float, activation_name: str = "tanh") -> float:
    """The bound's slope, ``log10(gamma * sigma_1)`` decades per step: the norm at lag k is at
    most ``(gamma * sigma_1) ** k``. Notebook 05."""
    return float(np.log10(activation(activation_name).gamma * sigma1))
