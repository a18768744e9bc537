"""Plausible wrong answers to notebook 08's exercises (solutions/08_speech)."""

import keras
import numpy as np
import tensorflow as tf

import rnnlib as rl
from mistakes.catalogue import delegates, mistake

# ---- frame_signal ----------------------------------------------------------------------------


@mistake("frame_signal", "hop ignored: frames side by side (hop = frame_length)")
def frames_without_overlap(x, frame_length, hop, pad_end=False):
    x = np.asarray(x)
    n = len(x) // frame_length
    if pad_end:
        n = -(-len(x) // frame_length)
        x = np.concatenate([x, np.zeros(n * frame_length - len(x), x.dtype)])
    return x[: n * frame_length].reshape(n, frame_length)


@mistake("frame_signal", "one frame too few: (S - frame_length) // hop frames")
def frames_one_short(x, frame_length, hop, pad_end=False):
    x = np.asarray(x)
    if pad_end:
        n = -(-len(x) // hop)
        x = np.concatenate([x, np.zeros(max((n - 1) * hop + frame_length - len(x), 0), x.dtype)])
    else:
        n = max(0, (len(x) - frame_length) // hop)
    return np.array([x[f * hop : f * hop + frame_length] for f in range(n)]).reshape(
        n, frame_length
    )


@mistake("frame_signal", "pad_end ignored")
def frames_never_padded(x, frame_length, hop, pad_end=False):
    x = np.asarray(x)
    n = max(0, 1 + (len(x) - frame_length) // hop)
    idx = hop * np.arange(n)[:, None] + np.arange(frame_length)
    return x[idx]


@mistake("frame_signal", "pad_end adds a frame even when S is a multiple of the hop")
def frames_extra_padded(x, frame_length, hop, pad_end=False):
    x = np.asarray(x)
    if pad_end:
        n = len(x) // hop + 1
        x = np.concatenate([x, np.zeros(max((n - 1) * hop + frame_length - len(x), 0), x.dtype)])
    else:
        n = max(0, 1 + (len(x) - frame_length) // hop)
    idx = hop * np.arange(n)[:, None] + np.arange(frame_length)
    return x[idx]


@delegates("frame_signal")
def frames_by_rnnlib(x, frame_length, hop, pad_end=False):
    return rl.audio.frame_signal(x, frame_length, hop, pad_end=pad_end)


@delegates("frame_signal")
def frames_by_tf(x, frame_length, hop, pad_end=False):
    return tf.signal.frame(x, frame_length, hop, pad_end=pad_end).numpy()


# ---- log_mel_spectrogram ---------------------------------------------------------------------


@mistake("log_mel_spectrogram", "the log taken before the mel projection")
def log_mel_log_first(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    frames = rl.audio.frame_signal(np.asarray(x, dtype=np.float64), frame_length, hop)
    spectrum = np.fft.rfft(frames * rl.audio.hann_window(frame_length), n=fft_length)
    return (np.log(np.abs(spectrum) ** 2 + eps) @ mel).astype(np.float32)


@mistake("log_mel_spectrogram", "the magnitude |X| instead of the power |X|^2")
def log_mel_magnitude(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    frames = rl.audio.frame_signal(np.asarray(x, dtype=np.float64), frame_length, hop)
    spectrum = np.fft.rfft(frames * rl.audio.hann_window(frame_length), n=fft_length)
    return np.log(np.abs(spectrum) @ mel + eps).astype(np.float32)


@mistake("log_mel_spectrogram", "np.hanning (symmetric) instead of the periodic Hann window")
def log_mel_symmetric_window(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    frames = rl.audio.frame_signal(np.asarray(x, dtype=np.float64), frame_length, hop)
    spectrum = np.fft.rfft(frames * np.hanning(frame_length), n=fft_length)
    return np.log(np.abs(spectrum) ** 2 @ mel + eps).astype(np.float32)


@mistake("log_mel_spectrogram", "no window (rectangular frames)")
def log_mel_no_window(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    frames = rl.audio.frame_signal(np.asarray(x, dtype=np.float64), frame_length, hop)
    spectrum = np.fft.rfft(frames, n=fft_length)
    return np.log(np.abs(spectrum) ** 2 @ mel + eps).astype(np.float32)


@mistake("log_mel_spectrogram", "eps left out (log 0 on silence)")
def log_mel_no_eps(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    frames = rl.audio.frame_signal(np.asarray(x, dtype=np.float64), frame_length, hop)
    spectrum = np.fft.rfft(frames * rl.audio.hann_window(frame_length), n=fft_length)
    with np.errstate(divide="ignore"):
        return np.log(np.abs(spectrum) ** 2 @ mel).astype(np.float32)


@delegates("log_mel_spectrogram")
def log_mel_by_rnnlib(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    return rl.audio.log_mel_spectrogram(
        x, 16000, frame_length, hop, fft_length, mel.shape[1], eps=eps
    )


@delegates("log_mel_spectrogram")
def log_mel_by_tf(x, mel, frame_length=400, hop=160, fft_length=512, eps=1e-6):
    if len(x) < frame_length:
        return np.zeros((0, mel.shape[1]), np.float32)
    spec = tf.signal.stft(np.asarray(x, np.float32), frame_length, hop, fft_length).numpy()
    return np.log(np.abs(spec).astype(np.float64) ** 2 @ mel + eps).astype(np.float32)


# ---- pad_batch -------------------------------------------------------------------------------


@mistake("pad_batch", "padded at the front (Keras's default padding='pre')")
def pad_at_front(sequences, maxlen=None):
    T = max(len(s) for s in sequences) if maxlen is None else maxlen
    C = np.shape(sequences[0])[1]
    X = np.zeros((len(sequences), T, C), np.float32)
    mask = np.zeros((len(sequences), T), bool)
    for i, s in enumerate(sequences):
        n = min(len(s), T)
        if n:
            X[i, T - n :] = np.asarray(s)[:n]
            mask[i, T - n :] = True
    return X, mask


@mistake("pad_batch", "mask ignored: all True")
def pad_mask_ignored(sequences, maxlen=None):
    T = max(len(s) for s in sequences) if maxlen is None else maxlen
    C = np.shape(sequences[0])[1]
    X = np.zeros((len(sequences), T, C), np.float32)
    for i, s in enumerate(sequences):
        n = min(len(s), T)
        X[i, :n] = np.asarray(s)[:n]
    return X, np.ones((len(sequences), T), bool)


@mistake("pad_batch", "mask True at the padding")
def pad_mask_inverted(sequences, maxlen=None):
    T = max(len(s) for s in sequences) if maxlen is None else maxlen
    C = np.shape(sequences[0])[1]
    X = np.zeros((len(sequences), T, C), np.float32)
    mask = np.ones((len(sequences), T), bool)
    for i, s in enumerate(sequences):
        n = min(len(s), T)
        X[i, :n] = np.asarray(s)[:n]
        mask[i, :n] = False
    return X, mask


@mistake("pad_batch", "a long sequence keeps its last frames (truncating='pre')")
def pad_keeps_the_end(sequences, maxlen=None):
    T = max(len(s) for s in sequences) if maxlen is None else maxlen
    C = np.shape(sequences[0])[1]
    X = np.zeros((len(sequences), T, C), np.float32)
    mask = np.zeros((len(sequences), T), bool)
    for i, s in enumerate(sequences):
        n = min(len(s), T)
        if n:
            X[i, :n] = np.asarray(s)[-n:]
            mask[i, :n] = True
    return X, mask


@delegates("pad_batch")
def pad_by_rnnlib(sequences, maxlen=None):
    return rl.data.pad_sequences(
        sequences, maxlen=maxlen, padding="post", truncating="post", dtype="float32"
    )


@delegates("pad_batch")
def pad_by_keras(sequences, maxlen=None):
    X = keras.utils.pad_sequences(
        sequences, maxlen=maxlen, padding="post", truncating="post", dtype="float32"
    )
    lengths = np.minimum([len(s) for s in sequences], X.shape[1])
    return X, np.arange(X.shape[1])[None, :] < lengths[:, None]


# ---- stream_posteriors -----------------------------------------------------------------------


@mistake("stream_posteriors", "the state reset to h0 at the start of every chunk")
def stream_reset_per_chunk(chunks, params, h0):
    rows, h = [], np.asarray(h0, float)[None]
    for chunk in chunks:
        h = np.asarray(h0, float)[None]
        for x in np.asarray(chunk, float):
            h, _ = rl.cells.gru_step_forward(x[None], h, params["Wx"], params["Wh"], params["b"])
            z = h[0] @ params["Wy"] + params["by"]
            rows.append(np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    return np.array(rows).reshape(-1, len(params["by"])), h[0]


@mistake("stream_posteriors", "the state reset to h0 at every frame")
def stream_reset_per_frame(chunks, params, h0):
    rows, h = [], np.asarray(h0, float)[None]
    for chunk in chunks:
        for x in np.asarray(chunk, float):
            h, _ = rl.cells.gru_step_forward(
                x[None], np.asarray(h0, float)[None], params["Wx"], params["Wh"], params["b"]
            )
            z = h[0] @ params["Wy"] + params["by"]
            rows.append(np.exp(z - z.max()) / np.exp(z - z.max()).sum())
    return np.array(rows).reshape(-1, len(params["by"])), h[0]


@mistake("stream_posteriors", "logits returned, not softmax probabilities")
def stream_logits(chunks, params, h0):
    rows, h = [], np.asarray(h0, float)[None]
    for chunk in chunks:
        for x in np.asarray(chunk, float):
            h, _ = rl.cells.gru_step_forward(x[None], h, params["Wx"], params["Wh"], params["b"])
            rows.append(h[0] @ params["Wy"] + params["by"])
    return np.array(rows).reshape(-1, len(params["by"])), h[0]


@mistake("stream_posteriors", "the output read from the state before the step")
def stream_output_one_step_late(chunks, params, h0):
    rows, h = [], np.asarray(h0, float)[None]
    for chunk in chunks:
        for x in np.asarray(chunk, float):
            z = h[0] @ params["Wy"] + params["by"]
            rows.append(np.exp(z - z.max()) / np.exp(z - z.max()).sum())
            h, _ = rl.cells.gru_step_forward(x[None], h, params["Wx"], params["Wh"], params["b"])
    return np.array(rows).reshape(-1, len(params["by"])), h[0]


@delegates("stream_posteriors")
def stream_whole_sequence(chunks, params, h0):
    frames = np.concatenate(
        [np.asarray(c, float).reshape(-1, params["Wx"].shape[0]) for c in chunks]
    )
    if len(frames) == 0:
        return np.zeros((0, len(params["by"]))), np.asarray(h0, float)
    hs, cache = rl.cells.gru_forward(
        frames[None], np.asarray(h0, float)[None], params["Wx"], params["Wh"], params["b"]
    )
    e = np.exp(hs[0] @ params["Wy"] + params["by"])
    return e / e.sum(axis=1, keepdims=True), cache.h_last[0]
