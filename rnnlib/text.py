"""A small real text for character models, shipped by a package: no download.

music21 bundles Project Gutenberg's etext of Jane Austen's *Lady Susan* (about 127,000
characters, 67 distinct symbols) as ``languageExcerpts/trainingData/en.txt`` for its own
language detector. :func:`lady_susan` reads it from music21's package folder,
:func:`char_vocab` and :func:`encode` turn it into integer ids, :func:`split_last` holds out
its end, and :func:`stream_windows` cuts a long id sequence into the consecutive windows of
truncated backpropagation through time. Introduced in notebook 04 (BPTT).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

LADY_SUSAN_PATH = ("languageExcerpts", "trainingData", "en.txt")
LADY_SUSAN_CHARS = 127431  # length of the bundled file, characters


def lady_susan_path() -> Path:
    """Where music21 keeps *Lady Susan* (raises a clear error when music21 is missing)."""
    try:
        import music21
    except ImportError as e:  # pragma: no cover - music21 is a course dependency
        raise ImportError(
            "lady_susan: the text ships with the music21 package, which is not installed: "
            "`pip install music21` (it is in the course's environment)"
        ) from e
    return Path(music21.__file__).parent.joinpath(*LADY_SUSAN_PATH)


def lady_susan() -> str:
    """The full text of Jane Austen's *Lady Susan* as bundled with music21 (a str).

    Read as UTF-8 with the file's own line breaks; nothing is downloaded. Notebook 04.
    """
    path = lady_susan_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"lady_susan: music21 is installed but '{path}' is missing; this music21 version "
            "does not ship languageExcerpts/trainingData/en.txt (reinstall music21 >= 7)"
        )
    return path.read_text(encoding="utf-8")


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


def split_last(ids, fraction: float = 0.1):
    """Splits a sequence by position: the first ``1 - fraction`` and the last ``fraction``.

    Held-out text must come after the training text (a random split of windows would put
    overlapping neighbours on both sides). Returns ``(train, held_out)`` views.
    """
    ids = np.asarray(ids)
    if not 0 < fraction < 1:
        raise ValueError(f"split_last: fraction should be in (0, 1), got {fraction!r}")
    cut = len(ids) - int(round(fraction * len(ids)))
    if cut <= 0 or cut >= len(ids):
        raise ValueError(f"split_last: {len(ids)} items are too few to hold out {fraction}")
    return ids[:cut], ids[cut:]


def streams(ids, batch_size: int) -> np.ndarray:
    """Cuts one long sequence into ``batch_size`` parallel streams, (N, L) with
    ``L = len(ids) // N`` (the remainder is dropped): row n is the n-th N-th of the text,
    so consecutive windows of a row continue each other and the state can be carried."""
    ids = np.asarray(ids)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"streams: batch_size should be an integer >= 1, got {batch_size!r}")
    L = len(ids) // batch_size
    if L < 2:
        raise ValueError(f"streams: {len(ids)} items are too few for {batch_size} streams")
    return ids[: batch_size * L].reshape(batch_size, L)


def stream_windows(ids, batch_size: int, window: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Consecutive ``(x, y)`` windows over :func:`streams`: each (N, window), ``y`` is ``x``
    shifted by one character (the next-character targets). Window k+1 of row n starts where
    window k ended, so a model may carry its state from one window to the next (truncated
    BPTT). A last shorter window is kept. Notebook 04.
    """
    S = streams(ids, batch_size)  # (N, L)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"stream_windows: window should be an integer >= 1, got {window!r}")
    L = S.shape[1] - 1  # the last item of a row is only a target
    for start in range(0, L, window):
        stop = min(start + window, L)
        yield S[:, start:stop], S[:, start + 1:stop + 1]
