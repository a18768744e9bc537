"""Tests of rnnlib.checks: the messages students see when a visible or hidden test fails."""

import sys
import types
import warnings

import numpy as np
import pytest

from rnnlib import checks


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
        message = fails(checks.check_close, "y", np.array([np.inf, 1e300, 2.0]),
                        np.array([np.inf, 1e300, 1.0]))
        assert "NaN or inf" not in message and "got 2, expected 1" in message
        message = fails(checks.check_close, "y", np.array([np.inf, 1e300]),
                        np.array([1e300, 1e300]), diagnoses={"overflow": np.array([np.inf, 1.0])})
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


# ----------------------------------------------------------------------------- reference


def affine(x, W, b):
    """A tiny reference with a cache, like rnnlib's forward functions."""
    return x @ W + b, {"x": x}


def affine_no_bias(x, W, b):
    return x @ W, None


def affine_inputs(rng):
    return {"x": rng.standard_normal((3, 4)), "W": rng.standard_normal((4, 5)),
            "b": rng.standard_normal(5)}


def test_reference_accepts_the_reference_and_skips_caches():
    """Does a correct function pass, even though its cache differs from the reference's?"""
    def student(x, W, b):
        return x @ W + b, ("my", "own", "cache")

    checks.check_against_reference(student, affine, affine_inputs, seed=0)
    checks.check_against_reference(affine, affine, affine_inputs, trials=5, seed=1)


def test_reference_rejects_a_wrong_function_and_names_the_mistake():
    """Is a wrong function rejected with the trial, the input shapes and the mistake?"""
    message = fails(checks.check_against_reference, affine_no_bias, affine, affine_inputs,
                    seed=0, diagnoses={"forgot the bias": affine_no_bias})
    assert "affine_no_bias disagrees with the reference on random trial 1 of 3" in message
    assert "x (3, 4) float64" in message and "output [0]" in message
    assert "Likely mistake: forgot the bias" in message


def test_reference_uses_fresh_inputs_each_trial():
    """Does a function that only memorised the first trial's answer fail on a later one?"""
    first = affine(**affine_inputs(np.random.default_rng(1)))[0]

    def memorised(x, W, b):
        return first, None

    message = fails(checks.check_against_reference, memorised, affine, affine_inputs, seed=1)
    assert "trial 2 of 3" in message


def test_reference_gives_each_function_its_own_copy():
    """Can a function that changes its inputs in place affect what the other one sees?"""
    def clobbering_reference(x, W, b):
        out = x @ W + b
        x[...] = 0.0
        W[...] = 0.0
        return out, None

    def clobbering_student(x, W, b):
        out = x @ W + b
        b += 100.0
        return out, None

    checks.check_against_reference(clobbering_student, clobbering_reference, affine_inputs,
                                   seed=2, diagnoses={"no bias": affine_no_bias})


def test_reference_compares_only_the_selected_outputs():
    """Does outputs= pick the compared outputs, by index or by name?"""
    def ref(x):
        return x + 1, x * 2

    def half_right(x):
        return x + 1, x * 3

    inputs = lambda rng: {"x": rng.standard_normal(4)}  # noqa: E731
    checks.check_against_reference(half_right, ref, inputs, outputs=[0], seed=0)
    assert "output [1]" in fails(checks.check_against_reference, half_right, ref, inputs, seed=0)
    message = fails(checks.check_against_reference, half_right, ref, inputs,
                    outputs={"doubled": 1}, seed=0)
    assert "doubled" in message
    with pytest.raises(ValueError, match="outputs="):
        checks.check_against_reference(np.sum, np.sum, lambda rng: {"a": rng.random(3)},
                                       outputs=[0], seed=0)


def test_reference_with_single_and_dict_outputs():
    """Are single arrays, numbers and dicts of arrays compared as well?"""
    inputs = lambda rng: {"x": rng.standard_normal(4)}  # noqa: E731
    checks.check_against_reference(lambda x: float(np.sum(x)), lambda x: float(np.sum(x)),
                                   inputs, seed=0)
    ref = lambda x: {"sum": np.sum(x), "double": 2 * x, "note": "ignored"}  # noqa: E731
    wrong = lambda x: {"sum": np.sum(x), "double": 3 * x, "note": "other"}  # noqa: E731
    checks.check_against_reference(ref, ref, inputs, seed=0)
    assert "'double'" in fails(checks.check_against_reference, wrong, ref, inputs, seed=0)
    assert "dict with key" in fails(checks.check_against_reference, lambda x: 2 * x, ref, inputs,
                                    seed=0)


def test_reference_rejects_wrong_return_structure_and_kind():
    """Are a missing tuple and an int mask (where bool is expected) reported clearly?"""
    message = fails(checks.check_against_reference, lambda x, W, b: x @ W + b, affine,
                    affine_inputs, seed=0)
    assert "should return a tuple of 2 items" in message and "disagrees" in message
    inputs = lambda rng: {"x": rng.standard_normal(4)}  # noqa: E731
    message = fails(checks.check_against_reference, lambda x: (x > 0).astype(int),
                    lambda x: x > 0, inputs, seed=0)
    assert "boolean" in message


def test_reference_reports_an_exception_of_the_student():
    """Does an exception in the student's function become a failure naming it and the inputs?"""
    def broken(x, W, b):
        raise IndexError("index 7 is out of bounds")

    message = fails(checks.check_against_reference, broken, affine, affine_inputs, seed=0)
    assert "broken raised IndexError" in message and "out of bounds" in message
    assert "W (4, 5)" in message


def test_reference_is_deterministic_with_a_seed():
    """Do two runs with the same seed draw the same inputs?"""
    seen = []

    def recording(x, W, b):
        seen.append(x.copy())
        return affine(x, W, b)

    for _ in range(2):
        checks.check_against_reference(recording, affine, affine_inputs, trials=2, seed=7)
    np.testing.assert_array_equal(seen[0], seen[2])
    assert not np.array_equal(seen[0], seen[1])


# ----------------------------------------------------------------------------- blocking


@pytest.fixture
def fake_rnnlib_module(monkeypatch):
    """A module inside the rnnlib namespace holding a reference and one built on it."""
    module = types.ModuleType("rnnlib._fake_reference")
    exec(
        "def step(x):\n    return x + 1\n\n"
        "def sequence(x):\n    return step(step(x))\n\n"
        "alias = step\n",
        module.__dict__,
    )
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_blocked_reference_raises_when_called_by_the_student(fake_rnnlib_module):
    """Does calling the reference through the module or a notebook name raise?"""
    ref = fake_rnnlib_module.step
    namespace = {"step": ref, "my_step": ref, "other": len}

    def cheating(x):
        return namespace["my_step"](x)

    with checks.reference_blocked(ref, namespace=namespace):
        message = fails(fake_rnnlib_module.step, 1)
        assert "rnnlib._fake_reference.step" in message and "write it yourself" in message
        fails(fake_rnnlib_module.alias, 1)
        fails(namespace["step"], 1)
        fails(cheating, 1)
        assert namespace["other"] is len
    assert fake_rnnlib_module.step is ref and fake_rnnlib_module.alias is ref
    assert namespace["step"] is ref and namespace["my_step"] is ref
    assert cheating(1) == 2


def test_blocked_reference_still_serves_rnnlib_itself(fake_rnnlib_module):
    """Can a reference built on a blocked one (inside rnnlib) still run?"""
    with checks.reference_blocked(fake_rnnlib_module.step):
        assert fake_rnnlib_module.sequence(1) == 3
        checks.check_against_reference(lambda x: x + 1, fake_rnnlib_module.step,
                                       lambda rng: {"x": rng.standard_normal(3)}, seed=0)


def test_blocked_reference_serves_the_reference_side_of_a_comparison(fake_rnnlib_module):
    """Inside a block, can the reference side be a lambda that calls the blocked reference,
    while the student's side still may not?"""
    ref = fake_rnnlib_module.step
    inputs = lambda rng: {"x": rng.standard_normal(3)}  # noqa: E731
    namespace = {"step": ref}
    with checks.reference_blocked(ref, namespace=namespace):
        checks.check_against_reference(lambda x: x + 1, lambda **kw: namespace["step"](**kw),
                                       inputs, diagnoses={"minus": lambda x: namespace["step"](-x)},
                                       seed=0)
        message = fails(checks.check_against_reference, lambda x: namespace["step"](x),
                        lambda **kw: namespace["step"](**kw), inputs, seed=0)
        assert "write it yourself" in message
        fails(namespace["step"], 1)


def test_blocked_reference_is_restored_after_an_error(fake_rnnlib_module):
    """Is everything restored when the block exits with an exception, also when nested?"""
    ref = fake_rnnlib_module.step
    namespace = {"step": ref}
    with pytest.raises(RuntimeError):
        with checks.reference_blocked(ref, namespace=namespace):
            with checks.reference_blocked(fake_rnnlib_module.step, namespace=namespace):
                fails(namespace["step"], 1)
            fails(namespace["step"], 1)
            raise RuntimeError("student code crashed")
    assert fake_rnnlib_module.step is ref and namespace["step"] is ref
    assert namespace["step"](1) == 2


def test_blocked_reference_leaves_the_students_own_function_alone(fake_rnnlib_module):
    """Is a student's function of the same name untouched?"""
    def step(x):
        return x + 1

    namespace = {"step": step}
    with checks.reference_blocked(fake_rnnlib_module.step, namespace=namespace):
        assert namespace["step"] is step
        assert step(1) == 2
