"""Do the delegating answers of the catalogue compute what the exercise asks when no guard runs?

The wrong-answer harness proves every delegating answer earns 0 in its notebook. That proof
means something only if the answer would otherwise be right: here each delegating answer
(tests/mistakes/, every route through rnnlib, Keras or TensorFlow) runs outside any test cell
and must equal rnnlib's reference on random inputs.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from mistakes import catalogue

import rnnlib as rl


def _rnn_step(rng):
    N, D, H = 3, 4, 5
    x, h = rng.normal(size=(N, D)), rng.uniform(-1, 1, size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)) / 2, rng.normal(size=(H, H)) / 2, rng.normal(size=H)
    _, cache = rl.cells.rnn_step_forward(x, h, Wx, Wh, b)
    dnext = rng.normal(size=(N, H))
    return (dnext, cache), rl.cells.rnn_step_backward(dnext, cache)


def _rnn_seq(rng):
    N, T, D, H = 2, 5, 3, 4
    x, h0 = rng.normal(size=(N, T, D)), rng.uniform(-1, 1, size=(N, H))
    Wx, Wh, b = rng.normal(size=(D, H)), rng.normal(size=(H, H)) / 2, rng.normal(size=H)
    mask = rng.random((N, T)) > 0.3
    _, cache = rl.cells.rnn_forward(x, h0, Wx, Wh, b, mask=mask)
    dh = rng.normal(size=(N, T, H))
    return (dh, cache), rl.cells.rnn_backward(dh, cache)


def _stream(rng):
    V, D, H = 7, 4, 6
    params = rl.lm.init_char_rnn(V, D, H, seed=1, dtype=np.float64)
    ids = rng.integers(0, V, size=41)
    return (params, ids, 8), rl.lm.stream_loss(params, ids, chunk=8)


def _jacobians(rng):
    N, T, D, H = 2, 4, 3, 3
    args = (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(D, H)))
    args += (rng.normal(size=(H, H)), rng.normal(size=H))
    return args, rl.dynamics.jacobian_norms(*args)


def _clip(rng):
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    clipped, norm = rl.training.clip_by_global_norm(dict(enumerate(grads)), 1.5)
    return (grads, 1.5), ([clipped[0], clipped[1]], norm)


def _lstm_weights(rng, D, H):
    return rng.normal(size=(D, 4 * H)) / 2, rng.normal(size=(H, 4 * H)) / 2, rng.normal(size=4 * H)


def _lstm_step(rng):
    N, D, H = 3, 4, 2
    x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    args = (x, h, c, *_lstm_weights(rng, D, H))
    return args, rl.cells.lstm_step_forward(*args)[:2]


def _lstm_seq(rng):
    N, T, D, H = 2, 5, 3, 2
    x, h0, c0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    Wx, Wh, b = _lstm_weights(rng, D, H)
    return (x, h0, Wx, Wh, b, c0), rl.cells.lstm_forward(x, h0, Wx, Wh, b, c0=c0)[0]


def _lstm_back(rng):
    N, D, H = 3, 4, 2
    x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    Wx, Wh, b = _lstm_weights(rng, D, H)
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    _, _, cache = rl.cells.lstm_step_forward(x, h, c, Wx, Wh, b)
    return (dh, dc, x, h, c, Wx, Wh, b), rl.cells.lstm_step_backward(dh, dc, cache)


def _gru_step(rng):
    N, D, H = 3, 4, 2
    x, h = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    Wx, Wh, b = (
        rng.normal(size=(D, 3 * H)),
        rng.normal(size=(H, 3 * H)),
        rng.normal(size=(2, 3 * H)),
    )
    return (x, h, Wx, Wh, b), rl.cells.gru_step_forward(x, h, Wx, Wh, b)[0]


def _windows(rng):
    series = rng.normal(size=20)
    return (series, 4), rl.data.windows(series, 4)


CASES = {  # exercise: (inputs and the reference's result, tolerance)
    "rnn_step_backward": (_rnn_step, 1e-5),
    "rnn_backward": (_rnn_seq, 1e-9),
    "stream_loss": (_stream, 1e-9),
    "jacobian_norms": (_jacobians, 1e-6),
    "clip_by_global_norm": (_clip, 1e-6),
    "lstm_step_forward": (_lstm_step, 1e-9),
    "lstm_forward": (_lstm_seq, 1e-5),
    "lstm_step_backward": (_lstm_back, 1e-9),
    "gru_step_forward": (_gru_step, 1e-5),
    "make_windows": (_windows, 1e-6),
}
NOTEBOOKS = ("03_topologies", "04_bptt", "05_gradients", "06_gates")


def _delegations():
    for nb in NOTEBOOKS:
        module = catalogue.load(nb)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if getattr(fn, "__delegates__", None) in CASES:
                yield pytest.param(fn, id=f"{nb}:{name}")


def _flat(value):
    if isinstance(value, (tuple, list)):
        return [v for item in value for v in _flat(item)]
    return [np.asarray(value, dtype=np.float64)]


@pytest.mark.parametrize("answer", list(_delegations()))
def test_a_delegating_answer_is_right_when_unguarded(answer):
    """Does the delegating answer equal rnnlib's reference (so only the guard stops it)?"""
    make, tol = CASES[answer.__delegates__]
    args, expected = make(np.random.default_rng(0))
    got = answer(*args)
    want, have = _flat(expected), _flat(got)
    assert len(want) == len(have)
    for w, g in zip(want, have, strict=True):
        np.testing.assert_allclose(g, w, atol=tol, rtol=tol)


def test_every_exercise_with_a_case_has_a_delegation():
    """Is each exercise above covered by at least two delegating answers (rnnlib's and one
    through another route)?"""
    counts: dict[str, int] = {}
    for param in _delegations():
        ex = param.values[0].__delegates__
        counts[ex] = counts.get(ex, 0) + 1
    thin = {ex: n for ex, n in counts.items() if n < 2}
    assert set(counts) == set(CASES) and not thin, (counts, thin)
