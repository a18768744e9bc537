"""Character ids for one text: the sorted distinct characters are the vocabulary, id = position.

No reserved tokens, unlike :class:`rnnlib.data.vocab.Vocab` (whose ids start with padding and
unknown): a character model of one long text needs neither. Introduced in notebook 04.
"""

from __future__ import annotations

import numpy as np


def char_vocab(text: str) -> list[str]:
    """The distinct characters of ``text``, sorted: the vocabulary, id i = position i."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"char_vocab: text should be a non-empty str, got {type(text).__name__}")
    return sorted(set(text))


def encode(text: str, chars: list[str]) -> np.ndarray:
    """Ids of the characters of ``text`` in the vocabulary ``chars``, (len(text),) int32."""
    index = {c: i for i, c in enumerate(chars)}
    missing = sorted(set(text) - set(index))
    if missing:
        raise ValueError(f"encode: characters not in the vocabulary: {missing[:10]!r}")
    return np.fromiter((index[c] for c in text), dtype=np.int32, count=len(text))


def decode(ids, chars: list[str]) -> str:
    """The text of a 1-D sequence of ids (inverse of :func:`encode`)."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"decode: ids should be a 1-D integer array, got {ids.dtype} {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= len(chars)):
        raise ValueError(f"decode: ids outside 0..{len(chars) - 1}")
    return "".join(chars[i] for i in ids.tolist())
