"""Tests of rnnlib/datasets/keywords.py: synthesised keyword clips and streams, split by voice
family, deterministic and cached."""

import numpy as np
import pytest

from rnnlib.datasets import keywords


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path))
    return tmp_path


def test_near_twin_variants_share_a_family():
    """Are the variants that sound nearly alike one family (m1..m8, klatt..klatt6 and adam,
    whisper and whisperf, the default voice and fast), and different voices not?"""
    family = keywords.voice_family
    assert {family(f"m{i}") for i in range(1, 9)} == {"m"}
    assert {family(v) for v in ("klatt", "klatt2", "klatt6", "adam")} == {"klatt"}
    assert family("whisper") == family("whisperf")
    assert family("") == family("fast") == "default"
    assert len({family(v) for v in ("m1", "f1", "klatt", "whisper", "iven", "steph")}) == 6


def test_no_digit_homophone_is_an_unknown_word():
    """Is no unknown word a homophone of a digit (won, to, too, for, ate, ...) or a digit?"""
    banned = {"won", "to", "too", "for", "fore", "ate", "oh", "nein", *keywords.KEYWORDS}
    assert not banned & set(keywords.UNKNOWN_WORDS)
    assert len(keywords.KEYWORDS) >= 10


def test_the_split_is_by_voice_family(cache):
    """Is every clip's voice in exactly one side, no family on both sides, each side holding
    every class, with at least 40 voices in all?"""
    data = keywords.load_keywords(n_voices=40, unknown_per_voice=1, seed=3)
    train_fam = {keywords.voice_family(keywords._variant(v)) for v in data.train.voices}
    test_fam = {keywords.voice_family(keywords._variant(v)) for v in data.test.voices}
    assert not train_fam & test_fam
    assert test_fam == set(data.test_families)
    assert len(set(data.train.voices) | set(data.test.voices)) == 40
    assert len(data.train) + len(data.test) == 40 * 11
    for side in (data.train, data.test):
        assert set(side.labels.tolist()) == set(range(11))
        assert all(a.dtype == np.float32 and a.ndim == 1 for a in side.audio)
    assert data.classes[-1] == "unknown" and data.sample_rate == 16000
    assert 0.15 < len(data.test) / (len(data.train) + len(data.test)) < 0.45


def test_generation_is_deterministic_and_cached(cache):
    """Does a second call load the same clips from the cache (build_seconds 0.0), and does a
    fresh build with the same seed give the same samples while another seed differs?"""
    a = keywords.load_keywords(n_voices=8, unknown_per_voice=1, seed=0, test_fraction=0.3)
    assert a.build_seconds > 0
    assert list(cache.glob("keywords-*.npz"))
    b = keywords.load_keywords(n_voices=8, unknown_per_voice=1, seed=0, test_fraction=0.3)
    assert b.build_seconds == 0.0
    for f in cache.glob("keywords-*.npz"):
        f.unlink()
    c = keywords.load_keywords(n_voices=8, unknown_per_voice=1, seed=0, test_fraction=0.3)
    for x, y, z in zip(a.train.audio, b.train.audio, c.train.audio, strict=True):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    d = keywords.load_keywords(n_voices=8, unknown_per_voice=1, seed=1, test_fraction=0.3)
    assert not np.array_equal(a.train.audio[0][:1000], d.train.audio[0][:1000])


def test_keyword_voices_refuses_impossible_counts():
    """Does asking for more voices than the accents and variants make give a clear error?"""
    with pytest.raises(ValueError, match="n_voices"):
        keywords.keyword_voices(100000)


def test_streams_have_frame_labels_at_the_word_ends(cache):
    """Do streams hold the digits said, with labels k+1 for LABEL_FRAMES frames from each
    digit's end frame and 0 elsewhere, one label per log-mel frame, and load from the cache?"""
    streams = keywords.load_keyword_streams(["en+m1", "en-us+f2"], n_streams=3, seconds=4.0)
    assert len(streams) == 3 and streams.voices.tolist() == ["en+m1", "en-us+f2", "en+m1"]
    assert abs(streams.minutes - 0.2) < 1e-9
    for audio, labels, events in zip(streams.audio, streams.labels, streams.events, strict=True):
        assert labels.shape == (1 + (audio.size - 400) // 160,)
        expected = np.zeros_like(labels)
        for k, first, end in events:
            assert first < end
            expected[end : end + keywords.LABEL_FRAMES] = k + 1
        np.testing.assert_array_equal(labels, expected)
    assert sum(len(e) for e in streams.events) >= 2
    again = keywords.load_keyword_streams(["en+m1", "en-us+f2"], n_streams=3, seconds=4.0)
    assert again.build_seconds == 0.0
    np.testing.assert_array_equal(again.audio[2], streams.audio[2])
