"""Gate names, gate-block helpers and the gates' sigmoid, shared by the LSTM and GRU cells.

Keras stores all gates of a cell side by side in one matrix: an LSTM kernel is
``(D, 4H)`` with blocks ``[i | f | c | o]``, a GRU kernel ``(D, 3H)`` with ``[z | r | h]``.
:func:`split_gates` cuts such an array into its blocks, so the cells never do slice
arithmetic by hand. Introduced in notebook 06 (gates).
"""

from __future__ import annotations

import numpy as np

LSTM_GATES = ("i", "f", "c", "o")  # input, forget, cell candidate, output (Keras order)
GRU_GATES = ("z", "r", "h")  # update, reset, candidate (Keras order)


def split_gates(array, n_gates: int) -> tuple[np.ndarray, ...]:
    """Splits the last axis of ``array`` into ``n_gates`` equal blocks (views, no copies).

    array: any array whose last axis is ``n_gates * H``, e.g. pre-activations (N, 4H),
        a kernel (D, 4H) or a bias (4H,).
    Returns a tuple of ``n_gates`` arrays, each with last axis H, in gate order. Notebook 06.

    >>> i, f, c, o = split_gates(np.zeros((2, 8)), len(LSTM_GATES))
    >>> i.shape
    (2, 2)
    """
    array = np.asarray(array)
    width = array.shape[-1]
    if n_gates < 1 or width % n_gates:
        raise ValueError(
            f"split_gates: last axis of size {width} cannot be split into {n_gates} "
            "equal gate blocks"
        )
    H = width // n_gates
    return tuple(array[..., k * H : (k + 1) * H] for k in range(n_gates))


def gate_dict(array, gates: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Names the blocks of ``array``: ``gate_dict(Wx, LSTM_GATES)["f"]`` is the forget block."""
    return dict(zip(gates, split_gates(array, len(gates)), strict=True))


def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``, without overflow for any ``x``.

    Uses ``exp(-|x|)``, which never overflows, and keeps full relative precision in both
    tails (``sigmoid(-40)`` is 4.2e-18, not 0). Keeps a float dtype; integers become
    float64. Notebook 06 (gates).
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    z = np.exp(-np.abs(x))  # (...) in (0, 1]
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z))  # (...)
    return out.astype(x.dtype, copy=False)[()]
