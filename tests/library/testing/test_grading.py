"""Tests of rnnlib.testing.grading: reference blocking and hidden comparisons."""

import sys
import types

import numpy as np
import pytest

from rnnlib.testing import grading


def fails(fn, *args, **kwargs) -> str:
    """Runs a check that must fail and returns its message."""
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


# ----------------------------------------------------------------------------- reference


def affine(x, W, b):
    """A tiny reference with a cache, like rnnlib's forward functions."""
    return x @ W + b, {"x": x}


def affine_no_bias(x, W, b):
    return x @ W, None


def affine_inputs(rng):
    return {
        "x": rng.standard_normal((3, 4)),
        "W": rng.standard_normal((4, 5)),
        "b": rng.standard_normal(5),
    }


def test_reference_accepts_the_reference_and_skips_caches():
    """Does a correct function pass, even though its cache differs from the reference's?"""

    def student(x, W, b):
        return x @ W + b, ("my", "own", "cache")

    grading.check_against_reference(student, affine, affine_inputs, seed=0)
    grading.check_against_reference(affine, affine, affine_inputs, trials=5, seed=1)


def test_reference_rejects_a_wrong_function_and_names_the_mistake():
    """Is a wrong function rejected with the trial, the input shapes and the mistake?"""
    message = fails(
        grading.check_against_reference,
        affine_no_bias,
        affine,
        affine_inputs,
        seed=0,
        diagnoses={"forgot the bias": affine_no_bias},
    )
    assert "affine_no_bias disagrees with the reference on random trial 1 of 3" in message
    assert "x (3, 4) float64" in message and "output [0]" in message
    assert "Likely mistake: forgot the bias" in message


def test_reference_uses_fresh_inputs_each_trial():
    """Does a function that only memorised the first trial's answer fail on a later one?"""
    first = affine(**affine_inputs(np.random.default_rng(1)))[0]

    def memorised(x, W, b):
        return first, None

    message = fails(grading.check_against_reference, memorised, affine, affine_inputs, seed=1)
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

    grading.check_against_reference(
        clobbering_student,
        clobbering_reference,
        affine_inputs,
        seed=2,
        diagnoses={"no bias": affine_no_bias},
    )


def test_reference_compares_only_the_selected_outputs():
    """Does outputs= pick the compared outputs, by index or by name?"""

    def ref(x):
        return x + 1, x * 2

    def half_right(x):
        return x + 1, x * 3

    inputs = lambda rng: {"x": rng.standard_normal(4)}  # noqa: E731
    grading.check_against_reference(half_right, ref, inputs, outputs=[0], seed=0)
    assert "output [1]" in fails(grading.check_against_reference, half_right, ref, inputs, seed=0)
    message = fails(
        grading.check_against_reference, half_right, ref, inputs, outputs={"doubled": 1}, seed=0
    )
    assert "doubled" in message
    with pytest.raises(ValueError, match="outputs="):
        grading.check_against_reference(
            np.sum, np.sum, lambda rng: {"a": rng.random(3)}, outputs=[0], seed=0
        )


def test_reference_with_single_and_dict_outputs():
    """Are single arrays, numbers and dicts of arrays compared as well?"""
    inputs = lambda rng: {"x": rng.standard_normal(4)}  # noqa: E731
    grading.check_against_reference(
        lambda x: float(np.sum(x)), lambda x: float(np.sum(x)), inputs, seed=0
    )
    ref = lambda x: {"sum": np.sum(x), "double": 2 * x, "note": "ignored"}  # noqa: E731
    wrong = lambda x: {"sum": np.sum(x), "double": 3 * x, "note": "other"}  # noqa: E731
    grading.check_against_reference(ref, ref, inputs, seed=0)
    assert "'double'" in fails(grading.check_against_reference, wrong, ref, inputs, seed=0)
    assert "dict with key" in fails(
        grading.check_against_reference, lambda x: 2 * x, ref, inputs, seed=0
    )


def test_reference_rejects_wrong_return_structure_and_kind():
    """Are a missing tuple and an int mask (where bool is expected) reported clearly?"""
    message = fails(
        grading.check_against_reference, lambda x, W, b: x @ W + b, affine, affine_inputs, seed=0
    )
    assert "should return a tuple of 2 items" in message and "disagrees" in message
    inputs = lambda rng: {"x": rng.standard_normal(4)}  # noqa: E731
    message = fails(
        grading.check_against_reference,
        lambda x: (x > 0).astype(int),
        lambda x: x > 0,
        inputs,
        seed=0,
    )
    assert "boolean" in message


def test_reference_reports_an_exception_of_the_student():
    """Does an exception in the student's function become a failure naming it and the inputs?"""

    def broken(x, W, b):
        raise IndexError("index 7 is out of bounds")

    message = fails(grading.check_against_reference, broken, affine, affine_inputs, seed=0)
    assert "broken raised IndexError" in message and "out of bounds" in message
    assert "W (4, 5)" in message


def test_reference_is_deterministic_with_a_seed():
    """Do two runs with the same seed draw the same inputs?"""
    seen = []

    def recording(x, W, b):
        seen.append(x.copy())
        return affine(x, W, b)

    for _ in range(2):
        grading.check_against_reference(recording, affine, affine_inputs, trials=2, seed=7)
    np.testing.assert_array_equal(seen[0], seen[2])
    assert not np.array_equal(seen[0], seen[1])


# ----------------------------------------------------------------------------- blocking


@pytest.fixture
def fake_reference(monkeypatch):
    """A module inside the rnnlib namespace holding a reference and one built on it."""
    module = types.ModuleType("rnnlib._fake_reference")
    exec(
        "def step(x):\n    return x + 1\n\n"
        "def sequence(x):\n    return step(step(x))\n\n"
        "alias = step\n\n"
        "class Layer:\n    def __init__(self, units):\n        self.units = units\n\n"
        "class Cell(Layer):\n    def __init__(self, units):\n        super().__init__(units)\n",
        module.__dict__,
    )
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def delegating_forms(ref):
    """The ways a student reaches a reference: direct, a module-level name, a default
    argument, a closure (the last two captured before any block exists)."""
    alias = ref

    def direct(x):
        return sys.modules["rnnlib._fake_reference"].step(x)

    def imported_name(x):
        return alias(x)

    def default_argument(x, _ref=ref):
        return _ref(x)

    def make_closure():
        captured = ref

        def closure(x):
            return captured(x)

        return closure

    return {
        "direct": direct,
        "imported name": imported_name,
        "default argument": default_argument,
        "closure": make_closure(),
    }


def test_guarded_call_blocks_every_way_of_reaching_the_reference(fake_reference):
    """Does each delegating form raise inside the guard, naming the reference, and work
    again outside it?"""
    for form, cheat in delegating_forms(fake_reference.step).items():
        message = fails(grading.guarded(cheat, fake_reference.step), 1)
        assert "rnnlib._fake_reference.step" in message and "yourself" in message, form
        assert cheat(1) == 2, form


def test_guard_blocks_references_built_on_the_blocked_one(fake_reference):
    """Is a reference that calls a blocked one blocked too (no back door through rnnlib)?"""
    assert fails(grading.guarded(fake_reference.sequence, fake_reference.step), 1)
    assert fake_reference.sequence(1) == 3


def test_guard_by_dotted_name_and_class(fake_reference):
    """Can a reference be named by a dotted string, and a class (even one using super()) be
    blocked by its __init__?"""
    make = grading.guarded(lambda: fake_reference.Cell(3), "rnnlib._fake_reference.Cell")
    assert "rnnlib._fake_reference.Cell" in fails(make)
    assert fake_reference.Cell(3).units == 3
    assert fails(grading.guarded(lambda: fake_reference.alias(1), "rnnlib._fake_reference.step"))
    with pytest.raises(AttributeError):
        grading.guarded(len, "rnnlib._fake_reference.nothing")
    with pytest.raises(TypeError, match="cannot block"):
        grading.guarded(len, len)


def test_guard_leaves_the_students_own_function_and_results_alone(fake_reference):
    """Does an honest function run unchanged, with its result, its name and its errors?"""

    def step(x):
        return x + 1

    def broken(x):
        raise ValueError("student bug")

    honest = grading.guarded(step, fake_reference.step)
    assert honest(1) == 2 and honest.__name__ == "step"
    with pytest.raises(ValueError, match="student bug"):
        grading.guarded(broken, fake_reference.step)(1)
    assert grading.guarded(None, fake_reference.step) is None


def test_blocks_are_restored_after_an_error_and_when_nested(fake_reference):
    """Is the reference's code restored when the block exits with an exception, also nested?"""
    code = fake_reference.step.__code__
    with pytest.raises(RuntimeError):
        with grading.blocked(fake_reference.step):
            with grading.blocked(fake_reference.step, "rnnlib._fake_reference.alias"):
                fails(fake_reference.step, 1)
            fails(fake_reference.step, 1)
            raise RuntimeError("student code crashed")
    assert fake_reference.step.__code__ is code and fake_reference.step(1) == 2


def test_the_comparison_computes_the_reference_outside_the_guard(fake_reference):
    """Can the reference side call the blocked reference while the student's side may not?"""
    inputs = lambda rng: {"x": rng.standard_normal(3)}  # noqa: E731
    grading.check_against_reference(
        grading.guarded(lambda x: x + 1, fake_reference.step),
        fake_reference.step,
        inputs,
        diagnoses={"minus": lambda x: fake_reference.step(-x)},
        seed=0,
    )
    cheat = grading.guarded(lambda x: fake_reference.step(x), fake_reference.step)
    assert "yourself" in fails(
        grading.check_against_reference, cheat, fake_reference.step, inputs, seed=0
    )


def test_guard_blocks_keras_functions_and_layers():
    """Are real Keras references (a closure-free function, a layer class using super())
    blocked and restored?"""
    keras = pytest.importorskip("keras")
    pad = grading.guarded(lambda: keras.utils.pad_sequences([[1]]), "keras.utils.pad_sequences")
    assert "pad_sequences" in fails(pad)
    layer = grading.guarded(lambda: keras.layers.SimpleRNN(2), keras.layers.SimpleRNN)
    assert "SimpleRNN" in fails(layer)
    assert keras.layers.SimpleRNN(2).units == 2
    assert keras.utils.pad_sequences([[1]]).shape == (1, 1)
