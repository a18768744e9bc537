"""Tests of rnnlib.datasets.synthetic: the generators' defining properties, seeding, the cache."""

import numpy as np
import pytest

from rnnlib import datasets as ds


def _contains(row, motif):
    m = len(motif)
    return [t for t in range(len(row) - m + 1) if list(row[t : t + m]) == list(motif)]


# ---------------------------------------------------------------- motif_dataset
@pytest.mark.parametrize("decoys", [False, True])
def test_motif_positives_hold_it_once_negatives_never(decoys):
    """Does every positive hold the motif exactly once, at its returned start, and no
    negative hold it anywhere, even with a small vocabulary where accidents are common?"""
    motif = [2, 3]
    X, y, start = ds.motif_dataset(400, 15, motif, 4, seed=0, decoys=decoys)
    assert X.shape == (400, 15) and y.shape == start.shape == (400,)
    assert X.dtype == y.dtype == start.dtype == np.int32
    for row, label, s in zip(X, y, start, strict=True):
        found = _contains(row, motif)
        if label == 1:
            assert found == [s]
        else:
            assert found == [] and s == -1
    assert X.min() >= 1 and X.max() <= 3  # 0 stays free for padding
    assert y.sum() == 200


def test_motif_positions_restrict_where_it_is_planted():
    """Are positives planted only at the allowed starts, and does every allowed start occur?"""
    _, y, start = ds.motif_dataset(300, 12, [5, 6, 7], 9, positions=range(0, 4), seed=1)
    assert set(start[y == 1].tolist()) == {0, 1, 2, 3}
    _, y, start = ds.motif_dataset(300, 12, [5, 6, 7], 9, train_positions=[6, 9], seed=1)
    assert set(start[y == 1].tolist()) == {6, 9}


def test_motif_decoys_defeat_bag_of_words():
    """With decoys, does every negative hold the motif's tokens (so counts alone cannot tell
    the classes apart)?"""
    motif = [4, 5, 6]
    X, y, _ = ds.motif_dataset(200, 10, motif, 8, decoys=True, seed=2)
    for row in X[y == 0]:
        for token in motif:
            assert token in row


def test_motif_seeded():
    """Is the data set the same for a seed and different for another?"""
    a = ds.motif_dataset(50, 10, [1, 2], 5, seed=3)
    b = ds.motif_dataset(50, 10, [1, 2], 5, seed=3)
    c = ds.motif_dataset(50, 10, [1, 2], 5, seed=4)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_motif_positive_fraction():
    """Does positive_fraction set the share of positives?"""
    _, y, _ = ds.motif_dataset(40, 8, [1, 2], 5, positive_fraction=0.25)
    assert y.sum() == 10


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(motif=[0, 1]), ["[1, 5)", "padding"]),
        (dict(motif=[1, 9]), ["[1, 5)"]),
        (dict(motif=[]), ["non-empty"]),
        (dict(motif=[1] * 11), ["does not fit"]),
        (dict(motif=[1, 2], positions=[9]), ["positions", "[0, 8]"]),
        (dict(motif=[1, 2], positions=[1], train_positions=[2]), ["not both"]),
        (dict(motif=[2, 2], decoys=True), ["two different tokens"]),
        (dict(motif=[1], vocab_size=2), ["larger vocabulary"]),
    ],
)
def test_motif_bad_input(kwargs, words):
    """Are impossible requests reported with a ValueError that says why?"""
    args = dict(n=20, length=10, vocab_size=5) | kwargs
    with pytest.raises(ValueError) as err:
        ds.motif_dataset(**args)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


# ---------------------------------------------------------------- adding problem
@pytest.mark.parametrize("length", [2, 7, 50])
def test_adding_problem_definition(length):
    """Are values U(0,1), exactly two markers (one per half) and the target their sum?"""
    X, y = ds.adding_problem(300, length, seed=0)
    assert X.shape == (300, length, 2) and y.shape == (300,)
    assert X.dtype == y.dtype == np.float32
    values, markers = X[..., 0], X[..., 1]
    assert (values >= 0).all() and (values < 1).all()
    assert set(np.unique(markers).tolist()) <= {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(1), 2)
    half = length // 2
    np.testing.assert_array_equal(markers[:, :half].sum(1), 1)
    np.testing.assert_array_equal(markers[:, half:].sum(1), 1)
    np.testing.assert_allclose(y, (values * markers).sum(1), rtol=1e-6)


def test_adding_problem_baseline_is_one_sixth():
    """Does predicting the mean score an MSE near 1/6, the notebooks' baseline?"""
    _, y = ds.adding_problem(20000, 20, seed=1)
    mse = float(np.mean((y - 1.0) ** 2))
    assert abs(mse - ds.ADDING_PROBLEM_BASELINE_MSE) < 0.01


def test_adding_problem_seeded_and_checked():
    """Is it reproducible for a seed, different for another, and does length=1 fail?"""
    a, b, c = (ds.adding_problem(10, 8, seed=s) for s in (5, 5, 6))
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    with pytest.raises(ValueError, match="length"):
        ds.adding_problem(10, 1)


# ---------------------------------------------------------------- copy task
def test_copy_task_definition():
    """Does the input hold the symbols, delay-1 blanks, the delimiter and blanks, and the
    target delay+length blanks then the symbols (Arjovsky et al. 2016)?"""
    n, length, k, delay = 50, 10, 8, 30
    X, y = ds.copy_task(n, length, n_symbols=k, delay=delay, seed=0)
    total = delay + 2 * length
    assert X.shape == y.shape == (n, total) and X.dtype == y.dtype == np.int32
    blank, delim = k, k + 1
    data = X[:, :length]
    assert data.min() >= 0 and data.max() < k
    assert (X[:, length : length + delay - 1] == blank).all()
    assert (X[:, length + delay - 1] == delim).all()
    assert (X[:, length + delay :] == blank).all()
    assert (y[:, : delay + length] == blank).all()
    np.testing.assert_array_equal(y[:, delay + length :], data)
    assert ((X == delim).sum(1) == 1).all()


def test_copy_task_seeded_and_baseline():
    """Is the copy task seeded, and is the memoryless baseline 10 log 8 / (T + 20)?"""
    a, b, c = (ds.copy_task(5, 4, seed=s)[0] for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert ds.copy_task_baseline(10, 8, 100) == pytest.approx(10 * np.log(8) / 120)
    with pytest.raises(ValueError, match="delay"):
        ds.copy_task(5, 4, delay=0)


# ---------------------------------------------------------------- cache
