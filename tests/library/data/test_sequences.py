"""Tests of rnnlib.data.sequences: one-hot, padding (live against Keras), bag of words,
windows, batching and splits."""

import itertools

import numpy as np
import pytest

from rnnlib import data


# ---------------------------------------------------------------- one_hot
def test_one_hot_shape_and_values():
    """Does one_hot turn any integer shape (...) into (..., depth) with a single 1 per row?"""
    rng = np.random.default_rng(0)
    for shape in [(), (5,), (3, 4), (2, 3, 4)]:
        idx = rng.integers(0, 7, size=shape)
        out = data.one_hot(idx, 7)
        assert out.shape == shape + (7,)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out.sum(-1), np.ones(shape))
        np.testing.assert_array_equal(out.argmax(-1), idx)


def test_one_hot_dtype_and_lists():
    """Are Python lists, whole-number floats and a requested dtype accepted?"""
    out = data.one_hot([[0, 2], [1, 1]], 3, dtype=np.int8)
    assert out.dtype == np.int8
    np.testing.assert_array_equal(out[0], [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(data.one_hot(np.array([2.0, 0.0]), 3), np.eye(3)[[2, 0]])
    assert data.one_hot([], 4).shape == (0, 4)


@pytest.mark.parametrize(
    "indices, depth, words",
    [
        ([[1, 2], [0, 5]], 5, ["5", "(1, 1)", "[0, 5)"]),
        ([0, -1, 2], 3, ["-1", "position 1"]),
        ([0, 1.5], 3, ["1.5", "position 1", "integer"]),
        (["a", "b"], 3, ["integer", "dtype"]),
        ([True, False], 3, ["integer", "bool"]),
        ([0, 1], 0, ["depth", "positive"]),
        ([0, 1], 2.0, ["depth", "positive"]),
    ],
)
def test_one_hot_bad_input(indices, depth, words):
    """Does a non-integer, negative or too-large id (or a bad depth) raise a ValueError that
    names the offending value and where it is?"""
    with pytest.raises(ValueError) as err:
        data.one_hot(indices, depth)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


# ---------------------------------------------------------------- pad_sequences
def _ragged(rng, n, features=None, kind="int"):
    """n random sequences of length 0..8 (some empty), scalar or vector steps."""
    seqs = []
    for _ in range(n):
        length = int(rng.integers(0, 9))
        shape = (length,) if features is None else (length, features)
        if kind == "int":
            s = rng.integers(1, 50, size=shape)
        else:
            s = rng.normal(size=shape)
        seqs.append(s.tolist() if rng.random() < 0.5 else s)
    if all(len(s) == 0 for s in seqs):
        seqs[0] = [1] if features is None else [[1] * features]
    return seqs


CASES = list(itertools.product(["pre", "post"], ["pre", "post"], [None, 1, 3, 12]))


@pytest.mark.parametrize("padding, truncating, maxlen", CASES)
def test_pad_sequences_equals_keras(padding, truncating, maxlen):
    """Is X identical to keras.utils.pad_sequences (values, shape, dtype) on random ragged
    inputs with empty sequences, scalar and vector steps, int and float dtypes, for every
    padding/truncating side and a maxlen shorter or longer than the sequences?"""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(CASES.index((padding, truncating, maxlen)))
    for trial in range(6):
        features = None if trial % 2 == 0 else 3
        kind = "int" if trial < 4 else "float"
        dtype = "int32" if kind == "int" else ("float32" if trial == 4 else "float64")
        value = [0, -1, 0.5][trial % 3]
        seqs = _ragged(rng, int(rng.integers(1, 7)), features, kind)
        kw = dict(maxlen=maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype)
        X, mask = data.pad_sequences(seqs, **kw)
        expected = keras.utils.pad_sequences(seqs, **kw)
        assert X.dtype == expected.dtype
        assert X.shape == expected.shape
        np.testing.assert_array_equal(X, expected)
        # the mask marks exactly the entries copied from the sequences
        lengths = [min(len(s), X.shape[1]) for s in seqs]
        np.testing.assert_array_equal(mask.sum(1), lengths)
        assert mask.dtype == np.bool_ and mask.shape == X.shape[:2]


def test_pad_sequences_mask_positions():
    """Is the mask True at the real entries, on the padding side's opposite end?"""
    seqs = [[5, 6, 7], [8], []]
    X, mask = data.pad_sequences(seqs, maxlen=2, padding="pre", truncating="post")
    np.testing.assert_array_equal(X, [[5, 6], [0, 8], [0, 0]])
    np.testing.assert_array_equal(mask, [[True, True], [False, True], [False, False]])
    X, mask = data.pad_sequences(seqs, padding="post", value=-1)
    np.testing.assert_array_equal(X, [[5, 6, 7], [8, -1, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(mask, [[1, 1, 1], [1, 0, 0], [0, 0, 0]])


def test_pad_sequences_mask_true_even_where_value_equals_padding():
    """Does the mask come from positions, not values (a real 0 stays True)?"""
    X, mask = data.pad_sequences([[0, 0], [3]])
    np.testing.assert_array_equal(X, [[0, 0], [0, 3]])
    np.testing.assert_array_equal(mask, [[True, True], [False, True]])


def test_pad_sequences_edge_shapes():
    """Do no sequences, only empty sequences and maxlen=0 give empty arrays of the right shape?"""
    X, mask = data.pad_sequences([])
    assert X.shape == (0, 0) and mask.shape == (0, 0)
    X, mask = data.pad_sequences([[], []])
    assert X.shape == (2, 0)
    X, mask = data.pad_sequences([[1, 2], [3]], maxlen=0)
    assert X.shape == (2, 0) and not mask.any()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(seqs=[[1], [2]], padding="left"), ["padding", "left"]),
        (dict(seqs=[[1], [2]], truncating="middle"), ["truncating", "middle"]),
        (dict(seqs=[[1], [2]], maxlen=-1), ["maxlen"]),
        (dict(seqs=[[1], 5]), ["item 1", "no length"]),
        (dict(seqs=[[[1, 2]], [[1, 2, 3]]]), ["sequence 1", "(3,)", "(2,)"]),
        (dict(seqs=["abc", "de"]), ["string", "encode"]),
        (dict(seqs=[[1], [2]], value="x"), ["dtype=object"]),
        (dict(seqs=7), ["list of sequences"]),
    ],
)
def test_pad_sequences_bad_input(kwargs, words):
    """Do bad arguments raise a ValueError that says what is wrong?"""
    with pytest.raises(ValueError) as err:
        data.pad_sequences(**kwargs)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


# ---------------------------------------------------------------- bag_of_words
def test_bag_of_words_counts_and_loses_order():
    """Does bag_of_words count tokens over unmasked steps, equal for reversed sequences?"""
    X = np.array([[0, 0, 3, 1, 3], [0, 2, 2, 2, 4]])
    mask = np.array([[0, 0, 1, 1, 1], [0, 1, 1, 1, 1]], dtype=bool)
    out = data.bag_of_words(X, 5, mask)
    assert out.dtype == np.float32 and out.shape == (2, 5)
    np.testing.assert_array_equal(out, [[0, 1, 0, 2, 0], [0, 0, 3, 0, 1]])
    np.testing.assert_array_equal(data.bag_of_words(X[:, ::-1], 5, mask[:, ::-1]), out)
    np.testing.assert_array_equal(data.bag_of_words(X, 5)[0], [2, 1, 0, 2, 0])


def test_bag_of_words_equals_summed_one_hot():
    """Is bag_of_words the masked sum over time of the one-hot vectors, on random inputs?"""
    rng = np.random.default_rng(1)
    X = rng.integers(0, 9, size=(6, 11))
    mask = rng.random((6, 11)) < 0.7
    expected = (data.one_hot(X, 9) * mask[..., None]).sum(1)
    np.testing.assert_array_equal(data.bag_of_words(X, 9, mask), expected)


def test_bag_of_words_ignores_ids_under_the_mask():
    """May padded steps hold any value (e.g. -1) without an error?"""
    X = np.array([[-1, 2]])
    np.testing.assert_array_equal(data.bag_of_words(X, 3, [[False, True]]), [[0, 0, 1]])


@pytest.mark.parametrize(
    "X, depth, mask, words",
    [
        (np.array([1, 2]), 3, None, ["X", "2 dimensions"]),
        (np.array([[1, 2]]), 2, None, ["2", "position (0, 1)"]),
        (np.array([[1, 2]]), 3, np.ones((1, 3), bool), ["mask", "(1, 3)"]),
        (np.array([[0.5, 2]]), 3, None, ["0.5"]),
    ],
)
def test_bag_of_words_bad_input(X, depth, mask, words):
    """Are a wrong rank, an id out of range and a mask of the wrong shape reported clearly?"""
    with pytest.raises(ValueError) as err:
        data.bag_of_words(X, depth, mask)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


# ---------------------------------------------------------------- windows
def test_windows_1d():
    """Does a 1-D series give X (N, window, 1) and y the value horizon steps after?"""
    s = np.arange(10.0)
    X, y = data.windows(s, 3)
    assert X.shape == (7, 3, 1) and y.shape == (7,)
    np.testing.assert_array_equal(X[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(y, np.arange(3, 10))
    X, y = data.windows(s, 3, horizon=4)
    assert X.shape == (4, 3, 1)
    np.testing.assert_array_equal(y, np.arange(6, 10))
    np.testing.assert_array_equal(X[-1, :, 0], [3, 4, 5])


def test_windows_multifeature():
    """Does a (T, F) series give X (N, window, F) and y (N, F)?"""
    s = np.stack([np.arange(8), 10 * np.arange(8)], axis=1)
    X, y = data.windows(s, 2, horizon=2)
    assert X.shape == (5, 2, 2) and y.shape == (5, 2)
    np.testing.assert_array_equal(X[1], [[1, 10], [2, 20]])
    np.testing.assert_array_equal(y[1], [4, 40])


def test_windows_bad_input():
    """Are a too-short series, a bad window and a 3-D series reported clearly?"""
    with pytest.raises(ValueError, match="too short"):
        data.windows(np.arange(3), 3)
    with pytest.raises(ValueError, match="window"):
        data.windows(np.arange(3), 0)
    with pytest.raises(ValueError, match=r"\(T,\) or \(T, F\)"):
        data.windows(np.zeros((3, 2, 2)), 1)


# ---------------------------------------------------------------- batches and splits
def test_batches_cover_everything_once_and_stay_aligned():
    """Does one pass of batches visit every sample once, with X and y rows kept together?"""
    X = np.arange(23)
    y = X * 10
    seen = []
    for xb, yb in data.batches(X, y, batch_size=5, seed=3):
        assert len(xb) <= 5
        np.testing.assert_array_equal(yb, xb * 10)
        seen.extend(xb.tolist())
    assert sorted(seen) == list(range(23)) and seen != list(range(23))


def test_batches_seeded_and_options():
    """Is the order reproducible for a seed, different for another, and are shuffle=False,
    drop_last and a single array handled?"""
    X = np.arange(10)
    a = [b.tolist() for b in data.batches(X, batch_size=4, seed=1)]
    b = [b.tolist() for b in data.batches(X, batch_size=4, seed=1)]
    c = [b.tolist() for b in data.batches(X, batch_size=4, seed=2)]
    assert a == b and a != c
    plain = [b.tolist() for b in data.batches(X, batch_size=4, shuffle=False, drop_last=True)]
    assert plain == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="same first dimension"):
        next(data.batches(X, X[:3], batch_size=2))
    with pytest.raises(ValueError, match="batch_size"):
        next(data.batches(X, batch_size=0))


def test_train_val_test_split():
    """Are the parts disjoint, complete, sized by the fractions, aligned and seeded?"""
    X = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = data.train_val_test_split(X, y, seed=0)
    assert (len(ytr), len(yva), len(yte)) == (40, 5, 5)
    assert sorted(np.concatenate([ytr, yva, yte]).tolist()) == list(range(50))
    np.testing.assert_array_equal(Xtr[:, 0], 2 * ytr)
    again = data.train_val_test_split(X, y, seed=0)
    other = data.train_val_test_split(X, y, seed=1)
    np.testing.assert_array_equal(again[0][1], ytr)
    assert not np.array_equal(other[0][1], ytr)
    tr, va, te = data.train_val_test_split(y, fractions=(0.5, 0.5, 0.0), shuffle=False)
    np.testing.assert_array_equal(tr, np.arange(25))
    assert len(te) == 0
    with pytest.raises(ValueError, match="fractions"):
        data.train_val_test_split(y, fractions=(0.5, 0.2, 0.2))
