"""Tests of rnnlib.lm.beam: beam search over a step function."""

import itertools

import numpy as np
import pytest

from rnnlib import lm


def _table_model(seed, V=5, L=4):
    """A toy decoder whose next-token log-probabilities depend on (step, previous token, input):
    the state is (input id, step), one row per hypothesis."""
    rng = np.random.default_rng(seed)
    table = np.log(rng.dirichlet(np.full(V, 0.5), size=(3, L + 1, V)))  # (inputs, step, prev, V)

    def step(tokens, state):
        src, t = state
        return table[src, t, tokens], (src, t + 1)

    return step, table


def _best_by_enumeration(table, src, L, V, eos=2, pad=0):
    best, best_seq = -np.inf, None
    for seq in itertools.product(range(V), repeat=L):
        score, prev, seq_out = 0.0, 1, []
        for t, tok in enumerate(seq):
            score += table[src, t, prev, tok]
            seq_out.append(tok)
            prev = tok
            if tok == eos:
                break
        if len(seq_out) < L and any(seq[len(seq_out) :]):  # count each ended sequence once
            continue
        if score > best + 1e-12:
            best, best_seq = score, seq_out
    return best, best_seq


def test_width_one_is_greedy_decoding():
    """Does beam_search with k = 1 give greedy decoding's tokens?"""
    step, table = _table_model(0)
    src = np.array([0, 1, 2])
    tokens, _ = lm.beam_search(step, (src, np.zeros(3, np.int64)), k=1, max_length=4)

    prev, out, done = np.ones(3, np.int64), [], np.zeros(3, bool)
    for t in range(4):
        nxt = np.where(done, 0, table[src, t, prev].argmax(axis=1))
        out.append(nxt)
        done |= nxt == 2
        prev = nxt
    np.testing.assert_array_equal(tokens, np.stack(out, 1)[:, : tokens.shape[1]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_wide_beam_finds_the_best_sequence(seed):
    """With k >= V, is the result the most probable sequence (checked by enumeration)?"""
    V, L = 4, 4
    step, table = _table_model(seed, V, L)
    src = np.array([0, 1, 2])
    tokens, scores = lm.beam_search(step, (src, np.zeros(3, np.int64)), k=V**2, max_length=L)
    for n in range(3):
        best, seq = _best_by_enumeration(table, n, L, V)
        assert scores[n] == pytest.approx(best)
        assert list(tokens[n, : len(seq)]) == seq and not tokens[n, len(seq) :].any()


def test_wider_beams_never_score_lower():
    """Is the best score non-decreasing from k = 1 to 3 to 5 on this toy (not a theorem:
    a wider beam can lose the greedy path, but rarely)?"""
    step, _ = _table_model(4, V=6, L=5)
    src = np.array([0, 1, 2])
    state = (src, np.zeros(3, np.int64))
    s = [lm.beam_search(step, state, k=k, max_length=5)[1] for k in (1, 3, 5)]
    assert (s[1] >= s[0] - 1e-12).all() and (s[2] >= s[1] - 1e-12).all()


def test_state_as_array_and_bad_width():
    """Does a plain array state work, and is k = 0 refused?"""

    def step(tokens, state):  # always prefers token 3, then EOS
        logp = np.full((len(tokens), 4), -5.0)
        logp[:, 3] = np.where(state[:, 0] == 0, -0.1, -9)
        logp[:, 2] = np.where(state[:, 0] == 0, -9, -0.1)
        return logp, state + 1

    tokens, _ = lm.beam_search(step, np.zeros((2, 1)), k=2, max_length=5)
    np.testing.assert_array_equal(tokens, [[3, 2], [3, 2]])
    with pytest.raises(ValueError, match="k should be"):
        lm.beam_search(step, np.zeros((2, 1)), k=0, max_length=5)
