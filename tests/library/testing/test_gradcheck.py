"""Tests of rnnlib.testing.gradcheck: relative error, centred differences, the report."""

import numpy as np
import pytest

from rnnlib.testing.gradcheck import GradientReport, check_gradients, numerical_gradient, rel_error

# ----------------------------------------------------------------------------- rel_error


def test_rel_error_is_zero_for_equal_arrays_and_symmetric():
    """Is rel_error 0 for equal arrays and the same both ways round?"""
    a = np.array([1.0, -2.0, 3.0])
    b = np.array([1.0, -2.0, 3.5])
    assert rel_error(a, a) == 0.0
    assert rel_error(a, b) == rel_error(b, a) == pytest.approx(0.5 / 3.5)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.zeros(0), np.zeros(0)) == 0.0


def test_rel_error_is_relative_to_the_scale_of_the_arrays():
    """Does a tiny entry with a large relative difference not blow up the error?"""
    a = np.array([100.0, 1e-12])
    b = np.array([100.0, 2e-12])  # per-element relative error of 1/3 on the tiny entry
    assert rel_error(a, b) < 1e-13
    assert rel_error(1e6 * a, 1e6 * b) == pytest.approx(rel_error(a, b))


def test_rel_error_rejects_different_shapes():
    """Are arrays of different shapes an error rather than a silent broadcast?"""
    with pytest.raises(ValueError, match=r"\(2,\) vs \(2, 1\)"):
        rel_error(np.zeros(2), np.zeros((2, 1)))


# ----------------------------------------------------------------------------- numerical


def test_numerical_gradient_of_elementwise_square():
    """Is the gradient of sum(x**2 * df) equal to 2 x df?"""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    df = rng.standard_normal((3, 4))
    grad = numerical_gradient(lambda v: v**2, x, df)
    assert grad.shape == x.shape
    assert rel_error(grad, 2 * x * df) < 1e-9


def test_numerical_gradient_of_a_matrix_product():
    """For f(W) = x @ W, is the gradient x.T @ df (an output of a different shape)?"""
    rng = np.random.default_rng(1)
    x, W = rng.standard_normal((5, 3)), rng.standard_normal((3, 2))
    df = rng.standard_normal((5, 2))
    grad = numerical_gradient(lambda w: x @ w, W, df)
    assert rel_error(grad, x.T @ df) < 1e-9


def test_numerical_gradient_of_a_scalar_function():
    """Does a scalar f with df=1 give the plain gradient (here of sum(sin x))?"""
    x = np.linspace(-2, 2, 7)
    grad = numerical_gradient(lambda v: np.sum(np.sin(v)), x, 1.0)
    assert rel_error(grad, np.cos(x)) < 1e-9


def test_numerical_gradient_restores_x():
    """Is x bit-for-bit what it was after the check, even though it is perturbed in place?"""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3))
    before = x.copy()
    seen = []
    numerical_gradient(lambda v: seen.append(v.copy()) or np.tanh(v), x, np.ones((4, 3)))
    np.testing.assert_array_equal(x, before)
    assert any(not np.array_equal(v, before) for v in seen), "x is perturbed during the check"


def test_numerical_gradient_rejects_non_float_x():
    """Is an integer array or a list (which cannot be perturbed in place) rejected?"""
    with pytest.raises(ValueError, match="float ndarray"):
        numerical_gradient(lambda v: v, np.arange(3), np.ones(3))
    with pytest.raises(ValueError, match="float ndarray"):
        numerical_gradient(lambda v: v, [1.0, 2.0], np.ones(2))


# ----------------------------------------------------------------------------- report


def affine(x, W, b):
    return x @ W + b, "cache"


def affine_inputs():
    rng = np.random.default_rng(3)
    return {
        "x": rng.standard_normal((4, 3)),
        "W": rng.standard_normal((3, 2)),
        "b": rng.standard_normal(2),
    }, rng.standard_normal((4, 2))


def test_check_gradients_passes_right_gradients():
    """Do the right gradients of an affine map pass, using the first of a tuple output?"""
    inputs, dout = affine_inputs()
    grads = {"x": dout @ inputs["W"].T, "W": inputs["x"].T @ dout, "b": dout.sum(axis=0)}
    report = check_gradients(affine, inputs, grads, dout)
    assert isinstance(report, GradientReport)
    assert report.passed and set(report.errors) == {"x", "W", "b"}
    assert max(report.errors.values()) < 1e-9
    assert "FAIL" not in str(report)


def test_check_gradients_names_the_worst_parameter():
    """With dW halved and db slightly off, does the report fail and name W?"""
    inputs, dout = affine_inputs()
    grads = {
        "x": dout @ inputs["W"].T,
        "W": 0.5 * inputs["x"].T @ dout,
        "b": dout.sum(axis=0) * (1 + 1e-4),
    }
    report = check_gradients(affine, inputs, grads, dout)
    assert not report.passed
    assert report.worst == "W"
    assert report.errors["x"] < 1e-9 < report.errors["b"] < report.errors["W"]
    text = str(report)
    assert "W" in text and "FAIL" in text and text.strip().endswith("worst: W")


def test_check_gradients_holds_other_inputs_fixed_and_leaves_them_untouched():
    """Can gradients be checked for a subset of inputs, without changing the caller's arrays?"""
    inputs, dout = affine_inputs()
    before = {k: v.copy() for k, v in inputs.items()}
    report = check_gradients(affine, inputs, {"b": dout.sum(axis=0)}, dout)
    assert report.passed and list(report.errors) == ["b"]
    for key, value in inputs.items():
        np.testing.assert_array_equal(value, before[key])


def test_check_gradients_rejects_unknown_names_and_respects_tol():
    """Is a gradient for an unknown input an error, and does tol decide passed?"""
    inputs, dout = affine_inputs()
    with pytest.raises(ValueError, match="unknown inputs"):
        check_gradients(affine, inputs, {"h0": np.zeros(2)}, dout)
    grads = {"b": dout.sum(axis=0) * (1 + 1e-5)}
    assert not check_gradients(affine, inputs, grads, dout).passed
    assert check_gradients(affine, inputs, grads, dout, tol=1e-3).passed


@pytest.mark.parametrize("where", ["inputs", "grads", "dout"])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_check_gradients_asks_for_float64(where, dtype):
    """Is a float32 (or float16) input, gradient or dout an error that says to use float64,
    instead of a failed check of correct gradients?"""
    inputs, dout = affine_inputs()
    grads = {"b": dout.sum(axis=0)}
    if where == "inputs":
        inputs["x"] = inputs["x"].astype(dtype)
    elif where == "grads":
        grads["b"] = grads["b"].astype(dtype)
    else:
        dout = dout.astype(dtype)
    with pytest.raises(ValueError, match=r"needs float64.*\.astype\(np\.float64\)") as info:
        check_gradients(affine, inputs, grads, dout)
    assert np.dtype(dtype).name in str(info.value)


def test_check_gradients_ignores_non_float_inputs():
    """Are integer, boolean and non-array inputs (a mask, a flag) left alone by the float64 rule?"""
    inputs, dout = affine_inputs()

    def masked_affine(x, W, b, mask, scale):
        return (x @ W + b) * mask[:, None] * scale

    inputs.update(mask=np.array([1, 0, 1, 1], bool), scale=2)
    grads = {"b": (dout * inputs["mask"][:, None] * 2).sum(axis=0)}
    assert check_gradients(masked_affine, inputs, grads, dout).passed
