"""Keyword detection in a stream (notebook 08): from frame posteriors to detection events, and
the scores a detector is judged by (precision, recall, false alarms per minute), not frame
accuracy: a model that always says "nothing" is right on most frames and finds nothing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def detect_keywords(
    probs, threshold: float = 0.5, smooth: int = 5, refractory: int = 50
) -> np.ndarray:
    """Detection events from frame posteriors ``probs (F, K+1)`` (class 0 = no keyword).

    A detection of keyword ``k`` fires at the first frame where the posterior of class
    ``k + 1``, averaged over the last ``smooth`` frames (causal), exceeds ``threshold``
    and is the largest keyword posterior; nothing else fires for ``refractory`` frames.
    Returns ``(n, 2)`` int64 rows ``(k, frame)``.
    """
    probs = np.asarray(probs, dtype=np.float64)
    kw = probs[:, 1:]  # (F, K)
    csum = np.cumsum(np.vstack([np.zeros((1, kw.shape[1])), kw]), axis=0)
    idx = np.arange(1, kw.shape[0] + 1)
    lo = np.maximum(idx - smooth, 0)
    avg = (csum[idx] - csum[lo]) / (idx - lo)[:, None]  # (F, K) causal moving average
    found, quiet_until = [], -1
    for f in range(avg.shape[0]):
        if f < quiet_until:
            continue
        k = int(np.argmax(avg[f]))
        if avg[f, k] > threshold:
            found.append((k, f))
            quiet_until = f + refractory
    return np.array(found, np.int64).reshape(-1, 2)


@dataclass
class DetectionScores:
    """Counts and rates of a detector over some streams."""

    hits: int
    misses: int
    false_alarms: int
    minutes: float

    @property
    def precision(self) -> float:
        n = self.hits + self.false_alarms
        return self.hits / n if n else 0.0

    @property
    def recall(self) -> float:
        n = self.hits + self.misses
        return self.hits / n if n else 0.0

    @property
    def false_alarms_per_minute(self) -> float:
        return self.false_alarms / self.minutes if self.minutes else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"{self.false_alarms_per_minute:.2f} false alarms/min "
            f"({self.hits} hits, {self.misses} misses, {self.false_alarms} false alarms "
            f"in {self.minutes:.1f} min)"
        )


def score_detections(
    detections, events, minutes: float, early: int = 10, late: int = 40
) -> DetectionScores:
    """Match detections to the keywords said, stream by stream.

    detections: list (one per stream) of ``(n, 2)`` rows ``(k, frame)``; events: list of
    ``(m, 3)`` rows ``(k, first frame, end frame)`` (:class:`rnnlib.datasets.KeywordStreams`).
    A detection is a hit when it names an unmatched keyword said in the stream and falls
    between ``early`` frames before that word's end and ``late`` frames after; a second
    detection of one word, a wrong keyword or a detection elsewhere is a false alarm.
    """
    hits = misses = false_alarms = 0
    for found, said in zip(detections, events, strict=True):
        said = np.asarray(said).reshape(-1, 3)
        matched = np.zeros(len(said), bool)
        for k, frame in np.asarray(found).reshape(-1, 2):
            ok = (
                ~matched
                & (said[:, 0] == k)
                & (frame >= said[:, 2] - early)
                & (frame <= said[:, 2] + late)
            )
            if ok.any():
                matched[np.flatnonzero(ok)[0]] = True
                hits += 1
            else:
                false_alarms += 1
        misses += int((~matched).sum())
    return DetectionScores(hits, misses, false_alarms, float(minutes))
