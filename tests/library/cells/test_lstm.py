"""rnnlib.cells.lstm: gradient checks (float64), mask semantics, dtypes and argument errors.

Agreement with Keras is tested in test_keras_io.py (live) and test_golden.py (fixtures).
"""

import numpy as np
import pytest
from mistakes import wrong_gated

from rnnlib.cells import lstm
from rnnlib.cells.gates import LSTM_GATES, split_gates
from rnnlib.testing.gradcheck import check_gradients

TOL = 1e-7

# mask patterns over T=6 steps: leading, middle and trailing masked steps, scattered, all masked
MASKS = {
    "leading": [0, 0, 1, 1, 1, 1],
    "middle": [1, 1, 0, 0, 1, 1],
    "trailing": [1, 1, 1, 1, 0, 0],
    "scattered": [0, 1, 0, 1, 1, 0],
    "all_masked": [0, 0, 0, 0, 0, 0],
}


def params(rng, N, T, D, H, scale=0.5):
    return dict(
        x=rng.standard_normal((N, T, D)),
        h0=rng.standard_normal((N, H)),
        Wx=rng.standard_normal((D, 4 * H)) * scale,
        Wh=rng.standard_normal((H, 4 * H)) * scale,
        b=rng.standard_normal(4 * H) * scale,
        c0=rng.standard_normal((N, H)),
    )


def test_step_backward_gradients():
    """Does lstm_step_backward give every gradient, including dprev_c, to 1e-7 in float64?"""
    rng = np.random.default_rng(0)
    for N, D, H in [(1, 1, 1), (3, 4, 5)]:
        inputs = dict(
            x=rng.standard_normal((N, D)),
            prev_h=rng.standard_normal((N, H)),
            prev_c=rng.standard_normal((N, H)),
            Wx=rng.standard_normal((D, 4 * H)),
            Wh=rng.standard_normal((H, 4 * H)),
            b=rng.standard_normal(4 * H),
        )
        dnext_h = rng.standard_normal((N, H))
        dnext_c = rng.standard_normal((N, H))

        def both(**kw):
            next_h, next_c, _ = lstm.lstm_step_forward(**kw)
            return np.concatenate([next_h, next_c], axis=1)  # (N, 2H)

        _, _, cache = lstm.lstm_step_forward(**inputs)
        dx, dprev_h, dprev_c, dWx, dWh, db = lstm.lstm_step_backward(dnext_h, dnext_c, cache)
        grads = dict(x=dx, prev_h=dprev_h, prev_c=dprev_c, Wx=dWx, Wh=dWh, b=db)
        report = check_gradients(both, inputs, grads, np.concatenate([dnext_h, dnext_c], axis=1))
        assert report.passed, str(report)


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
def test_sequence_backward_gradients(N, T, D, H, mask):
    """Does lstm_backward match centred differences (nonzero h0 and c0, masks of every kind)?"""
    rng = np.random.default_rng(N * 100 + T)
    inputs = params(rng, N, T, D, H)
    if mask == "leading":
        inputs["mask"] = np.array([MASKS["leading"]], bool)
    elif mask == "rows":
        inputs["mask"] = np.array(list(MASKS.values()), bool)
    dh = rng.standard_normal((N, T, H))
    h, cache = lstm.lstm_forward(**inputs)
    dx, dh0, dWx, dWh, db, dc0 = lstm.lstm_backward(dh, cache)
    grads = dict(x=dx, h0=dh0, Wx=dWx, Wh=dWh, b=db, c0=dc0)
    report = check_gradients(lstm.lstm_forward, inputs, grads, dh)
    assert report.passed, str(report)


@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masks of every kind"])
def test_final_state_gradients(masked):
    """With upstream gradients of the final states (dh_last, dc_last), are all gradients, dc0
    included, right to 1e-7, also through trailing masked steps and fully masked rows?"""
    rng = np.random.default_rng(9)
    N, T, D, H = len(MASKS), 6, 2, 3
    inputs = params(rng, N, T, D, H)
    if masked:
        inputs["mask"] = np.array(list(MASKS.values()), bool)
    dh, dh_last, dc_last = rng.standard_normal((N, T, H)), *rng.standard_normal((2, N, H))
    _, cache = lstm.lstm_forward(**inputs)
    dx, dh0, dWx, dWh, db, dc0 = lstm.lstm_backward(dh, cache, dh_last=dh_last, dc_last=dc_last)

    def outputs_and_final_states(**kw):
        h, cache = lstm.lstm_forward(**kw)
        return np.concatenate([h.reshape(N, -1), cache.h_last, cache.c_last], axis=1)

    dout = np.concatenate([dh.reshape(N, -1), dh_last, dc_last], axis=1)
    grads = dict(x=dx, h0=dh0, Wx=dWx, Wh=dWh, b=db, c0=dc0)
    report = check_gradients(outputs_and_final_states, inputs, grads, dout)
    assert report.passed, str(report)


@pytest.mark.parametrize("N, T", [(0, 3), (2, 0), (0, 0)])
def test_empty_batch_or_sequence_gives_zero_gradients(N, T):
    """With N=0 or T=0, does lstm_backward return zero gradients of the right shapes (and pass
    dh_last, dc_last straight to dh0, dc0 when there are no steps)?"""
    p = params(np.random.default_rng(10), N, T, 2, 3)
    h, cache = lstm.lstm_forward(**p, mask=np.ones((N, T), bool))
    assert h.shape == (N, T, 3)
    dh_last, dc_last = np.ones((N, 3)), np.full((N, 3), 2.0)
    dx, dh0, dWx, dWh, db, dc0 = lstm.lstm_backward(h, cache, dh_last=dh_last, dc_last=dc_last)
    assert dx.shape == (N, T, 2) and dh0.shape == dc0.shape == (N, 3)
    assert (dWx.shape, dWh.shape, db.shape) == ((2, 12), (3, 12), (12,))
    assert not dWx.any() and not dWh.any() and not db.any()
    if T == 0:
        np.testing.assert_array_equal(dh0, dh_last)
        np.testing.assert_array_equal(dc0, dc_last)


def test_step_forward_matches_equations():
    """Does one step follow the Keras equations with gates in the order i, f, c, o?"""
    rng = np.random.default_rng(1)
    x, prev_h, prev_c = (rng.standard_normal((2, k)) for k in (3, 4, 4))
    Wx, Wh, b = rng.standard_normal((3, 16)), rng.standard_normal((4, 16)), rng.standard_normal(16)
    a = dict(zip(LSTM_GATES, split_gates(x @ Wx + prev_h @ Wh + b, 4), strict=False))
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c = sig(a["f"]) * prev_c + sig(a["i"]) * np.tanh(a["c"])
    h = sig(a["o"]) * np.tanh(c)
    next_h, next_c, _ = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    np.testing.assert_allclose(next_c, c, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(next_h, h, rtol=1e-12, atol=1e-12)


def test_sequence_is_repeated_steps():
    """Is lstm_forward the same as calling lstm_step_forward at every step?"""
    rng = np.random.default_rng(2)
    p = params(rng, 3, 4, 2, 5)
    h, cache = lstm.lstm_forward(**p)
    prev_h, prev_c = p["h0"], p["c0"]
    for t in range(4):
        prev_h, prev_c, _ = lstm.lstm_step_forward(
            p["x"][:, t], prev_h, prev_c, p["Wx"], p["Wh"], p["b"]
        )
        np.testing.assert_allclose(h[:, t], prev_h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cache.c_last, prev_c, rtol=1e-12, atol=1e-12)


def test_mask_semantics():
    """Do masked steps carry the state and repeat the output (zeros before the first real one)?"""
    rng = np.random.default_rng(3)
    p = params(rng, 1, 6, 2, 3)
    mask = np.array([MASKS["scattered"]], bool)  # real steps 1, 3, 4
    h, cache = lstm.lstm_forward(**p, mask=mask)
    assert np.all(h[0, 0] == 0), (
        "output before the first real step should be zeros, even with h0 != 0"
    )
    # the same sequence with the masked steps removed
    kept, _ = lstm.lstm_forward(**{**p, "x": p["x"][:, mask[0]]})
    np.testing.assert_allclose(h[0, [1, 2, 3, 4, 5]], kept[0, [0, 0, 1, 2, 2]], rtol=1e-12)
    np.testing.assert_allclose(cache.h_last, kept[:, -1], rtol=1e-12)


def test_all_masked_row_keeps_initial_state():
    """Does a fully masked row output zeros and keep h0, c0 as its final state?"""
    rng = np.random.default_rng(4)
    p = params(rng, 2, 3, 2, 3)
    mask = np.array([[1, 1, 1], [0, 0, 0]], bool)
    h, cache = lstm.lstm_forward(**p, mask=mask)
    assert np.all(h[1] == 0)
    np.testing.assert_array_equal(cache.h_last[1], p["h0"][1])
    np.testing.assert_array_equal(cache.c_last[1], p["c0"][1])
    unmasked, _ = lstm.lstm_forward(**p)
    np.testing.assert_allclose(h[0], unmasked[0], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    """Do the forward outputs and every gradient keep the inputs' float dtype?"""
    rng = np.random.default_rng(5)
    p = {k: v.astype(dtype) for k, v in params(rng, 2, 3, 2, 3).items()}
    h, cache = lstm.lstm_forward(**p, mask=np.array([[1, 0, 1], [1, 1, 1]], bool))
    assert h.dtype == dtype
    assert all(g.dtype == dtype for g in lstm.lstm_backward(np.ones_like(h), cache))
    next_h, next_c, step_cache = lstm.lstm_step_forward(
        p["x"][:, 0], p["h0"], p["c0"], p["Wx"], p["Wh"], p["b"]
    )
    assert next_h.dtype == next_c.dtype == dtype
    grads = lstm.lstm_step_backward(np.ones_like(next_h), np.ones_like(next_c), step_cache)
    assert all(g.dtype == dtype for g in grads)


def test_caches_are_named_tuples():
    """Are the caches named tuples whose fields say what they hold?"""
    rng = np.random.default_rng(6)
    p = params(rng, 2, 3, 2, 3)
    _, cache = lstm.lstm_forward(**p)
    assert cache.gates.shape == (2, 3, 12) and cache.prev_c.shape == (2, 3, 3)
    _, _, step_cache = lstm.lstm_step_forward(
        p["x"][:, 0], p["h0"], p["c0"], p["Wx"], p["Wh"], p["b"]
    )
    assert step_cache._fields[:3] == ("x", "prev_h", "prev_c")


@pytest.mark.parametrize(
    "change, words",
    [
        (dict(Wx=np.zeros((3, 12))), ["Wx", "(3, 12)", "D=2"]),
        (dict(Wh=np.zeros((3, 3))), ["Wh", "(3, 3)"]),
        (dict(b=np.zeros(3)), ["b", "(3,)"]),
        (dict(x=np.zeros((2, 3))), ["x", "3 dimensions"]),
        (dict(c0=np.zeros((2, 4))), ["c0", "(2, 4)"]),
        (dict(mask=np.ones((2, 4), bool)), ["mask", "(2, 4)"]),
        (dict(Wx=np.zeros((2, 12), int)), ["Wx", "float"]),
        (dict(x=np.zeros((2, 3, 2), np.float16)), ["x", "float32 or float64", "float16"]),
    ],
)
def test_bad_arguments_are_named(change, words):
    """Does a wrong argument raise ValueError naming the argument and its shape?"""
    p = {**params(np.random.default_rng(7), 2, 3, 2, 3), **change}
    with pytest.raises(ValueError) as err:
        lstm.lstm_forward(**p)
    for word in words:
        assert word in str(err.value)


def test_bad_upstream_gradient_is_named():
    """Does lstm_backward name dh when its shape does not match the forward output?"""
    _, cache = lstm.lstm_forward(**params(np.random.default_rng(8), 2, 3, 2, 3))
    with pytest.raises(ValueError, match=r"dh .*\(2, 3, 3\).*\(2, 3\)"):
        lstm.lstm_backward(np.zeros((2, 3)), cache)
    with pytest.raises(ValueError, match=r"dc_last .*final state c_last \(2, 3\).*\(3,\)"):
        lstm.lstm_backward(np.zeros((2, 3, 3)), cache, dc_last=np.zeros(3))


def test_backward_names_a_wrong_cache():
    """Does a None or wrong-kind cache raise a TypeError saying what was expected and what came?"""
    p = params(np.random.default_rng(8), 2, 3, 2, 3)
    h, cache = lstm.lstm_forward(**p)
    _, _, step_cache = lstm.lstm_step_forward(
        p["x"][:, 0], p["h0"], p["c0"], p["Wx"], p["Wh"], p["b"]
    )
    for wrong, came in [
        (None, "got None"),
        (step_cache, "got LSTMStepCache"),
        ((h, cache), "(out, cache) pair lstm_forward returned"),
    ]:
        with pytest.raises(TypeError, match="lstm_backward: cache should be the LSTMCache") as info:
            lstm.lstm_backward(np.zeros_like(h), wrong)
        assert came in str(info.value)
    with pytest.raises(
        TypeError, match="the LSTMStepCache that lstm_step_forward returned, got LSTMCache"
    ):
        lstm.lstm_step_backward(np.zeros((2, 3)), np.zeros((2, 3)), cache)


# --- the comparison helpers reject plausible wrong implementations ------------------------


WRONG = wrong_gated


def step_inputs(rng):
    N, D, H = rng.integers(1, 4), rng.integers(1, 5), rng.integers(2, 5)
    p = params(rng, N, 1, D, H)
    return dict(x=p["x"][:, 0], prev_h=p["h0"], prev_c=p["c0"], Wx=p["Wx"], Wh=p["Wh"], b=p["b"])


def sequence_inputs(rng):
    """Random shapes, nonzero h0 and c0, and a mask with leading, middle and trailing gaps."""
    H = int(rng.integers(2, 5))
    p = params(rng, len(MASKS), 6, int(rng.integers(1, 4)), H)
    return {**p, "mask": np.array(list(MASKS.values()), bool)}


def step_backward_inputs(rng):
    _, _, cache = lstm.lstm_step_forward(**step_inputs(rng))
    shape = cache.prev_h.shape
    return dict(dnext_h=rng.standard_normal(shape), dnext_c=rng.standard_normal(shape), cache=cache)


def backward_inputs(rng):
    h, cache = lstm.lstm_forward(**sequence_inputs(rng))
    return dict(dh=rng.standard_normal(h.shape), cache=cache)


def lstm_backward_without_dc0(dh, cache):
    """dx, dh0, dWx, dWh, db: the catalogue's lstm_backward (tests/mistakes) predates dc0,
    which test_sequence_backward_gradients and test_final_state_gradients check."""
    return lstm.lstm_backward(dh, cache)[:5]


CASES = {
    "step_forward": (lstm.lstm_step_forward, step_inputs, "LSTM_STEP"),
    "forward": (lstm.lstm_forward, sequence_inputs, "LSTM_FORWARD"),
    "step_backward": (lstm.lstm_step_backward, step_backward_inputs, "LSTM_STEP_BACKWARD"),
    "backward": (lstm_backward_without_dc0, backward_inputs, "LSTM_BACKWARD"),
}
WRONG_CASES = [
    (case, label)
    for case, (_, _, prefix) in CASES.items()
    for label in getattr(WRONG, f"{prefix}_WRONG")
]


@pytest.mark.parametrize("case", CASES)
def test_checks_accept_a_correct_answer(case):
    """Does check_against_reference accept an independent correct implementation?"""
    from rnnlib.testing.grading import check_against_reference

    reference, make_inputs, prefix = CASES[case]
    correct = getattr(WRONG, f"{prefix}_CORRECT")
    check_against_reference(correct, reference, make_inputs, trials=3, seed=0)
    check_against_reference(reference, reference, make_inputs, trials=2, seed=1)


@pytest.mark.parametrize("case, label", WRONG_CASES)
def test_checks_reject_wrong_answer(case, label):
    """Does check_against_reference reject each plausible wrong implementation?"""
    from rnnlib.testing.grading import check_against_reference

    reference, make_inputs, prefix = CASES[case]
    wrong = getattr(WRONG, f"{prefix}_WRONG")
    with pytest.raises(AssertionError):
        check_against_reference(wrong[label], reference, make_inputs, trials=3, seed=0)
