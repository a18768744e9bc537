"""Tests of rnnlib.cells.layers: embedding, temporal affine and the masked softmax loss."""

import warnings

import numpy as np
import pytest

from rnnlib.cells import layers
from rnnlib.testing.gradcheck import check_gradients, numerical_gradient, rel_error

# ----------------------------------------------------------------------------- embedding


def test_embedding_forward_is_a_row_lookup_and_a_one_hot_product():
    """Is out[n, t] = E[x[n, t]], the same as one_hot(x) @ E?"""
    rng = np.random.default_rng(0)
    E = rng.standard_normal((6, 3))
    x = np.array([[0, 5, 2], [2, 2, 1]])
    out, _ = layers.embedding_forward(x, E)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out[0, 1], E[5])
    np.testing.assert_allclose(out, np.eye(6)[x] @ E, atol=1e-15)


@pytest.mark.parametrize(
    "x", [np.array([[3]]), np.array([[0, 1, 1, 4], [4, 4, 4, 2]]), np.array([[1, 2, 3]] * 2)]
)
def test_embedding_backward_matches_numerical_gradient(x):
    """Does dE collect every occurrence of each token (repeated tokens included)?"""
    rng = np.random.default_rng(int(x.sum()))
    E = rng.standard_normal((5, 4))
    out, cache = layers.embedding_forward(x, E)
    dout = rng.standard_normal(out.shape)
    dE = layers.embedding_backward(dout, cache)
    report = check_gradients(lambda E: layers.embedding_forward(x, E), {"E": E}, {"E": dE}, dout)
    assert report.passed, str(report)


def test_embedding_backward_sums_repeated_ids_like_add_at():
    """Is dE np.add.at(dE, x, dout), for many repeats, unused rows and an empty batch?"""
    rng = np.random.default_rng(3)
    for shape in [(32, 50), (4, 1), (0, 3)]:
        x = rng.integers(0, 9, size=shape)
        out, cache = layers.embedding_forward(x, rng.standard_normal((12, 5)))  # rows 9-11 unused
        dout = rng.standard_normal(out.shape)
        expected = np.zeros((12, 5))
        np.add.at(expected, x, dout)
        np.testing.assert_allclose(layers.embedding_backward(dout, cache), expected, atol=1e-12)


def test_embedding_keeps_dtype():
    """Do float32 weights give float32 outputs and gradients?"""
    E = np.ones((4, 2), np.float32)
    out, cache = layers.embedding_forward(np.array([[1, 3]]), E)
    assert out.dtype == np.float32
    assert layers.embedding_backward(np.ones((1, 2, 2)), cache).dtype == np.float32


@pytest.mark.parametrize(
    ("x", "words"),
    [
        (np.array([[0.0, 1.0]]), "integer token ids, got dtype float64"),
        (np.array([[True, False]]), "got dtype bool"),
        (np.array([[0, 4]]), "outside [0, 4) (4 rows in E): 4 at position (0, 1)"),
        (np.array([[0, -1]]), "-1 at position (0, 1)"),
    ],
)
def test_embedding_rejects_bad_ids(x, words):
    """Are float, boolean and out-of-range ids rejected with the offending value?"""
    with pytest.raises(ValueError, match="embedding_forward: x") as info:
        layers.embedding_forward(x, np.zeros((4, 2)))
    assert words in str(info.value)


def test_embedding_rejects_bad_weights_and_gradients():
    """Are a non-float E and a dout of the wrong shape rejected?"""
    with pytest.raises(ValueError, match="embedding_forward: E should be a float"):
        layers.embedding_forward(np.array([[0]]), np.zeros((4, 2), int))
    _, cache = layers.embedding_forward(np.array([[0, 1]]), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"embedding_backward: dout .*\(1, 2, 2\)"):
        layers.embedding_backward(np.zeros((1, 2, 3)), cache)


# ----------------------------------------------------------------------------- affine


@pytest.mark.parametrize("N, T, D, M", [(1, 1, 1, 1), (2, 3, 4, 5), (1, 6, 2, 3)])
def test_temporal_affine_backward_matches_numerical_gradient(N, T, D, M):
    """Are dx, dw, db of the per-step affine map right for any shape?"""
    rng = np.random.default_rng(N + T + D + M)
    inputs = {
        "x": rng.standard_normal((N, T, D)),
        "w": rng.standard_normal((D, M)),
        "b": rng.standard_normal(M),
    }
    out, cache = layers.temporal_affine_forward(**inputs)
    np.testing.assert_allclose(out[0, -1], inputs["x"][0, -1] @ inputs["w"] + inputs["b"])
    dout = rng.standard_normal(out.shape)
    grads = dict(zip(inputs, layers.temporal_affine_backward(dout, cache), strict=True))
    report = check_gradients(layers.temporal_affine_forward, inputs, grads, dout)
    assert report.passed, str(report)


def test_temporal_affine_validates_and_keeps_dtype():
    """Are mismatched shapes named, and does float32 stay float32?"""
    with pytest.raises(ValueError, match=r"temporal_affine_forward: w .*D=4.*\(3, 2\)"):
        layers.temporal_affine_forward(np.zeros((2, 3, 4)), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"temporal_affine_forward: b .*M=2.*\(3,\)"):
        layers.temporal_affine_forward(np.zeros((2, 3, 4)), np.zeros((4, 2)), np.zeros(3))
    x = np.zeros((2, 3, 4), np.float32)
    out, cache = layers.temporal_affine_forward(
        x, np.zeros((4, 2), np.float32), np.zeros(2, np.float32)
    )
    assert out.dtype == np.float32
    assert all(
        g.dtype == np.float32 for g in layers.temporal_affine_backward(np.ones((2, 3, 2)), cache)
    )


def test_backward_names_a_wrong_cache():
    """Does a None or wrong-kind cache raise a TypeError naming what was expected and what came,
    while a plain (x, w) pair still works for the affine map?"""
    x, w = np.ones((2, 3, 4)), np.ones((4, 2))
    out, affine_cache = layers.temporal_affine_forward(x, w, np.zeros(2))
    _, embedding_cache = layers.embedding_forward(np.array([[0, 1]]), np.zeros((4, 2)))
    with pytest.raises(
        TypeError,
        match="embedding_backward: cache should be the EmbeddingCache "
        "that embedding_forward returned, got None",
    ):
        layers.embedding_backward(np.zeros((1, 2, 2)), None)
    with pytest.raises(
        TypeError,
        match="temporal_affine_backward: cache should be the AffineCache .* got EmbeddingCache",
    ):
        layers.temporal_affine_backward(out, embedding_cache)
    for got, want in zip(
        layers.temporal_affine_backward(out, (x, w)),
        layers.temporal_affine_backward(out, affine_cache),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)


# ----------------------------------------------------------------------------- loss


def loss_inputs(rng, N=3, T=5, V=7):
    x = rng.standard_normal((N, T, V))
    y = rng.integers(0, V, (N, T))
    mask = rng.random((N, T)) < 0.6
    return x, y, mask


def test_softmax_loss_is_masked_nll_averaged_over_n():
    """Is the loss the sum over unmasked steps of -log p[y], divided by N?"""
    rng = np.random.default_rng(1)
    x, y, mask = loss_inputs(rng)
    p = np.exp(x) / np.exp(x).sum(axis=2, keepdims=True)
    nll = -np.log(np.take_along_axis(p, y[..., None], axis=2)[..., 0])
    loss, _ = layers.temporal_softmax_loss(x, y, mask)
    np.testing.assert_allclose(loss, (nll * mask).sum() / 3, rtol=1e-12)
    loss_all, _ = layers.temporal_softmax_loss(x, y, None)
    np.testing.assert_allclose(loss_all, nll.sum() / 3, rtol=1e-12)


def test_softmax_loss_of_uniform_scores_is_log_v():
    """With all scores equal, is the loss log(V) per unmasked step (a sanity check)?"""
    mask = np.array([[1, 1, 0], [1, 0, 0]], bool)
    loss, _ = layers.temporal_softmax_loss(np.zeros((2, 3, 10)), np.zeros((2, 3), int), mask)
    np.testing.assert_allclose(loss, 3 * np.log(10) / 2)


@pytest.mark.parametrize("N, T, V", [(1, 1, 2), (3, 5, 7), (2, 4, 3)])
def test_softmax_loss_gradient_matches_numerical_gradient(N, T, V):
    """Is dx the gradient of the loss, with zeros at masked steps?"""
    rng = np.random.default_rng(N * 100 + T * 10 + V)
    x, y, mask = loss_inputs(rng, N, T, V)
    mask[0, 0] = False
    loss, dx = layers.temporal_softmax_loss(x, y, mask)
    numeric = numerical_gradient(
        lambda z: layers.temporal_softmax_loss(z, y, mask)[0], x.copy(), 1.0
    )
    assert rel_error(dx, numeric) <= 1e-7
    assert not dx[~mask].any()


def test_softmax_loss_is_stable_for_huge_scores():
    """Do scores of 1e4 give a finite loss and gradient, without warnings?"""
    x = np.array([[[1e4, 0.0, -1e4]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dx = layers.temporal_softmax_loss(x, np.array([[1]]), np.array([[True]]))
    np.testing.assert_allclose(loss, 1e4)
    np.testing.assert_allclose(dx, [[[1.0, -1.0, 0.0]]], atol=1e-12)


def test_softmax_loss_validates_its_inputs():
    """Are targets out of range, float targets and a mask of the wrong shape rejected?"""
    x = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"y holds ids outside \[0, 4\) \(4 classes in x\)"):
        layers.temporal_softmax_loss(x, np.full((2, 3), 4), None)
    with pytest.raises(ValueError, match="y should hold integer"):
        layers.temporal_softmax_loss(x, np.zeros((2, 3)), None)
    with pytest.raises(ValueError, match=r"mask .*\(3, 2\)"):
        layers.temporal_softmax_loss(x, np.zeros((2, 3), int), np.ones((3, 2), bool))
    with pytest.raises(ValueError, match=r"y .*\(2, 4\)"):
        layers.temporal_softmax_loss(x, np.zeros((2, 4), int), None)
