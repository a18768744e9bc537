"""Tests of rnnlib.lm.seq2seq: shifted LM pairs, NumPy attention, and the Keras step models."""

import numpy as np
import pytest

from rnnlib import lm


def test_lm_inputs_targets_shift_and_mask():
    """Are inputs BOS + sequence, targets sequence + EOS, padded at the end, mask len + 1?"""
    x, y, m = lm.lm_inputs_targets([[5, 6, 7], [8], []], bos=1, eos=2, pad=0)
    np.testing.assert_array_equal(x, [[1, 5, 6, 7], [1, 8, 0, 0], [1, 0, 0, 0]])
    np.testing.assert_array_equal(y, [[5, 6, 7, 2], [8, 2, 0, 0], [2, 0, 0, 0]])
    np.testing.assert_array_equal(m.sum(axis=1), [4, 2, 1])
    assert x.dtype == np.int32 and m.dtype == bool


def test_attention_forward_is_a_masked_softmax():
    """Do the weights sum to 1 over real steps, vanish on padding, and weigh the keys?"""
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], bool)
    ctx, w = lm.attention_forward(q, k, mask)
    np.testing.assert_allclose(w.sum(-1), 1)
    assert (w[1, :, 2:] == 0).all()
    np.testing.assert_allclose(ctx, np.einsum("nts,nsh->nth", w, k))


def test_attention_forward_equals_keras():
    """Is attention_forward what keras.layers.Attention (dot product, no scale) computes?"""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    q = rng.normal(size=(3, 4, 6)).astype("float32")
    k = rng.normal(size=(3, 7, 6)).astype("float32")
    mask = rng.random((3, 7)) < 0.6
    mask[:, 0] = True
    ours, _ = lm.attention_forward(q, k, mask)
    theirs = keras.layers.Attention()([q, k], mask=[None, mask])
    np.testing.assert_allclose(ours, np.asarray(theirs), atol=1e-5)


@pytest.mark.parametrize("attention", [False, True])
def test_translator_step_model_equals_teacher_forcing(attention):
    """Fed the teacher-forced tokens one at a time, does the step model give the training
    model's logits, with attention weights that vanish on padding?"""
    pytest.importorskip("keras")
    model = lm.build_date_translator(20, 14, units=8, attention=attention)
    x = np.array([[3, 4, 5, 0], [6, 7, 0, 0]], "int32")
    d = np.array([[1, 5, 6], [1, 7, 8]], "int32")
    full = np.asarray(model([x, d]))  # (2, 3, 14)
    encode, step = lm.translator_steps(model)
    enc, s = (np.asarray(a) for a in encode(x))
    logits = []
    for t in range(3):
        lg, s, w = step([d[:, t : t + 1], s, enc, x])
        s = np.asarray(s)
        logits.append(np.asarray(lg))
    np.testing.assert_allclose(np.stack(logits, 1), full, atol=1e-5)
    w = np.asarray(w)
    assert (w[x == 0] == 0).all()
    if attention:
        np.testing.assert_allclose(w.sum(-1), 1, atol=1e-5)


def test_char_lm_step_equals_the_sequence_model():
    """Does char_lm_step, fed a sequence one token at a time, give the model's logits?"""
    pytest.importorskip("keras")
    model = lm.build_char_lm(9, units=6, D=4)
    x = np.array([[1, 4, 5, 6], [1, 7, 8, 3]], "int32")
    full = np.asarray(model(x))
    step = lm.char_lm_step(model)
    s = np.zeros((2, 6), "float32")
    out = []
    for t in range(4):
        lg, s = step([x[:, t : t + 1], s])
        s = np.asarray(s)
        out.append(np.asarray(lg))
    np.testing.assert_allclose(np.stack(out, 1), full, atol=1e-5)


def test_translator_reloads_in_safe_mode(tmp_path):
    """Does a saved attention translator load back with Keras's safe mode (no Lambda layer)
    and give the same logits, padding masked as before?"""
    import keras

    keras.utils.set_random_seed(0)
    model = lm.build_date_translator(20, 14, 8, attention=True)
    rng = np.random.default_rng(0)
    src = rng.integers(1, 20, size=(3, 7))
    src[0, 4:] = 0
    dec = rng.integers(1, 14, size=(3, 5))
    model.save(tmp_path / "t.keras")
    back = keras.models.load_model(tmp_path / "t.keras")  # safe_mode=True by default
    expected = np.asarray(model([src, dec]))
    np.testing.assert_allclose(np.asarray(back([src, dec])), expected, atol=1e-6)
    longer = np.concatenate([src, np.zeros((3, 4), src.dtype)], axis=1)  # more padding
    np.testing.assert_allclose(
        np.asarray(model([longer, dec])), np.asarray(model([src, dec])), atol=1e-5
    )
