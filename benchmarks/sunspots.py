"""Benchmark: one-year-ahead sunspot forecasts, a GRU against persistence and AR(p).

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/sunspots.py [--seeds 10] [--no-select]

Data: yearly sunspot numbers 1700-2008 (statsmodels). Split by time: train to 1950, test
1951-2008 (58 years). Baselines: persistence (x_t = x_{t-1}) and AR(p) fitted by OLS with
statsmodels' AutoReg on the training years, p = 2 and p = 9 (and the p that AIC picks).
The GRU (notebook 03's many-to-one model: 20-year windows, GRU(H), Dense(1), full-batch
Adam) is chosen without touching the test years: a small grid (H, steps) is scored on
validation years 1921-1950 with models trained to 1920, three seeds each; the best setting
is then trained to 1950 with ``--seeds`` seeds and scored once on the test years. Prints a
table and writes benchmarks/results/sunspots.json with the machine it ran on. Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import rnnlib as rl  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "sunspots.json"
WINDOW, LR = 20, 1e-2
TRAIN_END, VAL_START = 1950, 1921
GRID = [(8, 100), (16, 100), (32, 100), (16, 200)]


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def gru_mae(years, activity, train_last, eval_years, units, steps, seed):
    """Trains the notebook's GRU on windows whose target year <= train_last; MAE on
    eval_years (inputs are the true previous 20 years). Returns (mae, wall s, cpu s)."""
    import keras

    X, y = rl.data.windows(activity, WINDOW)  # (N, 20, 1), (N,)
    target_year = years[WINDOW:]  # (N,)
    train = target_year <= train_last
    mu, sd = activity[years <= train_last].mean(), activity[years <= train_last].std()
    Xs, ys = ((X - mu) / sd).astype("float32"), ((y - mu) / sd).astype("float32")
    rl.training.set_seed(seed)
    model = keras.Sequential(
        [keras.Input((WINDOW, 1)), keras.layers.GRU(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(LR), loss="mse")
    start, cpu0 = time.perf_counter(), cpu_seconds()
    rl.training.fit_full_batch(model, Xs[train], ys[train], steps)
    wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
    ev = np.isin(target_year, eval_years)
    pred = np.asarray(model.predict(Xs[ev], verbose=0))[:, 0] * sd + mu
    return rl.baselines.mae(pred, y[ev]), wall, cpu


def baselines(years, activity, train_last, eval_years):
    from statsmodels.tsa.ar_model import ar_select_order

    idx = np.flatnonzero(np.isin(years, eval_years))
    end = int(np.sum(years <= train_last))
    out = {"persistence": rl.baselines.mae(rl.baselines.persistence(activity, idx), activity[idx])}
    aic_p = max(ar_select_order(activity[:end], maxlag=15, ic="aic", trend="c").ar_lags)
    for p in sorted({2, 9, int(aic_p)}):
        out[f"AR({p})"] = rl.baselines.mae(
            rl.baselines.ar_forecast(activity, p, end, idx), activity[idx]
        )
    return out, int(aic_p)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument(
        "--no-select", action="store_true", help="skip the validation grid and use H=16, 100 steps"
    )
    args = parser.parse_args()

    years, activity = rl.datasets.load_sunspots()
    test_years = years[years > TRAIN_END]
    val_years = years[(years >= VAL_START) & (years <= TRAIN_END)]
    result = {
        "benchmark": "sunspots one year ahead: GRU vs persistence and AR(p), MAE",
        "split": {
            "train": f"{years[0]}-{TRAIN_END}",
            "test": f"{TRAIN_END + 1}-{years[-1]}",
            "validation_for_selection": f"{VAL_START}-{TRAIN_END} (models trained to "
            f"{VAL_START - 1})",
        },
        "model": {
            "window": WINDOW,
            "optimizer": f"Adam({LR}), full batch, MSE on standardised values",
        },
    }

    val_base, _ = baselines(years, activity, VAL_START - 1, val_years)
    selection = {}
    if args.no_select:
        best = (16, 100)
    else:
        for units, steps in GRID:
            maes = [
                gru_mae(years, activity, VAL_START - 1, val_years, units, steps, s)[0]
                for s in range(3)
            ]
            selection[f"GRU({units}), {steps} steps"] = {
                "val_mae": [round(m, 2) for m in maes],
                "mean": round(float(np.mean(maes)), 2),
            }
            print(f"validation GRU({units}) {steps} steps: {np.round(maes, 2)}", flush=True)
        best = min(GRID, key=lambda g: selection[f"GRU({g[0]}), {g[1]} steps"]["mean"])
    result["validation"] = {
        "baselines": {k: round(v, 2) for k, v in val_base.items()},
        "grid": selection,
        "chosen": {"units": best[0], "steps": best[1]},
    }

    test_base, aic_p = baselines(years, activity, TRAIN_END, test_years)
    runs = [
        gru_mae(years, activity, TRAIN_END, test_years, best[0], best[1], s)
        for s in range(args.seeds)
    ]
    maes = [r[0] for r in runs]
    result["test"] = {
        "baselines_mae": {k: round(v, 2) for k, v in test_base.items()},
        "ar_order_by_aic": aic_p,
        "gru_mae_by_seed": [round(m, 2) for m in maes],
        "gru_mae_median": round(statistics.median(maes), 2),
        "gru_mae_range": [round(min(maes), 2), round(max(maes), 2)],
        "seeds_better_than_ar9": int(sum(m < test_base["AR(9)"] for m in maes)),
        "train_wall_s_median": round(statistics.median(r[1] for r in runs), 2),
        "train_cpu_s_median": round(statistics.median(r[2] for r in runs), 2),
    }
    result["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = {
        "cpu": platform.processor() or platform.machine(),
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("\n| model | test MAE 1951-2008 |\n|---|---|")
    for k, v in test_base.items():
        print(f"| {k} | {v:.1f} |")
    print(
        f"| GRU({best[0]}), {best[1]} steps, {args.seeds} seeds | median "
        f"{statistics.median(maes):.1f} (range {min(maes):.1f}-{max(maes):.1f}) |"
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
