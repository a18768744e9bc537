"""The time loop of every recurrent cell, with Keras's mask rule written once.

Like Keras's ``backend.rnn(step_function, ...)``: a cell defines what one real step does,
and :func:`scan` runs it over time. At a masked step (``mask[n, t]`` False) the state is
carried unchanged and the output repeats the previous output (zeros before the first real
step, whatever the initial state). :func:`scan_backward` is the same loop in reverse:

* the gradient of a repeated output flows back to the real step that produced it;
* a masked step passes the gradient of its state straight through;
* the gradients of the final states (e.g. from a later chunk in truncated BPTT, or from a
  decoder) enter at the end, and reach the last real step through any trailing masked ones.

Shapes: N batch, T time, H output units. ``states`` is a tuple of ``(N, H)`` arrays: ``(h,)``
for the vanilla RNN and the GRU, ``(h, c)`` for the LSTM. Used by the rnn, lstm and gru
modules; the cells' step functions are where the equations are.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def per_step(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``x @ W`` for a sequence ``x`` (N, T, D) and a matrix ``W`` (D, K) used at every step,
    as one 2-D matmul: (N, T, K). NumPy runs a 3-D @ 2-D product as N separate products, about
    twice as slow at this course's sizes; every cell's input kernel and every per-step
    affine map goes through here."""
    N, T, D = x.shape
    return (x.reshape(N * T, D) @ W).reshape(N, T, W.shape[1])


Step = Callable[[int, tuple], tuple]  # (t, states) -> (output, new_states)
StepBackward = Callable[[int, np.ndarray, tuple], tuple]  # (t, doutput, dnew) -> dstates


def scan(step: Step, states: tuple, out: np.ndarray, mask: np.ndarray | None) -> tuple:
    """Runs ``step`` over the T steps of ``out`` (N, T, H); returns the final states.

    step(t, states) -> (output (N, H), new_states): step t on every row, as if it were real.
    out: filled in place with the outputs after the mask rule. mask: bool (N, T) or None.
    """
    N, T, H = out.shape
    last_out = np.zeros((N, H), out.dtype)  # (N, H) Keras: zeros before the first real step
    for t in range(T):
        output, new_states = step(t, states)
        if mask is None:
            states = new_states
            out[:, t] = output
        else:
            m = mask[:, t, None]  # (N, 1) True where the step is real
            states = tuple(
                np.where(m, new, old) for new, old in zip(new_states, states, strict=True)
            )  # carried
            last_out = np.where(m, output, last_out)  # (N, H) a masked output repeats
            out[:, t] = last_out
    return states


def scan_backward(
    step_backward: StepBackward, dout: np.ndarray, dstates: tuple, mask: np.ndarray | None
) -> tuple:
    """The reverse pass of :func:`scan`; returns the gradients of the initial states.

    step_backward(t, doutput, dnew_states) -> dstates: gradients of the states entering
        step t from those of its output (N, H) and its new states; zero on masked rows.
    dout: gradient of every output, (N, T, H). dstates: gradients of the final states.
    """
    N, T, H = dout.shape
    dcarry = np.zeros((N, H), dout.dtype)  # (N, H) gradient of a repeated output
    for t in reversed(range(T)):
        if mask is None:
            dstates = step_backward(t, dout[:, t], dstates)
            continue
        m = mask[:, t, None]  # (N, 1)
        doutput = dout[:, t] + dcarry  # (N, H) gradient of this step's output
        dcarry = np.where(m, 0, doutput)  # (N, H) a masked output is the previous one
        dprev = step_backward(
            t, np.where(m, doutput, 0), tuple(np.where(m, d, 0) for d in dstates)
        )  # real rows only
        dstates = tuple(dp + np.where(m, 0, d) for dp, d in zip(dprev, dstates, strict=True))
    # what is left in dcarry belongs to the zeros before the first real step: dropped
    return dstates
