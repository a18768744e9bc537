"""Tests of rnnlib/audio/features.py: frames, log-mel and MFCC against tf.signal, normalisation."""

import numpy as np
import pytest

from rnnlib.audio import features as F


@pytest.mark.parametrize("pad_end", [False, True])
def test_frame_signal_equals_tf_signal_frame(pad_end):
    """Does frame_signal give tf.signal.frame's frames for every length (shorter than a
    frame, exactly one frame, ragged ends), with and without padding?"""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    for S in (0, 5, 399, 400, 401, 559, 560, 1601):
        for L, hop in ((400, 160), (4, 2), (3, 5)):
            x = rng.standard_normal(S).astype(np.float32)
            got = F.frame_signal(x, L, hop, pad_end)
            expected = tf.signal.frame(x, L, hop, pad_end=pad_end).numpy()
            assert got.shape == expected.shape, (S, L, hop)
            np.testing.assert_array_equal(got, expected)


def test_frame_signal_frames_leading_axes_and_refuses_bad_sizes():
    """Are leading axes kept ((N, S) -> (N, F, L)), and a zero hop refused clearly?"""
    x = np.arange(20.0).reshape(2, 10)
    assert F.frame_signal(x, 4, 3).shape == (2, 3, 4)
    assert F.frame_signal(x, 4, 3)[1, 2].tolist() == [16, 17, 18, 19]
    with pytest.raises(ValueError, match="positive"):
        F.frame_signal(x, 4, 0)


def test_mel_filterbank_equals_tf_signal():
    """Is mel_filterbank tf.signal.linear_to_mel_weight_matrix's (HTK mel, no DC weight)?"""
    import tensorflow as tf

    for n_mels, n_fft, sr, lo, hi in (
        (40, 512, 16000, 20.0, 7600.0),
        (13, 256, 8000, 125.0, 3800.0),
    ):
        expected = tf.signal.linear_to_mel_weight_matrix(n_mels, n_fft // 2 + 1, sr, lo, hi)
        got = F.mel_filterbank(n_mels, n_fft // 2 + 1, sr, lo, hi)
        np.testing.assert_allclose(got, expected.numpy(), atol=2e-5)


def test_log_mel_spectrogram_equals_tf_signal():
    """Is log_mel_spectrogram log(|tf.signal.stft|^2 @ mel + 1e-6), to float32 precision?"""
    import tensorflow as tf

    x = (0.1 * np.random.default_rng(2).standard_normal(8000)).astype(np.float32)
    power = tf.abs(tf.signal.stft(x, 400, 160, 512)) ** 2
    mel = tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 7600.0)
    expected = tf.math.log(tf.tensordot(power, mel, 1) + 1e-6).numpy()
    got = F.log_mel_spectrogram(x)
    assert got.dtype == np.float32 and got.shape == (48, 40)
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_hann_window_is_periodic():
    """Is hann_window tf.signal.hann_window's periodic window (not np.hanning's symmetric)?"""
    import tensorflow as tf

    np.testing.assert_allclose(F.hann_window(400), tf.signal.hann_window(400).numpy(), atol=1e-6)
    assert not np.allclose(F.hann_window(400), np.hanning(400))


def test_mfcc_uses_tf_signal_and_handles_no_frames():
    """Does mfcc return the first coefficients of tf.signal's MFCCs, batch or not, and an
    empty (0, n_mfcc) for an utterance without frames?"""
    import tensorflow as tf

    log_mel = np.random.default_rng(3).standard_normal((2, 7, 40)).astype(np.float32)
    expected = tf.signal.mfccs_from_log_mel_spectrograms(log_mel).numpy()[..., :13]
    np.testing.assert_allclose(F.mfcc(log_mel), expected, atol=1e-5)
    assert F.mfcc(log_mel[0]).shape == (7, 13)
    assert F.mfcc(np.zeros((0, 40))).shape == (0, 13)


def test_normalize_utterance_uses_only_real_frames():
    """Does each utterance get zero mean and unit variance per channel over its real frames,
    with padded frames zero and not counted?"""
    rng = np.random.default_rng(4)
    x = rng.normal(3, 2, (2, 6, 4))
    mask = np.array([[True] * 6, [True] * 4 + [False] * 2])
    x[1, 4:] = 1000.0  # padding that must not count
    out = F.normalize_utterance(x, mask)
    np.testing.assert_allclose(out[1, :4].mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(out[1, :4].std(0), 1, atol=1e-3)
    assert np.all(out[1, 4:] == 0)
    np.testing.assert_allclose(F.normalize_utterance(x[0]), out[0], atol=1e-6)


def test_warp_log_mel_stretches_frequency_and_time():
    """Does warp_log_mel keep the channels, change the length by at most the warp, keep the
    values within the input's range, and reproduce itself for one seed?"""
    lm = np.random.default_rng(5).standard_normal((100, 40)).astype(np.float32)
    a = F.warp_log_mel(lm, np.random.default_rng(0))
    b = F.warp_log_mel(lm, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    assert a.shape[1] == 40 and 85 <= a.shape[0] <= 118
    assert a.min() >= lm.min() - 1e-5 and a.max() <= lm.max() + 1e-5
    assert F.warp_log_mel(np.zeros((0, 40)), np.random.default_rng(0)).shape == (0, 40)
