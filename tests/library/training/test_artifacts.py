"""Tests of rnnlib.training.artifacts: autograding(), set_seed, fit_or_load in both modes, Timer."""

import json
import random

import numpy as np
import pytest

from rnnlib import training

keras = pytest.importorskip("keras")


def _tiny_model():
    layers = [keras.Input((5, 2)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)]
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="mse")
    return model


def _tiny_data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(20, 5, 2)).astype("float32"), rng.normal(size=(20, 1)).astype("float32")


def _fit(model):
    X, y = _tiny_data()
    return model.fit(X, y, epochs=2, batch_size=10, verbose=0)


@pytest.mark.parametrize(
    "value, expected",
    [(None, False), ("autograde", True), ("validate", False), ("", False)],
)
def test_grading_follows_nbgrader_execution(monkeypatch, value, expected):
    """Is autograding() True exactly when NBGRADER_EXECUTION is "autograde"?"""
    if value is None:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    else:
        monkeypatch.setenv("NBGRADER_EXECUTION", value)
    assert training.autograding() is expected


def test_set_seed_makes_runs_repeat():
    """Does set_seed reproduce Python, NumPy, the returned Generator and Keras weights?"""

    def draw():
        rng = training.set_seed(7)
        w = keras.layers.Dense(2)
        w.build((None, 3))
        legacy = np.random.rand()  # noqa: NPY002 (the legacy global state is seeded too)
        return random.random(), legacy, rng.random(), w.get_weights()[0]

    a, b = draw(), draw()
    assert a[:3] == b[:3]
    np.testing.assert_array_equal(a[3], b[3])
    assert training.set_seed(8, with_keras=False).random() != a[2]


def test_fit_or_load_trains_saves_then_loads_when_grading(tmp_path, monkeypatch):
    """Outside grading, does fit_or_load train and save model and history; under autograde,
    does it load that model (same predictions) and history without calling fit_fn?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    training.set_seed(0)
    path = tmp_path / "models" / "tiny.keras"
    model, history = training.fit_or_load(_tiny_model(), path, _fit)
    assert path.exists() and training.history_path(path).exists()
    assert list(history) == ["loss"] and len(history["loss"]) == 2
    X, _ = _tiny_data()
    expected = model.predict(X, verbose=0)

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def must_not_train(model):
        raise AssertionError("fit_fn was called while grading")

    loaded, saved = training.fit_or_load(_tiny_model(), path, must_not_train)
    assert saved == history
    np.testing.assert_allclose(loaded.predict(X, verbose=0), expected, rtol=1e-6, atol=1e-6)


def test_fit_or_load_force_trains_while_grading(tmp_path, monkeypatch):
    """With force=True, is the model trained (and saved) even under autograde?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    calls = []

    def fit(model):
        calls.append(1)
        return {"loss": np.array([1.0, 0.5], dtype=np.float32)}

    path = tmp_path / "m.keras"
    _, history = training.fit_or_load(_tiny_model(), path, fit, force=True)
    assert calls == [1] and history == {"loss": [1.0, 0.5]} and path.exists()


def test_fit_or_load_missing_artifact_tells_student_what_to_do(tmp_path, monkeypatch):
    """Under autograde with no saved model, is there a FileNotFoundError telling the student to
    run the training cell in their own session before submitting?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    path = tmp_path / "absent.keras"
    with pytest.raises(FileNotFoundError) as err:
        training.fit_or_load(_tiny_model(), path, _fit)
    msg = str(err.value)
    assert str(path) in msg and "run the training cell in your own session" in msg
    assert "before submitting" in msg


def test_fit_or_load_corrupt_artifact(tmp_path, monkeypatch):
    """Is a damaged model file or history reported as an ArtifactError that says what to do?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    path = tmp_path / "broken.keras"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(training.ArtifactError, match="could not be loaded.*run the training cell"):
        training.fit_or_load(_tiny_model(), path, _fit)

    monkeypatch.delenv("NBGRADER_EXECUTION")
    training.fit_or_load(_tiny_model(), path, lambda m: None)
    training.history_path(path).write_text("{not json")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(training.ArtifactError, match="history"):
        training.fit_or_load(_tiny_model(), path, _fit)


def test_fit_or_load_history_optional(tmp_path, monkeypatch):
    """Does a fit_fn returning None give an empty history, saved as JSON?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = tmp_path / "m.keras"
    _, history = training.fit_or_load(_tiny_model(), path, lambda m: None)
    assert history == {}
    assert json.loads(training.history_path(path).read_text()) == {}


def test_fit_or_load_bad_arguments(tmp_path, monkeypatch):
    """Are a path not ending in .keras and a fit_fn returning nonsense reported clearly?"""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(ValueError, match=r"\.keras"):
        training.fit_or_load(_tiny_model(), tmp_path / "m.h5", _fit)
    with pytest.raises(TypeError, match="History"):
        training.fit_or_load(_tiny_model(), tmp_path / "m.keras", lambda m: 3)


def test_timer_measures_and_prints(capsys):
    """Does Timer record the elapsed seconds and print a labelled line?"""
    with training.Timer("step") as t:
        sum(range(1000))
    assert t.seconds is not None and t.seconds >= 0
    assert capsys.readouterr().out.startswith("step: ")
    with training.Timer(verbose=False):
        pass
    assert capsys.readouterr().out == ""
