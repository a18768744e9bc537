"""Tests of rnnlib.training.checkpoint: NumPy parameters saved, train-or-load."""

import numpy as np
import pytest

from rnnlib.training import checkpoint
from rnnlib.training.artifacts import ArtifactError


def _fit():
    return {"W": np.arange(6.0).reshape(2, 3), "b": np.ones(3, np.float32)}, {"loss": [2.0, 1.5]}


def test_round_trip(tmp_path):
    """Does load_params give back the saved arrays (dtypes kept) and the history?"""
    path = checkpoint.save_params(tmp_path / "a" / "m.npz", *_fit())
    params, history = checkpoint.load_params(path)
    assert params["b"].dtype == np.float32 and np.array_equal(params["W"], _fit()[0]["W"])
    assert history == {"loss": [2.0, 1.5]}
    assert not list(path.parent.glob(".*partial*"))


def test_fit_or_load_trains_then_loads_while_grading(tmp_path, monkeypatch):
    """Does fit_or_load_params train and save normally, and load without training under
    autograde?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = tmp_path / "m.npz"
    params, history = checkpoint.fit_or_load_params(path, _fit)
    assert path.exists() and history == {"loss": [2.0, 1.5]}
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def must_not_train():
        raise AssertionError("trained while grading")

    loaded, loaded_history = checkpoint.fit_or_load_params(path, must_not_train)
    assert np.array_equal(loaded["W"], params["W"]) and loaded_history == history
    forced, _ = checkpoint.fit_or_load_params(path, _fit, force=True)
    assert np.array_equal(forced["W"], params["W"])


def test_missing_artifact_names_the_file(tmp_path, monkeypatch):
    """While grading, does a missing artifact give a message naming the file to submit?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(FileNotFoundError, match="artifacts/04_char_rnn.npz"):
        checkpoint.fit_or_load_params("artifacts/04_char_rnn.npz", _fit)


def test_damaged_artifact_says_so(tmp_path):
    """Does a damaged file raise ArtifactError telling the student to retrain?"""
    path = tmp_path / "m.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ArtifactError, match="run the training cell again"):
        checkpoint.load_params(path)


def test_bad_paths_and_results(tmp_path, monkeypatch):
    """Are a non-.npz path and a fit_fn that returns the wrong thing rejected?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(ValueError, match=".npz"):
        checkpoint.fit_or_load_params(tmp_path / "m.keras", _fit)
    with pytest.raises(TypeError, match=r"\(params, history\)"):
        checkpoint.fit_or_load_params(tmp_path / "m.npz", lambda: {"W": np.zeros(2)})
