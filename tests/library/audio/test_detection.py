"""Tests of rnnlib/audio/detection.py: detection events and precision/recall/false alarms."""

import numpy as np

from rnnlib.audio import detection


def _posteriors(F, bumps, K=3):
    probs = np.zeros((F, K + 1))
    probs[:, 0] = 1.0
    for k, start, stop in bumps:
        probs[start:stop] = 0.0
        probs[start:stop, k + 1] = 1.0
    return probs


def test_detect_keywords_fires_once_per_bump():
    """Does a run of high posterior for keyword k give one detection (k, frame), after the
    causal smoothing, and nothing fire within the refractory time?"""
    probs = _posteriors(100, [(1, 20, 30), (2, 60, 70)])
    found = detection.detect_keywords(probs, threshold=0.5, smooth=5, refractory=20)
    assert found.tolist() == [[1, 22], [2, 62]]
    assert detection.detect_keywords(_posteriors(50, [])).shape == (0, 2)
    close = _posteriors(100, [(1, 20, 30), (2, 35, 45)])
    assert len(detection.detect_keywords(close, refractory=30)) == 1


def test_score_detections_counts_hits_misses_and_false_alarms():
    """Is a detection near the end of the right keyword a hit, a wrong keyword or a repeat a
    false alarm, a word never detected a miss; and are the rates computed from them?"""
    events = [np.array([[1, 10, 30], [2, 50, 80]]), np.array([[0, 5, 20]])]
    found = [np.array([[1, 32], [1, 35], [0, 82]]), np.zeros((0, 2), int)]
    s = detection.score_detections(found, events, minutes=0.5)
    assert (s.hits, s.misses, s.false_alarms) == (1, 2, 2)
    assert s.precision == 1 / 3 and s.recall == 1 / 3
    assert s.false_alarms_per_minute == 4.0
    assert "precision 0.333" in str(s)


def test_a_silent_detector_has_zero_recall_but_no_false_alarms():
    """Does a detector that never fires score recall 0 (high frame accuracy does not count)?"""
    s = detection.score_detections([np.zeros((0, 2), int)], [np.array([[1, 0, 10]])], 1.0)
    assert s.recall == 0 and s.precision == 0 and s.false_alarms_per_minute == 0
