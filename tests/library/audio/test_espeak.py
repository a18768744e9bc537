"""Tests of rnnlib/audio/espeak.py: eSpeak NG from the espeakng-loader wheel, through ctypes."""

import subprocess
import sys

import numpy as np
import pytest

from rnnlib.audio import espeak


def test_synthesize_gives_16_bit_pcm_at_22050_hz():
    """Does synthesize return a non-silent int16 waveform at eSpeak's 22,050 Hz, a word
    lasting a fraction of a second?"""
    pcm = espeak.synthesize("seven", "en-us+m3")
    assert pcm.dtype == np.int16 and pcm.ndim == 1
    assert espeak.espeak_sample_rate() == 22050
    assert 0.2 < pcm.size / 22050 < 1.5
    assert np.abs(pcm).max() > 3000


def _three_words_in_a_fresh_process():
    code = (
        "import hashlib; from rnnlib.audio import espeak; h = hashlib.sha1()\n"
        "for w in ('three', 'seven', 'three'):\n"
        "    h.update(espeak.synthesize(w, 'en+m3').tobytes())\n"
        "print(h.hexdigest())"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_a_fresh_process_gives_the_same_samples():
    """Do the same requests in the same order give the same samples in a fresh process (what
    the data sets rely on: eSpeak keeps state from one utterance to the next in a process)?"""
    assert _three_words_in_a_fresh_process() == _three_words_in_a_fresh_process()


def test_rate_and_pitch_change_the_voice():
    """Do rate and pitch change the result (a faster rate gives a shorter word)?"""
    a = espeak.synthesize("three", "en+f2", rate=150, pitch=40)
    fast = espeak.synthesize("three", "en+f2", rate=300, pitch=40)
    assert fast.size < a.size
    high = espeak.synthesize("three", "en+f2", rate=150, pitch=90)
    n = min(a.size, high.size)
    assert not np.array_equal(high[:n], a[:n])


def test_the_wheel_ships_over_a_hundred_variants():
    """Does espeak_variants list the wheel's voice variants (m1, f2, klatt, whisper, ...)?"""
    variants = espeak.espeak_variants()
    assert len(variants) > 100
    assert {"m1", "f2", "klatt", "whisper", "adam"} <= set(variants)


def test_an_unknown_voice_is_a_clear_error():
    """Does an unknown voice raise EspeakError naming it and saying how to list variants?"""
    with pytest.raises(espeak.EspeakError, match="no voice 'en\\+nosuch'.*espeak_variants"):
        espeak.synthesize("one", "en+nosuch")


def test_a_missing_wheel_is_a_clear_error(monkeypatch):
    """Without espeakng-loader, does loading say which package is missing and how to
    install it, instead of a bare ImportError or OSError?"""
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)
    with pytest.raises(espeak.EspeakError, match="espeakng-loader.*pip install"):
        espeak._load_library()


def test_a_missing_library_file_is_a_clear_error(monkeypatch, tmp_path):
    """When the wheel's shared library is absent, does the error name the missing file?"""
    import espeakng_loader

    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: str(tmp_path / "lib.so"))
    with pytest.raises(espeak.EspeakError, match="lib.so.*missing"):
        espeak._load_library()
