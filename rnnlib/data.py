"""Sequence data helpers: one-hot, padding with masks, bag of words, vocabularies,
windows over time series, batching and seeded splits.

Introduced in notebook 01 (why feed-forward networks fail on sequences). Shapes use
N (batch), T (time), F (features), V (vocabulary size, ``depth``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from rnnlib._shapes import Dims


def _int_array(where: str, name: str, value) -> np.ndarray:
    """``value`` as an integer ndarray, or a ValueError naming the argument and the first
    value that is not a whole number (floats holding whole numbers are accepted)."""
    arr = np.asarray(value)
    if arr.size == 0 and not np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64)  # np.asarray([]) is float64
    if np.issubdtype(arr.dtype, np.integer) and arr.dtype != np.bool_:
        return arr
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if not bad.any():
            return arr.astype(np.int64)
        pos = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{where}: {name} should hold integer ids, got {arr[pos]} at position "
            f"{pos if arr.ndim != 1 else pos[0]}"
        )
    raise ValueError(f"{where}: {name} should hold integer ids, got dtype {arr.dtype}")


def _check_range(where: str, name: str, arr: np.ndarray, depth: int, where_mask=None) -> None:
    """Raises a ValueError naming the first id outside ``[0, depth)`` and its position."""
    bad = (arr < 0) | (arr >= depth)
    if where_mask is not None:
        bad &= where_mask
    if bad.any():
        pos = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{where}: {name} should lie in [0, {depth}) (depth={depth}), "
            f"got {arr[pos]} at position {pos if arr.ndim != 1 else pos[0]}"
        )


def _count(where: str, name: str, value, minimum: int = 1) -> int:
    """An integer argument such as depth or window, at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{where}: {name} should be {kind}, got {value!r}")
    return int(value)


def _check_depth(where: str, depth) -> int:
    return _count(where, "depth", depth)


def one_hot(indices, depth: int, dtype=np.float32) -> np.ndarray:
    """One-hot vectors for integer ids: any shape ``(...)`` becomes ``(..., depth)``.

    indices: integer ids in ``[0, depth)``, any shape (e.g. ``(N, T)``).
    Introduced in notebook 01.
    """
    depth = _check_depth("one_hot", depth)
    idx = _int_array("one_hot", "indices", indices)
    _check_range("one_hot", "indices", idx, depth)
    out = np.zeros(idx.shape + (depth,), dtype=dtype)  # (..., depth)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return out


def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    """Pads (and truncates) sequences to one length, exactly like ``keras.utils.pad_sequences``.

    seqs: N sequences of varying length; each element a scalar or an equal-shaped vector.
    Returns ``(X, mask)``: X ``(N, maxlen, ...)`` equal to Keras's output, and mask a bool
    ``(N, maxlen)`` that is True at the real (not padded) entries.
    Introduced in notebook 01.
    """
    where = "pad_sequences"
    if padding not in ("pre", "post"):
        raise ValueError(f'{where}: padding should be "pre" or "post", got {padding!r}')
    if truncating not in ("pre", "post"):
        raise ValueError(f'{where}: truncating should be "pre" or "post", got {truncating!r}')
    if isinstance(seqs, (str, bytes)) or not hasattr(seqs, "__len__"):
        raise ValueError(f"{where}: seqs should be a list of sequences, got {type(seqs).__name__}")
    lengths, sample_shape = [], None
    for i, s in enumerate(seqs):
        if isinstance(s, (str, bytes)) and dtype is not object:
            raise ValueError(
                f"{where}: sequence {i} is a string {s!r}; encode it to ids first "
                "(e.g. with Vocab.encode)"
            )
        try:
            lengths.append(len(s))
        except TypeError:
            raise ValueError(
                f"{where}: seqs should be a list of sequences, but item {i} ({s!r}) has no length"
            ) from None
        if sample_shape is None and len(s):
            sample_shape = np.asarray(s).shape[1:]  # () for scalar steps, (F,) for vectors
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    maxlen = _count(where, "maxlen", maxlen, minimum=0)
    if isinstance(value, str) and dtype is not object and not (
        np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    ):
        raise ValueError(f"{where}: a string value needs dtype=object, got dtype {dtype!r}")

    X = np.full((len(lengths), maxlen) + sample_shape, value, dtype=dtype)  # (N, maxlen, ...)
    mask = np.zeros((len(lengths), maxlen), dtype=bool)  # (N, maxlen)
    for i, s in enumerate(seqs):
        if not len(s):
            continue
        trunc = s[max(len(s) - maxlen, 0):] if truncating == "pre" else s[:maxlen]
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(
                f"{where}: every step should have shape {sample_shape} (from the first "
                f"non-empty sequence), but sequence {i} has steps of shape {trunc.shape[1:]}"
            )
        n = len(trunc)
        if n == 0:
            continue
        span = slice(0, n) if padding == "post" else slice(maxlen - n, maxlen)
        X[i, span] = trunc
        mask[i, span] = True
    return X, mask


def bag_of_words(X, depth: int, mask=None) -> np.ndarray:
    """Counts of each token id over the unmasked steps: the order of the steps is lost.

    X: integer ids ``(N, T)``; mask: optional bool ``(N, T)``, True at real steps.
    Returns float32 ``(N, depth)``. Introduced in notebook 01.
    """
    where = "bag_of_words"
    depth = _check_depth(where, depth)
    dims = Dims(where)
    X = dims.array("X", _int_array(where, "X", X), "N T", floating=False)
    mask = dims.mask("mask", mask)
    if mask is None:
        mask = np.ones(X.shape, dtype=bool)
    _check_range(where, "X", X, depth, where_mask=mask)
    N = X.shape[0]
    flat = (np.arange(N)[:, None] * depth + X)[mask]  # row-offset ids of the real steps
    counts = np.bincount(flat, minlength=N * depth)
    return counts.reshape(N, depth).astype(np.float32)


class Vocab:
    """A token <-> id mapping for characters or words, with reserved tokens first.

    Reserved tokens take the first ids (by default ``"<pad>"`` = 0 and ``"<unk>"`` = 1),
    then any ``extra_reserved`` (e.g. ``"<s>"``, ``"</s>"``), then the tokens seen in
    ``texts`` ordered by frequency (most frequent first), ties broken alphabetically.

    texts: strings (split into characters for ``level="char"``, on whitespace for
    ``level="word"``) or already tokenised lists of strings.
    min_count: drop tokens seen fewer times. max_size: the largest total size,
    reserved tokens included. Unknown tokens map to ``unk`` (None: unknown is an error).
    Introduced in notebook 01.
    """

    def __init__(self, texts: Iterable = (), *, level: str = "char", min_count: int = 1,
                 max_size: int | None = None, reserved: Sequence[str] = ("<pad>", "<unk>"),
                 extra_reserved: Sequence[str] = (), unk: str | None = "<unk>"):
        if level not in ("char", "word"):
            raise ValueError(f'Vocab: level should be "char" or "word", got {level!r}')
        self.level = level
        specials = list(reserved) + [t for t in extra_reserved if t not in reserved]
        if len(set(specials)) != len(specials):
            raise ValueError(f"Vocab: reserved tokens repeat: {specials}")
        if unk is not None and unk not in specials:
            raise ValueError(f"Vocab: unk={unk!r} should be one of the reserved tokens {specials}")
        if max_size is not None and max_size < len(specials):
            raise ValueError(
                f"Vocab: max_size={max_size} is smaller than the {len(specials)} reserved tokens"
            )
        counts = Counter()
        for text in texts:
            counts.update(t for t in self.tokenize(text) if t not in specials)
        ranked = sorted((t for t, c in counts.items() if c >= min_count),
                        key=lambda t: (-counts[t], t))
        if max_size is not None:
            ranked = ranked[: max_size - len(specials)]
        self.reserved = tuple(specials)
        self.unk = unk
        self.counts = {t: counts[t] for t in ranked}
        self._set_tokens(specials + ranked)

    def _set_tokens(self, tokens: list[str]) -> None:
        self.itos = list(tokens)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def from_tokens(cls, tokens: Sequence[str], *, level: str = "char",
                    reserved: Sequence[str] = ("<pad>", "<unk>"),
                    unk: str | None = "<unk>") -> Vocab:
        """A vocabulary with exactly these tokens after the reserved ones, in this order."""
        vocab = cls((), level=level, reserved=reserved, unk=unk)
        extra = [t for t in tokens if t not in vocab.stoi]
        if len(set(extra)) != len(extra):
            raise ValueError("Vocab.from_tokens: tokens repeat")
        vocab._set_tokens(vocab.itos + extra)
        return vocab

    def tokenize(self, text) -> list[str]:
        """Characters or whitespace-separated words of a string; a token list as is."""
        if isinstance(text, str):
            return list(text) if self.level == "char" else text.split()
        return list(text)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        """The id of a token; an unknown token gives the id of ``unk``."""
        if token in self.stoi:
            return self.stoi[token]
        if self.unk is None:
            raise KeyError(f"Vocab: unknown token {token!r} and this vocabulary has no unk token")
        return self.stoi[self.unk]

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocab) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.itos[:8]) + (", ..." if len(self) > 8 else "")
        return f"Vocab(level={self.level!r}, size={len(self)}, tokens=[{head}])"

    @property
    def pad_id(self) -> int | None:
        return self.stoi.get("<pad>")

    @property
    def unk_id(self) -> int | None:
        return None if self.unk is None else self.stoi[self.unk]

    def token(self, i: int) -> str:
        """The token with id ``i``."""
        if not 0 <= int(i) < len(self):
            raise ValueError(f"Vocab: id {i} out of range [0, {len(self)})")
        return self.itos[int(i)]

    def encode(self, text) -> list[int]:
        """Ids of a string (tokenised by ``level``) or of a list of tokens."""
        return [self[t] for t in self.tokenize(text)]

    def decode(self, ids, *, skip: Sequence[str] = ("<pad>",), join: bool = True):
        """Tokens of the ids, dropping those in ``skip``; joined into a string by default
        (no separator for characters, a space for words)."""
        ids = _int_array("Vocab.decode", "ids", ids)
        if ids.ndim != 1:
            raise ValueError(f"Vocab.decode: ids should be 1-D, got shape {ids.shape}")
        _check_range("Vocab.decode", "ids", ids, len(self))
        tokens = [self.itos[i] for i in ids.tolist() if self.itos[i] not in skip]
        if not join:
            return tokens
        return ("" if self.level == "char" else " ").join(tokens)

    def to_dict(self) -> dict:
        return {"level": self.level, "reserved": list(self.reserved), "unk": self.unk,
                "tokens": list(self.itos)}

    def to_json(self, path=None) -> str:
        """The vocabulary as JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text_or_path) -> Vocab:
        """A vocabulary from :meth:`to_json`'s text or from a file holding it."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text(encoding="utf-8")
        try:
            d = json.loads(text)
            reserved = d["reserved"]
            vocab = cls((), level=d["level"], reserved=reserved, unk=d["unk"])
            tokens = d["tokens"]
        except (KeyError, TypeError, json.JSONDecodeError) as e:
            raise ValueError(f"Vocab.from_json: not a saved Vocab ({e})") from None
        if tokens[: len(reserved)] != list(reserved):
            raise ValueError("Vocab.from_json: the tokens do not start with the reserved ones")
        vocab._set_tokens(tokens)
        return vocab


def windows(series, window: int, horizon: int = 1):
    """Sliding windows over a time series for forecasting ``horizon`` steps ahead.

    series: ``(T,)`` or ``(T, F)``. Returns ``X (N, window, F)`` with ``X[i] =
    series[i : i + window]`` and ``y[i] = series[i + window + horizon - 1]``: ``(N,)`` for a
    1-D series, ``(N, F)`` otherwise; ``N = T - window - horizon + 1``.
    Introduced in notebook 03.
    """
    where = "windows"
    arr = np.asarray(series)
    if not np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_:
        raise ValueError(f"{where}: series should be numeric, got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{where}: series should have shape (T,) or (T, F), got {arr.shape}")
    window = _count(where, "window", window)
    horizon = _count(where, "horizon", horizon)
    one_d = arr.ndim == 1
    arr2 = arr[:, None] if one_d else arr  # (T, F)
    N = arr2.shape[0] - window - horizon + 1
    if N < 1:
        raise ValueError(
            f"{where}: a series of length {arr2.shape[0]} is too short for window={window} "
            f"and horizon={horizon} (needs at least {window + horizon})"
        )
    view = np.lib.stride_tricks.sliding_window_view(arr2, window, axis=0)  # (T-w+1, F, w)
    X = np.ascontiguousarray(view[:N].transpose(0, 2, 1))  # (N, window, F)
    y = arr2[window + horizon - 1 : window + horizon - 1 + N]  # (N, F)
    return X, (y[:, 0].copy() if one_d else y.copy())


def _same_length(where: str, arrays) -> int:
    if not arrays:
        raise ValueError(f"{where}: give at least one array")
    arrays = [np.asarray(a) if not hasattr(a, "shape") else a for a in arrays]
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"{where}: arrays should have the same first dimension, got {lengths}")
    return lengths[0]


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def batches(*arrays, batch_size: int, shuffle: bool = True, seed=0,
            drop_last: bool = False) -> Iterator:
    """Yields minibatches of aligned arrays (a tuple, or the array itself when one is given).

    The same ``seed`` gives the same order; pass ``seed=epoch`` or one
    ``np.random.Generator`` for a new order each epoch. Introduced in notebook 04.
    """
    n = _same_length("batches", arrays)
    batch_size = _count("batches", "batch_size", batch_size)
    arrays = [np.asarray(a) for a in arrays]
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start : start + batch_size]
        out = tuple(a[idx] for a in arrays)
        yield out if len(out) > 1 else out[0]


def train_val_test_split(*arrays, fractions=(0.8, 0.1, 0.1), seed=0, shuffle: bool = True):
    """Splits aligned arrays into train, validation and test parts with a seeded shuffle.

    Returns ``(train, val, test)``; each is a tuple of arrays, or the array itself when one
    array is given: ``(X_tr, y_tr), (X_va, y_va), (X_te, y_te) = train_val_test_split(X, y)``.
    Sizes are ``round(f * n)`` for train and validation, the rest for test.
    """
    where = "train_val_test_split"
    n = _same_length(where, arrays)
    fr = np.asarray(fractions, dtype=float)
    if fr.shape != (3,) or (fr < 0).any() or not np.isclose(fr.sum(), 1.0):
        raise ValueError(
            f"{where}: fractions should be three non-negative numbers summing to 1, "
            f"got {fractions!r}"
        )
    arrays = [np.asarray(a) for a in arrays]
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    n_train = int(round(fr[0] * n))
    n_val = min(int(round(fr[1] * n)), n - n_train)
    parts = np.split(order, [n_train, n_train + n_val])
    out = []
    for idx in parts:
        split = tuple(a[idx] for a in arrays)
        out.append(split if len(split) > 1 else split[0])
    return tuple(out)
