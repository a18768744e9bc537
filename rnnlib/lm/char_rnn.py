"""A character-level language model built from rnnlib's NumPy layers, trained by
truncated backpropagation through time.

    e_t = E[x_t]                        # (N, D)  embedding lookup
    h_t = tanh(e_t Wx + h_{t-1} Wh + b)  # (N, H)  vanilla RNN
    y_t = h_t Wy + by                   # (N, V)  logits of the next character

Parameters are a dict ``{"E", "Wx", "Wh", "b", "Wy", "by"}``. The loss is the mean
cross-entropy in nats per character. :func:`window_loss_and_grads` does one window
(forward, then backward within the window); :func:`truncated_bptt` runs windows one after
the other, carrying the state forward but stopping the gradient at each window's start;
:func:`train_char_rnn` is the loop with an optimiser and clipping; :func:`stream_loss` measures
held-out text as one stream; :func:`sample_chars` generates text. The backward pass of the RNN
is a parameter (``backward=``), so a notebook can train with its own. Notebook 04.
"""

from __future__ import annotations

__all__ = [
    "CHAR_RNN_PARAMS",
    "init_char_rnn",
    "char_rnn_forward",
    "window_loss_and_grads",
    "truncated_bptt",
    "stream_loss",
    "sample_chars",
    "train_char_rnn",
]

import time
from collections.abc import Callable, Mapping

import numpy as np

from rnnlib.cells import layers, rnn
from rnnlib.cells.init import glorot_uniform, orthogonal
from rnnlib.data.streaming import stream_windows
from rnnlib.lm.sampling import sample
from rnnlib.training import optim

CHAR_RNN_PARAMS = ("E", "Wx", "Wh", "b", "Wy", "by")


def init_char_rnn(V: int, D: int = 32, H: int = 128, seed=0, dtype=np.float32) -> dict:
    """Random parameters: Glorot-uniform Wx, Wy (Keras's default), an orthogonal Wh
    (Keras's ``recurrent_kernel`` default), E from U(-0.05, 0.05) (Keras's ``Embedding``)
    and zero biases."""
    rng = np.random.default_rng(seed)
    Wh = orthogonal(H, rng)  # (H, H), drawn first: the shipped models were made in this order
    params = {
        "E": rng.uniform(-0.05, 0.05, size=(V, D)),
        "Wx": glorot_uniform(D, H, rng),
        "Wh": Wh,
        "b": np.zeros(H),
        "Wy": glorot_uniform(H, V, rng),
        "by": np.zeros(V),
    }
    return {k: v.astype(dtype) for k, v in params.items()}


def _check_params(where: str, params: Mapping) -> None:
    missing = [k for k in CHAR_RNN_PARAMS if k not in params]
    if missing:
        raise ValueError(f"{where}: params lacks {missing} (expected keys {list(CHAR_RNN_PARAMS)})")


def char_rnn_forward(params: Mapping, x, h0):
    """Logits of the next character at every step, (N, T, V), and the final state (N, H).

    x: character ids, (N, T); h0: state entering the first step, (N, H)."""
    _check_params("char_rnn_forward", params)
    emb, _ = layers.embedding_forward(x, params["E"])  # (N, T, D)
    h, cache = rnn.rnn_forward(emb, h0, params["Wx"], params["Wh"], params["b"])  # (N, T, H)
    logits = h @ params["Wy"] + params["by"]  # (N, T, V)
    return logits, cache.h_last


def window_loss_and_grads(params: Mapping, x, y, h0, backward: Callable = rnn.rnn_backward):
    """Mean loss (nats per character) of one window, its gradients, and the final state.

    x, y: input and target ids, (N, T); h0: state entering the window, (N, H), treated as
    a constant (no gradient flows into it: the truncation of truncated BPTT).
    backward: the RNN's backward pass, ``backward(dh, cache) -> dx, dh0, dWx, dWh, db``.
    Returns ``(loss, grads, h_last)``; ``grads`` has the keys of ``params``.
    """
    _check_params("window_loss_and_grads", params)
    x, y = np.asarray(x), np.asarray(y)
    N, T = x.shape
    emb, ecache = layers.embedding_forward(x, params["E"])  # (N, T, D)
    h, rcache = rnn.rnn_forward(emb, h0, params["Wx"], params["Wh"], params["b"])  # (N, T, H)
    logits, acache = layers.temporal_affine_forward(h, params["Wy"], params["by"])  # (N, T, V)
    loss, dlogits = layers.temporal_softmax_loss(logits, y)  # summed over T, mean over N
    loss, dlogits = loss / T, dlogits / T  # mean over all N*T characters
    dh, dWy, dby = layers.temporal_affine_backward(dlogits, acache)  # (N, T, H)
    demb, _dh0, dWx, dWh, db = backward(dh, rcache)  # gradient into h0 is dropped
    dE = layers.embedding_backward(demb, ecache)  # (V, D)
    grads = {"E": dE, "Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}
    return float(loss), grads, rcache.h_last


def truncated_bptt(params: Mapping, x, y, h0, window: int, backward: Callable = rnn.rnn_backward):
    """Loss and gradients over long sequences by truncated BPTT with windows of ``window``.

    x, y: (N, T) ids; the T steps are cut into windows of ``window`` steps (the last may be
    shorter). Each window starts from the state the previous one ended with; gradients
    stop at the window's start. Returns ``(loss, grads, h_last)``: the mean loss over all
    N*T characters, the gradient of that loss (windows weighted by their length) and the
    state after the last step. Notebook 04.
    """
    x, y = np.asarray(x), np.asarray(y)
    T = x.shape[1]
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"truncated_bptt: window should be an integer >= 1, got {window!r}")
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, h0
    for start in range(0, T, window):
        stop = min(start + window, T)
        w_loss, w_grads, h = window_loss_and_grads(
            params, x[:, start:stop], y[:, start:stop], h, backward
        )
        weight = (stop - start) / T  # this window's share of the characters
        loss += weight * w_loss
        for k in grads:
            grads[k] += weight * w_grads[k]
    return loss, grads, h


def stream_loss(params: Mapping, ids, h0=None, chunk: int = 2000) -> float:
    """Mean loss (nats per character) of predicting ``ids[1:]`` from ``ids[:-1]`` as one
    stream (batch of one), the state carried through the whole text from ``h0`` (zeros)."""
    ids = np.asarray(ids)
    H = params["Wh"].shape[0]
    h = np.zeros((1, H), params["Wh"].dtype) if h0 is None else h0
    total = 0.0
    for start in range(0, len(ids) - 1, chunk):
        x = ids[None, start : start + chunk]  # (1, T)
        y = ids[None, start + 1 : start + chunk + 1]
        x = x[:, : y.shape[1]]
        logits, h = char_rnn_forward(params, x, h)  # (1, T, V)
        loss, _ = layers.temporal_softmax_loss(logits, y)  # summed over T
        total += loss
    return float(total / (len(ids) - 1))


def sample_chars(params: Mapping, prime, length: int, temperature: float = 1.0, seed=0):
    """Generates ``length`` character ids after the ids ``prime`` (which set the state).

    temperature: divides the logits (< 1 is more conservative, > 1 more random; 0 is greedy).
    Returns a (length,) int array."""
    rng = np.random.default_rng(seed)
    prime = np.asarray(prime, dtype=np.int64)
    H = params["Wh"].shape[0]
    logits, h = char_rnn_forward(params, prime[None], np.zeros((1, H), params["Wh"].dtype))
    out = np.empty(length, np.int64)
    for i in range(length):
        out[i] = sample(logits[0, -1], temperature, rng)  # from the last step's (V,) logits
        logits, h = char_rnn_forward(params, out[None, i : i + 1], h)
    return out


def train_char_rnn(
    params: dict,
    ids,
    *,
    steps: int,
    batch_size: int = 32,
    window: int = 50,
    lr: float = 3e-3,
    lr_end: float | None = None,
    clip: float = 5.0,
    step_fn: Callable | None = None,
    held_out=None,
    eval_every: int = 500,
    seed=0,
    log: Callable | None = None,
):
    """Trains ``params`` in place with Adam and global-norm clipping over streamed windows.

    ids: the training text as ids. The text is cut into ``batch_size`` streams
    (:func:`~rnnlib.data.streaming.streams`); every step takes the next window of each
    stream, and the state is carried from window to window. Each pass over the text starts
    at a random offset with a zero state. lr_end: when given, the learning rate falls linearly from
    ``lr`` to ``lr_end`` over the run. step_fn: ``step_fn(params, x, y, h0) -> (loss, grads,
    h_last)`` (default: :func:`window_loss_and_grads`). held_out: ids scored with
    :func:`stream_loss` every ``eval_every`` steps and at the end.
    Returns a history dict of lists: step, loss (training loss averaged since the last
    record), held_out, norm (mean gradient norm before clipping), seconds.
    """
    step_fn = step_fn or window_loss_and_grads
    ids = np.asarray(ids)
    rng = np.random.default_rng(seed)
    opt = optim.Adam(lr)
    H = params["Wh"].shape[0]
    hist = {"step": [], "loss": [], "held_out": [], "norm": [], "seconds": []}
    start = time.perf_counter()
    window_iter, h = None, None
    losses, norms = [], []
    for step in range(1, steps + 1):
        batch = next(window_iter, None) if window_iter is not None else None
        if batch is None or batch[0].shape[1] < window:  # a new pass over the text
            offset = int(rng.integers(0, window))
            window_iter = stream_windows(ids[offset:], batch_size, window)
            batch = next(window_iter)
            h = np.zeros((batch_size, H), params["Wh"].dtype)
        x, y = batch
        if lr_end is not None:
            opt.lr = lr + (lr_end - lr) * (step - 1) / max(steps - 1, 1)
        loss, grads, h = step_fn(params, x, y, h)
        grads, norm = optim.clip_by_global_norm(grads, clip)
        opt.step(params, grads)
        losses.append(loss)
        norms.append(norm)
        if step % eval_every == 0 or step == steps:
            hist["step"].append(step)
            hist["loss"].append(float(np.mean(losses)))
            hist["norm"].append(float(np.mean(norms)))
            hist["held_out"].append(
                stream_loss(params, held_out) if held_out is not None else float("nan")
            )
            hist["seconds"].append(time.perf_counter() - start)
            losses, norms = [], []
            if log is not None:
                log(
                    f"step {step:5d}  train {hist['loss'][-1]:.3f}  held-out "
                    f"{hist['held_out'][-1]:.3f}  {hist['seconds'][-1]:.0f} s"
                )
    return hist
