"""Speech features (notebook 08): frames, the log-mel spectrogram (equal to ``tf.signal``'s
recipe), MFCCs through ``tf.signal`` and per-utterance normalisation.

A signal of S samples becomes F frames of ``frame_length`` samples, one every ``hop``; at
16 kHz, 400 and 160 are the usual 25 ms frames every 10 ms. TensorFlow is imported inside
:func:`mfcc` only.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # 25 ms at 16 kHz
HOP = 160  # 10 ms
FFT_LENGTH = 512
N_MELS = 40
F_MIN, F_MAX = 20.0, 7600.0
LOG_EPS = 1e-6


def frame_signal(x, frame_length: int, hop: int, pad_end: bool = False) -> np.ndarray:
    """Overlapping frames of ``x``, as ``tf.signal.frame``: ``(..., S) -> (..., F, frame_length)``.

    Frame f holds ``x[..., f*hop : f*hop + frame_length]``. Without ``pad_end`` only whole
    frames: ``F = 1 + (S - frame_length) // hop`` (0 when ``S < frame_length``); with it, ``x``
    is zero-padded at the end so that every sample is in a frame that starts at or
    before it: ``F = ceil(S / hop)``.
    """
    x = np.asarray(x)
    if frame_length <= 0 or hop <= 0:
        raise ValueError(
            f"frame_signal: frame_length and hop should be positive, got {frame_length} and {hop}"
        )
    S = x.shape[-1]
    if pad_end:
        F = -(-S // hop)  # ceil
        need = (F - 1) * hop + frame_length if F else 0
        x = np.concatenate([x, np.zeros(x.shape[:-1] + (max(need - S, 0),), x.dtype)], axis=-1)
    else:
        F = max(0, 1 + (S - frame_length) // hop)
    idx = np.arange(F)[:, None] * hop + np.arange(frame_length)[None, :]  # (F, L)
    return x[..., idx]


def hann_window(n: int) -> np.ndarray:
    """The periodic Hann window of ``tf.signal.hann_window`` (not NumPy's symmetric
    ``np.hanning``): ``0.5 - 0.5 cos(2 pi k / n)``, ``(n,)`` float64."""
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def hz_to_mel(f):
    """The HTK mel scale that ``tf.signal`` uses: ``1127 ln(1 + f / 700)``."""
    return 1127.0 * np.log1p(np.asarray(f, dtype=np.float64) / 700.0)


def mel_filterbank(
    n_mels: int = N_MELS,
    n_bins: int = FFT_LENGTH // 2 + 1,
    sample_rate: int = SAMPLE_RATE,
    f_min: float = F_MIN,
    f_max: float = F_MAX,
) -> np.ndarray:
    """Triangular mel filters as ``tf.signal.linear_to_mel_weight_matrix``: ``(n_bins, n_mels)``.

    Filter m rises from band edge m to its centre m+1 and falls to edge m+2, the
    ``n_mels + 2`` edges equally spaced in mel between ``f_min`` and ``f_max``; the DC bin
    gets no weight.
    """
    freqs = np.linspace(0.0, sample_rate / 2, n_bins)[1:]  # (n_bins-1,) without DC
    mel = hz_to_mel(freqs)[:, None]  # (n_bins-1, 1)
    edges = np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2)
    lower, centre, upper = edges[:-2], edges[1:-1], edges[2:]  # (n_mels,) each
    rising = (mel - lower) / (centre - lower)
    falling = (upper - mel) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))  # (n_bins-1, n_mels)
    return np.concatenate([np.zeros((1, n_mels)), weights], axis=0)


def log_mel_spectrogram(
    x,
    sample_rate: int = SAMPLE_RATE,
    frame_length: int = FRAME_LENGTH,
    hop: int = HOP,
    fft_length: int = FFT_LENGTH,
    n_mels: int = N_MELS,
    f_min: float = F_MIN,
    f_max: float = F_MAX,
    eps: float = LOG_EPS,
) -> np.ndarray:
    """``log(|STFT|^2 @ mel + eps)`` of ``x (S,)``: ``(F, n_mels)`` float32, F as
    :func:`frame_signal` without padding.

    The same numbers as ``tf.signal.stft`` (periodic Hann window, frames zero-padded to
    ``fft_length``) followed by ``tf.signal.linear_to_mel_weight_matrix`` and ``log``.
    """
    frames = frame_signal(np.asarray(x, dtype=np.float64), frame_length, hop)  # (F, L)
    spectrum = np.fft.rfft(frames * hann_window(frame_length), n=fft_length)  # (F, B)
    power = np.abs(spectrum) ** 2  # (F, B)
    mel = power @ mel_filterbank(n_mels, fft_length // 2 + 1, sample_rate, f_min, f_max)
    return np.log(mel + eps).astype(np.float32)  # (F, n_mels)


def mfcc(log_mel, n_mfcc: int = 13) -> np.ndarray:
    """The first ``n_mfcc`` MFCCs of log-mel spectrograms, by
    ``tf.signal.mfccs_from_log_mel_spectrograms``: ``(..., F, n_mels) -> (..., F, n_mfcc)``."""
    import tensorflow as tf

    log_mel = np.asarray(log_mel, dtype=np.float32)
    if log_mel.shape[-2] == 0:  # tf.signal's DCT refuses an empty batch of frames
        return np.zeros(log_mel.shape[:-1] + (n_mfcc,), np.float32)
    coeffs = tf.signal.mfccs_from_log_mel_spectrograms(tf.constant(log_mel))
    return coeffs.numpy()[..., :n_mfcc]


def normalize_utterance(feats, mask=None, eps: float = 1e-5) -> np.ndarray:
    """Each utterance's channels to zero mean and unit variance over its real frames.

    feats: ``(T, C)`` or ``(N, T, C)``; mask: ``(T,)`` / ``(N, T)`` bool, True at a real
    frame (default: all real). Padded frames come back as zeros. float32.
    """
    feats = np.asarray(feats, dtype=np.float64)
    single = feats.ndim == 2
    if single:
        feats = feats[None]
    shape = feats.shape[:2]
    m = np.ones(shape, bool) if mask is None else np.asarray(mask, bool).reshape(shape)
    w = m[..., None].astype(np.float64)  # (N, T, 1)
    count = np.maximum(w.sum(axis=1, keepdims=True), 1.0)  # (N, 1, 1)
    mean = (feats * w).sum(axis=1, keepdims=True) / count  # (N, 1, C)
    var = (((feats - mean) ** 2) * w).sum(axis=1, keepdims=True) / count
    out = (feats - mean) / np.sqrt(var + eps) * w
    return (out[0] if single else out).astype(np.float32)


def warp_log_mel(log_mel, rng: np.random.Generator, max_warp: float = 0.15) -> np.ndarray:
    """An augmented copy of a ``(T, n_mels)`` log-mel spectrogram: the mel axis stretched by a
    factor in ``1 +- max_warp`` (about another vocal-tract length), shifted by up to one
    channel, and time stretched by another such factor (another speaking rate). float32."""
    lm = np.asarray(log_mel, dtype=np.float32)
    T, C = lm.shape
    src = np.clip(
        np.arange(C) * rng.uniform(1 - max_warp, 1 + max_warp) + rng.uniform(-1, 1), 0, C - 1
    )  # (C,) where each channel reads from
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, C - 1)
    frac = (src - lo).astype(np.float32)
    lm = lm[:, lo] * (1 - frac) + lm[:, hi] * frac  # (T, C)
    step = rng.uniform(1 - max_warp, 1 + max_warp)
    idx = np.clip(np.round(np.arange(0, T, step)).astype(int), 0, max(T - 1, 0))
    return lm[idx] if T else lm
