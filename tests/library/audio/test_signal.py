"""Tests of rnnlib/audio/signal.py: PCM, resampling, trimming, noise at an SNR."""

import numpy as np
import pytest

from rnnlib.audio import signal


def test_resample_keeps_a_tone_and_scales_the_length():
    """Does 22,050 -> 16,000 Hz keep a 440 Hz tone (same frequency, same amplitude) and give
    round(S * 16000 / 22050) samples, for any length (prime ones too)?"""
    for n in (22050, 9821, 10007):
        x = np.sin(2 * np.pi * 440 * np.arange(n) / 22050)
        y = signal.resample(x, 22050, 16000)
        assert y.dtype == np.float32 and y.shape == (round(n * 16000 / 22050),)
        expected = np.sin(2 * np.pi * 440 * np.arange(y.size) / 16000)
        assert np.abs(y - expected)[300:-300].max() < 0.02


def test_resample_drops_what_the_new_rate_cannot_hold():
    """Is a 10 kHz tone (above 16 kHz's Nyquist limit) removed, not aliased?"""
    x = np.sin(2 * np.pi * 10000 * np.arange(22050) / 22050)
    assert np.abs(signal.resample(x, 22050, 16000)).max() < 0.05


def test_pcm_to_float_and_trim_silence():
    """Does int16 full scale map to [-1, 1), and trim_silence cut quiet ends only?"""
    assert signal.pcm_to_float(np.array([-32768, 0, 16384], np.int16)).tolist() == [-1, 0, 0.5]
    x = np.r_[np.zeros(10), 0.5, 0.0, -0.5, np.zeros(5)]
    assert signal.trim_silence(x).tolist() == [0.5, 0.0, -0.5]
    assert signal.trim_silence(x, margin=2).size == 7
    assert signal.trim_silence(np.zeros(8)).size == 0


@pytest.mark.parametrize("snr", [0.0, 10.0, 20.0])
def test_add_noise_reaches_the_requested_snr(snr):
    """Is 10 log10(P_signal / P_noise) of the added noise the requested SNR?"""
    rng = np.random.default_rng(0)
    x = np.sin(np.linspace(0, 200, 8000)).astype(np.float32)
    y = signal.add_noise(x, snr, rng)
    measured = 10 * np.log10(np.mean(x**2) / np.mean((y - x) ** 2))
    assert abs(measured - snr) < 1e-3
    assert np.array_equal(signal.add_noise(x, np.inf, rng), x)


def test_coloured_noise_has_the_right_slope():
    """Has pink noise more power in low than in high frequencies, brown more still, white
    about the same, each with unit RMS?"""
    rng = np.random.default_rng(1)
    ratios = {}
    for colour in ("white", "pink", "brown"):
        n = signal.coloured_noise(16384, rng, colour)
        assert abs(np.sqrt(np.mean(n**2)) - 1) < 1e-4
        p = np.abs(np.fft.rfft(n)) ** 2
        ratios[colour] = p[10:200].mean() / p[4000:8000].mean()
    assert ratios["white"] < 2 < ratios["pink"] < ratios["brown"]
    with pytest.raises(ValueError, match="colour"):
        signal.coloured_noise(8, rng, "blue")
