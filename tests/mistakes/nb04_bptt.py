"""Plausible wrong answers to notebook 04's exercises (solutions/04_bptt)."""

import numpy as np
import tensorflow as tf

import rnnlib as rl
from mistakes.catalogue import delegates, mistake, right_answer


def rnn_step_backward(dnext_h, cache):
    """Stands for the student's own step backward of exercise 1 (not copied into answers)."""
    return rl.cells.rnn_step_backward(dnext_h, cache)


def rnn_backward(dh, cache):
    """Stands for the student's own rnn_backward of exercise 3 (not copied into answers)."""
    return rl.cells.rnn_backward(dh, cache)


# ---- rnn_step_backward -----------------------------------------------------------------------


@mistake("rnn_step_backward", "forgot the tanh derivative")
def step_back_no_tanh(dnext_h, cache):
    da = dnext_h
    return (da @ cache.Wx.T, da @ cache.Wh.T, cache.x.T @ da, cache.prev_h.T @ da, da.sum(axis=0))


@mistake("rnn_step_backward", "tanh derivative taken at prev_h")
def step_back_prev_h_derivative(dnext_h, cache):
    da = dnext_h * (1 - cache.prev_h**2)
    return (da @ cache.Wx.T, da @ cache.Wh.T, cache.x.T @ da, cache.prev_h.T @ da, da.sum(axis=0))


@mistake("rnn_step_backward", "dprev_h multiplied by Wh instead of Wh.T")
def step_back_untransposed_wh(dnext_h, cache):
    da = dnext_h * (1 - cache.next_h**2)
    return (da @ cache.Wx.T, da @ cache.Wh, cache.x.T @ da, cache.prev_h.T @ da, da.sum(axis=0))


@mistake("rnn_step_backward", "dWh transposed (da.T @ prev_h)")
def step_back_transposed_dwh(dnext_h, cache):
    da = dnext_h * (1 - cache.next_h**2)
    return (da @ cache.Wx.T, da @ cache.Wh.T, cache.x.T @ da, da.T @ cache.prev_h, da.sum(axis=0))


@mistake("rnn_step_backward", "db averaged over the batch")
def step_back_mean_db(dnext_h, cache):
    da = dnext_h * (1 - cache.next_h**2)
    return (da @ cache.Wx.T, da @ cache.Wh.T, cache.x.T @ da, cache.prev_h.T @ da, da.mean(axis=0))


@delegates("rnn_step_backward")
def step_back_by_rnnlib(dnext_h, cache):
    return rl.cells.rnn_step_backward(dnext_h, cache)


@delegates("rnn_step_backward")
def step_back_by_tape(dnext_h, cache):
    # b is not in the cache; the pre-activation minus x Wx + prev_h Wh gives it per row
    c = np.arctanh(cache.next_h) - cache.x @ cache.Wx - cache.prev_h @ cache.Wh  # (N, H)
    xs = [tf.Variable(v) for v in (cache.x, cache.prev_h, cache.Wx, cache.Wh, c)]
    with tf.GradientTape() as tape:
        out = tf.tanh(xs[0] @ xs[2] + xs[1] @ xs[3] + xs[4])
    grads = tape.gradient(out, xs, output_gradients=tf.constant(dnext_h))
    dx, dprev_h, dWx, dWh, dc = [g.numpy() for g in grads]
    return dx, dprev_h, dWx, dWh, dc.sum(axis=0)


@delegates("rnn_step_backward")
def step_back_by_numerical_gradient(dnext_h, cache):
    c = np.arctanh(cache.next_h) - cache.x @ cache.Wx - cache.prev_h @ cache.Wh  # (N, H)
    x, prev_h, Wx, Wh = (np.array(v, dtype=np.float64) for v in cache[:4])

    def out():
        return np.tanh(x @ Wx + prev_h @ Wh + c)

    grads = [
        rl.testing.numerical_gradient(lambda _v: out(), v, dnext_h) for v in (x, prev_h, Wx, Wh)
    ]
    da = dnext_h * (1 - cache.next_h**2)
    return (*grads, da.sum(axis=0))


# ---- numerical_gradient ----------------------------------------------------------------------


@mistake("numerical_gradient", "one-sided (forward) difference")
def numgrad_forward_difference(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    base = np.array(f(x), dtype=float)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=float)
        x[ix] = old
        grad[ix] = np.sum((plus - base) * df) / h
    return grad


@mistake("numerical_gradient", "ignored df")
def numgrad_without_df(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=float)
        x[ix] = old - h
        minus = np.array(f(x), dtype=float)
        x[ix] = old
        grad[ix] = np.sum(plus - minus) / (2 * h)
    return grad


@mistake("numerical_gradient", "x not restored (left at x - h)")
def numgrad_not_restored(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=float)
        x[ix] = old - h
        minus = np.array(f(x), dtype=float)
        grad[ix] = np.sum((plus - minus) * df) / (2 * h)
    return grad


@mistake("numerical_gradient", "divided by h instead of 2h")
def numgrad_half_step(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=float)
        x[ix] = old - h
        minus = np.array(f(x), dtype=float)
        x[ix] = old
        grad[ix] = np.sum((plus - minus) * df) / h
    return grad


@mistake("numerical_gradient", "f(x) not copied (a view of x aliases the two evaluations)")
def numgrad_no_copy(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = f(x)
        x[ix] = old - h
        minus = f(x)
        x[ix] = old
        grad[ix] = np.sum((plus - minus) * df) / (2 * h)
    return grad


@delegates("numerical_gradient")
def numgrad_by_rnnlib(f, x, df, h=1e-5):
    return rl.testing.numerical_gradient(f, x, df, h)


@right_answer("numerical_gradient", "restores x by arithmetic (1e-16 off), one copy per evaluation")
def numgrad_restoring_by_arithmetic(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        plus = np.copy(f(x))
        x[ix] -= 2 * h
        minus = np.copy(f(x))
        x[ix] += h
        grad[ix] = np.sum((plus - minus) * df) / (2 * h)
    return grad


# ---- rnn_backward ----------------------------------------------------------------------------


@mistake("rnn_backward", "state entering step t read as next_h[:, t-1] (step 0 gets the last)")
def back_wraps_around(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = (
        np.zeros_like(cache.x),
        np.zeros_like(cache.Wx),
        np.zeros_like(cache.Wh),
        np.zeros(H),
    )
    dstate = np.zeros((N, H))
    for t in reversed(range(T)):
        step = rl.cells.RNNStepCache(
            cache.x[:, t], cache.next_h[:, t - 1], cache.Wx, cache.Wh, cache.next_h[:, t]
        )
        dx[:, t], dstate, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dstate, step)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dstate, dWx, dWh, db


@mistake("rnn_backward", "weight gradients assigned, not summed over time")
def back_not_accumulated(dh, cache):
    N, T, H = dh.shape
    dx = np.zeros_like(cache.x)
    dstate = np.zeros((N, H))
    for t in reversed(range(T)):
        step = rl.cells.RNNStepCache(
            cache.x[:, t], cache.prev_h[:, t], cache.Wx, cache.Wh, cache.next_h[:, t]
        )
        dx[:, t], dstate, dWx, dWh, db = rnn_step_backward(dh[:, t] + dstate, step)
    return dx, dstate, dWx, dWh, db


@mistake("rnn_backward", "no gradient through the state (steps treated as independent)")
def back_no_chain(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = (
        np.zeros_like(cache.x),
        np.zeros_like(cache.Wx),
        np.zeros_like(cache.Wh),
        np.zeros(H),
    )
    dh0 = np.zeros((N, H))
    for t in reversed(range(T)):
        step = rl.cells.RNNStepCache(
            cache.x[:, t], cache.prev_h[:, t], cache.Wx, cache.Wh, cache.next_h[:, t]
        )
        dx[:, t], dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t], step)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        if t == 0:
            dh0 = dprev
    return dx, dh0, dWx, dWh, db


@mistake("rnn_backward", "ignored the mask")
def back_ignores_mask(dh, cache):
    N, T, H = dh.shape
    dx, dWx, dWh, db = (
        np.zeros_like(cache.x),
        np.zeros_like(cache.Wx),
        np.zeros_like(cache.Wh),
        np.zeros(H),
    )
    dstate = np.zeros((N, H))
    for t in reversed(range(T)):
        step = rl.cells.RNNStepCache(
            cache.x[:, t], cache.prev_h[:, t], cache.Wx, cache.Wh, cache.next_h[:, t]
        )
        dx[:, t], dstate, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dstate, step)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dstate, dWx, dWh, db


@mistake("rnn_backward", "masked steps: the repeated output's gradient dropped")
def back_drops_repeated_outputs(dh, cache):
    N, T, H = dh.shape
    mask = np.ones((N, T), bool) if cache.mask is None else cache.mask
    dx, dWx, dWh, db = (
        np.zeros_like(cache.x),
        np.zeros_like(cache.Wx),
        np.zeros_like(cache.Wh),
        np.zeros(H),
    )
    dstate = np.zeros((N, H))
    for t in reversed(range(T)):
        m = mask[:, t, None]
        step = rl.cells.RNNStepCache(
            cache.x[:, t], cache.prev_h[:, t], cache.Wx, cache.Wh, cache.next_h[:, t]
        )
        dx[:, t], dprev, dWx_t, dWh_t, db_t = rnn_step_backward((dh[:, t] + dstate) * m, step)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        dstate = np.where(m, dprev, dstate)
    return dx, dstate, dWx, dWh, db


@delegates("rnn_backward")
def back_by_rnnlib(dh, cache):
    return rl.cells.rnn_backward(dh, cache)


@delegates("rnn_backward")
def back_by_rnnlib_steps(dh, cache):
    N, T, H = cache.next_h.shape
    mask = np.ones((N, T), bool) if cache.mask is None else cache.mask
    dx = np.zeros(cache.x.shape)
    dWx, dWh, db = np.zeros_like(cache.Wx), np.zeros_like(cache.Wh), np.zeros(H)
    dstate, dout = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        m = mask[:, t, None]
        step = rl.cells.RNNStepCache(
            cache.x[:, t], cache.prev_h[:, t], cache.Wx, cache.Wh, cache.next_h[:, t]
        )
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rl.cells.rnn_step_backward(
            (dh[:, t] + dout + dstate) * m, step
        )
        dx[:, t] = dx_t
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        dstate = np.where(m, dprev_h, dstate)
        dout = np.where(m, 0, dout + dh[:, t])
    return dx, dstate, dWx, dWh, db


# ---- truncated_bptt --------------------------------------------------------------------------


@mistake("truncated_bptt", "state not carried: every window starts from h0")
def tbptt_no_carry(params, x, y, h0, window):
    T = x.shape[1]
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, h0
    for start in range(0, T, window):
        stop = min(start + window, T)
        w_loss, w_grads, h = rl.lm.window_loss_and_grads(
            params, x[:, start:stop], y[:, start:stop], h0, backward=rnn_backward
        )
        loss += (stop - start) / T * w_loss
        for k in grads:
            grads[k] += (stop - start) / T * w_grads[k]
    return loss, grads, h


@mistake("truncated_bptt", "windows averaged with equal weights")
def tbptt_equal_weights(params, x, y, h0, window):
    T = x.shape[1]
    starts = range(0, T, window)
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, h0
    for start in starts:
        w_loss, w_grads, h = rl.lm.window_loss_and_grads(
            params,
            x[:, start : start + window],
            y[:, start : start + window],
            h,
            backward=rnn_backward,
        )
        loss += w_loss / len(starts)
        for k in grads:
            grads[k] += w_grads[k] / len(starts)
    return loss, grads, h


@mistake("truncated_bptt", "only the last window's loss and gradients kept")
def tbptt_last_window(params, x, y, h0, window):
    h = h0
    for start in range(0, x.shape[1], window):
        loss, grads, h = rl.lm.window_loss_and_grads(
            params,
            x[:, start : start + window],
            y[:, start : start + window],
            h,
            backward=rnn_backward,
        )
    return loss, grads, h


@mistake("truncated_bptt", "rnnlib's backward instead of your rnn_backward")
def tbptt_reference_backward(params, x, y, h0, window):
    T = x.shape[1]
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, h0
    for start in range(0, T, window):
        stop = min(start + window, T)
        w_loss, w_grads, h = rl.lm.window_loss_and_grads(
            params, x[:, start:stop], y[:, start:stop], h
        )
        loss += (stop - start) / T * w_loss
        for k in grads:
            grads[k] += (stop - start) / T * w_grads[k]
    return loss, grads, h


@delegates("truncated_bptt")
def tbptt_by_rnnlib(params, x, y, h0, window):
    return rl.lm.truncated_bptt(params, x, y, h0, window, backward=rnn_backward)


# ---- stream_loss -----------------------------------------------------------------------------


@mistake("stream_loss", "state restarts from zero in every chunk")
def stream_reset(params, ids, chunk=2000):
    H = params["Wh"].shape[0]
    total = 0.0
    for start in range(0, len(ids) - 1, chunk):
        x = ids[None, start : min(start + chunk, len(ids) - 1)]
        y = ids[None, start + 1 : start + 1 + x.shape[1]]
        logits, _ = rl.lm.char_rnn_forward(params, x, np.zeros((1, H)))
        total += rl.cells.temporal_softmax_loss(logits, y)[0]
    return total / (len(ids) - 1)


@mistake("stream_loss", "chunks averaged with equal weights")
def stream_equal_weights(params, ids, chunk=2000):
    h = np.zeros((1, params["Wh"].shape[0]))
    losses = []
    for start in range(0, len(ids) - 1, chunk):
        x = ids[None, start : min(start + chunk, len(ids) - 1)]
        y = ids[None, start + 1 : start + 1 + x.shape[1]]
        logits, h = rl.lm.char_rnn_forward(params, x, h)
        losses.append(rl.cells.temporal_softmax_loss(logits, y)[0] / x.shape[1])
    return float(np.mean(losses))


@mistake("stream_loss", "targets not shifted (each character predicts itself)")
def stream_unshifted(params, ids, chunk=2000):
    h = np.zeros((1, params["Wh"].shape[0]))
    total = 0.0
    for start in range(0, len(ids), chunk):
        x = ids[None, start : start + chunk]
        logits, h = rl.lm.char_rnn_forward(params, x, h)
        total += rl.cells.temporal_softmax_loss(logits, x)[0]
    return total / len(ids)


@delegates("stream_loss")
def stream_by_rnnlib(params, ids, chunk=2000):
    return rl.lm.stream_loss(params, ids, chunk=chunk)


@delegates("stream_loss")
def stream_by_one_window(params, ids, chunk=2000):
    H = params["Wh"].shape[0]
    x, y = ids[None, :-1], ids[None, 1:]  # (1, L - 1): the whole text as one window
    h0 = np.zeros((1, H), dtype=params["Wh"].dtype)
    loss, _, _ = rl.lm.truncated_bptt(params, x, y, h0, window=len(ids) - 1)
    return float(loss)
