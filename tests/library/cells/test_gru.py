"""rnnlib.cells.gru: gradient checks (float64) for both reset_after forms, masks, dtypes, errors.

Agreement with Keras is tested in test_keras_io.py (live) and test_golden.py (fixtures).
"""

import numpy as np
import pytest
from mistakes import wrong_gated

from rnnlib.cells import gru
from rnnlib.cells.gates import GRU_GATES, split_gates
from rnnlib.testing.gradcheck import check_gradients

MASK_ROWS = [
    [0, 0, 1, 1, 1, 1],  # leading masked steps
    [1, 1, 0, 0, 1, 1],  # middle
    [1, 1, 1, 1, 0, 0],  # trailing
    [0, 1, 0, 1, 1, 0],  # scattered
    [0, 0, 0, 0, 0, 0],  # all masked
]


def params(rng, N, T, D, H, reset_after, scale=0.5):
    return dict(
        x=rng.standard_normal((N, T, D)),
        h0=rng.standard_normal((N, H)),
        Wx=rng.standard_normal((D, 3 * H)) * scale,
        Wh=rng.standard_normal((H, 3 * H)) * scale,
        b=rng.standard_normal((2, 3 * H) if reset_after else 3 * H) * scale,
        reset_after=reset_after,
    )


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (3, 4, 5)])
def test_step_backward_gradients(reset_after, N, D, H):
    """Does gru_step_backward give every gradient to 1e-7 in float64?"""
    rng = np.random.default_rng(N + D + H)
    p = params(rng, N, 1, D, H, reset_after)
    inputs = dict(x=p["x"][:, 0], prev_h=p["h0"], Wx=p["Wx"], Wh=p["Wh"], b=p["b"])
    dnext_h = rng.standard_normal((N, H))
    next_h, cache = gru.gru_step_forward(**inputs, reset_after=reset_after)
    dx, dprev_h, dWx, dWh, db = gru.gru_step_backward(dnext_h, cache)
    assert db.shape == p["b"].shape
    grads = dict(x=dx, prev_h=dprev_h, Wx=dWx, Wh=dWh, b=db)
    forward = lambda **kw: gru.gru_step_forward(**kw, reset_after=reset_after)  # noqa: E731
    report = check_gradients(forward, inputs, grads, dnext_h)
    assert report.passed, str(report)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize(
    "N, T, D, H, mask",
    [
        (1, 1, 1, 1, None),
        (1, 1, 3, 2, None),
        (2, 5, 3, 4, None),
        (1, 6, 2, 3, "leading"),
        (5, 6, 3, 4, "rows"),
    ],
)
def test_sequence_backward_gradients(reset_after, N, T, D, H, mask):
    """Does gru_backward match centred differences (nonzero h0, masks of every kind)?"""
    rng = np.random.default_rng(N * 100 + T)
    inputs = params(rng, N, T, D, H, reset_after)
    if mask == "leading":
        inputs["mask"] = np.array(MASK_ROWS[:1], bool)
    elif mask == "rows":
        inputs["mask"] = np.array(MASK_ROWS, bool)
    dh = rng.standard_normal((N, T, H))
    h, cache = gru.gru_forward(**inputs)
    dx, dh0, dWx, dWh, db = gru.gru_backward(dh, cache)
    grads = dict(x=dx, h0=dh0, Wx=dWx, Wh=dWh, b=db)
    report = check_gradients(gru.gru_forward, inputs, grads, dh)
    assert report.passed, str(report)


@pytest.mark.parametrize("reset_after", [True, False])
def test_final_state_gradient(reset_after):
    """With an upstream gradient of the final state (dh_last), are the gradients right to 1e-7,
    also through trailing masked steps and fully masked rows?"""
    rng = np.random.default_rng(9)
    N, T, H = len(MASK_ROWS), 6, 3
    inputs = params(rng, N, T, 2, H, reset_after)
    inputs["mask"] = np.array(MASK_ROWS, bool)
    dh, dh_last = rng.standard_normal((N, T, H)), rng.standard_normal((N, H))
    _, cache = gru.gru_forward(**inputs)
    dx, dh0, dWx, dWh, db = gru.gru_backward(dh, cache, dh_last=dh_last)

    def outputs_and_final_state(**kw):
        h, cache = gru.gru_forward(**kw)
        return np.concatenate([h.reshape(N, -1), cache.h_last], axis=1)

    dout = np.concatenate([dh.reshape(N, -1), dh_last], axis=1)
    grads = dict(x=dx, h0=dh0, Wx=dWx, Wh=dWh, b=db)
    report = check_gradients(outputs_and_final_state, inputs, grads, dout)
    assert report.passed, str(report)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("N, T", [(0, 3), (2, 0), (0, 0)])
def test_empty_batch_or_sequence_gives_zero_gradients(N, T, reset_after):
    """With N=0 or T=0, does gru_backward return zero gradients of the right shapes (and pass
    dh_last straight to dh0 when there are no steps)?"""
    p = params(np.random.default_rng(10), N, T, 2, 3, reset_after)
    h, cache = gru.gru_forward(**p, mask=np.ones((N, T), bool))
    assert h.shape == (N, T, 3)
    dh_last = np.ones((N, 3))
    dx, dh0, dWx, dWh, db = gru.gru_backward(h, cache, dh_last=dh_last)
    assert dx.shape == (N, T, 2) and dh0.shape == (N, 3)
    assert (dWx.shape, dWh.shape, db.shape) == ((2, 9), (3, 9), p["b"].shape)
    assert not dWx.any() and not dWh.any() and not db.any()
    if T == 0:
        np.testing.assert_array_equal(dh0, dh_last)


@pytest.mark.parametrize("reset_after", ["False", 0, None, np.array([True])])
def test_reset_after_must_be_a_bool(reset_after):
    """Is a reset_after that is not True or False (the string "False" is truthy) a TypeError?"""
    p = params(np.random.default_rng(11), 2, 3, 2, 3, True)
    p["reset_after"] = reset_after
    with pytest.raises(TypeError, match="gru_forward: reset_after should be True or False"):
        gru.gru_forward(**p)
    with pytest.raises(TypeError, match="gru_step_forward: reset_after should be True or False"):
        gru.gru_step_forward(p["x"][:, 0], p["h0"], p["Wx"], p["Wh"], p["b"], reset_after)
    np.testing.assert_array_equal(  # a NumPy bool is a bool
        gru.gru_forward(**{**p, "reset_after": np.bool_(True)})[0],
        gru.gru_forward(**{**p, "reset_after": True})[0],
    )


def test_backward_names_a_wrong_cache():
    """Does a None or wrong-kind cache raise a TypeError saying what was expected and what came?"""
    p = params(np.random.default_rng(12), 2, 3, 2, 3, True)
    h, cache = gru.gru_forward(**p)
    _, step_cache = gru.gru_step_forward(p["x"][:, 0], p["h0"], p["Wx"], p["Wh"], p["b"])
    for wrong, came in [
        (None, "got None"),
        (step_cache, "got GRUStepCache"),
        ((h, cache), "(out, cache) pair gru_forward returned"),
    ]:
        with pytest.raises(TypeError, match="gru_backward: cache should be the GRUCache") as info:
            gru.gru_backward(np.zeros_like(h), wrong)
        assert came in str(info.value)
    with pytest.raises(
        TypeError, match="the GRUStepCache that gru_step_forward returned, got GRUCache"
    ):
        gru.gru_step_backward(np.zeros((2, 3)), cache)


@pytest.mark.parametrize("reset_after", [True, False])
def test_step_forward_matches_equations(reset_after):
    """Does a step follow Keras's code (not its docstring): order z, r, h, reset before/after?"""
    rng = np.random.default_rng(1)
    p = params(rng, 2, 1, 3, 4, reset_after)
    x, prev_h, Wx, Wh, b = p["x"][:, 0], p["h0"], p["Wx"], p["Wh"], p["b"]
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    wx, wh = (
        dict(zip(GRU_GATES, split_gates(Wx, 3), strict=False)),
        dict(zip(GRU_GATES, split_gates(Wh, 3), strict=False)),
    )
    if reset_after:
        bi, br = (
            dict(zip(GRU_GATES, split_gates(b[0], 3), strict=False)),
            dict(zip(GRU_GATES, split_gates(b[1], 3), strict=False)),
        )
        z = sig(x @ wx["z"] + bi["z"] + prev_h @ wh["z"] + br["z"])
        r = sig(x @ wx["r"] + bi["r"] + prev_h @ wh["r"] + br["r"])
        hh = np.tanh(x @ wx["h"] + bi["h"] + r * (prev_h @ wh["h"] + br["h"]))
    else:
        bb = dict(zip(GRU_GATES, split_gates(b, 3), strict=False))
        z = sig(x @ wx["z"] + prev_h @ wh["z"] + bb["z"])
        r = sig(x @ wx["r"] + prev_h @ wh["r"] + bb["r"])
        hh = np.tanh(x @ wx["h"] + (r * prev_h) @ wh["h"] + bb["h"])
    next_h, _ = gru.gru_step_forward(x, prev_h, Wx, Wh, b, reset_after=reset_after)
    np.testing.assert_allclose(next_h, z * prev_h + (1 - z) * hh, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
def test_sequence_is_repeated_steps(reset_after):
    """Is gru_forward the same as calling gru_step_forward at every step?"""
    p = params(np.random.default_rng(2), 3, 4, 2, 5, reset_after)
    h, cache = gru.gru_forward(**p)
    prev_h = p["h0"]
    for t in range(4):
        prev_h, _ = gru.gru_step_forward(
            p["x"][:, t], prev_h, p["Wx"], p["Wh"], p["b"], reset_after
        )
        np.testing.assert_allclose(h[:, t], prev_h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cache.h_last, prev_h, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
def test_mask_semantics(reset_after):
    """Do masked steps carry the state and repeat the output (zeros before the first real one)?"""
    p = params(np.random.default_rng(3), 1, 6, 2, 3, reset_after)
    mask = np.array([MASK_ROWS[3]], bool)  # real steps 1, 3, 4
    h, cache = gru.gru_forward(**p, mask=mask)
    assert np.all(h[0, 0] == 0), (
        "output before the first real step should be zeros, even with h0 != 0"
    )
    kept, _ = gru.gru_forward(**{**p, "x": p["x"][:, mask[0]]})
    np.testing.assert_allclose(h[0, 1:], kept[0, [0, 0, 1, 2, 2]], rtol=1e-12)
    np.testing.assert_allclose(cache.h_last, kept[:, -1], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reset_after", [True, False])
def test_dtype_is_preserved(dtype, reset_after):
    """Do the outputs and every gradient keep the inputs' float dtype?"""
    p = params(np.random.default_rng(5), 2, 3, 2, 3, reset_after)
    p = {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in p.items()}
    h, cache = gru.gru_forward(**p, mask=np.array([[1, 0, 1], [1, 1, 1]], bool))
    assert h.dtype == dtype
    assert all(g.dtype == dtype for g in gru.gru_backward(np.ones_like(h), cache))
    next_h, step_cache = gru.gru_step_forward(
        p["x"][:, 0], p["h0"], p["Wx"], p["Wh"], p["b"], reset_after
    )
    assert next_h.dtype == dtype
    assert all(g.dtype == dtype for g in gru.gru_step_backward(np.ones_like(next_h), step_cache))


@pytest.mark.parametrize(
    "reset_after, change, words",
    [
        (True, dict(b=np.zeros(9)), ["b", "2 dimensions", "(9,)"]),
        (False, dict(b=np.zeros((2, 9))), ["b", "1 dimensions", "(2, 9)"]),
        (True, dict(b=np.zeros((2, 6))), ["b", "(2, 6)", "H=3"]),
        (True, dict(Wh=np.zeros((3, 12))), ["Wh", "(3, 12)"]),
        (True, dict(Wx=np.zeros((2, 8))), ["Wx", "(2, 8)"]),
        (True, dict(h0=np.zeros((3, 3))), ["h0", "(3, 3)", "N=2"]),
        (True, dict(mask=np.ones(3, bool)), ["mask", "(3,)"]),
        (True, dict(x=np.zeros((2, 3, 2), np.float16)), ["x", "float32 or float64", "float16"]),
    ],
)
def test_bad_arguments_are_named(reset_after, change, words):
    """Does a wrong argument raise ValueError naming the argument and its shape?"""
    p = {**params(np.random.default_rng(7), 2, 3, 2, 3, reset_after), **change}
    with pytest.raises(ValueError) as err:
        gru.gru_forward(**p)
    for word in words:
        assert word in str(err.value)


# --- the comparison helpers reject plausible wrong implementations ------------------------


WRONG = wrong_gated


def step_inputs(reset_after):
    def make(rng):
        N, D, H = rng.integers(1, 4), rng.integers(1, 5), rng.integers(2, 5)
        p = params(rng, N, 1, D, H, reset_after)
        return dict(
            x=p["x"][:, 0],
            prev_h=p["h0"],
            Wx=p["Wx"],
            Wh=p["Wh"],
            b=p["b"],
            reset_after=reset_after,
        )

    return make


def sequence_inputs(reset_after):
    def make(rng):
        p = params(
            rng, len(MASK_ROWS), 6, int(rng.integers(1, 4)), int(rng.integers(2, 5)), reset_after
        )
        return {**p, "mask": np.array(MASK_ROWS, bool)}

    return make


CASES = {
    "step_forward": (
        gru.gru_step_forward,
        step_inputs,
        WRONG.GRU_STEP_CORRECT,
        WRONG.GRU_STEP_WRONG,
    ),
    "forward": (
        gru.gru_forward,
        sequence_inputs,
        WRONG.GRU_FORWARD_CORRECT,
        WRONG.GRU_FORWARD_WRONG,
    ),
}


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("case", CASES)
def test_checks_accept_a_correct_answer(case, reset_after):
    """Does check_against_reference accept an independent correct implementation?"""
    from rnnlib.testing.grading import check_against_reference

    reference, make_inputs, correct, _ = CASES[case]
    check_against_reference(correct, reference, make_inputs(reset_after), trials=3, seed=0)


@pytest.mark.parametrize(
    "case, label", [(case, label) for case, spec in CASES.items() for label in spec[3]]
)
def test_checks_reject_wrong_answer(case, label):
    """Does check_against_reference reject each plausible wrong implementation
    (with the reset_after setting where the mistake shows)?"""
    from rnnlib.testing.grading import check_against_reference

    reference, make_inputs, _, wrong = CASES[case]
    rejected = []
    for reset_after in (True, False):
        try:
            check_against_reference(wrong[label], reference, make_inputs(reset_after), seed=0)
        except AssertionError:
            rejected.append(reset_after)
    assert rejected, f"{label!r} was accepted with reset_after True and False"
    if "reset_after=True" in label or "recurrent bias" in label:
        assert True in rejected
    if "reset_after=False" in label:
        assert False in rejected
