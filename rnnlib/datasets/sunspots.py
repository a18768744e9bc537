"""Yearly sunspot numbers, as statsmodels ships them (notebook 03's forecasting task)."""

from __future__ import annotations

import numpy as np


def load_sunspots():
    """Yearly mean sunspot numbers 1700-2008 (Wolf/SIDC), as shipped by statsmodels.

    Offline: read from ``statsmodels.datasets.sunspots`` (bundled with the package).
    Returns ``years`` int64 ``(309,)`` and ``activity`` float64 ``(309,)``. Notebook 03
    forecasts it one year ahead (train to 1950, test 1951-2008).
    """
    try:
        from statsmodels.datasets import sunspots as _sunspots
    except ImportError as e:  # pragma: no cover - statsmodels is a dependency
        raise ImportError("sunspots: needs statsmodels (pip install statsmodels)") from e
    data = _sunspots.load_pandas().data
    years = data["YEAR"].to_numpy().astype(np.int64)
    activity = data["SUNACTIVITY"].to_numpy().astype(np.float64)
    return years, activity
