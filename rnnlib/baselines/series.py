"""One-step-ahead forecasting baselines of a series: persistence and AR(p) (notebook 03, sunspots).

Every forecast here predicts ``series[t]`` from values before ``t`` only. The non-neural
baselines are persistence (tomorrow = today) and the autoregressive model AR(p) fitted by
least squares with statsmodels' ``AutoReg`` on the training part of the series.
statsmodels is imported inside the functions.
"""

from __future__ import annotations

import numpy as np


def _series(where: str, series) -> np.ndarray:
    arr = np.asarray(series, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{where}: series should be 1-D (T,), got shape {arr.shape}")
    return arr


def _targets(where: str, series: np.ndarray, targets, first: int) -> np.ndarray:
    idx = np.asarray(targets)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"{where}: targets should be a 1-D array of integer indices")
    if idx.size and (idx.min() < first or idx.max() >= len(series)):
        raise ValueError(
            f"{where}: target indices should lie in [{first}, {len(series) - 1}] "
            f"(each needs {first} earlier values), got {idx.min()}..{idx.max()}"
        )
    return idx


def persistence(series, targets) -> np.ndarray:
    """The forecast ``series[t - 1]`` for every target index ``t``: (len(targets),)."""
    series = _series("persistence", series)
    idx = _targets("persistence", series, targets, 1)
    return series[idx - 1]


def fit_ar(series, p: int, train_end: int):
    """Fits AR(p) with a constant on ``series[:train_end]`` (statsmodels ``AutoReg``, OLS).

    Returns the coefficients ``(c, a_1, ..., a_p)`` of
    ``x_t = c + a_1 x_{t-1} + ... + a_p x_{t-p}``, float64 (p + 1,).
    """
    from statsmodels.tsa.ar_model import AutoReg

    series = _series("fit_ar", series)
    if int(p) < 1 or int(train_end) <= 2 * int(p):
        raise ValueError(
            f"fit_ar: need p >= 1 and train_end > 2p, got p={p}, train_end={train_end}"
        )
    result = AutoReg(series[: int(train_end)], lags=int(p), trend="c").fit()
    return np.asarray(result.params, dtype=np.float64)


def ar_forecast(series, p: int, train_end: int, targets) -> np.ndarray:
    """One-step-ahead AR(p) forecasts of ``series[t]`` for each target index ``t``, with
    coefficients fitted on ``series[:train_end]`` and the true past values as inputs."""
    series = _series("ar_forecast", series)
    idx = _targets("ar_forecast", series, targets, int(p))
    coef = fit_ar(series, p, train_end)  # (p + 1,)
    lags = np.stack([series[idx - k] for k in range(1, int(p) + 1)], axis=1)  # (M, p)
    return coef[0] + lags @ coef[1:]


def mae(prediction, actual) -> float:
    """Mean absolute error."""
    prediction, actual = np.asarray(prediction, float), np.asarray(actual, float)
    if prediction.shape != actual.shape:
        raise ValueError(f"mae: shapes differ, {prediction.shape} vs {actual.shape}")
    return float(np.mean(np.abs(prediction - actual)))
