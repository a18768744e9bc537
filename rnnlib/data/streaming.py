"""One long sequence (a text) for truncated BPTT: held out by position, cut into parallel
streams, walked in consecutive windows. Introduced in notebook 04 (BPTT).

Unlike :func:`rnnlib.data.sequences.windows` (overlapping windows of a series, one per target)
and :func:`~rnnlib.data.sequences.train_val_test_split` (a seeded shuffle), these keep order:
consecutive windows continue each other, so a model may carry its state across them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


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
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
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
        yield S[:, start:stop], S[:, start + 1 : stop + 1]
