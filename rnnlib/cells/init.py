"""Initialisations: Keras's defaults for NumPy weights, and chrono initialisation of an LSTM.

:func:`glorot_uniform` (Keras's ``kernel_initializer``) and :func:`orthogonal` (its
``recurrent_initializer``) give NumPy models the starting point Keras layers have
(notebook 04's character model).

Tallec & Ollivier 2018, "Can recurrent neural networks warp time?" (ICLR): an LSTM whose
forget gate starts near 1 keeps its cell state for about ``1 / (1 - f)`` steps. Drawing the
forget-gate bias as ``log(u)`` with ``u ~ U(1, T_max - 1)`` gives the units memory spans
spread up to the longest dependency ``T_max`` the task has; the input-gate bias is its
negative, so a unit that remembers long also writes little. The other biases stay 0::

    b_f = log(u),  b_i = -log(u),  u ~ U(1, T_max - 1),  b_c = b_o = 0

Keras's default (``unit_forget_bias=True``) is ``b_f = 1``, ``b_i = 0``: a forget gate of
sigmoid(1) = 0.73, a memory of a few steps. Keras is imported inside :func:`apply_chrono`.
Introduced in notebook 06 (gates).
"""

from __future__ import annotations

import numpy as np

from rnnlib.cells.gates import LSTM_GATES, gate_dict


def glorot_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """A (fan_in, fan_out) matrix from U(-l, l), ``l = sqrt(6 / (fan_in + fan_out))``
    (Glorot & Bengio 2010): the variance of activations and gradients kept across a layer."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix (the Q of a Gaussian matrix's QR, signs fixed so that
    it is uniformly distributed): all singular values 1, so h W_h neither grows nor shrinks."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))  # (n, n)


def chrono_bias(units: int, max_len: int, seed=0, dtype="float32") -> np.ndarray:
    """Chrono-initialised LSTM bias in Keras's layout ``[i | f | c | o]``.

    units: H; max_len: T_max >= 3, the longest dependency the task needs (e.g. the
    sequence length); seed: an int or ``np.random.Generator``.
    Returns b (4H,): ``b_f = log(u)``, ``b_i = -b_f`` with ``u ~ U(1, T_max - 1)``,
    ``b_c = b_o = 0``. Notebook 06.
    """
    for name, value, minimum in (("units", units, 1), ("max_len", max_len, 3)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
            raise ValueError(
                f"chrono_bias: {name} should be an integer >= {minimum}, got {value!r}"
            )
    rng = np.random.default_rng(seed)
    H = int(units)
    b = np.zeros(len(LSTM_GATES) * H, dtype=dtype)  # (4H,)
    blocks = gate_dict(b, LSTM_GATES)  # views into b
    log_u = np.log(rng.uniform(1.0, max_len - 1.0, size=H))  # (H,) in [0, log(T_max - 1))
    blocks["f"][...] = log_u
    blocks["i"][...] = -log_u
    return b


def forget_time_scale(b_f) -> np.ndarray:
    """Characteristic memory of a unit whose forget gate stays at sigmoid(b_f), in steps:
    ``1 / (1 - sigmoid(b_f)) = 1 + exp(b_f)``. For chrono's ``b_f = log(u)`` it is ``1 + u``."""
    return 1.0 + np.exp(np.asarray(b_f, dtype=float))


def apply_chrono(layer, max_len: int, seed=0):
    """Writes :func:`chrono_bias` into a built Keras ``LSTM`` layer (or ``LSTMCell``); returns it.

    The layer's saved config is unchanged (only the bias values are), so a model saved after
    this loads without custom objects. Raises ValueError for anything but a built LSTM with
    a bias. Notebook 06.
    """
    import keras

    cell = layer.cell if isinstance(layer, keras.layers.RNN) else layer
    if not isinstance(cell, keras.layers.LSTMCell):
        raise ValueError(
            f"apply_chrono: expected a keras.layers.LSTM (or LSTMCell), got {type(layer).__name__}"
        )
    if not cell.built:
        raise ValueError(
            "apply_chrono: the LSTM has no weights yet: call it on an input or "
            "layer.build((None, T, D)) first"
        )
    if not cell.use_bias:
        raise ValueError("apply_chrono: the LSTM was built with use_bias=False: it has no bias")
    dtype = np.dtype(str(cell.bias.dtype))
    cell.bias.assign(chrono_bias(int(cell.units), max_len, seed=seed, dtype=dtype))
    return layer
