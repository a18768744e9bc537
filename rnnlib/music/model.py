"""The next-step chorale LSTM of notebook 09, its batches, and generation from it in NumPy.

The model reads the four tokens of step t - 1 (one shared embedding of the V tokens, the four
vectors side by side) and the bar position of step t (one-hot), runs one LSTM, and predicts the
four tokens of step t with four softmax heads over the same vocabulary (one Dense layer of
4 V logits reshaped to (4, V)). Trained with the cross-entropy summed over the voices; padded
steps have weight 0. Generation steps the same weights with rnnlib's NumPy LSTM cell, which is
far faster per step than calling Keras. Keras is imported inside the functions.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnnlib.music.encoding import N_VOICES, PAD, VOCAB_SIZE
from rnnlib.music.metrics import next_step_pairs

MAX_BAR_STEPS = 16  # bar positions one-hot: up to 4/4 in sixteenths


def chorale_batches(chorales, length: int | None = None, stride: int | None = None):
    """Next-step arrays of chorales, padded with PAD: ``(inputs (N, L, 4), positions (N, L),
    targets (N, L, 4), weights (N, L))``; ``weights`` is 1 at real targets, 0 at padding.

    length: cut each chorale's T - 1 pairs into windows of ``length`` steps every ``stride``
    (default ``length``) steps, the last one padded; None: one row per chorale, all padded to
    the longest.
    """
    rows = []
    for c in chorales:
        x, pos, y = next_step_pairs(c.tokens, c.positions)  # (T-1, 4), (T-1,), (T-1, 4)
        if length is None:
            rows.append((x, pos, y))
            continue
        step = int(stride or length)
        for s in range(0, max(len(x) - int(length), 0) + step, step):
            if s < len(x):
                rows.append((x[s : s + length], pos[s : s + length], y[s : s + length]))
    L = int(length) if length is not None else max(len(r[0]) for r in rows)
    N = len(rows)
    X = np.full((N, L, N_VOICES), PAD, dtype=np.int32)
    P = np.zeros((N, L), dtype=np.int32)
    Y = np.full((N, L, N_VOICES), PAD, dtype=np.int32)
    W = np.zeros((N, L), dtype=np.float32)
    for i, (x, pos, y) in enumerate(rows):
        X[i, : len(x)], P[i, : len(x)], Y[i, : len(x)], W[i, : len(x)] = x, pos, y, 1.0
    return X, P, Y, W


def build_chorale_lstm(
    units: int = 256, embed: int = 16, dropout: float = 0.0, learning_rate: float = 3e-3
):
    """The Keras model: inputs ``tokens`` (N, T, 4) int and ``positions`` (N, T) int, output
    probabilities (N, T, 4, V). Compiled with Adam and sparse cross-entropy."""
    import keras

    tokens = keras.Input((None, N_VOICES), dtype="int32", name="tokens")
    positions = keras.Input((None,), dtype="int32", name="positions")
    e = keras.layers.Embedding(VOCAB_SIZE, embed, name="embedding")(tokens)  # (N, T, 4, E)
    e = keras.layers.Reshape((-1, N_VOICES * embed))(e)  # (N, T, 4E)
    # one-hot bar positions as a frozen identity embedding (a Lambda layer would not reload)
    bar = keras.layers.Embedding(
        MAX_BAR_STEPS,
        MAX_BAR_STEPS,
        embeddings_initializer="identity",
        trainable=False,
        name="bar_one_hot",
    )(positions)  # (N, T, 16)
    x = keras.layers.Concatenate()([e, bar])
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    h = keras.layers.LSTM(units, return_sequences=True, name="lstm")(x)  # (N, T, H)
    if dropout:
        h = keras.layers.Dropout(dropout)(h)
    y = keras.layers.Dense(N_VOICES * VOCAB_SIZE, name="heads")(h)  # (N, T, 4V) logits
    y = keras.layers.Reshape((-1, N_VOICES, VOCAB_SIZE))(y)
    p = keras.layers.Softmax(axis=-1)(y)  # (N, T, 4, V): four softmax heads
    model = keras.Model([tokens, positions], p, name="chorale_lstm")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0),
        loss="sparse_categorical_crossentropy",
    )
    return model


class ChoraleParams(NamedTuple):
    """The trained weights in rnnlib's layout: ``E`` (V, D_e), LSTM ``Wx`` (4 D_e + 16, 4H),
    ``Wh`` (H, 4H), ``b`` (4H,), heads ``Wy`` (H, 4V), ``by`` (4V,)."""

    E: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray
    Wy: np.ndarray
    by: np.ndarray


def chorale_params(model) -> ChoraleParams:
    """The weights of a :func:`build_chorale_lstm` model as NumPy arrays."""
    (E,) = model.get_layer("embedding").get_weights()
    Wx, Wh, b = model.get_layer("lstm").get_weights()
    Wy, by = model.get_layer("heads").get_weights()
    return ChoraleParams(E, Wx, Wh, b, Wy, by)


def chorale_step(params: ChoraleParams, tokens, position, h, c):
    """One step in NumPy: the logits (N, 4, V) of the next tokens and the new state.

    tokens: (N, 4) the tokens of the previous step; position: (N,) the bar position of the step
    to predict; h, c: (N, H). Returns ``(logits, h, c)``.
    """
    from rnnlib.cells.lstm import lstm_step_forward

    tokens = np.asarray(tokens)
    N = len(tokens)
    x = np.concatenate(
        [params.E[tokens].reshape(N, -1), np.eye(MAX_BAR_STEPS)[np.asarray(position)]], axis=1
    )  # (N, 4D_e + 16)
    h, c, _ = lstm_step_forward(x, h, c, params.Wx, params.Wh, params.b)
    logits = (h @ params.Wy + params.by).reshape(N, N_VOICES, VOCAB_SIZE)  # (N, 4, V)
    return logits, h, c


def generate_chorale(
    params: ChoraleParams, seed_tokens, positions, temperature: float = 1.0, rng=None, sampler=None
) -> np.ndarray:
    """Continues a chorale: reads ``seed_tokens`` (S, 4), then samples until ``positions``
    (T,) is used up (its first S entries belong to the seed). Returns tokens (T, 4).

    sampler: ``sampler(logits (4, V), temperature, rng) -> (4,)`` tokens (default
    :func:`rnnlib.lm.sample`, one draw per row); PAD is never sampled.
    """
    from rnnlib.lm.sampling import sample

    sampler = sample if sampler is None else sampler
    rng = np.random.default_rng() if rng is None else rng
    seed_tokens, positions = np.asarray(seed_tokens), np.asarray(positions)
    S, T = len(seed_tokens), len(positions)
    if not 1 <= S <= T:
        raise ValueError(f"generate_chorale: a seed of {S} steps for {T} positions")
    H = params.Wh.shape[0]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    out = np.zeros((T, N_VOICES), dtype=np.int64)
    out[:S] = seed_tokens
    for t in range(1, T):
        logits, h, c = chorale_step(params, out[t - 1 : t], positions[t : t + 1], h, c)
        if t >= S:
            logits = logits[0].copy()
            logits[:, PAD] = -np.inf
            out[t] = sampler(logits, temperature, rng)
    return out
