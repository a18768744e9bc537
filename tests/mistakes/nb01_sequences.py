"""Plausible wrong answers to notebook 01's exercises (solutions/01_sequences)."""

import keras
import numpy as np

import rnnlib as rl
from mistakes.catalogue import delegates, mistake

NO_REFERENCE = {
    "build_rnn_classifier": "a Keras model the student assembles from layers: no function "
    "computes it for them",
}

# ---- one_hot ---------------------------------------------------------------------------------


@mistake("one_hot", "off by one: the 1 at id + 1 (ids counted from 1)")
def one_hot_shifted_up(indices, depth, dtype=np.float32):
    indices = np.asarray(indices)
    return (indices[..., None] + 1 == np.arange(depth)).astype(dtype)


@mistake("one_hot", "off by one: the 1 at id - 1")
def one_hot_shifted_down(indices, depth, dtype=np.float32):
    indices = np.asarray(indices)
    return (indices[..., None] == np.arange(1, depth + 1)).astype(dtype)


@mistake("one_hot", "np.eye indexed with the wrong axis (transposed for 2-D input)")
def one_hot_transposed(indices, depth, dtype=np.float32):
    return np.eye(depth, dtype=dtype)[:, indices].T


@mistake("one_hot", "ignores the dtype argument")
def one_hot_float64(indices, depth, dtype=np.float32):
    return np.eye(depth)[indices]


@delegates("one_hot")
def one_hot_by_rnnlib(indices, depth, dtype=np.float32):
    return rl.data.one_hot(indices, depth, dtype)


@delegates("one_hot")
def one_hot_by_keras(indices, depth, dtype=np.float32):
    return keras.utils.to_categorical(indices, depth).astype(dtype)


# ---- pad_sequences ---------------------------------------------------------------------------


@mistake("pad_sequences", "padding on the wrong side")
def pad_wrong_side(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[max(len(s) - maxlen, 0) :] if truncating == "pre" else s[:maxlen]
        k = len(kept)
        if k:
            steps = slice(0, k) if padding == "pre" else slice(maxlen - k, maxlen)
            X[n, steps] = kept
            mask[n, steps] = True
    return X, mask


@mistake("pad_sequences", "truncating the wrong end")
def pad_wrong_truncation(
    seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"
):
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[:maxlen] if truncating == "pre" else s[max(len(s) - maxlen, 0) :]
        k = len(kept)
        if k:
            steps = slice(maxlen - k, maxlen) if padding == "pre" else slice(0, k)
            X[n, steps] = kept
            mask[n, steps] = True
    return X, mask


@mistake("pad_sequences", "s[-maxlen:] breaks for maxlen=0")
def pad_negative_slice(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        k = len(kept)
        if k:
            steps = slice(maxlen - k, maxlen) if padding == "pre" else slice(0, k)
            X[n, steps] = kept
            mask[n, steps] = True
    return X, mask


@mistake("pad_sequences", "X[n, -k:] = kept: an empty sequence with padding='pre' fills the row")
def pad_negative_index(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[max(len(s) - maxlen, 0) :] if truncating == "pre" else s[:maxlen]
        k = len(kept)
        if padding == "pre":
            X[n, -k:] = kept if k else value
            mask[n, -k:] = True
        else:
            X[n, :k] = kept
            mask[n, :k] = True
    return X, mask


@mistake("pad_sequences", "mask inverted (True at the padding)")
def pad_inverted_mask(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[max(len(s) - maxlen, 0) :] if truncating == "pre" else s[:maxlen]
        k = len(kept)
        if k:
            steps = slice(maxlen - k, maxlen) if padding == "pre" else slice(0, k)
            X[n, steps] = kept
            mask[n, steps] = True
    return X, ~mask


@mistake(
    "pad_sequences",
    "mask computed as X != value: a real token equal to the padding value is masked",
)
def pad_mask_from_values(
    seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"
):
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[max(len(s) - maxlen, 0) :] if truncating == "pre" else s[:maxlen]
        k = len(kept)
        if k:
            steps = slice(maxlen - k, maxlen) if padding == "pre" else slice(0, k)
            X[n, steps] = kept
    return X, X != value


@mistake("pad_sequences", "maxlen=None taken as the shortest sequence")
def pad_to_shortest(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    if maxlen is None:
        maxlen = min((len(s) for s in seqs), default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = s[max(len(s) - maxlen, 0) :] if truncating == "pre" else s[:maxlen]
        k = len(kept)
        if k:
            steps = slice(maxlen - k, maxlen) if padding == "pre" else slice(0, k)
            X[n, steps] = kept
            mask[n, steps] = True
    return X, mask


@delegates("pad_sequences")
def pad_by_rnnlib(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    return rl.data.pad_sequences(seqs, maxlen, padding, truncating, value, dtype)


@delegates("pad_sequences")
def pad_by_keras(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    X = keras.utils.pad_sequences(
        seqs, maxlen=maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype
    )
    L = X.shape[1]
    mask = np.zeros(X.shape, dtype=bool)
    for n, s in enumerate(seqs):
        k = min(len(s), L)
        if k and padding == "pre":
            mask[n, L - k :] = True
        elif k:
            mask[n, :k] = True
    return X, mask


# ---- bag_of_words ----------------------------------------------------------------------------


@mistake("bag_of_words", "presence (0/1) instead of counts")
def bag_presence(X, depth, mask=None):
    X = np.asarray(X)
    if mask is None:
        mask = np.ones(X.shape, dtype=bool)
    hits = X[..., None] == np.arange(depth)
    return (hits & mask[..., None]).any(axis=1).astype(np.float32)


@mistake("bag_of_words", "ignores the mask")
def bag_without_mask(X, depth, mask=None):
    X = np.asarray(X)
    hits = X[..., None] == np.arange(depth)
    return hits.sum(axis=1).astype(np.float32)


@mistake("bag_of_words", "counts the masked steps instead of the real ones")
def bag_of_padding(X, depth, mask=None):
    X = np.asarray(X)
    if mask is None:
        mask = np.zeros(X.shape, dtype=bool)
    hits = X[..., None] == np.arange(depth)
    return (hits & ~mask[..., None]).sum(axis=1).astype(np.float32)


@mistake("bag_of_words", "sums over the batch axis instead of time")
def bag_over_batch(X, depth, mask=None):
    X = np.asarray(X)
    if mask is None:
        mask = np.ones(X.shape, dtype=bool)
    hits = X[..., None] == np.arange(depth)
    return (hits & mask[..., None]).sum(axis=0).astype(np.float32)


@delegates("bag_of_words")
def bag_by_rnnlib(X, depth, mask=None):
    return rl.data.bag_of_words(X, depth, mask)


# ---- build_rnn_classifier --------------------------------------------------------------------


@mistake("build_rnn_classifier", "a fixed-length MLP on the flattened input")
def classifier_mlp(vocab_size, units=16):
    model = keras.Sequential(
        [
            keras.Input(shape=(20, vocab_size)),
            keras.layers.Flatten(),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_rnn_classifier", "return_sequences=True: one probability per step")
def classifier_per_step(vocab_size, units=16):
    model = keras.Sequential(
        [
            keras.Input(shape=(None, vocab_size)),
            keras.layers.GRU(units, return_sequences=True),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_rnn_classifier", "no sigmoid: the output is a logit")
def classifier_logit(vocab_size, units=16):
    model = keras.Sequential(
        [keras.Input(shape=(None, vocab_size)), keras.layers.GRU(units), keras.layers.Dense(1)]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_rnn_classifier", "order-blind: averages the one-hot vectors over time")
def classifier_average(vocab_size, units=16):
    model = keras.Sequential(
        [
            keras.Input(shape=(None, vocab_size)),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_rnn_classifier", "a SimpleRNN instead of the GRU")
def classifier_simple_rnn(vocab_size, units=16):
    model = keras.Sequential(
        [
            keras.Input(shape=(None, vocab_size)),
            keras.layers.SimpleRNN(units),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake("build_rnn_classifier", "ignores units (always 16)")
def classifier_fixed_units(vocab_size, units=16):
    model = keras.Sequential(
        [
            keras.Input(shape=(None, vocab_size)),
            keras.layers.GRU(16),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@mistake(
    "build_rnn_classifier",
    "an extra layer with no parameters (GlobalMaxPool over the GRU's states)",
)
def classifier_extra_pool(vocab_size, units=16):
    model = keras.Sequential(
        [
            keras.Input(shape=(None, vocab_size)),
            keras.layers.GRU(units, return_sequences=True),
            keras.layers.GlobalMaxPooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model
