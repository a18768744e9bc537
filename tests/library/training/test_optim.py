"""Tests of rnnlib.training.optim: global-norm clipping and the Adam / Adagrad updates."""

import numpy as np
import pytest

from rnnlib.training import optim


def _grads(scale=1.0):
    rng = np.random.default_rng(0)
    return {"W": scale * rng.normal(size=(3, 4)), "b": scale * rng.normal(size=4)}


def test_clip_keeps_direction_and_limits_norm():
    """Does clipping scale every gradient by one factor down to max_norm, and leave small
    gradients alone?"""
    g = _grads(10.0)
    clipped, norm = optim.clip_by_global_norm(g, 1.0)
    assert norm == pytest.approx(np.sqrt(sum(np.sum(v**2) for v in g.values())))
    assert optim.global_norm(clipped) == pytest.approx(1.0)
    assert np.allclose(clipped["W"] * norm, g["W"])
    small, _ = optim.clip_by_global_norm(g, 1e6)
    assert all(np.array_equal(small[k], g[k]) for k in g)
    with pytest.raises(ValueError, match="max_norm"):
        optim.clip_by_global_norm(g, 0)


def test_clip_matches_tensorflow():
    """Does clip_by_global_norm equal tf.clip_by_global_norm?"""
    tf = pytest.importorskip("tensorflow")
    g = _grads(3.0)
    clipped, norm = optim.clip_by_global_norm(g, 2.0)
    tf_clipped, tf_norm = tf.clip_by_global_norm([g["W"], g["b"]], 2.0)
    assert norm == pytest.approx(float(tf_norm))
    assert np.allclose(clipped["W"], tf_clipped[0].numpy())
    assert np.allclose(clipped["b"], tf_clipped[1].numpy())


def test_adam_matches_keras():
    """Do three Adam steps equal keras.optimizers.Adam's on the same gradients?"""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    p0 = rng.normal(size=(3, 2)).astype("float32")
    grads = [rng.normal(size=(3, 2)).astype("float32") for _ in range(3)]
    params = {"w": p0.copy()}
    opt = optim.Adam(0.01)
    var = keras.Variable(p0.copy())
    kopt = keras.optimizers.Adam(0.01)
    for g in grads:
        opt.step(params, {"w": g})
        kopt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
    assert np.allclose(params["w"], keras.ops.convert_to_numpy(var), atol=1e-6)
    assert opt.state()["t"] == 3


def test_adagrad_first_step_is_lr_times_sign():
    """Is Adagrad's first step lr * g / |g| (elementwise), and do later steps shrink?"""
    params = {"w": np.zeros(3)}
    opt = optim.Adagrad(lr=0.5)
    opt.step(params, {"w": np.array([2.0, -3.0, 0.5])})
    assert np.allclose(params["w"], [-0.5, 0.5, -0.5])
    before = params["w"].copy()
    opt.step(params, {"w": np.array([2.0, -3.0, 0.5])})
    assert np.all(np.abs(params["w"] - before) < 0.5)


def test_optimisers_minimise_a_quadratic():
    """Do Adam and Adagrad bring a quadratic bowl close to its minimum?"""
    for opt in (optim.Adam(0.1), optim.Adagrad(0.5)):
        params = {"w": np.array([3.0, -2.0])}
        for _ in range(300):
            opt.step(params, {"w": 2 * (params["w"] - 1.0)})
        assert np.allclose(params["w"], 1.0, atol=1e-2)


def test_mismatched_keys_are_named():
    """Does a gradient dict with other keys or shapes give an error naming them?"""
    with pytest.raises(ValueError, match="same keys"):
        optim.Adam().step({"w": np.zeros(2)}, {"v": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        optim.Adagrad().step({"w": np.zeros(2)}, {"w": np.zeros(3)})
