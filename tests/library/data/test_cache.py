"""Tests of rnnlib.data.cache: the cache folder and arrays kept in it."""

import numpy as np

from rnnlib.data import cache as ds


def test_cache_dir_honours_environment(tmp_path, monkeypatch):
    """Does cache_dir use $RNN_COURSE_CACHE, else ~/.cache/rnn-course, and create folders?"""
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path / "c"))
    assert ds.cache_dir("speech") == tmp_path / "c" / "speech"
    assert (tmp_path / "c" / "speech").is_dir()
    monkeypatch.delenv("RNN_COURSE_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ds.cache_dir(create=False) == tmp_path / "home" / ".cache" / "rnn-course"


def test_cached_arrays_builds_once_and_recovers(tmp_path, monkeypatch):
    """Is an expensive build run once, its arrays reloaded, and a damaged file rebuilt?"""
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"x": np.arange(5), "y": np.ones((2, 2))}

    first = ds.cached_arrays("demo", build)
    second = ds.cached_arrays("demo", build)
    assert len(calls) == 1
    np.testing.assert_array_equal(second["x"], first["x"])
    (tmp_path / "demo-v1.npz").write_bytes(b"garbage")
    third = ds.cached_arrays("demo", build)
    assert len(calls) == 2 and third["y"].shape == (2, 2)
    ds.cached_arrays("demo", build, version=2)
    assert len(calls) == 3
