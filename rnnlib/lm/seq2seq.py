"""Keras models of notebook 07: a character language model and a date translator (encoder-decoder,
with or without dot-product attention), each with the step-by-step model that generates.

Training runs on whole sequences with teacher forcing (the decoder reads the true previous
token); generating needs one step at a time, so each builder has a companion that rebuilds, from
the trained layers (found by name, so a model loaded by :func:`rnnlib.training.fit_or_load`
works too), a model that takes one token and a state and returns the next-token scores and the
new state. :func:`attention_forward` is the NumPy reference of the attention these models use.
Keras is imported inside the functions. Introduced in notebook 07.
"""

from __future__ import annotations

import numpy as np


def attention_forward(query, keys, mask=None):
    """Dot-product attention: each query step reads a weighted mean of the keys.

    query: (N, T, H) decoder states; keys: (N, S, H) encoder states (also the values);
    mask: (N, S) bool, True at real source steps (None: all real).
    Returns ``(context (N, T, H), weights (N, T, S))``, each row of weights a softmax over the
    real source steps of ``query @ keys^T`` (padded steps get weight 0). Notebook 07.
    """
    query, keys = np.asarray(query, np.float64), np.asarray(keys, np.float64)
    scores = query @ keys.transpose(0, 2, 1)  # (N, T, S)
    if mask is not None:
        scores = np.where(np.asarray(mask, bool)[:, None, :], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=-1, keepdims=True)  # (N, T, S)
    return weights @ keys, weights


def lm_inputs_targets(seqs, bos: int = 1, eos: int = 2, pad: int = 0):
    """Inputs and targets of a language model over separate sequences (names), padded.

    seqs: N lists of ids (no BOS/EOS). T = the longest length + 1. Returns
    ``(inputs (N, T), targets (N, T), mask (N, T) bool)``, int32 ids: ``inputs[n]`` is BOS
    then the sequence, ``targets[n]`` the sequence then EOS (the input shifted left by one),
    both padded at the end with ``pad``; ``mask`` is True at the len + 1 real steps.
    Notebook 07.
    """
    seqs = [list(s) for s in seqs]
    T = max((len(s) for s in seqs), default=0) + 1
    inputs = np.full((len(seqs), T), pad, np.int32)
    targets = np.full((len(seqs), T), pad, np.int32)
    mask = np.zeros((len(seqs), T), bool)
    for n, s in enumerate(seqs):
        inputs[n, : len(s) + 1] = [bos] + s
        targets[n, : len(s) + 1] = s + [eos]
        mask[n, : len(s) + 1] = True
    return inputs, targets, mask


def build_char_lm(V: int, units: int = 128, D: int = 32, lr: float = 3e-3):
    """Embedding (mask_zero) -> GRU (every step) -> Dense(V) logits, compiled with a masked
    cross-entropy: inputs (N, T) ids, 0 = padding; targets (N, T). Notebook 07."""
    import keras

    x = keras.Input((None,), dtype="int32", name="chars")
    e = keras.layers.Embedding(V, D, mask_zero=True, name="lm_embedding")(x)  # (N, T, D)
    h = keras.layers.GRU(units, return_sequences=True, name="lm_gru")(e)  # (N, T, H)
    y = keras.layers.Dense(V, name="lm_logits")(h)  # (N, T, V)
    model = keras.Model(x, y, name="char_lm")
    model.compile(
        keras.optimizers.Adam(lr, clipnorm=1.0),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def char_lm_step(model):
    """The one-step model of :func:`build_char_lm`'s layers: ``[token (M, 1), state (M, H)]``
    -> ``[logits (M, V), state (M, H)]``."""
    import keras

    gru = model.get_layer("lm_gru")
    token = keras.Input((1,), dtype="int32")
    state = keras.Input((gru.units,))
    e = model.get_layer("lm_embedding")(token)
    seq, new_state = keras.layers.GRU(
        gru.units, return_sequences=True, return_state=True, name="lm_gru_step"
    )(e, initial_state=state)
    logits = model.get_layer("lm_logits")(seq[:, 0])
    step = keras.Model([token, state], [logits, new_state])
    step.get_layer("lm_gru_step").set_weights(gru.get_weights())
    return step


def build_date_translator(
    V_in: int, V_out: int, units: int = 64, attention: bool = True, D: int = 32, lr: float = 3e-3
):
    """Encoder-decoder for strings -> ISO dates, trained with teacher forcing.

    Inputs ``[source (N, S), decoder_input (N, L)]`` ids (0 = padding), output logits
    (N, L, V_out). Encoder: Embedding -> bidirectional GRU (units each way); the decoder GRU
    (2 units) starts from the encoder's final states. attention=False: the decoder sees the
    source only through that state; True: at every step it also reads a dot-product
    attention context over the encoder's states (:func:`attention_forward`). Notebook 07.
    """
    import keras

    src = keras.Input((None,), dtype="int32", name="source")
    dec_in = keras.Input((None,), dtype="int32", name="decoder_input")
    e = keras.layers.Embedding(V_in, D, mask_zero=True, name="enc_embedding")(src)
    enc, fwd, bwd = keras.layers.Bidirectional(
        keras.layers.GRU(units, return_sequences=True, return_state=True), name="encoder"
    )(e)
    state = keras.layers.Concatenate(name="enc_state")([fwd, bwd])  # (N, 2 units)
    d = keras.layers.Embedding(V_out, D, name="dec_embedding")(dec_in)
    h = keras.layers.GRU(2 * units, return_sequences=True, name="decoder")(d, initial_state=state)
    if attention:
        # the source mask reaches the attention with `enc` (mask_zero, propagated by the
        # encoder): padded steps get weight 0, and no Lambda layer blocks reloading the model
        context = keras.layers.Attention(name="attention")([h, enc])
        h = keras.layers.Concatenate(name="with_context")([h, context])
    y = keras.layers.Dense(V_out, name="logits")(h)
    model = keras.Model([src, dec_in], y, name="attention" if attention else "plain")
    model.compile(
        keras.optimizers.Adam(lr, clipnorm=1.0),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def translator_steps(model):
    """Inference models of :func:`build_date_translator`'s layers.

    Returns ``(encode, step)``: ``encode(source (N, S)) -> [enc (N, S, 2u), state (N, 2u)]``;
    ``step([token (M, 1), state (M, 2u), enc (M, S, 2u), source (M, S)])`` ->
    ``[logits (M, V_out), state, weights (M, S)]`` (weights are zeros without attention).
    """
    import keras

    src = keras.Input((None,), dtype="int32")
    e = model.get_layer("enc_embedding")(src)
    enc, fwd, bwd = model.get_layer("encoder")(e)
    state0 = keras.layers.Concatenate()([fwd, bwd])
    encode = keras.Model(src, [enc, state0])

    gru = model.get_layer("decoder")
    H = gru.units
    token = keras.Input((1,), dtype="int32")
    state = keras.Input((H,))
    enc_in = keras.Input((None, H))
    src_in = keras.Input((None,), dtype="int32")
    d = model.get_layer("dec_embedding")(token)
    step_gru = keras.layers.GRU(H, return_sequences=True, return_state=True)
    h, new_state = step_gru(d, initial_state=state)  # (M, 1, H), (M, H)
    names = {layer.name for layer in model.layers}
    if "attention" in names:  # keras.layers.Attention's dot product, written out for its weights
        ops = keras.ops
        scores = ops.einsum("mth,msh->mts", h, enc_in)  # (M, 1, S)
        scores = ops.where(ops.not_equal(src_in, 0)[:, None, :], scores, -1e9)
        alpha = ops.softmax(scores, axis=-1)  # (M, 1, S)
        context = ops.einsum("mts,msh->mth", alpha, enc_in)  # (M, 1, H)
        h = keras.layers.Concatenate()([h, context])
        weights = alpha[:, 0]  # (M, S)
    else:
        weights = keras.ops.zeros_like(keras.ops.cast(src_in, "float32"))
    logits = model.get_layer("logits")(h[:, 0])
    step = keras.Model([token, state, enc_in, src_in], [logits, new_state, weights])
    step_gru.set_weights(gru.get_weights())
    return encode, step
