"""Plausible wrong answers to the exercises of solutions/01_sequences/01_sequences.ipynb.

WRONG_ANSWERS = {answer grade_id: [(label, full source of the answer cell), ...]}; each must
make at least one of the exercise's tests fail (tests/test_wrong_answers.py).
"""

_ONE_HOT = '''
def one_hot(indices, depth, dtype=np.float32):
    """One-hot vectors for integer ids: (...) -> (..., depth)."""
    indices = np.asarray(indices)
{body}
'''

_PAD = '''
def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    """Pads and truncates N sequences to one length: returns X (N, L) and mask (N, L)."""
    lengths = [len(s) for s in seqs]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    X = np.full((len(seqs), maxlen), value, dtype=dtype)
    mask = np.zeros((len(seqs), maxlen), dtype=bool)
    for n, s in enumerate(seqs):
        s = list(s)
        kept = {kept}
        k = len(kept)
        if k == 0:
            continue
        steps = {steps}
        X[n, steps] = kept
        mask[n, steps] = True
{ending}
'''

_RIGHT_KEPT = 's[max(len(s) - maxlen, 0):] if truncating == "pre" else s[:maxlen]'
_RIGHT_STEPS = 'slice(maxlen - k, maxlen) if padding == "pre" else slice(0, k)'

_BAG = '''
def bag_of_words(X, depth, mask=None):
    """Counts of each token id over the real steps: (N, T) -> (N, depth) float32."""
    X = np.asarray(X)
{body}
'''

_RNN = '''
def build_rnn_classifier(vocab_size, units=16):
    """A compiled many-to-one GRU classifier for one-hot sequences of any length."""
    model = keras.Sequential([
{layers}
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''

WRONG_ANSWERS = {
    "one_hot": [
        ("off by one: the 1 at id + 1 (ids counted from 1)", _ONE_HOT.format(body=(
            "    return (indices[..., None] + 1 == np.arange(depth)).astype(dtype)"))),
        ("off by one: the 1 at id - 1", _ONE_HOT.format(body=(
            "    return (indices[..., None] == np.arange(1, depth + 1)).astype(dtype)"))),
        ("np.eye indexed with the wrong axis (transposed for 2-D input)", _ONE_HOT.format(body=(
            "    return np.eye(depth, dtype=dtype)[:, indices].T"))),
        ("ignores the dtype argument", _ONE_HOT.format(body=(
            "    return np.eye(depth)[indices]"))),
        ("calls the reference", _ONE_HOT.format(body=(
            "    return rl.data.one_hot(indices, depth, dtype)"))),
    ],
    "pad_sequences": [
        ("padding on the wrong side", _PAD.format(
            kept=_RIGHT_KEPT, ending="    return X, mask",
            steps='slice(0, k) if padding == "pre" else slice(maxlen - k, maxlen)')),
        ("truncating the wrong end", _PAD.format(
            steps=_RIGHT_STEPS, ending="    return X, mask",
            kept='s[:maxlen] if truncating == "pre" else s[max(len(s) - maxlen, 0):]')),
        ("s[-maxlen:] breaks for maxlen=0", _PAD.format(
            steps=_RIGHT_STEPS, ending="    return X, mask",
            kept='s[-maxlen:] if truncating == "pre" else s[:maxlen]')),
        ("mask inverted (True at the padding)", _PAD.format(
            kept=_RIGHT_KEPT, steps=_RIGHT_STEPS, ending="    return X, ~mask")),
        ("mask computed as X != value: a real token equal to the padding value is masked",
         _PAD.format(kept=_RIGHT_KEPT, steps=_RIGHT_STEPS, ending="    return X, X != value")),
        ("maxlen=None ignored (always the shortest sequence)", _PAD.replace(
            "max(lengths, default=0)", "min(lengths, default=0)").format(
            kept=_RIGHT_KEPT, steps=_RIGHT_STEPS, ending="    return X, mask")),
        ("calls keras.utils.pad_sequences", '''
def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    """Pads with Keras and derives the mask from the lengths."""
    X = keras.utils.pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating,
                                  value=value, dtype=dtype)
    L = X.shape[1]
    mask = np.zeros(X.shape, dtype=bool)
    for n, s in enumerate(seqs):
        k = min(len(s), L)
        if k:
            mask[n, L - k:] = padding == "pre"
            mask[n, :k] |= padding == "post"
    return X, mask
'''),
        ("calls the reference", '''
def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    """Pads with rnnlib's reference."""
    return rl.data.pad_sequences(seqs, maxlen, padding, truncating, value, dtype)
'''),
    ],
    "bag_of_words": [
        ("presence (0/1) instead of counts", _BAG.format(body='''
    if mask is None:
        mask = np.ones(X.shape, dtype=bool)
    hits = X[..., None] == np.arange(depth)
    return (hits & mask[..., None]).any(axis=1).astype(np.float32)''')),
        ("ignores the mask", _BAG.format(body='''
    hits = X[..., None] == np.arange(depth)
    return hits.sum(axis=1).astype(np.float32)''')),
        ("counts the masked steps instead of the real ones", _BAG.format(body='''
    if mask is None:
        mask = np.zeros(X.shape, dtype=bool)
    hits = X[..., None] == np.arange(depth)
    return (hits & ~mask[..., None]).sum(axis=1).astype(np.float32)''')),
        ("sums over the batch axis instead of time", _BAG.format(body='''
    if mask is None:
        mask = np.ones(X.shape, dtype=bool)
    hits = X[..., None] == np.arange(depth)
    return (hits & mask[..., None]).sum(axis=0).astype(np.float32)''')),
        ("calls the reference", _BAG.format(body='''
    return rl.data.bag_of_words(X, depth, mask)''')),
    ],
    "build_rnn_classifier": [
        ("a fixed-length MLP on the flattened input", _RNN.format(layers='''
        keras.Input(shape=(20, vocab_size)),
        keras.layers.Flatten(),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),''')),
        ("return_sequences=True: one probability per step", _RNN.format(layers='''
        keras.Input(shape=(None, vocab_size)),
        keras.layers.GRU(units, return_sequences=True),
        keras.layers.Dense(1, activation="sigmoid"),''')),
        ("no sigmoid: the output is a logit", _RNN.format(layers='''
        keras.Input(shape=(None, vocab_size)),
        keras.layers.GRU(units),
        keras.layers.Dense(1),''')),
        ("order-blind: averages the one-hot vectors over time", _RNN.format(layers='''
        keras.Input(shape=(None, vocab_size)),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),''')),
    ],
}
