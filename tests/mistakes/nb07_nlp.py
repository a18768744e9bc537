"""Plausible wrong answers to notebook 07's exercises (solutions/07_nlp)."""

import keras
import numpy as np

import rnnlib as rl
from mistakes.catalogue import delegates, mistake

PAD, BOS, EOS = 0, 1, 2  # stand-ins for the notebook's names (not copied into the answers)

NO_REFERENCE = {
    "build_name_classifier": "a Keras model the student assembles; no library function builds it",
}

# ---- shift_inputs_targets --------------------------------------------------------------------


@mistake("shift_inputs_targets", "targets not shifted (equal to the inputs)")
def shift_not_shifted(seqs, bos=BOS, eos=EOS, pad=PAD):
    T = max((len(s) for s in seqs), default=0) + 1
    inputs = np.full((len(seqs), T), pad, dtype=np.int32)
    mask = np.zeros((len(seqs), T), dtype=bool)
    for n, s in enumerate(seqs):
        inputs[n, : len(s) + 1] = [bos] + list(s)
        mask[n, : len(s) + 1] = True
    return inputs, inputs.copy(), mask


@mistake("shift_inputs_targets", "the mask misses the step that predicts EOS")
def shift_mask_without_eos(seqs, bos=BOS, eos=EOS, pad=PAD):
    T = max((len(s) for s in seqs), default=0) + 1
    inputs = np.full((len(seqs), T), pad, dtype=np.int32)
    targets = np.full((len(seqs), T), pad, dtype=np.int32)
    mask = np.zeros((len(seqs), T), dtype=bool)
    for n, s in enumerate(seqs):
        inputs[n, : len(s) + 1] = [bos] + list(s)
        targets[n, : len(s) + 1] = list(s) + [eos]
        mask[n, : len(s)] = True
    return inputs, targets, mask


@mistake("shift_inputs_targets", "padding at the front (Keras's default 'pre')")
def shift_pre_padding(seqs, bos=BOS, eos=EOS, pad=PAD):
    T = max((len(s) for s in seqs), default=0) + 1
    inputs = np.full((len(seqs), T), pad, dtype=np.int32)
    targets = np.full((len(seqs), T), pad, dtype=np.int32)
    mask = np.zeros((len(seqs), T), dtype=bool)
    for n, s in enumerate(seqs):
        start = T - len(s) - 1
        inputs[n, start:] = [bos] + list(s)
        targets[n, start:] = list(s) + [eos]
        mask[n, start:] = True
    return inputs, targets, mask


@mistake("shift_inputs_targets", "padding and markers hard-coded as 0, 1, 2")
def shift_hard_coded(seqs, bos=BOS, eos=EOS, pad=PAD):
    T = max((len(s) for s in seqs), default=0) + 1
    inputs = np.zeros((len(seqs), T), dtype=np.int32)
    targets = np.zeros((len(seqs), T), dtype=np.int32)
    mask = np.zeros((len(seqs), T), dtype=bool)
    for n, s in enumerate(seqs):
        inputs[n, : len(s) + 1] = [1] + list(s)
        targets[n, : len(s) + 1] = list(s) + [2]
        mask[n, : len(s) + 1] = True
    return inputs, targets, mask


@delegates("shift_inputs_targets")
def shift_by_rnnlib(seqs, bos=BOS, eos=EOS, pad=PAD):
    return rl.lm.lm_inputs_targets(seqs, bos=bos, eos=eos, pad=pad)


# ---- masked_nll ------------------------------------------------------------------------------


@mistake("masked_nll", "mask ignored (mean over every step)")
def nll_no_mask(logits, targets, mask):
    z = np.asarray(logits, float)
    z = z - z.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(-np.take_along_axis(log_p, np.asarray(targets)[..., None], -1).mean())


@mistake("masked_nll", "summed and divided by N (nats per name)")
def nll_per_sequence(logits, targets, mask):
    z = np.asarray(logits, float)
    z = z - z.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, np.asarray(targets)[..., None], -1)[..., 0]
    return float(-(picked * mask).sum() / len(picked))


@mistake("masked_nll", "no maximum subtracted (overflows for large logits)")
def nll_overflow(logits, targets, mask):
    with np.errstate(all="ignore"):
        p = np.exp(np.asarray(logits, float))
        p = p / p.sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(p, np.asarray(targets)[..., None], -1)[..., 0]
        return float(-np.log(picked[np.asarray(mask, bool)]).mean())


@mistake("masked_nll", "log of the clipped probability (wrong for very unlikely targets)")
def nll_clipped(logits, targets, mask):
    z = np.asarray(logits, float)
    z = z - z.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(p, np.asarray(targets)[..., None], -1)[..., 0]
    return float(-np.log(np.clip(picked, 1e-7, 1.0))[np.asarray(mask, bool)].mean())


@delegates("masked_nll")
def nll_by_rnnlib(logits, targets, mask):
    mask = np.asarray(mask, bool)
    return rl.cells.temporal_softmax_loss(logits, targets, mask)[0] * len(mask) / mask.sum()


@delegates("masked_nll")
def nll_by_keras(logits, targets, mask):
    losses = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    return float(np.asarray(losses)[np.asarray(mask, bool)].mean())


# ---- sample_names ----------------------------------------------------------------------------


@mistake("sample_names", "temperature applied to the probabilities, not the logits")
def sample_tempered_probs(step, state, temperature, rng, max_length=20, bos=BOS, eos=EOS):
    M = len(state)
    tokens, out, done = np.full(M, bos), [[] for _ in range(M)], np.zeros(M, bool)
    for _ in range(max_length):
        logits, state = step(tokens, state)
        z = np.asarray(logits, float)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p = p / p.sum(axis=1, keepdims=True) / temperature
        p = p / p.sum(axis=1, keepdims=True)
        tokens = (np.cumsum(p, axis=1) <= rng.random((M, 1))).sum(axis=1)
        for n in np.flatnonzero(~done):
            if tokens[n] == eos:
                done[n] = True
            else:
                out[n].append(int(tokens[n]))
        if done.all():
            break
    return out


@mistake("sample_names", "BOS fed at every step (the drawn character is not fed back)")
def sample_no_feedback(step, state, temperature, rng, max_length=20, bos=BOS, eos=EOS):
    M = len(state)
    out, done = [[] for _ in range(M)], np.zeros(M, bool)
    for _ in range(max_length):
        logits, state = step(np.full(M, bos), state)
        z = np.asarray(logits, float) / temperature
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p = p / p.sum(axis=1, keepdims=True)
        tokens = (np.cumsum(p, axis=1) <= rng.random((M, 1))).sum(axis=1)
        for n in np.flatnonzero(~done):
            if tokens[n] == eos:
                done[n] = True
            else:
                out[n].append(int(tokens[n]))
        if done.all():
            break
    return out


@mistake("sample_names", "the initial state passed at every step")
def sample_state_not_carried(step, state, temperature, rng, max_length=20, bos=BOS, eos=EOS):
    M = len(state)
    tokens, out, done = np.full(M, bos), [[] for _ in range(M)], np.zeros(M, bool)
    for _ in range(max_length):
        logits, _ = step(tokens, state)
        z = np.asarray(logits, float) / temperature
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p = p / p.sum(axis=1, keepdims=True)
        tokens = (np.cumsum(p, axis=1) <= rng.random((M, 1))).sum(axis=1)
        for n in np.flatnonzero(~done):
            if tokens[n] == eos:
                done[n] = True
            else:
                out[n].append(int(tokens[n]))
        if done.all():
            break
    return out


@mistake("sample_names", "argmax instead of a draw")
def sample_argmax(step, state, temperature, rng, max_length=20, bos=BOS, eos=EOS):
    M = len(state)
    tokens, out, done = np.full(M, bos), [[] for _ in range(M)], np.zeros(M, bool)
    for _ in range(max_length):
        logits, state = step(tokens, state)
        tokens = np.argmax(np.asarray(logits), axis=1)
        for n in np.flatnonzero(~done):
            if tokens[n] == eos:
                done[n] = True
            else:
                out[n].append(int(tokens[n]))
        if done.all():
            break
    return out


@delegates("sample_names")
def sample_by_rnnlib(step, state, temperature, rng, max_length=20, bos=BOS, eos=EOS):
    M = len(state)
    tokens, out, done = np.full(M, bos), [[] for _ in range(M)], np.zeros(M, bool)
    for _ in range(max_length):
        logits, state = step(tokens, state)
        tokens = rl.lm.sample(logits, temperature, rng)
        for n in np.flatnonzero(~done):
            if tokens[n] == eos:
                done[n] = True
            else:
                out[n].append(int(tokens[n]))
        if done.all():
            break
    return out


# ---- build_name_classifier -------------------------------------------------------------------


@mistake("build_name_classifier", "no mask_zero (the padding changes the answer)")
def classifier_no_mask(V, K, units=64, D=32):
    ids = keras.Input((None,), dtype="int32")
    h = keras.layers.GRU(units)(keras.layers.Embedding(V, D)(ids))
    return keras.Model(ids, keras.layers.Dense(K)(h))


@mistake("build_name_classifier", "return_sequences=True (one output per step)")
def classifier_every_step(V, K, units=64, D=32):
    ids = keras.Input((None,), dtype="int32")
    e = keras.layers.Embedding(V, D, mask_zero=True)(ids)
    h = keras.layers.GRU(units, return_sequences=True)(e)
    return keras.Model(ids, keras.layers.Dense(K)(h))


@mistake("build_name_classifier", "softmax output (probabilities, not logits)")
def classifier_softmax(V, K, units=64, D=32):
    ids = keras.Input((None,), dtype="int32")
    e = keras.layers.Embedding(V, D, mask_zero=True)(ids)
    h = keras.layers.GRU(units)(e)
    return keras.Model(ids, keras.layers.Dense(K, activation="softmax")(h))


@mistake("build_name_classifier", "a bag of characters (mean of the embeddings, no recurrence)")
def classifier_bag(V, K, units=64, D=32):
    ids = keras.Input((None,), dtype="int32")
    e = keras.layers.Embedding(V, D, mask_zero=True)(ids)
    h = keras.layers.GlobalAveragePooling1D()(e)
    return keras.Model(ids, keras.layers.Dense(K)(keras.layers.Dense(units, "tanh")(h)))


# ---- greedy_decode ---------------------------------------------------------------------------


@mistake("greedy_decode", "keeps decoding after EOS (no pad, the score goes on)")
def greedy_no_stop(step, state, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    tokens, scores, out = np.full(N, bos), np.zeros(N), []
    for _ in range(max_length):
        log_probs, state = step(tokens, state)
        tokens = np.asarray(log_probs).argmax(axis=1)
        scores += np.asarray(log_probs)[np.arange(N), tokens]
        out.append(tokens)
    return np.stack(out, axis=1), scores


@mistake("greedy_decode", "BOS fed at every step (no feedback)")
def greedy_no_feedback(step, state, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    scores, done, out = np.zeros(N), np.zeros(N, bool), []
    for _ in range(max_length):
        log_probs, state = step(np.full(N, bos), state)
        best = np.asarray(log_probs).argmax(axis=1)
        scores += np.where(done, 0.0, np.asarray(log_probs)[np.arange(N), best])
        tokens = np.where(done, pad, best)
        out.append(tokens)
        done |= tokens == eos
        if done.all():
            break
    return np.stack(out, axis=1), scores


@mistake("greedy_decode", "the initial state passed at every step")
def greedy_state_not_carried(step, state, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    tokens, scores, done, out = np.full(N, bos), np.zeros(N), np.zeros(N, bool), []
    for _ in range(max_length):
        log_probs, _ = step(tokens, state)
        best = np.asarray(log_probs).argmax(axis=1)
        scores += np.where(done, 0.0, np.asarray(log_probs)[np.arange(N), best])
        tokens = np.where(done, pad, best)
        out.append(tokens)
        done |= tokens == eos
        if done.all():
            break
    return np.stack(out, axis=1), scores


@delegates("greedy_decode")
def greedy_by_rnnlib(step, state, max_length, bos=BOS, eos=EOS, pad=PAD):
    return rl.lm.beam_search(step, state, 1, max_length, bos=bos, eos=eos, pad=pad)


# ---- beam_search -----------------------------------------------------------------------------


@mistake("beam_search", "ranked by the last step's log-probability only")
def beam_last_step_only(step, state, k, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    state = np.repeat(np.asarray(state), k, axis=0)
    tokens = np.full(N * k, bos)
    scores = np.full((N, k), -np.inf)
    scores[:, 0] = 0.0
    done = np.zeros((N, k), bool)
    history = np.zeros((N, k, 0), np.int64)
    for _ in range(max_length):
        log_probs, new_state = step(tokens, state)
        log_probs = np.asarray(log_probs, float)
        V = log_probs.shape[1]
        log_probs = log_probs.reshape(N, k, V).copy()
        log_probs[done] = -np.inf
        log_probs[..., pad][done] = 0.0
        cand = (np.where(np.isfinite(scores), 0.0, -np.inf)[..., None] + log_probs).reshape(
            N, k * V
        )
        best = np.argsort(-cand, axis=1, kind="stable")[:, :k]
        parent, token = best // V, best % V
        scores = np.take_along_axis(scores, parent, axis=1) + np.take_along_axis(
            log_probs.reshape(N, k * V), best, axis=1
        )
        history = np.concatenate(
            [np.take_along_axis(history, parent[..., None], axis=1), token[..., None]], axis=2
        )
        done = np.take_along_axis(done, parent, axis=1) | (token == eos)
        state = np.asarray(new_state)[(np.arange(N)[:, None] * k + parent).ravel()]
        tokens = token.ravel()
    best = np.argmax(scores, axis=1)
    return history[np.arange(N), best], scores[np.arange(N), best]


@mistake("beam_search", "the state not reordered to the parent hypotheses")
def beam_no_reorder(step, state, k, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    state = np.repeat(np.asarray(state), k, axis=0)
    tokens = np.full(N * k, bos)
    scores = np.full((N, k), -np.inf)
    scores[:, 0] = 0.0
    done = np.zeros((N, k), bool)
    history = np.zeros((N, k, 0), np.int64)
    for _ in range(max_length):
        log_probs, new_state = step(tokens, state)
        log_probs = np.asarray(log_probs, float)
        V = log_probs.shape[1]
        log_probs = log_probs.reshape(N, k, V).copy()
        log_probs[done] = -np.inf
        log_probs[..., pad][done] = 0.0
        cand = (scores[..., None] + log_probs).reshape(N, k * V)
        best = np.argsort(-cand, axis=1, kind="stable")[:, :k]
        parent, token = best // V, best % V
        scores = np.take_along_axis(scores, parent, axis=1) + np.take_along_axis(
            log_probs.reshape(N, k * V), best, axis=1
        )
        history = np.concatenate(
            [np.take_along_axis(history, parent[..., None], axis=1), token[..., None]], axis=2
        )
        done = np.take_along_axis(done, parent, axis=1) | (token == eos)
        state = np.asarray(new_state)
        tokens = token.ravel()
    best = np.argmax(scores, axis=1)
    return history[np.arange(N), best], scores[np.arange(N), best]


@mistake("beam_search", "all k copies live at the start (duplicate hypotheses)")
def beam_duplicates(step, state, k, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    state = np.repeat(np.asarray(state), k, axis=0)
    tokens = np.full(N * k, bos)
    scores = np.full((N, k), 0.0)
    scores[:, 0] = 0.0
    done = np.zeros((N, k), bool)
    history = np.zeros((N, k, 0), np.int64)
    for _ in range(max_length):
        log_probs, new_state = step(tokens, state)
        log_probs = np.asarray(log_probs, float)
        V = log_probs.shape[1]
        log_probs = log_probs.reshape(N, k, V).copy()
        log_probs[done] = -np.inf
        log_probs[..., pad][done] = 0.0
        cand = (scores[..., None] + log_probs).reshape(N, k * V)
        best = np.argsort(-cand, axis=1, kind="stable")[:, :k]
        parent, token = best // V, best % V
        scores = np.take_along_axis(scores, parent, axis=1) + np.take_along_axis(
            log_probs.reshape(N, k * V), best, axis=1
        )
        history = np.concatenate(
            [np.take_along_axis(history, parent[..., None], axis=1), token[..., None]], axis=2
        )
        done = np.take_along_axis(done, parent, axis=1) | (token == eos)
        state = np.asarray(new_state)[(np.arange(N)[:, None] * k + parent).ravel()]
        tokens = token.ravel()
    best = np.argmax(scores, axis=1)
    return history[np.arange(N), best], scores[np.arange(N), best]


@mistake("beam_search", "finished hypotheses keep being extended (EOS not final)")
def beam_eos_not_final(step, state, k, max_length, bos=BOS, eos=EOS, pad=PAD):
    N = len(state)
    state = np.repeat(np.asarray(state), k, axis=0)
    tokens = np.full(N * k, bos)
    scores = np.full((N, k), -np.inf)
    scores[:, 0] = 0.0
    done = np.zeros((N, k), bool)
    history = np.zeros((N, k, 0), np.int64)
    for _ in range(max_length):
        log_probs, new_state = step(tokens, state)
        log_probs = np.asarray(log_probs, float)
        V = log_probs.shape[1]
        log_probs = log_probs.reshape(N, k, V).copy()
        cand = (scores[..., None] + log_probs).reshape(N, k * V)
        best = np.argsort(-cand, axis=1, kind="stable")[:, :k]
        parent, token = best // V, best % V
        scores = np.take_along_axis(scores, parent, axis=1) + np.take_along_axis(
            log_probs.reshape(N, k * V), best, axis=1
        )
        history = np.concatenate(
            [np.take_along_axis(history, parent[..., None], axis=1), token[..., None]], axis=2
        )
        done = np.take_along_axis(done, parent, axis=1) | (token == eos)
        state = np.asarray(new_state)[(np.arange(N)[:, None] * k + parent).ravel()]
        tokens = token.ravel()
    best = np.argmax(scores, axis=1)
    return history[np.arange(N), best], scores[np.arange(N), best]


@delegates("beam_search")
def beam_by_rnnlib(step, state, k, max_length, bos=BOS, eos=EOS, pad=PAD):
    return rl.lm.beam_search(step, state, k, max_length, bos=bos, eos=eos, pad=pad)
