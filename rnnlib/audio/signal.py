"""Waveform helpers (notebook 08): PCM to float, band-limited resampling, trimming silence and
background noise added at a chosen signal-to-noise ratio. NumPy only."""

from __future__ import annotations

import numpy as np

__all__ = ["pcm_to_float", "resample", "trim_silence", "coloured_noise", "add_noise"]


def pcm_to_float(pcm) -> np.ndarray:
    """16-bit PCM ``(S,)`` int16 -> float32 in [-1, 1)."""
    return np.asarray(pcm, dtype=np.float32) / 32768.0


def resample(x, rate_in: int, rate_out: int) -> np.ndarray:
    """``x (S,)`` sampled at ``rate_in`` Hz, resampled to ``rate_out`` Hz: ``(round(S*out/in),)``.

    Band-limited by the discrete Fourier transform (keeps every frequency below both Nyquist
    limits, drops the rest), float32. 22,050 Hz eSpeak output -> 16 kHz in notebook 08.
    """
    x = np.asarray(x, dtype=np.float64)
    if rate_in == rate_out or x.size == 0:
        return x.astype(np.float32)
    n_out = int(round(x.size * rate_out / rate_in))
    # zero-pad to a length whose FFT is fast on both sides (a prime length is ~100x slower):
    # rate_in/g * k samples in, rate_out/g * k out, with k a product of 2, 3 and 5
    g = np.gcd(int(rate_in), int(rate_out))
    step_in, step_out = rate_in // g, rate_out // g
    k = _smooth_at_least(-(-x.size // step_in))
    padded = np.concatenate([x, np.zeros(step_in * k - x.size)])
    spectrum = np.fft.rfft(padded)  # (step_in*k//2+1,)
    m = step_out * k
    keep = min(spectrum.size, m // 2 + 1)
    out = np.fft.irfft(spectrum[:keep], m) * (m / padded.size)  # same amplitude
    return out[:n_out].astype(np.float32)


def _smooth_at_least(n: int) -> int:
    """The smallest 5-smooth number (2^a 3^b 5^c) that is >= n."""
    best, p2 = None, 1
    while True:
        p3 = p2
        while True:
            p5 = p3
            while p5 < n:
                p5 *= 5
            best = p5 if best is None else min(best, p5)
            if p3 >= n:
                break
            p3 *= 3
        if p2 >= n:
            break
        p2 *= 2
    return best


def trim_silence(x, threshold: float = 0.01, margin: int = 0) -> np.ndarray:
    """``x`` without the leading and trailing samples quieter than ``threshold`` (of full
    scale), keeping ``margin`` samples either side. An all-quiet ``x`` gives ``x[:0]``."""
    x = np.asarray(x)
    loud = np.flatnonzero(np.abs(x) > threshold * (32768 if x.dtype == np.int16 else 1.0))
    if loud.size == 0:
        return x[:0]
    return x[max(loud[0] - margin, 0) : loud[-1] + 1 + margin]


def coloured_noise(n: int, rng: np.random.Generator, colour: str = "white") -> np.ndarray:
    """``(n,)`` float32 noise of unit RMS: ``"white"`` (flat spectrum), ``"pink"`` (1/f power)
    or ``"brown"`` (1/f^2 power), shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spectrum.size, dtype=np.float64)
    f[0] = 1.0
    power = {"white": 0.0, "pink": 1.0, "brown": 2.0}
    if colour not in power:
        raise ValueError(f"coloured_noise: colour should be one of {sorted(power)}, got {colour!r}")
    noise = np.fft.irfft(spectrum / f ** (power[colour] / 2), n)
    rms = np.sqrt(np.mean(noise**2)) if n else 1.0
    return (noise / (rms or 1.0)).astype(np.float32)


def add_noise(x, snr_db: float, rng: np.random.Generator, noise=None) -> np.ndarray:
    """``x + g * noise`` with ``g`` chosen so that ``10 log10(P_x / P_noise) = snr_db``.

    x: ``(S,)`` float. noise: ``(S,)`` (default: white noise from ``rng``). ``snr_db=inf``
    returns ``x`` unchanged. Powers are mean squares over the whole of ``x``.
    """
    x = np.asarray(x, dtype=np.float32)
    if np.isinf(snr_db) or x.size == 0:
        return x.copy()
    noise = coloured_noise(x.size, rng) if noise is None else np.asarray(noise, np.float32)
    if noise.shape != x.shape:
        raise ValueError(f"add_noise: noise has shape {noise.shape}, the signal {x.shape}")
    p_signal = float(np.mean(x.astype(np.float64) ** 2))
    p_noise = float(np.mean(noise.astype(np.float64) ** 2)) or 1.0
    gain = np.sqrt(p_signal / (p_noise * 10 ** (snr_db / 10)))
    return (x + gain * noise).astype(np.float32)
