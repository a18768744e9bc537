"""rnnlib against golden Keras fixtures (tests/library/cells/golden/*.npz), without TensorFlow.

The fixtures hold random-weight Keras layers' inputs, weights, masked outputs, final states
and GradientTape gradients; regenerate them with ``python tests/library/cells/golden/generate.py``.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from rnnlib.cells import gru, lstm, rnn
from rnnlib.cells.gates import split_gates
from rnnlib.testing.gradcheck import rel_error

GOLDEN = Path(__file__).resolve().parent / "golden"
CELLS = ["simple_rnn", "lstm", "gru", "gru_reset_before"]


def load(name):
    with np.load(GOLDEN / f"{name}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def forward(name, g, Wx=None):
    """rnnlib's forward pass on a fixture's inputs (optionally with another Wx)."""
    Wx = g["Wx"] if Wx is None else Wx
    if name == "simple_rnn":
        return rnn.rnn_forward(g["x"], g["h0"], Wx, g["Wh"], g["b"], mask=g["mask"])
    if name == "lstm":
        return lstm.lstm_forward(g["x"], g["h0"], Wx, g["Wh"], g["b"], c0=g["c0"], mask=g["mask"])
    reset_after = name == "gru"
    return gru.gru_forward(g["x"], g["h0"], Wx, g["Wh"], g["b"], reset_after, mask=g["mask"])


def backward(name, dh, cache):
    return {"simple_rnn": rnn.rnn_backward, "lstm": lstm.lstm_backward}.get(name, gru.gru_backward)(
        dh, cache
    )


@pytest.mark.parametrize("name", CELLS)
def test_outputs_and_states_match_fixture(name):
    """Does rnnlib reproduce the stored Keras outputs and final states to 1e-5 (float32)?"""
    g = load(name)
    assert g["x"].dtype == np.float32 and g["mask"].dtype == bool
    assert not g["mask"].all(), "the fixture should exercise masking"
    h, cache = forward(name, g)
    assert h.dtype == np.float32
    np.testing.assert_allclose(h, g["h"], atol=1e-5, rtol=0)
    np.testing.assert_allclose(cache.h_last, g["h_last"], atol=1e-5, rtol=0)
    if name == "lstm":
        np.testing.assert_allclose(cache.c_last, g["c_last"], atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", CELLS)
def test_gradients_match_fixture(name):
    """Does rnnlib's backward pass give the stored GradientTape gradients (rel. error 1e-5)?"""
    g = load(name)
    _, cache = forward(name, g)
    grads = backward(name, g["dh"], cache)[:5]  # an LSTM's dc0 is checked live, test_keras_io
    for key, ours in zip(["dx", "dh0", "dWx", "dWh", "db"], grads, strict=True):
        assert ours.shape == g[key].shape, key
        assert rel_error(ours, g[key]) <= 1e-5, f"{key}: rel. error {rel_error(ours, g[key]):.1e}"


@pytest.mark.parametrize("name, n_gates", [("lstm", 4), ("gru", 3), ("gru_reset_before", 3)])
def test_fixtures_pin_the_gate_order(name, n_gates):
    """Would a swapped pair of gate blocks fail against the fixture (random weights pin order)?"""
    g = load(name)
    blocks = list(split_gates(g["Wx"], n_gates))
    for a in range(n_gates):
        for b in range(a + 1, n_gates):
            swapped = blocks.copy()
            swapped[a], swapped[b] = blocks[b], blocks[a]
            h, _ = forward(name, g, Wx=np.concatenate(swapped, axis=1))
            assert np.abs(h - g["h"]).max() > 1e-3, (
                f"swapping gate blocks {a} and {b} went unnoticed"
            )


def test_fixtures_are_small():
    """Do the golden fixtures stay small (under 100 KB together)?"""
    total = sum(p.stat().st_size for p in GOLDEN.glob("*.npz"))
    assert len(list(GOLDEN.glob("*.npz"))) == len(CELLS)
    assert total < 100_000, f"golden fixtures take {total} bytes"


def test_checks_run_without_tensorflow():
    """Do the golden checks run in a fresh interpreter without importing TensorFlow or Keras?"""
    script = textwrap.dedent(
        """
        import sys
        import test_golden as tg  # `python -c` imports from its working folder, this one
        for name in tg.CELLS:
            tg.test_outputs_and_states_match_fixture(name)
            tg.test_gradients_match_fixture(name)
        heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
        assert not heavy, f"imported {heavy}"
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
