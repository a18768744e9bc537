"""Benchmark: slope of log10 ||dh_T/dh_{T-k}|| against the lag k, measured and predicted by sigma_1.

    .venv/bin/python benchmarks/gradient_slopes.py

For random RNNs with W_h = sigma_1 Q (Q orthogonal, ``rl.dynamics.recurrent_matrix``) and
each nonlinearity, the typical gradient norm by lag (``rl.dynamics.lag_profile``: 16
sequences, H = 32, T = 60) is fitted by a line over lags 0..30; its slope (decades per step)
stands beside the bound's, log10(gamma sigma_1) (gamma = 1 for tanh and linear, 1/4 for the
sigmoid), for small inputs (scale 0.05, units unsaturated) and inputs of scale 1. These are the
numbers notebook 05 prints in section 2. NumPy only, seeded, a few seconds; writes
``benchmarks/results/gradient_slopes.json``.
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "gradient_slopes.json"
SIGMAS = (0.5, 0.8, 0.9, 1.0, 1.1, 1.5, 2.0)
FIT = slice(0, 31)


def main() -> int:
    import numpy as np

    from rnnlib.dynamics import jacobians

    rows = []
    for act in ("linear", "tanh", "sigmoid"):
        for s in SIGMAS:
            row = {
                "activation": act,
                "sigma1": s,
                "bound_slope": round(jacobians.predicted_log10_slope(s, act), 5),
            }
            for label, scale in (("small_inputs", 0.05), ("unit_inputs", 1.0)):
                norms = jacobians.lag_profile(s, act, T=60, input_scale=scale)
                row[f"measured_slope_{label}"] = round(jacobians.log10_slope(norms[FIT]), 5)
            rows.append(row)
            print(
                f"{act:>8} sigma_1 {s:4.2f}: bound {row['bound_slope']:+.4f}, measured "
                f"{row['measured_slope_small_inputs']:+.4f} (inputs x0.05), "
                f"{row['measured_slope_unit_inputs']:+.4f} (inputs x1) decades/step"
            )
    result = {
        "benchmark": "gradient norm against lag: measured slope beside log10(gamma sigma_1)",
        "command": ".venv/bin/python benchmarks/gradient_slopes.py",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "H": 32,
            "T": 60,
            "N": 16,
            "fit_lags": "0..30",
            "seed": 0,
            "recurrent_kernel": "sigma_1 * random orthogonal",
        },
        "machine": {"python": platform.python_version(), "numpy": np.__version__},
        "rows": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
