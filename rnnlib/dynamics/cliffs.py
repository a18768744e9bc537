"""A loss with a cliff: the one-unit RNN of Pascanu, Mikolov & Bengio 2013 ("On the difficulty
of training recurrent neural networks", section 3), where the gradient explodes.

Clipping by global norm, the usual remedy, is :func:`rnnlib.training.optim.clip_by_global_norm`.
Introduced in notebook 05.
"""

from __future__ import annotations

import numpy as np

from rnnlib.cells.gates import sigmoid


def cliff_loss(w, b=-2.5, T: int = 50, x0: float = 0.5, target: float = 0.7):
    """The one-unit RNN of Pascanu et al. 2013, ``x_t = w * sigmoid(x_{t-1}) + b`` from
    ``x_0 = x0``, and its loss ``(x_T - target) ** 2`` with its derivative in ``w``.

    w, b: arrays or numbers (broadcast together). Returns ``(loss, dloss_dw)`` of their
    broadcast shape; the derivative is backpropagated through the T steps. Notebook 05.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    xs = [np.full(w.shape, float(x0))]
    for _ in range(T):
        xs.append(w * sigmoid(xs[-1]) + b)
    loss = (xs[-1] - target) ** 2
    dx = 2.0 * (xs[-1] - target)  # dloss/dx_T
    dw = np.zeros(w.shape)
    for t in range(T, 0, -1):  # backprop through x_t = w s(x_{t-1}) + b
        s = sigmoid(xs[t - 1])
        dw = dw + dx * s
        dx = dx * w * s * (1.0 - s)
    return loss, dw
