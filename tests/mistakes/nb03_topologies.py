"""Plausible wrong answers to notebook 03's exercises (solutions/03_topologies)."""

import keras
import numpy as np

import rnnlib as rl
from mistakes.catalogue import delegates, mistake

NO_REFERENCE = {
    "build_forecaster": "a Keras model the student assembles; no library function builds it",
    "build_tagger": "a Keras model the student assembles; no library function builds it",
    "build_seq2seq": "a Keras model the student assembles; no library function builds it",
    "teacher_forcing_inputs": "a one-line shift; neither rnnlib nor Keras has a function for it",
}

# ---- make_windows ----------------------------------------------------------------------------


@mistake("make_windows", "target leaks: y[i] is the last value of its own window")
def windows_leak(series, window):
    series = np.asarray(series)
    X = np.stack([series[i : i + window] for i in range(len(series) - window)])
    return X[:, :, None], series[window - 1 : -1]


@mistake("make_windows", "no feature axis: X is (N, T)")
def windows_2d(series, window):
    series = np.asarray(series)
    if len(series) <= window:
        raise ValueError("too short")
    X = np.stack([series[i : i + window] for i in range(len(series) - window)])
    return X, series[window:]


@mistake("make_windows", "one pair short (range(L - window - 1))")
def windows_one_short(series, window):
    series = np.asarray(series)
    n = len(series) - window - 1
    X = np.stack([series[i : i + window] for i in range(n)]) if n > 0 else np.zeros((0, window))
    return X[:, :, None], series[window : window + n]


@mistake("make_windows", "no error for a series too short for one pair")
def windows_no_check(series, window):
    series = np.asarray(series)
    X = np.array([series[i : i + window] for i in range(len(series) - window)]).reshape(-1, window)
    return X[:, :, None], series[window:].copy()


@delegates("make_windows")
def windows_by_rnnlib(series, window):
    return rl.data.windows(series, window)


@delegates("make_windows")
def windows_by_keras(series, window):
    series = np.asarray(series)
    data = keras.utils.timeseries_dataset_from_array(
        series[:-1], series[window:], sequence_length=window, batch_size=len(series)
    )
    X, y = next(iter(data))
    return np.asarray(X)[:, :, None], np.asarray(y)


# ---- build_forecaster ------------------------------------------------------------------------


@mistake("build_forecaster", "sigmoid output (a probability, not a number)")
def forecaster_sigmoid(window, units):
    model = keras.Sequential(
        [
            keras.Input((window, 1)),
            keras.layers.GRU(units),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


@mistake("build_forecaster", "return_sequences=True (one output per step)")
def forecaster_sequences(window, units):
    model = keras.Sequential(
        [
            keras.Input((window, 1)),
            keras.layers.GRU(units, return_sequences=True),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


@mistake("build_forecaster", "classification loss (binary cross-entropy)")
def forecaster_bce(window, units):
    model = keras.Sequential(
        [keras.Input((window, 1)), keras.layers.GRU(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


# ---- sample ----------------------------------------------------------------------------------


@mistake("sample", "multiplied the logits by the temperature")
def sample_times_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:
        return logits.argmax(axis=1)
    z = logits * temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(p.shape[1], p=row) for row in p])


@mistake("sample", "ignored the temperature")
def sample_no_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:
        return logits.argmax(axis=1)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(p.shape[1], p=row) for row in p])


@mistake("sample", "draws from rng before looking at the temperature (fails for rng=None)")
def sample_rng_first(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    u = rng.random((len(logits), 1))
    if temperature == 0:
        return logits.argmax(axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((u >= cdf).sum(axis=1), p.shape[1] - 1)


@mistake("sample", "always the argmax")
def sample_argmax(logits, temperature, rng):
    return np.asarray(logits).argmax(axis=1)


@mistake("sample", "drew from np.random instead of rng")
def sample_global_state(logits, temperature, rng):
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:
        return logits.argmax(axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = np.random.random((len(p), 1))  # noqa: NPY002 (the mistake)
    return (u >= np.cumsum(p, axis=1)).sum(axis=1)


@mistake("sample", "no max subtracted: exp overflows to nan for large logits")
def sample_overflow(logits, temperature, rng):
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:
        return logits.argmax(axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        p = np.exp(logits / temperature)
        p = p / p.sum(axis=1, keepdims=True)
    u = rng.random((len(p), 1))
    return np.minimum((u >= np.cumsum(p, axis=1)).sum(axis=1), p.shape[1] - 1)


@mistake("sample", "one uniform number shared by every row")
def sample_shared_uniform(logits, temperature, rng):
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:
        return logits.argmax(axis=1)
    z = logits / temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random()
    return np.minimum((u >= np.cumsum(p, axis=1)).sum(axis=1), p.shape[1] - 1)


@delegates("sample")
def sample_by_rnnlib(logits, temperature, rng):
    return rl.lm.sample(logits, temperature, rng)


@delegates("sample")
def sample_by_keras(logits, temperature, rng):
    logits = np.asarray(logits, dtype="float32")
    if temperature == 0:
        return logits.argmax(axis=1)
    ids = keras.random.categorical(logits / temperature, 1, seed=int(rng.integers(1 << 30)))
    return keras.ops.convert_to_numpy(ids)[:, 0]


@delegates("sample")
def sample_by_keras_softmax(logits, temperature, rng):
    logits = np.asarray(logits, dtype="float32")
    if temperature == 0:
        return logits.argmax(axis=1)
    p = np.asarray(keras.ops.softmax(logits / temperature, axis=-1), dtype=np.float64)
    return np.array([rng.choice(p.shape[1], p=row / row.sum()) for row in p])


# ---- build_tagger ----------------------------------------------------------------------------


@mistake("build_tagger", "return_sequences=False: one tag per sequence")
def tagger_last_state(vocab_size, n_tags, units):
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 8),
            keras.layers.GRU(units),
            keras.layers.Dense(n_tags, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_tagger", "bidirectional GRU: tags depend on later tokens")
def tagger_bidirectional(vocab_size, n_tags, units):
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 8),
            keras.layers.Bidirectional(keras.layers.GRU(units, return_sequences=True)),
            keras.layers.Dense(n_tags, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_tagger", "no softmax: scores instead of probabilities")
def tagger_logits(vocab_size, n_tags, units):
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 8),
            keras.layers.GRU(units, return_sequences=True),
            keras.layers.Dense(n_tags),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# ---- teacher_forcing_inputs ------------------------------------------------------------------


@mistake("teacher_forcing_inputs", "no shift: the decoder sees the token it must predict")
def forcing_no_shift(target, bos):
    return np.asarray(target).copy()


@mistake("teacher_forcing_inputs", "shifted left instead of right")
def forcing_left(target, bos):
    target = np.asarray(target)
    return np.concatenate([target[:, 1:], np.full((len(target), 1), bos)], axis=1)


@mistake("teacher_forcing_inputs", "BOS overwrites the first target (no shift)")
def forcing_overwrite(target, bos):
    out = np.array(target)
    out[:, 0] = bos
    return out


@mistake("teacher_forcing_inputs", "modifies the targets in place")
def forcing_in_place(target, bos):
    target[:, 1:] = target[:, :-1].copy()
    target[:, 0] = bos
    return target


# ---- build_seq2seq ---------------------------------------------------------------------------


@mistake("build_seq2seq", "decoder not started from the encoder's state")
def seq2seq_no_state(vocab_size, units):
    source_in = keras.Input((None,), dtype="int32")
    decoder_in = keras.Input((None,), dtype="int32")
    enc = keras.layers.Embedding(vocab_size, 16, mask_zero=True)(source_in)
    _, state = keras.layers.GRU(units, return_state=True)(enc)
    dec = keras.layers.Embedding(vocab_size, 16)(decoder_in)
    dec = keras.layers.GRU(units, return_sequences=True)(dec)
    probs = keras.layers.Dense(vocab_size, activation="softmax")(dec)
    model = keras.Model([source_in, decoder_in], [probs])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


@mistake("build_seq2seq", "encoder without mask_zero: padding changes the summary")
def seq2seq_no_mask(vocab_size, units):
    source_in = keras.Input((None,), dtype="int32")
    decoder_in = keras.Input((None,), dtype="int32")
    enc = keras.layers.Embedding(vocab_size, 16)(source_in)
    _, state = keras.layers.GRU(units, return_state=True)(enc)
    dec = keras.layers.Embedding(vocab_size, 16)(decoder_in)
    dec = keras.layers.GRU(units, return_sequences=True)(dec, initial_state=state)
    probs = keras.layers.Dense(vocab_size, activation="softmax")(dec)
    model = keras.Model([source_in, decoder_in], probs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


@mistake("build_seq2seq", "no softmax on the output")
def seq2seq_logits(vocab_size, units):
    source_in = keras.Input((None,), dtype="int32")
    decoder_in = keras.Input((None,), dtype="int32")
    enc = keras.layers.Embedding(vocab_size, 16, mask_zero=True)(source_in)
    _, state = keras.layers.GRU(units, return_state=True)(enc)
    dec = keras.layers.Embedding(vocab_size, 16)(decoder_in)
    dec = keras.layers.GRU(units, return_sequences=True)(dec, initial_state=state)
    logits = keras.layers.Dense(vocab_size)(dec)
    model = keras.Model([source_in, decoder_in], logits)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


# ---- greedy_decode ---------------------------------------------------------------------------


@mistake("greedy_decode", "reverses the source itself and never calls the model")
def decode_without_model(model, source, max_length, bos=1, eos=2):
    source = np.asarray(source)
    rows = [[t for t in row if t != 0][::-1][: max_length - 1] + [eos] for row in source]
    out = np.zeros((len(source), max(len(r) for r in rows)), dtype=int)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


@mistake("greedy_decode", "feeds BOS at every step instead of its own predictions")
def decode_always_bos(model, source, max_length, bos=1, eos=2):
    source = np.asarray(source)
    N = len(source)
    done = np.zeros(N, bool)
    tokens = []
    for t in range(max_length):
        dec = np.full((N, t + 1), bos, dtype=np.int32)
        nxt = np.asarray(model([source, dec]))[:, -1].argmax(axis=-1)
        nxt = np.where(done, 0, nxt)
        tokens.append(nxt)
        done |= nxt == eos
        if done.all():
            break
    return np.stack(tokens, axis=1)


@mistake("greedy_decode", "keeps decoding after EOS")
def decode_past_eos(model, source, max_length, bos=1, eos=2):
    source = np.asarray(source)
    N = len(source)
    dec = np.full((N, 1), bos, dtype=np.int32)
    done = np.zeros(N, bool)
    tokens = []
    for _ in range(max_length):
        nxt = np.asarray(model([source, dec]))[:, -1].argmax(axis=-1)
        tokens.append(nxt)
        done |= nxt == eos
        dec = np.concatenate([dec, nxt[:, None].astype(np.int32)], axis=1)
        if done.all():
            break
    return np.stack(tokens, axis=1)


@mistake("greedy_decode", "never stops early: always max_length tokens")
def decode_no_early_stop(model, source, max_length, bos=1, eos=2):
    source = np.asarray(source)
    N = len(source)
    dec = np.full((N, 1), bos, dtype=np.int32)
    done = np.zeros(N, bool)
    tokens = []
    for _ in range(max_length):
        nxt = np.asarray(model([source, dec]))[:, -1].argmax(axis=-1)
        nxt = np.where(done, 0, nxt)
        tokens.append(nxt)
        done |= nxt == eos
        dec = np.concatenate([dec, nxt[:, None].astype(np.int32)], axis=1)
    return np.stack(tokens, axis=1)


@mistake("greedy_decode", "ignores the bos and eos arguments (hard-coded 1 and 2)")
def decode_hard_coded(model, source, max_length, bos=1, eos=2):
    source = np.asarray(source)
    N = len(source)
    dec = np.full((N, 1), 1, dtype=np.int32)
    done = np.zeros(N, bool)
    tokens = []
    for _ in range(max_length):
        nxt = np.asarray(model([source, dec]))[:, -1].argmax(axis=-1)
        nxt = np.where(done, 0, nxt)
        tokens.append(nxt)
        done |= nxt == 2
        dec = np.concatenate([dec, nxt[:, None].astype(np.int32)], axis=1)
        if done.all():
            break
    return np.stack(tokens, axis=1)


@delegates("greedy_decode")
def decode_by_rnnlib(model, source, max_length, bos=1, eos=2):
    return rl.lm.greedy_decode(model, source, max_length, bos, eos)


@delegates("greedy_decode")
def decode_by_beam_of_one(model, source, max_length, bos=1, eos=2):
    source = np.asarray(source)

    def step(state, tokens):  # the whole prefix so far, fed again: (N, t) -> (N, V) log-probs
        prefix = np.concatenate([state, tokens[:, None]], axis=1)
        scores = np.asarray(model([source[: len(prefix)], prefix]))[:, -1]
        z = scores - scores.max(axis=-1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True)), prefix

    start = np.zeros((len(source), 0), dtype=np.int32)
    return rl.lm.beam_search(step, start, 1, max_length, bos, eos)[0][:, 0]
