"""The course's data sets: seeded generators from the literature, and (growing) offline
loaders with a cache folder.

Generators (their output is correct by definition, nothing is downloaded):
:func:`motif_dataset` (notebook 01), :func:`adding_problem` and :func:`copy_task`
(notebooks 05 and 06). Loaders of packaged data keep what they build in
:func:`cache_dir` through :func:`cached_arrays`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from rnnlib.testing.shapes import check_count

# Mean squared error of always predicting E[y] = 1 on the adding problem: the variance of
# the sum of two independent U(0, 1) values, 2 * 1/12 = 1/6 (about 0.167).
ADDING_PROBLEM_BASELINE_MSE = 1.0 / 6.0


def _occurrences(X: np.ndarray, motif: np.ndarray) -> np.ndarray:
    """Where the motif starts in each row: bool ``(N, T - M + 1)``."""
    view = np.lib.stride_tricks.sliding_window_view(X, len(motif), axis=1)  # (N, T-M+1, M)
    return (view == motif).all(axis=-1)


def motif_dataset(
    n: int,
    length: int,
    motif: Sequence[int],
    vocab_size: int,
    positions: Iterable[int] | None = None,
    seed=0,
    *,
    positive_fraction: float = 0.5,
    decoys: bool = False,
    train_positions: Iterable[int] | None = None,
):
    """Random token sequences labelled by whether they contain a motif (notebook 01).

    Background tokens are uniform over ``1 .. vocab_size - 1`` (0 stays free for padding).
    A positive holds the motif exactly once, starting at a position drawn from
    ``positions`` (default: anywhere it fits); a negative holds it nowhere. Restricting
    ``positions`` (e.g. to the first half for training and the second half for testing)
    shows that an MLP on the padded sequence learns "motif at these positions" while an
    RNN, sharing its weights across time, finds it anywhere. With ``decoys=True`` every
    negative holds the motif's tokens in another order, so counting tokens (a bag of words)
    cannot separate the classes: only order can. ``train_positions`` is another name for
    ``positions``.

    Returns ``X`` int32 ``(n, length)``, ``y`` int32 ``(n,)`` (1 = contains the motif) and
    ``start`` int32 ``(n,)``: the motif's position in positives, -1 in negatives.
    """
    where = "motif_dataset"
    n = check_count(where, "n", n, minimum=0)
    length = check_count(where, "length", length)
    vocab_size = check_count(where, "vocab_size", vocab_size, minimum=2)
    motif = np.asarray(motif)
    if motif.ndim != 1 or len(motif) == 0 or not np.issubdtype(motif.dtype, np.integer):
        raise ValueError(f"{where}: motif should be a non-empty list of token ids, got {motif!r}")
    if motif.min() < 1 or motif.max() >= vocab_size:
        raise ValueError(
            f"{where}: motif tokens should lie in [1, {vocab_size}) (0 is padding), got {motif}"
        )
    M = len(motif)
    if M > length:
        raise ValueError(f"{where}: motif of length {M} does not fit in length={length}")
    if positions is not None and train_positions is not None:
        raise ValueError(f"{where}: give positions or train_positions, not both")
    positions = train_positions if positions is None else positions
    allowed = np.arange(length - M + 1) if positions is None else np.unique(list(positions))
    if len(allowed) == 0 or allowed.min() < 0 or allowed.max() > length - M:
        raise ValueError(
            f"{where}: positions should be start indices in [0, {length - M}] "
            f"(length={length}, motif length {M}), got {positions!r}"
        )
    if not 0.0 <= positive_fraction <= 1.0:
        raise ValueError(f"{where}: positive_fraction should be in [0, 1], got {positive_fraction}")
    if decoys and len(np.unique(motif)) < 2:
        raise ValueError(f"{where}: decoys need a motif with at least two different tokens")

    rng = np.random.default_rng(seed)
    n_pos = int(round(positive_fraction * n))
    y = rng.permutation(np.repeat(np.array([1, 0], dtype=np.int32), [n_pos, n - n_pos]))
    start = np.where(y == 1, rng.choice(allowed, size=n), -1).astype(np.int32)
    planted = np.tile(motif, (n, 1))  # (n, M): what goes at each row's start
    if decoys:
        decoy_start = rng.choice(allowed, size=n)
        for i in np.flatnonzero(y == 0):
            while True:
                perm = motif[rng.permutation(M)]
                if not np.array_equal(perm, motif):
                    break
            planted[i] = perm
    at = np.where(y == 1, start, decoy_start if decoys else -1)  # -1: nothing planted

    X = np.empty((n, length), dtype=np.int32)
    todo = np.arange(n)
    for _ in range(1000):  # redraw the background of rows that break the guarantee
        X[todo] = rng.integers(1, vocab_size, size=(len(todo), length))
        for i in todo:
            if at[i] >= 0:
                X[i, at[i] : at[i] + M] = planted[i]
        found = _occurrences(X[todo], motif).sum(axis=1)
        todo = todo[found != y[todo]]
        if len(todo) == 0:
            return X, y, start
    raise ValueError(
        f"{where}: could not draw sequences that avoid the motif {motif.tolist()} with "
        f"vocab_size={vocab_size}; use a larger vocabulary or a longer motif"
    )


def adding_problem(n: int, length: int, seed=0):
    """The adding problem (Hochreiter & Schmidhuber 1997; in the form of Le, Jaitly &
    Hinton 2015, "A simple way to initialize recurrent networks of rectified linear units").

    Each sequence has two channels: values drawn from U(0, 1), and markers that are 0
    except for exactly two 1s, one in the first half (``t < length // 2``) and one in the
    second. The target is the sum of the two marked values. Predicting the mean (1.0)
    scores an MSE of 1/6, about 0.167 (``ADDING_PROBLEM_BASELINE_MSE``).

    Returns ``X`` float32 ``(n, length, 2)`` (channel 0 values, channel 1 markers) and
    ``y`` float32 ``(n,)``. Used in notebooks 05 and 06.
    """
    n = check_count("adding_problem", "n", n, minimum=0)
    length = check_count("adding_problem", "length", length, minimum=2)
    rng = np.random.default_rng(seed)
    half = length // 2
    values = rng.random((n, length))  # (n, T)
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)  # (n, T, 2)
    y = (X[rows, first, 0] + X[rows, second, 0]).astype(np.float32)  # (n,)
    return X, y


def copy_task(n: int, length: int = 10, n_symbols: int = 8, delay: int = 20, seed=0):
    """The copy task of Arjovsky, Shah & Bengio 2016, "Unitary evolution recurrent neural
    networks" (their ``T`` is ``delay``; they use ``length=10``, ``n_symbols=8``).

    Ids: data symbols ``0 .. n_symbols - 1``, blank ``n_symbols``, delimiter
    ``n_symbols + 1`` (so ``n_symbols + 2`` classes). Input: ``length`` random data
    symbols, ``delay - 1`` blanks, the delimiter, ``length`` blanks. Target: ``delay +
    length`` blanks, then the ``length`` data symbols in order. Both have ``delay + 2 *
    length`` steps. A model without memory scores a cross-entropy of
    :func:`copy_task_baseline` per step.

    Returns ``X`` int32 ``(n, delay + 2 * length)`` and ``y`` int32 of the same shape.
    Used in notebook 06.
    """
    where = "copy_task"
    n = check_count(where, "n", n, minimum=0)
    length = check_count(where, "length", length)
    n_symbols = check_count(where, "n_symbols", n_symbols)
    delay = check_count(where, "delay", delay)
    rng = np.random.default_rng(seed)
    blank, delimiter = n_symbols, n_symbols + 1
    total = delay + 2 * length
    data = rng.integers(0, n_symbols, size=(n, length))  # (n, length)
    X = np.full((n, total), blank, dtype=np.int32)
    X[:, :length] = data
    X[:, length + delay - 1] = delimiter
    y = np.full((n, total), blank, dtype=np.int32)
    y[:, delay + length :] = data
    return X, y


def copy_task_baseline(length: int = 10, n_symbols: int = 8, delay: int = 20) -> float:
    """Cross-entropy per step (nats) of the memoryless strategy on :func:`copy_task`:
    blank for ``delay + length`` steps, then uniform over the data symbols,
    ``length * log(n_symbols) / (delay + 2 * length)`` (Arjovsky et al. 2016)."""
    return float(length * np.log(n_symbols) / (delay + 2 * length))


# Token ids shared by the encoder-decoder task: 0 pads, 1 starts, 2 ends a sequence.
PAD, BOS, EOS = 0, 1, 2


def reverse_task(n: int, min_length: int = 3, max_length: int = 7, n_symbols: int = 8, seed=0):
    """Sequences to reverse: a variable-length many-to-many task for an encoder-decoder
    (Sutskever, Vinyals & Le 2014 reversed the source to ease learning; here the reversal
    is the task itself).

    Symbols are ids ``3 .. n_symbols + 2`` (0 = PAD, 1 = BOS, 2 = EOS). Each source has a
    length drawn from ``min_length .. max_length``. Returns ``source`` int32
    ``(n, max_length)``, post-padded with 0, and ``target`` int32 ``(n, max_length + 1)``:
    the source reversed, then EOS, then padding. Notebook 03.
    """
    where = "reverse_task"
    n = check_count(where, "n", n, minimum=0)
    min_length = check_count(where, "min_length", min_length)
    max_length = check_count(where, "max_length", max_length)
    n_symbols = check_count(where, "n_symbols", n_symbols)
    if min_length > max_length:
        raise ValueError(f"{where}: min_length={min_length} > max_length={max_length}")
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_length, max_length + 1, size=n)  # (n,)
    source = np.zeros((n, max_length), np.int32)
    target = np.zeros((n, max_length + 1), np.int32)
    for i, L in enumerate(lengths):
        seq = rng.integers(3, 3 + n_symbols, size=L)
        source[i, :L] = seq
        target[i, :L] = seq[::-1]
        target[i, L] = EOS
    return source, target


def repeat_tagging(n: int, length: int = 12, vocab_size: int = 10, seed=0):
    """Same-length tagging: tag each token 1 if it already appeared earlier in its
    sequence, else 0 (a "have I seen this word before?" tagger).

    The tag of a token depends on the whole prefix, not on the token itself: a table from
    token to its most frequent tag cannot solve it, an RNN's state can (a set of seen ids).
    Tokens are ``1 .. vocab_size - 1`` (0 stays free for padding). Returns ``X`` int32
    ``(n, length)`` and ``tags`` int32 ``(n, length)``. Notebook 03.
    """
    where = "repeat_tagging"
    n = check_count(where, "n", n, minimum=0)
    length = check_count(where, "length", length)
    vocab_size = check_count(where, "vocab_size", vocab_size, minimum=2)
    rng = np.random.default_rng(seed)
    X = rng.integers(1, vocab_size, size=(n, length)).astype(np.int32)  # (n, T)
    earlier = (X[:, :, None] == X[:, None, :]) & np.tri(length, k=-1, dtype=bool)  # (n, T, T)
    tags = earlier.any(axis=2).astype(np.int32)  # (n, T): some s < t has X[s] == X[t]
    return X, tags


def balanced_brackets(n: int, max_length: int = 16, p_open: float = 0.45, seed=0):
    """Strings of balanced round brackets, e.g. ``"(()())"``: a language no n-gram model
    can generate, because whether ``")"`` may follow depends on the count of open brackets
    so far, however far back they were opened.

    Drawn from the grammar ``S -> ( S ) S | empty`` (choose the first with probability
    ``p_open`` at each S), keeping non-empty strings of at most ``max_length`` characters.
    Returns a list of ``n`` strings. Notebook 03 trains a next-character model on them.
    """
    where = "balanced_brackets"
    n = check_count(where, "n", n, minimum=0)
    max_length = check_count(where, "max_length", max_length, minimum=2)
    if not 0.0 < p_open < 0.5:
        raise ValueError(f"{where}: p_open should be in (0, 0.5) so strings end, got {p_open}")
    rng = np.random.default_rng(seed)
    out: list[str] = []
    while len(out) < n:
        chars: list[str] = []
        stack = [1]  # 1 for an S still to expand, 0 for a ")" to write
        while stack and len(chars) <= max_length:
            item = stack.pop()
            if item == 0:
                chars.append(")")
            elif rng.random() < p_open:
                chars.append("(")
                stack.extend([1, 0, 1])  # S ) S, popped from the right: S, then ), then S
        if chars and not stack and len(chars) <= max_length:
            out.append("".join(chars))
    return out


def is_balanced(text: str) -> bool:
    """Whether a string of ``(`` and ``)`` is balanced and non-empty (only those characters)."""
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
        else:
            return False
    return depth == 0 and len(text) > 0
