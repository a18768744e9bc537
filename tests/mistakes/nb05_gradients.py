"""Plausible wrong answers to notebook 05's exercises (solutions/05_gradients)."""

import numpy as np
import tensorflow as tf

import rnnlib as rl
from mistakes.catalogue import delegates, mistake

# ---- jacobian_norms --------------------------------------------------------------------------


@mistake("jacobian_norms", "Frobenius norm instead of the spectral norm")
def norms_frobenius(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, states = h0, []
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T, 0, -1):
        J = (J * (1 - states[k - 1] ** 2)[:, None, :]) @ Wh.T
        norms[:, k - 1] = np.linalg.norm(J, axis=(1, 2))
    return norms


@mistake("jacobian_norms", "indexed by lag instead of by t (reversed in time)")
def norms_by_lag(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, states = h0, []
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T, 0, -1):
        J = (J * (1 - states[k - 1] ** 2)[:, None, :]) @ Wh.T
        norms[:, T - k + 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


@mistake("jacobian_norms", "Wh instead of Wh.T in the step Jacobian")
def norms_untransposed(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, states = h0, []
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T, 0, -1):
        J = J @ ((1 - states[k - 1] ** 2)[:, :, None] * Wh)
        norms[:, k - 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


@mistake("jacobian_norms", "forgot the tanh derivative (powers of Wh.T only)")
def norms_without_derivative(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T, 0, -1):
        J = J @ Wh.T
        norms[:, k - 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


@mistake("jacobian_norms", "off by one in time: derivative 1 - h_{k-1}^2 instead of 1 - h_k^2")
def norms_previous_derivative(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, states = h0, [h0]
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T, 0, -1):
        J = (J * (1 - states[k - 1] ** 2)[:, None, :]) @ Wh.T
        norms[:, k - 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


@mistake("jacobian_norms", "off by one in time: T norms, h0 left out")
def norms_without_h0(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, states = h0, []
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    norms = np.ones((N, T))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T - 1, 0, -1):
        J = (J * (1 - states[k] ** 2)[:, None, :]) @ Wh.T
        norms[:, k - 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


@mistake("jacobian_norms", "multiplied on the left (step Jacobian times J)")
def norms_left_product(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h, states = h0, []
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(Wh.shape[0]), (N, 1, 1))
    for k in range(T, 0, -1):
        J = ((1 - states[k - 1] ** 2)[:, :, None] * Wh.T[None]) @ J
        norms[:, k - 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


@delegates("jacobian_norms")
def norms_by_rnnlib(x, h0, Wx, Wh, b):
    return rl.dynamics.jacobian_norms(x, h0, Wx, Wh, b)


@delegates("jacobian_norms")
def norms_by_rnnlib_products(x, h0, Wx, Wh, b):
    return np.linalg.norm(rl.dynamics.jacobian_products(x, h0, Wx, Wh, b), ord=2, axis=(2, 3))


@delegates("jacobian_norms")
def norms_by_tape(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    states = [tf.Variable(h0)]  # h_0 .. h_T, each watched
    with tf.GradientTape(persistent=True) as tape:
        h = states[0]
        for t in range(T):
            h = tf.tanh(x[:, t] @ Wx + h @ Wh + b)
            states.append(h)
    norms = np.ones((N, T + 1))
    for t in range(T):
        J = tape.batch_jacobian(states[T], states[t]).numpy()  # (N, H, H) dh_T/dh_t
        norms[:, t] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms


# ---- clip_by_global_norm ---------------------------------------------------------------------


@mistake("clip_by_global_norm", "clipped each array by its own norm (tf.clip_by_norm)")
def clip_each(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * max_norm / max(np.linalg.norm(g), max_norm) for g in grads], norm


@mistake("clip_by_global_norm", "always rescaled to max_norm, even small gradients")
def clip_always(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * max_norm / norm for g in grads], norm


@mistake("clip_by_global_norm", "returned the norm after clipping")
def clip_norm_after(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    clipped = [g * max_norm / max(norm, max_norm) for g in grads]
    return clipped, min(norm, max_norm)


@mistake("clip_by_global_norm", "sum of squares without the square root")
def clip_squared_norm(grads, max_norm):
    norm = float(sum(np.sum(g**2) for g in grads))
    return [g * max_norm / max(norm, max_norm) for g in grads], norm


@mistake("clip_by_global_norm", "clipped in place, changing the caller's arrays")
def clip_in_place(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    for g in grads:
        g *= max_norm / max(norm, max_norm)
    return grads, norm


@delegates("clip_by_global_norm")
def clip_by_rnnlib(grads, max_norm):
    clipped, norm = rl.training.clip_by_global_norm(dict(enumerate(grads)), max_norm)
    return [clipped[i] for i in range(len(grads))], norm


@delegates("clip_by_global_norm")
def clip_by_tensorflow(grads, max_norm):
    clipped, norm = tf.clip_by_global_norm(grads, max_norm)
    return [c.numpy() for c in clipped], float(norm)


@delegates("clip_by_global_norm")
def clip_with_tensorflow_norm(grads, max_norm):
    norm = float(tf.linalg.global_norm(grads))
    return [g * max_norm / max(norm, max_norm) for g in grads], norm


@delegates("clip_by_global_norm")
def clip_by_rnnlib_norm(grads, max_norm):
    norm = rl.training.global_norm(dict(enumerate(grads)))
    return [g * max_norm / max(norm, max_norm) for g in grads], norm


@delegates("clip_by_global_norm")
def clip_by_keras_internal(grads, max_norm):
    from keras.src.optimizers import base_optimizer

    clipped = base_optimizer.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    norm = float(base_optimizer.global_norm([tf.constant(g) for g in grads]))
    return [np.asarray(c) for c in clipped], norm


@delegates("clip_by_global_norm")
def clip_by_norm_of_the_concatenation(grads, max_norm):
    flat = tf.concat([tf.reshape(tf.constant(g), [-1]) for g in grads], axis=0)
    clipped = tf.clip_by_norm(flat, max_norm).numpy()
    norm = float(tf.norm(flat))
    out, start = [], 0
    for g in grads:
        out.append(clipped[start : start + g.size].reshape(g.shape))
        start += g.size
    return out, norm
