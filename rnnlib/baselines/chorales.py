"""Count-based next-step models of four-voice chorales: the honest non-neural baselines of
notebook 09's LSTM.

Each predicts every voice's token at step t (``REST``, ``HOLD`` or a new pitch) from that
voice's own previous tokens, and gives the whole distribution over the V tokens, so that the
same metrics (:func:`rnnlib.music.next_step_metrics`) apply to it and to the network:

* :class:`RepeatBaseline`: "the previous step goes on" (a held note is held, a rest stays a
  rest) with a probability fitted per voice; any other token by its frequency in training;
* :class:`VoiceNgram`: a per-voice n-gram of the voice's last n - 1 tokens, each order
  smoothed toward the next lower one (``p = (count + a p_lower) / (total + a)``, ``a`` chosen
  on validation), down to the voice's unigram and a uniform floor;
* :class:`BarBigram`: the same smoothing with the context (previous step, bar position of
  the step to predict), backing off to the previous step alone and the unigram; the previous
  step is its token and the pitch it holds.

``fit`` takes chorales (anything with ``tokens`` (T, 4) and ``positions`` (T,)), ``predict``
one chorale's ``(tokens, positions)`` and returns probabilities (T - 1, 4, V) of the targets
``tokens[1:]``.
"""

from __future__ import annotations

import numpy as np

from rnnlib.music.encoding import HOLD, N_VOICES, PAD, REST, VOCAB_SIZE, sounding_pitches

__all__ = ["RepeatBaseline", "VoiceNgram", "BarBigram", "fit_baseline_alpha"]

ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0)


def _floor() -> np.ndarray:
    """Uniform over every token a target can be (not PAD): (V,)."""
    p = np.ones(VOCAB_SIZE)
    p[PAD] = 0.0
    return p / p.sum()


def _continuation(tokens: np.ndarray) -> np.ndarray:
    """The token that says "the previous step goes on" for each step after the first:
    HOLD while a note sounds, REST during a rest. (T - 1, 4)."""
    sounding = sounding_pitches(tokens[:-1]) > 0  # (T - 1, 4)
    return np.where(sounding, HOLD, REST)


class RepeatBaseline:
    """ "The previous step goes on" with a fitted probability q per voice; any other token
    shares 1 - q by its training frequency (add-one)."""

    def fit(self, chorales) -> RepeatBaseline:
        stay = np.zeros(N_VOICES)
        total = np.zeros(N_VOICES)
        other = np.ones((N_VOICES, VOCAB_SIZE))  # add-one counts of non-continuation targets
        other[:, PAD] = 0
        for c in chorales:
            cont, target = _continuation(c.tokens), c.tokens[1:]
            same = cont == target  # (T - 1, 4)
            stay += same.sum(axis=0)
            total += len(target)
            for v in range(N_VOICES):
                np.add.at(other[v], target[~same[:, v], v], 1)
        self.q = stay / np.maximum(total, 1)  # (4,)
        self._other = other
        return self

    def predict(self, tokens, positions=None) -> np.ndarray:
        tokens = np.asarray(tokens)
        cont = _continuation(tokens)  # (T - 1, 4)
        out = np.empty((len(cont), N_VOICES, VOCAB_SIZE))
        for v in range(N_VOICES):
            counts = np.repeat(self._other[v][None], len(cont), axis=0)  # (T - 1, V)
            counts[np.arange(len(cont)), cont[:, v]] = 0
            rest = counts / counts.sum(axis=1, keepdims=True)
            out[:, v] = (1 - self.q[v]) * rest
            out[np.arange(len(cont)), v, cont[:, v]] = self.q[v]
        return out


class _Chain:
    """Dirichlet-smoothed counts of a voice's next token under nested contexts, longest first.

    Subclasses say what the contexts of each step are (:meth:`_contexts`)."""

    levels: int

    def __init__(self, alpha: float = 3.0):
        self.alpha = float(alpha)

    def _contexts(self, tokens: np.ndarray, positions: np.ndarray, v: int) -> list[np.ndarray]:
        raise NotImplementedError

    def fit(self, chorales) -> _Chain:
        self._tables = []  # per voice, per level: (sorted codes, counts (K, V))
        for v in range(N_VOICES):
            codes = [[] for _ in range(self.levels)]
            targets = []
            for c in chorales:
                for lvl, code in enumerate(self._contexts(c.tokens, c.positions, v)):
                    codes[lvl].append(code)
                targets.append(c.tokens[1:, v])
            y = np.concatenate(targets)
            tables = []
            for lvl in range(self.levels):
                keys, inv = np.unique(np.concatenate(codes[lvl]), return_inverse=True)
                counts = np.zeros((len(keys), VOCAB_SIZE))
                np.add.at(counts, (inv, y), 1)
                tables.append((keys, counts))
            self._tables.append(tables)
        return self

    def predict(self, tokens, positions) -> np.ndarray:
        tokens, positions = np.asarray(tokens), np.asarray(positions)
        out = np.empty((len(tokens) - 1, N_VOICES, VOCAB_SIZE))
        for v in range(N_VOICES):
            p = np.repeat(_floor()[None], len(tokens) - 1, axis=0)  # (T - 1, V)
            contexts = self._contexts(tokens, positions, v)
            for lvl in reversed(range(self.levels)):  # shortest context first
                keys, counts = self._tables[v][lvl]
                at = np.minimum(np.searchsorted(keys, contexts[lvl]), len(keys) - 1)
                found = keys[at] == contexts[lvl]
                c = np.where(found[:, None], counts[at], 0.0)  # (T - 1, V)
                p = (c + self.alpha * p) / (c.sum(axis=1, keepdims=True) + self.alpha)
            out[:, v] = p
        return out


def _history(tokens: np.ndarray, v: int, k: int) -> np.ndarray:
    """The code of voice v's k previous tokens before each target step 1..T-1 (PAD before the
    start): (T - 1,) int64."""
    col = np.concatenate([np.full(k, PAD), tokens[:, v]]).astype(np.int64)
    code = np.zeros(len(tokens) - 1, dtype=np.int64)
    for j in range(k, 0, -1):  # the oldest token first
        code = code * VOCAB_SIZE + col[k - j + 1 : k - j + len(tokens)]
    return code


class VoiceNgram(_Chain):
    """A per-voice n-gram: voice v's next token from its own last n - 1 tokens."""

    def __init__(self, n: int = 3, alpha: float = 3.0):
        if int(n) < 1:
            raise ValueError(f"VoiceNgram: n should be >= 1, got {n}")
        super().__init__(alpha)
        self.n = int(n)
        self.levels = self.n  # contexts of n - 1, n - 2, ..., 0 tokens

    def _contexts(self, tokens, positions, v):
        return [_history(tokens, v, k) for k in range(self.n - 1, -1, -1)]


class BarBigram(_Chain):
    """Voice v's next token from the previous step and the bar position of the next step,
    backing off to the previous step alone and to the unigram. The previous step is its
    token and, for a HOLD, the pitch held (a HOLD token alone does not say which note goes
    on)."""

    levels = 3

    def _contexts(self, tokens, positions, v):
        prev = _history(tokens, v, 1)  # (T - 1,) the previous token
        held = sounding_pitches(tokens[:-1, v])  # (T - 1,) the pitch sounding there, 0 = none
        state = prev * 128 + held
        pos = np.asarray(positions, dtype=np.int64)[1:]
        return [state * 64 + pos, state, np.zeros_like(prev)]


def fit_baseline_alpha(model, train, val, alphas=ALPHAS):
    """Fits a :class:`VoiceNgram` or :class:`BarBigram` on ``train`` (the counts do not
    depend on alpha) and sets its ``alpha`` to the one of ``alphas`` with the lowest NLL per
    token on ``val``; returns the model, ``model.val_nll`` holding every alpha's loss."""
    from rnnlib.music.metrics import next_step_metrics

    model.fit(train)
    targets = np.concatenate([c.tokens[1:] for c in val])
    losses = {}
    for a in alphas:
        model.alpha = float(a)
        probs = np.concatenate([model.predict(c.tokens, c.positions) for c in val])
        losses[float(a)] = next_step_metrics(probs, targets, targets)["nll_per_token"]
    model.alpha = min(losses, key=losses.get)
    model.val_nll = losses
    return model
