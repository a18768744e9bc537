"""Plausible wrong answers to notebook 09's exercises (solutions/09_music)."""

import numpy as np

import rnnlib as rl
from mistakes.catalogue import delegates, mistake

# ---- encode_voice ----------------------------------------------------------------------------


@mistake("encode_voice", "holds encoded as new onsets (no HOLD)")
def encode_no_hold(events, n_steps, steps_per_quarter):
    tokens = np.full(n_steps, rl.music.REST, dtype=np.int64)
    for offset, duration, pitch in events:
        start, length = offset * steps_per_quarter, duration * steps_per_quarter
        if start != int(start) or length != int(length):
            raise ValueError("off the grid")
        if pitch is not None:
            tokens[int(start) : int(start + length)] = rl.music.pitch_token(pitch)
    return tokens


@mistake("encode_voice", "MIDI pitches instead of tokens")
def encode_midi(events, n_steps, steps_per_quarter):
    tokens = np.full(n_steps, rl.music.REST, dtype=np.int64)
    for offset, duration, pitch in events:
        start, length = offset * steps_per_quarter, duration * steps_per_quarter
        if start != int(start) or length != int(length):
            raise ValueError("off the grid")
        if pitch is not None:
            tokens[int(start)] = pitch
            tokens[int(start) + 1 : int(start + length)] = rl.music.HOLD
    return tokens


@mistake("encode_voice", "rounds events off the grid instead of refusing them")
def encode_rounds(events, n_steps, steps_per_quarter):
    tokens = np.full(n_steps, rl.music.REST, dtype=np.int64)
    for offset, duration, pitch in events:
        start = int(round(offset * steps_per_quarter))
        stop = int(round((offset + duration) * steps_per_quarter))
        if pitch is not None:
            tokens[start] = rl.music.pitch_token(pitch)
            tokens[start + 1 : stop] = rl.music.HOLD
    return tokens


@mistake("encode_voice", "durations read as steps, not quarter notes")
def encode_duration_in_steps(events, n_steps, steps_per_quarter):
    tokens = np.full(n_steps, rl.music.REST, dtype=np.int64)
    for offset, duration, pitch in events:
        start, length = offset * steps_per_quarter, duration * steps_per_quarter
        if start != int(start) or length != int(length):
            raise ValueError("off the grid")
        start = int(start)
        if pitch is not None:
            tokens[start] = rl.music.pitch_token(pitch)
            tokens[start + 1 : start + int(duration)] = rl.music.HOLD
    return tokens


@delegates("encode_voice")
def encode_by_rnnlib(events, n_steps, steps_per_quarter):
    return rl.music.encode_voice(events, n_steps, steps_per_quarter)


# ---- decode_voice ----------------------------------------------------------------------------


@mistake("decode_voice", "consecutive rests not merged")
def decode_rests_apart(tokens, steps_per_quarter):
    events = []
    for t, token in enumerate(np.asarray(tokens).tolist()):
        if token == rl.music.PAD:
            break
        if token >= 3:
            events.append([t, 1, rl.music.token_pitch(token)])
        elif token == rl.music.HOLD and events:
            events[-1][1] += 1
        else:
            events.append([t, 1, None])
    return [(s / steps_per_quarter, n / steps_per_quarter, p) for s, n, p in events]


@mistake("decode_voice", "durations in steps, not quarter notes")
def decode_steps(tokens, steps_per_quarter):
    events = []
    for t, token in enumerate(np.asarray(tokens).tolist()):
        if token == rl.music.PAD:
            break
        if token >= 3:
            events.append([t, 1, rl.music.token_pitch(token)])
        elif events and (token == rl.music.HOLD or events[-1][2] is None):
            events[-1][1] += 1
        else:
            events.append([t, 1, None])
    return [(s / steps_per_quarter, float(n), p) for s, n, p in events]


@mistake("decode_voice", "a HOLD after a rest restarts the last note")
def decode_hold_restarts(tokens, steps_per_quarter):
    events, last = [], None
    for t, token in enumerate(np.asarray(tokens).tolist()):
        if token == rl.music.PAD:
            break
        if token >= 3:
            last = rl.music.token_pitch(token)
            events.append([t, 1, last])
        elif token == rl.music.HOLD and events and events[-1][2] is None and last is not None:
            events.append([t, 1, last])
        elif events and (token == rl.music.HOLD or events[-1][2] is None):
            events[-1][1] += 1
        else:
            events.append([t, 1, None])
    return [(s / steps_per_quarter, n / steps_per_quarter, p) for s, n, p in events]


@mistake("decode_voice", "PAD read as a rest")
def decode_pad_as_rest(tokens, steps_per_quarter):
    events = []
    for t, token in enumerate(np.asarray(tokens).tolist()):
        if token >= 3:
            events.append([t, 1, rl.music.token_pitch(token)])
        elif events and (token == rl.music.HOLD or events[-1][2] is None):
            events[-1][1] += 1
        else:
            events.append([t, 1, None])
    return [(s / steps_per_quarter, n / steps_per_quarter, p) for s, n, p in events]


@delegates("decode_voice")
def decode_by_rnnlib(tokens, steps_per_quarter):
    return rl.music.decode_voice(tokens, steps_per_quarter)


# ---- next_step_pairs -------------------------------------------------------------------------


@mistake("next_step_pairs", "targets not shifted")
def pairs_not_shifted(tokens, positions):
    tokens, positions = np.asarray(tokens), np.asarray(positions)
    return tokens[:, :-1], positions[:, 1:], tokens[:, :-1]


@mistake("next_step_pairs", "positions of the steps seen, not of the steps to predict")
def pairs_current_positions(tokens, positions):
    tokens, positions = np.asarray(tokens), np.asarray(positions)
    return tokens[:, :-1], positions[:, :-1], tokens[:, 1:]


@mistake("next_step_pairs", "shifted along the batch axis")
def pairs_batch_axis(tokens, positions):
    tokens, positions = np.asarray(tokens), np.asarray(positions)
    return tokens[:-1], positions[:-1], tokens[1:]


@delegates("next_step_pairs")
def pairs_by_rnnlib(tokens, positions):
    return rl.music.next_step_pairs(tokens, positions)


# ---- sample_step -----------------------------------------------------------------------------


@mistake("sample_step", "temperature applied to probabilities instead of logits")
def sample_tempered_probs(logits, temperature, rng):
    z = np.asarray(logits, dtype=float)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True) / temperature
    p = p / p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(p.shape[1], p=row) for row in p])


@mistake("sample_step", "multiplies the logits by the temperature")
def sample_times_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=float) * temperature
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    return np.array([rng.choice(p.shape[1], p=row) for row in p])


@mistake("sample_step", "argmax instead of a draw")
def sample_argmax(logits, temperature, rng):
    return np.argmax(np.asarray(logits), axis=1)


@mistake("sample_step", "softmax without subtracting the maximum (overflow)")
def sample_overflow(logits, temperature, rng):
    with np.errstate(over="ignore", invalid="ignore"):
        p = np.exp(np.asarray(logits, dtype=float) / temperature)
        p = p / p.sum(axis=1, keepdims=True)
    p = np.nan_to_num(p, nan=0.0)
    u = rng.random((len(p), 1))
    return np.minimum((np.cumsum(p, axis=1) < u).sum(axis=1), p.shape[1] - 1)


@delegates("sample_step")
def sample_by_rnnlib(logits, temperature, rng):
    return rl.lm.sample(logits, temperature, rng)
