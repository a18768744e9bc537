"""Tests of rnnlib.testing.shapes.Dims: the argument checks behind every rnnlib function."""

import numpy as np
import pytest

from rnnlib.testing.shapes import Dims, check_cache, check_count, check_flag, token_ids


def test_dims_binds_letters_and_returns_arrays():
    """Does the first use of a letter fix its size, later uses agree, and lists become arrays?"""
    dims = Dims("f")
    x = dims.array("x", [[[0.0] * 4] * 3] * 2, "N T D")
    assert isinstance(x, np.ndarray) and x.shape == (2, 3, 4)
    dims.array("Wx", np.zeros((4, 5)), "D H")
    dims.array("Wh", np.zeros((5, 5)), "H H")
    assert dims.sizes == {"N": 2, "T": 3, "D": 4, "H": 5}


def test_dims_names_argument_both_shapes_and_the_source_of_a_size():
    """Does a mismatch name the argument, the expected spec, the size's source and what came?"""
    dims = Dims("rnn_forward")
    dims.array("x", np.zeros((2, 3, 4)), "N T D")
    with pytest.raises(ValueError) as info:
        dims.array("Wx", np.zeros((5, 7)), "D H")
    assert str(info.value) == (
        "rnn_forward: Wx should have shape (D, H) with D=4 (from x of shape (2, 3, 4)), got (5, 7)"
    )


def test_dims_checks_the_number_of_dimensions():
    """Is a wrong rank reported with the expected axes and the shape that came?"""
    with pytest.raises(
        ValueError,
        match=r"f: x should have 3 dimensions \(N, T, D\), got 2 "
        r"with shape \(2, 3\)",
    ):
        Dims("f").array("x", np.zeros((2, 3)), "N T D")


def test_wrong_rank_names_the_sizes_already_bound():
    """Does a wrong rank after other arguments also give the expected sizes and their source?"""
    dims = Dims("f")
    dims.array("x", np.zeros((2, 3, 4)), "N T D")
    dims.array("h0", np.zeros((2, 5)), "N H")
    with pytest.raises(ValueError) as info:
        dims.mask("mask", np.ones((2, 3, 1), bool))
    assert str(info.value) == (
        "f: mask should have 2 dimensions (N, T), got 3 with shape "
        "(2, 3, 1); here N=2, T=3 (from x of shape (2, 3, 4))"
    )
    with pytest.raises(
        ValueError,
        match=r"b should have 2 dimensions \(2, 3H\), got 1 with "
        r"shape \(15,\); here H=5 \(from h0 of shape \(2, 5\)\)$",
    ):
        dims.array("b", np.zeros(15), "2 3H")


def test_dims_multiples_and_literal_sizes():
    """Are "4H" (a multiple) and a literal "2" checked, e.g. LSTM and GRU biases?"""
    dims = Dims("lstm")
    dims.array("Wx", np.zeros((3, 8)), "D 4H")
    assert dims.sizes["H"] == 2
    dims.array("Wh", np.zeros((2, 8)), "H 4H")
    with pytest.raises(ValueError, match=r"b should have shape \(4H,?\) with H=2 .*got \(6,\)"):
        dims.array("b", np.zeros(6), "4H")
    with pytest.raises(ValueError, match="axis 1 should be a multiple of 3"):
        Dims("gru").array("Wx", np.zeros((3, 7)), "D 3H")
    with pytest.raises(ValueError, match="axis 0 should be 2"):
        Dims("gru").array("b", np.zeros((3, 6)), "2 3H")
    Dims("gru").array("b", np.zeros((2, 6)), "2 3H")


def test_dims_dtype_rules():
    """Are integer weights rejected by default, float32 accepted, and floating=False lenient?"""
    with pytest.raises(ValueError, match="Wx should be a float array .* got dtype int64"):
        Dims("f").array("Wx", np.zeros((2, 2), np.int64), "D H")
    assert Dims("f").array("Wx", np.zeros((2, 2), np.float32), "D H").dtype == np.float32
    Dims("f").array("ids", np.zeros((2, 2), int), "N T", floating=False)


def test_dims_rejects_none_and_bad_specs():
    """Is a missing argument named, and a malformed spec reported?"""
    with pytest.raises(ValueError, match=r"f: h0 is None; expected an array of shape \(N, H\)"):
        Dims("f").array("h0", None, "N H")
    with pytest.raises(ValueError, match="bad dimension spec"):
        Dims("f").array("x", np.zeros(2), "N-1")


def test_dims_mask_accepts_bool_and_zero_one():
    """Is a mask optional, bool or 0/1 (converted to bool), with its shape bound to N and T?"""
    dims = Dims("f")
    dims.array("x", np.zeros((2, 3, 1)), "N T D")
    assert dims.mask("mask", None) is None
    mask = dims.mask("mask", np.array([[1, 0, 1], [0, 0, 1]]))
    assert mask.dtype == np.bool_ and mask.tolist() == [[True, False, True], [False, False, True]]
    assert dims.mask("mask", np.ones((2, 3), bool)).all()


def test_dims_mask_rejects_wrong_shape_and_values():
    """Is a mask of the wrong shape or with values other than 0/1 rejected, naming it?"""
    dims = Dims("f")
    dims.array("x", np.zeros((2, 3, 1)), "N T D")
    with pytest.raises(
        ValueError,
        match=r"f: mask should have shape \(N, T\) with T=3 .*"
        r"got \(2, 4\)",
    ):
        dims.mask("mask", np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="mask should be boolean .* other than 0 and 1"):
        dims.mask("mask", np.full((2, 3), 0.5))


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_only_float32_and_float64_are_floats(dtype):
    """Is float16 (or long double) refused with a message that names float32 or float64?"""
    if np.dtype(dtype).itemsize == 8:
        pytest.skip("long double is float64 on this platform")
    with pytest.raises(
        ValueError,
        match=r"f: x should be a float array \(float32 or float64\), "
        f"got dtype {np.dtype(dtype).name}",
    ):
        Dims("f").array("x", np.zeros(3, dtype), "N")
    for ok in (np.float32, ">f8"):  # either byte order
        assert Dims("f").array("x", np.zeros(3, ok), "N").dtype == np.dtype(ok)


def test_check_flag_wants_true_or_false():
    """Are True, False and NumPy bools accepted, and "False", 0 and None a TypeError?"""
    assert check_flag("f", "flag", True) is True
    assert check_flag("f", "flag", np.bool_(False)) is False
    assert check_flag("f", "flag", np.array(True)) is True
    for bad in ("False", 0, None, np.array([True])):
        with pytest.raises(TypeError, match=r"f: flag should be True or False, got .*\("):
            check_flag("f", "flag", bad)


def test_check_cache_accepts_its_kind_and_look_alikes_only():
    """Is the right cache (or an outside look-alike with its fields) accepted, and None, a plain
    tuple or another rnnlib cache refused with what came?"""
    from collections import namedtuple

    from rnnlib.cells.rnn import RNNCache, RNNStepCache

    step = RNNStepCache(*range(5))
    assert check_cache("f", step, RNNStepCache, "g") is step
    look_alike = namedtuple("Mine", RNNStepCache._fields)(*range(5))
    assert check_cache("f", look_alike, RNNStepCache, "g") is look_alike
    for bad, came in [
        (None, "None"),
        ((1, 2, 3), "a tuple of 3 items"),
        (RNNCache(*range(7)), "RNNCache"),
    ]:
        with pytest.raises(
            TypeError, match=f"f: cache should be the RNNStepCache that g returned, got {came}"
        ):
            check_cache("f", bad, RNNStepCache, "g")


def test_token_ids_one_check_with_two_policies():
    """Do the layers want an integer dtype while the data helpers also take whole floats (as
    Keras's to_categorical does), with the same messages either way?"""
    np.testing.assert_array_equal(
        token_ids("f", "x", [2.0, 0.0], 3, "depth=3", whole_floats=True), [2, 0]
    )
    assert token_ids("f", "x", [], 3, "depth=3", whole_floats=True).dtype == np.int64
    with pytest.raises(
        ValueError,
        match=r"f: x should hold integer token ids, got dtype float64 "
        r"\(use \.astype\(int\)\)",
    ):
        token_ids("f", "x", [2.0, 0.0], 3, "3 rows in W")
    with pytest.raises(
        ValueError,
        match=r"f: x should hold integer token ids, got 1.5 at "
        r"position 1$",
    ):
        token_ids("f", "x", [0, 1.5], 3, "depth=3", whole_floats=True)
    with pytest.raises(ValueError, match=r"got dtype bool"):
        token_ids("f", "x", [True], 3, "depth=3", whole_floats=True)
    with pytest.raises(
        ValueError,
        match=r"f: x holds ids outside \[0, 3\) \(depth=3\): 3 at "
        r"position \(1, 0\)$",
    ):
        token_ids("f", "x", [[0, 1], [3, -1]], 3, "depth=3")
    np.testing.assert_array_equal(  # only where the mask is True
        token_ids("f", "x", [[0, -1]], 3, "depth=3", where_mask=np.array([[True, False]])),
        [[0, -1]],
    )


def test_every_id_check_speaks_the_same_way():
    """Do one_hot, bag_of_words, Vocab.decode, embedding_forward and temporal_softmax_loss
    report an id out of range in one format?"""
    from rnnlib import data
    from rnnlib.cells import layers
    from rnnlib.data import vocab

    calls = {
        "one_hot: indices": lambda: data.one_hot([[0, 7]], 5),
        "bag_of_words: X": lambda: data.bag_of_words([[0, 7]], 5),
        "Vocab.decode: ids": lambda: vocab.Vocab(["abc"]).decode([0, 7]),
        "embedding_forward: x": lambda: layers.embedding_forward([[0, 7]], np.zeros((5, 2))),
        "temporal_softmax_loss: y": lambda: layers.temporal_softmax_loss(
            np.zeros((1, 2, 5)), [[0, 7]]
        ),
    }
    for prefix, call in calls.items():
        with pytest.raises(
            ValueError,
            match=rf"^{prefix} holds ids outside \[0, 5\) \(.*\): "
            r"7 at position (1|\(0, 1\))$",
        ):
            call()


def test_check_count_wants_a_whole_number_of_at_least_minimum():
    """Are ints (NumPy ints too) at least minimum accepted, and floats, bools and smaller
    numbers refused with what came?"""
    assert check_count("f", "n", np.int32(3)) == 3
    assert check_count("f", "n", 0, minimum=0) == 0
    with pytest.raises(ValueError, match=r"f: n should be a positive integer, got 2.0"):
        check_count("f", "n", 2.0)
    with pytest.raises(ValueError, match=r"f: n should be a positive integer, got True"):
        check_count("f", "n", True)
    with pytest.raises(ValueError, match=r"f: n should be an integer >= 2, got 1"):
        check_count("f", "n", 1, minimum=2)
