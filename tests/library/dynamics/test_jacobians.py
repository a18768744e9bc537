"""Tests of rnnlib.dynamics.jacobians: ||dh_T/dh_t|| against finite differences, tf.GradientTape and
the closed form of a linear RNN; the sigma_1 bound; the lag profile and slopes."""

import numpy as np
import pytest

from rnnlib.dynamics import jacobians as jac


def _inputs(seed, N=3, T=7, D=2, H=4, scale=0.6):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(N, T, D)),
        "h0": rng.uniform(-0.5, 0.5, size=(N, H)),
        "Wx": rng.normal(size=(D, H)),
        "Wh": scale * rng.normal(size=(H, H)),
        "b": 0.1 * rng.normal(size=H),
    }


def _final_state(x, h, Wx, Wh, b, f):
    for t in range(x.shape[1]):
        h = f(x[:, t] @ Wx + h @ Wh + b)
    return h


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "linear"])
def test_norms_match_finite_differences(name):
    """Is norms[:, t] the spectral norm of the finite-difference Jacobian of h_T in h_t?"""
    p = _inputs(0)
    f = jac.activation(name).f
    N, T, _ = p["x"].shape
    H = p["Wh"].shape[0]
    norms = jac.jacobian_norms(**p, activation_name=name)
    assert norms.shape == (N, T + 1)
    # the states h_0 .. h_T
    hs = [p["h0"]]
    for t in range(T):
        hs.append(f(p["x"][:, t] @ p["Wx"] + hs[-1] @ p["Wh"] + p["b"]))
    eps = 1e-6
    for t in (0, 3, T - 1, T):
        J = np.zeros((N, H, H))  # J[n, i, j] = dh_T[i] / dh_t[j]
        for j in range(H):
            dh = np.zeros(H)
            dh[j] = eps
            rest = p["x"][:, t:]
            plus = _final_state(rest, hs[t] + dh, p["Wx"], p["Wh"], p["b"], f)
            minus = _final_state(rest, hs[t] - dh, p["Wx"], p["Wh"], p["b"], f)
            J[:, :, j] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(norms[:, t], np.linalg.norm(J, ord=2, axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(norms[:, T], 1.0)


def test_norms_match_gradient_tape():
    """Does the reference agree with tf.GradientTape's batch_jacobian of h_T in each h_t?"""
    import tensorflow as tf

    p = _inputs(1, N=2, T=6, H=5)
    norms = jac.jacobian_norms(**p)
    Wx, Wh, b = (tf.constant(p[k]) for k in ("Wx", "Wh", "b"))
    x = tf.constant(p["x"])
    T = x.shape[1]
    for t in range(T + 1):
        h = tf.constant(p["h0"])
        for k in range(t):
            h = tf.tanh(x[:, k] @ Wx + h @ Wh + b)
        with tf.GradientTape() as tape:
            tape.watch(h)
            hT = h
            for k in range(t, T):
                hT = tf.tanh(x[:, k] @ Wx + hT @ Wh + b)
            if t == T:
                hT = tf.identity(hT)
        J = tape.batch_jacobian(hT, h).numpy()  # (N, H, H)
        np.testing.assert_allclose(norms[:, t], np.linalg.norm(J, ord=2, axis=(1, 2)), rtol=1e-10)


@pytest.mark.parametrize("sigma1", [0.7, 1.0, 1.3])
def test_linear_orthogonal_rnn_is_sigma_to_the_lag(sigma1):
    """For a linear RNN with W_h = sigma_1 Q (Q orthogonal), is the norm exactly sigma_1^(T-t)?"""
    p = _inputs(2, H=6)
    p["Wh"] = jac.recurrent_matrix(6, sigma1, seed=3)
    norms = jac.jacobian_norms(**p, activation_name="linear")
    T = p["x"].shape[1]
    np.testing.assert_allclose(
        norms, np.tile(sigma1 ** (T - np.arange(T + 1.0)), (3, 1)), rtol=1e-10
    )


@pytest.mark.parametrize("name, gamma", [("tanh", 1.0), ("sigmoid", 0.25)])
def test_norms_respect_the_bound(name, gamma):
    """Is ||dh_T/dh_t|| <= (gamma sigma_1(W_h))^(T-t), with gamma = 1 for tanh, 1/4 for sigmoid?"""
    p = _inputs(4, T=12, scale=1.0)
    sigma1 = np.linalg.norm(p["Wh"], ord=2)
    assert jac.activation(name).gamma == gamma
    norms = jac.jacobian_norms(**p, activation_name=name)
    bound = (gamma * sigma1) ** (12 - np.arange(13.0))
    assert np.all(norms <= bound * (1 + 1e-9))


def test_jacobian_norms_checks_its_inputs():
    """Are a wrong shape and an unknown nonlinearity refused with messages that say why?"""
    p = _inputs(5)
    with pytest.raises(ValueError, match="activation should be one of"):
        jac.jacobian_norms(**p, activation_name="relu")
    p["Wh"] = p["Wh"][:, :3]
    with pytest.raises(ValueError, match="Wh"):
        jac.jacobian_norms(**p)


def test_float32_stays_float32():
    """Does a float32 input give float32 norms?"""
    p = {k: v.astype(np.float32) for k, v in _inputs(6).items()}
    assert jac.jacobian_norms(**p).dtype == np.float32


@pytest.mark.parametrize("kind", ["orthogonal", "gaussian"])
def test_recurrent_matrix_has_the_requested_sigma1(kind):
    """Is the largest singular value of recurrent_matrix(H, s) equal to s, and seeded?"""
    W = jac.recurrent_matrix(8, 1.25, seed=0, kind=kind)
    assert np.linalg.norm(W, ord=2) == pytest.approx(1.25)
    np.testing.assert_array_equal(W, jac.recurrent_matrix(8, 1.25, seed=0, kind=kind))
    with pytest.raises(ValueError, match="kind"):
        jac.recurrent_matrix(8, 1.0, kind="uniform")


def test_lag_profile_and_slopes():
    """Does a linear profile fall by exactly log10(sigma_1) per step, and do tanh and sigmoid
    profiles stay at or below their bound's slope log10(gamma sigma_1)?"""
    lin = jac.lag_profile(0.8, "linear", T=40)
    assert lin.shape == (41,) and lin[0] == pytest.approx(1.0)
    assert jac.log10_slope(lin) == pytest.approx(np.log10(0.8))
    assert jac.predicted_log10_slope(0.8, "linear") == pytest.approx(np.log10(0.8))
    for name in ("tanh", "sigmoid"):
        prof = jac.lag_profile(1.2, name, T=40)
        assert jac.log10_slope(prof) <= jac.predicted_log10_slope(1.2, name) + 1e-9
    assert jac.predicted_log10_slope(2.0, "sigmoid") == pytest.approx(np.log10(0.5))


def test_log10_slope_skips_underflow_and_needs_two_points():
    """Are zero norms (underflow) left out of the fit, and fewer than two points refused?"""
    assert jac.log10_slope([1.0, 0.1, 0.01, 0.0]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="two positive"):
        jac.log10_slope([1.0, 0.0])


def test_jacobian_products_are_the_matrices_behind_the_norms():
    """Does jacobian_products give (N, T+1, H, H) matrices, the identity at t = T and one step's
    diag(1 - h_T^2) Wh.T at t = T - 1?"""
    p = _inputs(7, N=2, T=4, H=3)
    J = jac.jacobian_products(**p)
    assert J.shape == (2, 5, 3, 3)
    np.testing.assert_allclose(J[:, 4], np.broadcast_to(np.eye(3), (2, 3, 3)))
    h = p["h0"]
    for t in range(4):
        h = np.tanh(p["x"][:, t] @ p["Wx"] + h @ p["Wh"] + p["b"])
    np.testing.assert_allclose(J[:, 3], (1 - h**2)[:, :, None] * p["Wh"].T[None])
