"""Tests of rnnlib.testing.checks: the messages students see when a visible or hidden test fails."""

import warnings

import numpy as np
import pytest

from rnnlib.testing import checks


def fails(fn, *args, **kwargs) -> str:
    """Runs a check that must fail and returns its message."""
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


# ----------------------------------------------------------------------------- check_shape


def test_check_shape_accepts_the_right_shape_and_wildcards():
    """Does check_shape pass silently on the right shape, with None matching any size?"""
    assert checks.check_shape("h", np.zeros((2, 3, 4)), (2, 3, 4)) is None
    checks.check_shape("h", np.zeros((2, 7)), (2, None))
    checks.check_shape("b", np.zeros(5), 5)
    checks.check_shape("loss", 1.5, ())


@pytest.mark.parametrize(
    ("shape", "expected", "words"),
    [
        ((4, 3), (3, 4), "transposed"),
        ((5, 3, 4), (3, 5, 4), "time-major"),
        ((5, 3, 4), (3, 4, 5), "permuted"),
        ((5, 4), (3, 5, 4), "batch axis"),
        ((3, 4), (3, 5, 4), "only one time step"),
        ((3, 1, 4), (3, 4), "extra axis of size 1"),
        ((3,), (3, 1), "size 1 is missing"),
        ((3, 5), (3, 4), "only axis 1 differs (5 instead of 4)"),
        ((), (3, 4), "scalar"),
    ],
)
def test_check_shape_names_the_likely_mistake(shape, expected, words):
    """Does a wrong shape give both shapes and name the matching mistake?"""
    message = fails(checks.check_shape, "h", np.zeros(shape), expected)
    assert f"h has shape {shape}" in message
    assert str(tuple(expected)) in message
    assert words in message


def test_check_shape_handles_non_arrays():
    """Do None, a tuple and a ragged list get a message instead of a crash?"""
    assert "forget to `return`" in fails(checks.check_shape, "h", None, (2, 3))
    assert "tuple of 2 items" in fails(checks.check_shape, "h", (np.zeros(3), None), (3,))
    ragged = [np.zeros(3), np.zeros(4)]
    assert "different shapes" in fails(checks.check_shape, "h", ragged, (2, 3))


def test_check_shape_appends_the_hint():
    """Is the caller's hint part of the message?"""
    message = fails(checks.check_shape, "h", np.zeros((2, 2)), (2, 3), hint="h is (N, H).")
    assert message.endswith("h is (N, H).")


# ----------------------------------------------------------------------------- check_dtype


def test_check_dtype_accepts_each_kind():
    """Are float32/float64, any integer type and bool accepted for their kinds?"""
    checks.check_dtype("x", np.zeros(2, np.float32), "float")
    checks.check_dtype("x", np.zeros(2), "float")
    checks.check_dtype("idx", np.zeros(2, np.int32), "int")
    checks.check_dtype("idx", np.zeros(2, np.uint8), "int")
    checks.check_dtype("mask", np.zeros(2, bool), "bool")


def test_check_dtype_rejects_with_a_hint():
    """Does a wrong dtype give the dtype that came and how to fix it?"""
    message = fails(checks.check_dtype, "idx", np.zeros(2), "int")
    assert "integer" in message and "float64" in message and "astype" in message
    assert "bool" in fails(checks.check_dtype, "idx", np.zeros(2, bool), "int")
    assert "comparison" in fails(checks.check_dtype, "mask", np.zeros(2, int), "bool")
    assert "a list" in fails(checks.check_dtype, "x", [1.0, 2.0], "float")
    with pytest.raises(ValueError, match="kind"):
        checks.check_dtype("x", np.zeros(2), "complex")


# ----------------------------------------------------------------------------- check_close


def test_check_close_accepts_values_within_tolerance():
    """Does check_close pass for differences below atol + rtol * |expected|, and equal NaNs?"""
    e = np.linspace(-1, 1, 12).reshape(3, 4)
    checks.check_close("y", e + 5e-7, e)
    checks.check_close("y", e.astype(np.float32), e)
    checks.check_close("y", np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    checks.check_close("mask", np.array([True, False]), np.array([True, False]))
    checks.check_close("loss", 2.0, 2.0 + 1e-9)


def test_check_close_reports_count_largest_error_and_where():
    """Does the message give how many entries differ, the largest error and its index?"""
    e = np.zeros((3, 4))
    g = e.copy()
    g[1, 2] = 0.5
    g[2, 0] = 0.1
    message = fails(checks.check_close, "next_h", g, e)
    assert "next_h" in message and "2 of 12 entries differ" in message
    assert "Largest error 0.5 at index (1, 2): got 0.5, expected 0" in message


def test_check_close_names_the_matching_diagnosis():
    """When the result equals what a known mistake gives, is that mistake named (only it)?"""
    e = np.arange(6.0).reshape(2, 3)
    diagnoses = {"forgot the bias": e - 1, "used ReLU": e + 2, "harmless": e}
    message = fails(checks.check_close, "h", e - 1, e, diagnoses=diagnoses)
    assert "Likely mistake: forgot the bias" in message
    assert "ReLU" not in message and "harmless" not in message


def test_check_close_diagnoses_a_shape_mistake():
    """Is a diagnosis with a different shape named in the shape message?"""
    e = np.ones((2, 3, 4))
    last = np.ones((2, 4))
    message = fails(checks.check_close, "h", last, e, diagnoses={"returned the last step": last})
    assert "has shape (2, 4)" in message and "returned the last step" in message


@pytest.mark.parametrize(
    ("got", "words"),
    [
        (np.array([[np.nan, 1.0], [2.0, 3.0]]), "NaN or inf"),
        (np.zeros((2, 2)), "all zeros"),
        (-np.array([[1.0, 2.0], [3.0, 4.0]]), "opposite sign"),
        (2 * np.array([[1.0, 2.0], [3.0, 4.0]]), "times 2"),
        (np.array([[1.0, 2.5], [3.0, 4.5]]), "only at index 1 of axis 1"),
    ],
)
def test_check_close_explains_common_value_mistakes(got, words):
    """Are NaNs, zeros, a flipped sign, a scale factor and localised errors explained?"""
    assert words in fails(checks.check_close, "y", got, np.array([[1.0, 2.0], [3.0, 4.0]]))


def test_check_close_never_warns_on_infinities():
    """Are inf and huge values compared without a RuntimeWarning (which would zero a cell)?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checks.check_close("y", np.array([np.inf, 1e308]), np.array([np.inf, 1e308]))
        message = fails(
            checks.check_close, "y", np.array([np.inf, 1e300, 2.0]), np.array([np.inf, 1e300, 1.0])
        )
        assert "NaN or inf" not in message and "got 2, expected 1" in message
        message = fails(
            checks.check_close,
            "y",
            np.array([np.inf, 1e300]),
            np.array([1e300, 1e300]),
            diagnoses={"overflow": np.array([np.inf, 1.0])},
        )
        assert "NaN or inf" in message


def test_check_close_on_scalars():
    """Does a wrong scalar say both numbers, and a factor only when it is telling?"""
    assert "is 6, expected 3" in fails(checks.check_close, "loss", 6.0, 3.0)
    assert "times 2" in fails(checks.check_close, "loss", 6.0, 3.0)
    assert "times" not in fails(checks.check_close, "loss", 4.0, 3.0)


def test_check_close_rejects_non_arrays():
    """Do None and a tuple give a readable message?"""
    assert "forget to `return`" in fails(checks.check_close, "h", None, np.zeros(2))
    assert "tuple" in fails(checks.check_close, "h", (np.zeros(2), {}), np.zeros(2))
    assert "hold numbers" in fails(checks.check_close, "h", np.array(["a", "b"]), np.zeros(2))


def test_check_close_reports_integers_where_floats_are_expected():
    """Is an integer buffer told about its dtype before its (truncated) values?"""
    message = fails(checks.check_close, "h", np.zeros((2, 3), dtype=int), np.full((2, 3), 0.5))
    assert "dtype int" in message and "float" in message and "all zeros" not in message
    checks.check_close("n", np.array([1.0, 2.0]), np.array([1, 2]))  # floats for ints: fine
