"""Tests of rnnlib.cells.rnn: gradient checks, Keras mask semantics, dtypes, input validation,
and that the reference comparison rejects plausible wrong implementations.

Agreement with Keras's SimpleRNN is tested in test_keras_io.py.
"""

import numpy as np
import pytest
from mistakes import wrong_rnn

from rnnlib.cells import rnn
from rnnlib.testing import grading
from rnnlib.testing.gradcheck import check_gradients

GRAD_NAMES = ("x", "h0", "Wx", "Wh", "b")


def make_params(rng, N, T, D, H, dtype=np.float64):
    """Random inputs with weights scaled so tanh is not saturated."""
    return {
        "x": rng.standard_normal((N, T, D)).astype(dtype),
        "h0": rng.standard_normal((N, H)).astype(dtype),
        "Wx": (rng.standard_normal((D, H)) / np.sqrt(D)).astype(dtype),
        "Wh": (rng.standard_normal((H, H)) / np.sqrt(H)).astype(dtype),
        "b": rng.standard_normal(H).astype(dtype),
    }


MASKS = {
    "none": None,
    "all real": np.ones((3, 6), bool),
    "leading": np.array([[0, 0, 1, 1, 1, 1]] * 3, bool),
    "middle": np.array([[1, 1, 0, 0, 1, 1]] * 3, bool),
    "trailing": np.array([[1, 1, 1, 1, 0, 0]] * 3, bool),
    "mixed with a fully masked row": np.array(
        [[0, 1, 0, 1, 1, 0], [0, 0, 0, 0, 0, 0], [1, 0, 1, 1, 0, 1]], bool
    ),
}


def sequence_gradient_report(rng, inputs, mask=None):
    """rnn_backward against centred differences, for a random upstream gradient."""
    h, cache = rnn.rnn_forward(**inputs, mask=mask)
    dh = rng.standard_normal(h.shape)  # (N, T, H)
    grads = dict(zip(GRAD_NAMES, rnn.rnn_backward(dh, cache), strict=True))
    forward = lambda **kw: rnn.rnn_forward(**kw, mask=mask)  # noqa: E731
    return check_gradients(forward, inputs, grads, dh)


# ----------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 3, 2), (4, 3, 5), (2, 6, 3)])
def test_step_backward_matches_numerical_gradient(N, D, H):
    """Is every gradient of rnn_step_backward within 1e-7 of centred differences?"""
    rng = np.random.default_rng(N * 100 + D * 10 + H)
    p = make_params(rng, N, 1, D, H)
    inputs = {"x": p["x"][:, 0], "prev_h": p["h0"], "Wx": p["Wx"], "Wh": p["Wh"], "b": p["b"]}
    next_h, cache = rnn.rnn_step_forward(**inputs)
    dnext_h = rng.standard_normal(next_h.shape)
    grads = dict(zip(inputs, rnn.rnn_step_backward(dnext_h, cache), strict=True))
    report = check_gradients(rnn.rnn_step_forward, inputs, grads, dnext_h)
    assert report.passed, str(report)


@pytest.mark.parametrize(
    "N, T, D, H", [(1, 1, 2, 3), (2, 1, 3, 4), (1, 5, 2, 3), (3, 4, 5, 2), (4, 7, 3, 6)]
)
def test_sequence_backward_matches_numerical_gradient(N, T, D, H):
    """Is every gradient of rnn_backward within 1e-7 of centred differences, any shape?"""
    rng = np.random.default_rng(N * 1000 + T * 100 + D * 10 + H)
    report = sequence_gradient_report(rng, make_params(rng, N, T, D, H))
    assert report.passed, str(report)


@pytest.mark.parametrize("pattern", list(MASKS))
def test_masked_backward_matches_numerical_gradient(pattern):
    """With leading, middle, trailing and fully masked steps, are the gradients right?"""
    rng = np.random.default_rng(len(pattern))
    report = sequence_gradient_report(rng, make_params(rng, 3, 6, 4, 5), MASKS[pattern])
    assert report.passed, f"{pattern}: {report}"


def test_random_masks_backward_matches_numerical_gradient():
    """On random masks (any pattern, N=1 included), are the gradients right?"""
    rng = np.random.default_rng(11)
    for N, T in [(1, 4), (2, 5), (5, 3)]:
        inputs = make_params(rng, N, T, 3, 4)
        mask = rng.random((N, T)) < 0.5
        report = sequence_gradient_report(rng, inputs, mask)
        assert report.passed, f"mask {mask.astype(int).tolist()}: {report}"


def test_sequence_backward_equals_chained_step_backward():
    """Without a mask, is rnn_backward the same as chaining rnn_step_backward through time?"""
    rng = np.random.default_rng(3)
    p = make_params(rng, 2, 4, 3, 5)
    h, cache = rnn.rnn_forward(**p)
    dh = rng.standard_normal(h.shape)
    dx, dh0, dWx, dWh, db = rnn.rnn_backward(dh, cache)

    prev_h, steps = p["h0"], []
    for t in range(4):
        prev_h, step_cache = rnn.rnn_step_forward(p["x"][:, t], prev_h, p["Wx"], p["Wh"], p["b"])
        steps.append(step_cache)
    dprev = np.zeros_like(p["h0"])
    total = [np.zeros_like(p["Wx"]), np.zeros_like(p["Wh"]), np.zeros_like(p["b"])]
    for t in reversed(range(4)):
        dx_t, dprev, *dparams = rnn.rnn_step_backward(dh[:, t] + dprev, steps[t])
        np.testing.assert_allclose(dx[:, t], dx_t, atol=1e-12)
        total = [a + g for a, g in zip(total, dparams, strict=True)]
    np.testing.assert_allclose(dh0, dprev, atol=1e-12)
    for got, want in zip((dWx, dWh, db), total, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_fully_masked_row_gets_no_gradient():
    """Does a row whose steps are all masked (outputs all zero) get zero dx and dh0?"""
    rng = np.random.default_rng(5)
    p = make_params(rng, 3, 6, 4, 5)
    mask = MASKS["mixed with a fully masked row"]
    h, cache = rnn.rnn_forward(**p, mask=mask)
    dx, dh0, *_ = rnn.rnn_backward(rng.standard_normal(h.shape), cache)
    assert not h[1].any()
    assert not dx[1].any() and not dh0[1].any()
    assert not dx[~mask].any(), "masked inputs do not influence anything"


@pytest.mark.parametrize("pattern", ["none", "trailing", "mixed with a fully masked row"])
def test_final_state_gradient_matches_numerical_gradient(pattern):
    """With an upstream gradient of the final state (dh_last), are the gradients right, also
    when the final state was carried through trailing masked steps or is h0 itself?"""
    rng = np.random.default_rng(12)
    inputs, mask = make_params(rng, 3, 6, 4, 5), MASKS[pattern]
    h, cache = rnn.rnn_forward(**inputs, mask=mask)
    dh, dh_last = rng.standard_normal(h.shape), rng.standard_normal(cache.h_last.shape)
    grads = dict(zip(GRAD_NAMES, rnn.rnn_backward(dh, cache, dh_last=dh_last), strict=True))

    def outputs_and_final_state(**kw):
        h, cache = rnn.rnn_forward(**kw, mask=mask)
        return np.concatenate([h.reshape(3, -1), cache.h_last], axis=1)  # (N, T*H + H)

    dout = np.concatenate([dh.reshape(3, -1), dh_last], axis=1)
    report = check_gradients(outputs_and_final_state, inputs, grads, dout)
    assert report.passed, f"{pattern}: {report}"


@pytest.mark.parametrize("N, T", [(0, 3), (2, 0), (0, 0)])
def test_empty_batch_or_sequence_gives_zero_gradients(N, T):
    """With N=0 or T=0, does rnn_backward return zero gradients of the right shapes (and
    pass dh_last straight to dh0 when there are no steps)?"""
    p = make_params(np.random.default_rng(13), N, T, 4, 5)
    h, cache = rnn.rnn_forward(**p, mask=np.ones((N, T), bool))
    assert h.shape == (N, T, 5)
    dh_last = np.ones((N, 5))
    dx, dh0, dWx, dWh, db = rnn.rnn_backward(h, cache, dh_last=dh_last)
    assert dx.shape == (N, T, 4) and dh0.shape == (N, 5)
    assert (dWx.shape, dWh.shape, db.shape) == ((4, 5), (5, 5), (5,))
    assert not dWx.any() and not dWh.any() and not db.any()
    if T == 0:
        np.testing.assert_array_equal(dh0, dh_last)
        assert dh0 is not dh_last
    _, step_cache = rnn.rnn_step_forward(
        p["x"][:, 0] if T else np.zeros((N, 4)), p["h0"], p["Wx"], p["Wh"], p["b"]
    )
    dx, dprev_h, *_ = rnn.rnn_step_backward(np.zeros((N, 5)), step_cache)
    assert dx.shape == (N, 4) and dprev_h.shape == (N, 5)


# ----------------------------------------------------------------------------- forward


def test_step_forward_is_tanh_of_affine():
    """Is next_h = tanh(x @ Wx + prev_h @ Wh + b), with the inputs in the cache?"""
    rng = np.random.default_rng(0)
    x, prev_h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    Wx, Wh, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), rng.standard_normal(4)
    next_h, cache = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
    np.testing.assert_allclose(next_h, np.tanh(x @ Wx + prev_h @ Wh + b), atol=1e-15)
    assert isinstance(cache, rnn.RNNStepCache) and cache.prev_h is prev_h


def test_forward_is_the_step_applied_through_time():
    """Without a mask, is h[:, t] the step applied to x[:, t] and h[:, t-1] (h0 at t=0)?"""
    rng = np.random.default_rng(1)
    p = make_params(rng, 3, 5, 2, 4)
    h, cache = rnn.rnn_forward(**p)
    prev_h = p["h0"]
    for t in range(5):
        prev_h, _ = rnn.rnn_step_forward(p["x"][:, t], prev_h, p["Wx"], p["Wh"], p["b"])
        np.testing.assert_allclose(h[:, t], prev_h, atol=1e-14)
    np.testing.assert_allclose(cache.h_last, h[:, -1])


def test_all_true_mask_equals_no_mask():
    """Is a mask of all True the same as no mask, forward and backward?"""
    rng = np.random.default_rng(2)
    p = make_params(rng, 2, 4, 3, 3)
    h, cache = rnn.rnn_forward(**p)
    hm, cache_m = rnn.rnn_forward(**p, mask=np.ones((2, 4), bool))
    np.testing.assert_array_equal(h, hm)
    dh = rng.standard_normal(h.shape)
    for a, b in zip(rnn.rnn_backward(dh, cache), rnn.rnn_backward(dh, cache_m), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-14)


def test_masked_steps_follow_keras():
    """Are outputs zero before the first real step (even with h0 != 0), repeated at masked
    steps, and is the state carried across a gap?"""
    rng = np.random.default_rng(4)
    p = make_params(rng, 3, 6, 4, 5)
    mask = MASKS["mixed with a fully masked row"]
    h, cache = rnn.rnn_forward(**p, mask=mask)
    assert np.abs(p["h0"]).min() > 0
    np.testing.assert_array_equal(h[0, 0], 0)  # leading masked step: zeros, not h0
    np.testing.assert_array_equal(h[1], 0)  # fully masked row
    np.testing.assert_array_equal(h[0, 2], h[0, 1])  # middle masked step repeats
    np.testing.assert_array_equal(h[2, 1], h[2, 0])
    np.testing.assert_array_equal(h[2, 4], h[2, 3])
    np.testing.assert_array_equal(cache.h_last[1], p["h0"][1])  # the state is h0 all along
    np.testing.assert_array_equal(cache.h_last[0], h[0, -1])


def test_masked_steps_are_skipped():
    """At every real step, is the output what the RNN gives on that row's real steps alone?"""
    rng = np.random.default_rng(6)
    p = make_params(rng, 4, 7, 3, 4)
    mask = rng.random((4, 7)) < 0.6
    h, _ = rnn.rnn_forward(**p, mask=mask)
    for n in range(4):
        real = np.flatnonzero(mask[n])
        if len(real) == 0:
            continue
        h_row, _ = rnn.rnn_forward(
            p["x"][n : n + 1, real], p["h0"][n : n + 1], p["Wx"], p["Wh"], p["b"]
        )
        np.testing.assert_allclose(h[n, real], h_row[0], atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    """Does float32 in give float32 out (and float64 stay float64), forward and backward?"""
    rng = np.random.default_rng(7)
    p = make_params(rng, 2, 3, 4, 5, dtype)
    h, cache = rnn.rnn_forward(**p, mask=np.array([[1, 0, 1], [0, 1, 1]], bool))
    assert h.dtype == dtype
    for grad in rnn.rnn_backward(np.ones(h.shape, dtype), cache):
        assert grad.dtype == dtype
    next_h, step_cache = rnn.rnn_step_forward(p["x"][:, 0], p["h0"], p["Wx"], p["Wh"], p["b"])
    assert next_h.dtype == dtype
    for grad in rnn.rnn_step_backward(np.ones(next_h.shape, dtype), step_cache):
        assert grad.dtype == dtype


def test_forward_does_not_modify_its_inputs():
    """Are the caller's arrays left untouched?"""
    rng = np.random.default_rng(8)
    p = make_params(rng, 2, 3, 4, 5)
    before = {k: v.copy() for k, v in p.items()}
    h, cache = rnn.rnn_forward(**p, mask=np.array([[1, 0, 1], [0, 1, 1]], bool))
    rnn.rnn_backward(np.ones_like(h), cache)
    for key, value in p.items():
        np.testing.assert_array_equal(value, before[key])


# ----------------------------------------------------------------------------- bad input


def good_forward_args():
    rng = np.random.default_rng(9)
    return make_params(rng, 2, 3, 4, 5)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("x", np.zeros((2, 4)), ["x", "3 dimensions", "(2, 4)"]),
        ("Wx", np.zeros((3, 5)), ["Wx", "(3, 5)", "D=4", "(2, 3, 4)"]),
        ("Wh", np.zeros((5, 4)), ["Wh", "(5, 4)", "H=5"]),
        ("b", np.zeros(4), ["b", "(4,)", "H=5"]),
        ("h0", np.zeros((3, 5)), ["h0", "(3, 5)", "N=2"]),
        ("Wx", np.zeros((4, 5), int), ["Wx", "float", "int"]),
        ("mask", np.ones((2, 4), bool), ["mask", "(2, 4)", "T=3"]),
        ("mask", np.full((2, 3), 2), ["mask", "boolean"]),
        ("x", np.zeros((2, 3, 4), np.float16), ["x", "float32 or float64", "float16"]),
    ],
)
def test_forward_rejects_bad_input(name, value, words):
    """Does a wrong shape or dtype raise ValueError naming the argument and both shapes?"""
    args = good_forward_args()
    args[name] = value
    with pytest.raises(ValueError) as info:
        rnn.rnn_forward(**args)
    message = str(info.value)
    assert message.startswith("rnn_forward:")
    for word in words:
        assert word in message


def test_step_forward_rejects_bad_input():
    """Does rnn_step_forward name a mismatched prev_h and a non-square Wh?"""
    rng = np.random.default_rng(10)
    x, prev_h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    Wx, Wh, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), rng.standard_normal(4)
    with pytest.raises(ValueError, match=r"rnn_step_forward: prev_h .*N=2.*\(2, 3\).*\(3, 2\)"):
        rnn.rnn_step_forward(x, prev_h[:, :3].T, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"rnn_step_forward: Wh .*\(4, 3\)"):
        rnn.rnn_step_forward(x, prev_h, Wx, Wh[:, :3], b)
    with pytest.raises(ValueError, match=r"rnn_step_forward: x .*2 dimensions"):
        rnn.rnn_step_forward(x[None], prev_h, Wx, Wh, b)


def test_backward_rejects_a_wrong_upstream_gradient():
    """Does a dh of the wrong shape raise ValueError with both shapes?"""
    h, cache = rnn.rnn_forward(**good_forward_args())
    with pytest.raises(ValueError, match=r"rnn_backward: dh .*\(2, 3, 5\).*\(3, 2, 5\)"):
        rnn.rnn_backward(np.zeros((3, 2, 5)), cache)
    next_h, step_cache = rnn.rnn_step_forward(
        np.zeros((2, 4)), np.zeros((2, 5)), np.zeros((4, 5)), np.zeros((5, 5)), np.zeros(5)
    )
    with pytest.raises(ValueError, match="rnn_step_backward: dnext_h"):
        rnn.rnn_step_backward(np.zeros((2, 4)), step_cache)


def test_backward_names_a_wrong_cache():
    """Does a None or wrong-kind cache raise a TypeError saying what was expected and what came?"""
    p = good_forward_args()
    h, cache = rnn.rnn_forward(**p)
    next_h, step_cache = rnn.rnn_step_forward(p["x"][:, 0], p["h0"], p["Wx"], p["Wh"], p["b"])
    for wrong, came in [
        (None, "got None"),
        (step_cache, "got RNNStepCache"),
        ((h, cache), "(out, cache) pair rnn_forward returned"),
    ]:
        with pytest.raises(TypeError, match=r"rnn_backward: cache should be the RNNCache") as info:
            rnn.rnn_backward(np.zeros_like(h), wrong)
        assert came in str(info.value)
    with pytest.raises(
        TypeError,
        match=r"RNNStepCache that rnn_step_forward returned, "
        r"got RNNCache",
    ):
        rnn.rnn_step_backward(np.zeros_like(next_h), cache)
    with pytest.raises(ValueError, match=r"rnn_backward: dh_last .*final state.*\(2, 5\)"):
        rnn.rnn_backward(np.zeros_like(h), cache, dh_last=np.zeros((5, 2)))


# ----------------------------------------------------------------------------- wrong answers


def test_reference_comparison_accepts_the_reference():
    """Does check_against_reference accept rnnlib's own functions, masks and all?"""
    grading.check_against_reference(
        rnn.rnn_step_forward,
        rnn.rnn_step_forward,
        wrong_rnn.step_inputs,
        seed=0,
        diagnoses=wrong_rnn.WRONG_STEP_FORWARD,
    )
    for masked in (True, False):
        grading.check_against_reference(
            rnn.rnn_forward,
            rnn.rnn_forward,
            lambda rng, masked=masked: wrong_rnn.forward_inputs(rng, masked),
            seed=0,
            diagnoses=wrong_rnn.WRONG_FORWARD,
        )


@pytest.mark.parametrize("label", list(wrong_rnn.WRONG_STEP_FORWARD))
def test_reference_comparison_rejects_wrong_steps(label):
    """Is each plausible wrong rnn_step_forward rejected, with its mistake named?"""
    wrong = wrong_rnn.WRONG_STEP_FORWARD[label]
    with pytest.raises(AssertionError):
        grading.check_against_reference(wrong, rnn.rnn_step_forward, wrong_rnn.step_inputs, seed=0)
    with pytest.raises(AssertionError) as info:
        grading.check_against_reference(
            wrong,
            rnn.rnn_step_forward,
            wrong_rnn.step_inputs,
            seed=1,
            diagnoses=wrong_rnn.WRONG_STEP_FORWARD,
        )
    assert f"Likely mistake: {label}" in str(info.value)


@pytest.mark.parametrize("label", list(wrong_rnn.WRONG_FORWARD))
def test_reference_comparison_rejects_wrong_forwards(label):
    """Is each plausible wrong rnn_forward rejected, with its mistake named?"""
    wrong = wrong_rnn.WRONG_FORWARD[label]
    with pytest.raises(AssertionError):
        grading.check_against_reference(wrong, rnn.rnn_forward, wrong_rnn.forward_inputs, seed=0)
    with pytest.raises(AssertionError) as info:
        grading.check_against_reference(
            wrong,
            rnn.rnn_forward,
            wrong_rnn.forward_inputs,
            seed=1,
            diagnoses=wrong_rnn.WRONG_FORWARD,
        )
    assert label in str(info.value)


def test_shape_mistakes_get_shape_messages():
    """Do the shape mistakes (last step only, time-major) get check_shape's diagnosis?"""
    for wrong, words in [
        (wrong_rnn.forward_last_step_only, "only one time step"),
        (wrong_rnn.forward_time_major, "time-major"),
    ]:
        with pytest.raises(AssertionError, match=words):
            grading.check_against_reference(
                wrong, rnn.rnn_forward, wrong_rnn.forward_inputs, seed=0
            )


@pytest.mark.parametrize(
    "cheat", [wrong_rnn.forward_calls_reference, wrong_rnn.forward_calls_imported_reference]
)
def test_reference_blocked_catches_a_function_that_calls_the_reference(cheat):
    """Is a function that just calls rnnlib's reference accepted normally but caught while
    the reference is blocked, and is everything restored afterwards?"""
    grading.check_against_reference(cheat, rnn.rnn_forward, wrong_rnn.forward_inputs, seed=0)
    reference = rnn.rnn_forward
    with pytest.raises(AssertionError, match="yourself"):
        grading.check_against_reference(
            grading.guarded(cheat, rnn.rnn_forward), reference, wrong_rnn.forward_inputs, seed=0
        )
    # an honest implementation (here: a loop over rnnlib's step) still passes
    grading.check_against_reference(
        grading.guarded(honest_forward, rnn.rnn_forward),
        reference,
        wrong_rnn.forward_inputs,
        seed=0,
    )
    assert rnn.rnn_forward is reference and wrong_rnn.imported_reference is reference


def honest_forward(x, h0, Wx, Wh, b, mask=None):
    """A correct implementation that builds on the (unblocked) step function."""
    N, T, _ = x.shape
    h, out, outs = h0, np.zeros_like(h0), []
    for t in range(T):
        next_h, _ = rnn.rnn_step_forward(x[:, t], h, Wx, Wh, b)
        m = np.ones((N, 1), bool) if mask is None else mask[:, t, None]
        h, out = np.where(m, next_h, h), np.where(m, next_h, out)
        outs.append(out)
    return np.stack(outs, axis=1), None
