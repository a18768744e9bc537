"""Benchmark: rnnlib's NumPy LSTM forward+backward against Keras LSTM forward+gradient.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/rnn_kernels.py [--repeats 7]

Same shapes (N=64, T=100, D=64, H=128), same weights, float32, same process. Keras is timed
twice: eagerly (``layer(x)`` under ``tf.GradientTape``, as a notebook would call it) and
compiled with ``tf.function`` (traced once before timing). Each time is the median of
``--repeats`` runs after a warm-up. Prints a markdown table and writes
``benchmarks/results/rnn_kernels.json`` with the machine it ran on. Target (issue 2 §4):
rnnlib within 1.5x of Keras. Nothing here is asserted; tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

N, T, D, H = 64, 100, 64, 128
RESULTS = Path(__file__).resolve().parent / "results" / "rnn_kernels.json"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def median_ms(fn, repeats: int, warmup: int = 2) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf

    from rnnlib import keras_io, lstm
    from rnnlib.gradcheck import rel_error

    rng = np.random.default_rng(0)
    layer = keras.layers.LSTM(H, return_sequences=True)
    layer.build((None, T, D))
    params = {
        k: (rng.standard_normal(v.shape) * 0.1).astype(np.float32)
        for k, v in keras_io.params_from_keras(layer).items()
    }
    keras_io.params_to_keras(params, layer)
    x = rng.standard_normal((N, T, D)).astype(np.float32)  # (N, T, D)
    h0 = np.zeros((N, H), np.float32)  # (N, H)
    dh = rng.standard_normal((N, T, H)).astype(np.float32)  # (N, T, H) upstream gradient
    x_t, dh_t = tf.constant(x), tf.constant(dh)
    weights = [layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias]

    def run_rnnlib():
        h, cache = lstm.lstm_forward(x, h0, **params)  # (N, T, H)
        return h, lstm.lstm_backward(dh, cache)  # dx, dh0, dWx, dWh, db

    def run_keras_eager():
        with tf.GradientTape() as tape:
            tape.watch(x_t)
            y = layer(x_t)  # (N, T, H)
            loss = tf.reduce_sum(y * dh_t)
        return y, tape.gradient(loss, [x_t, *weights])

    @tf.function
    def keras_compiled(x_in, dh_in):
        with tf.GradientTape() as tape:
            tape.watch(x_in)
            y = layer(x_in)  # (N, T, H)
            loss = tf.reduce_sum(y * dh_in)
        return y, tape.gradient(loss, [x_in, *weights])

    def run_keras_function():
        return keras_compiled(x_t, dh_t)

    # the three compute the same thing: check before timing
    h, (dx, _, dWx, dWh, db) = run_rnnlib()
    for name, run in (("eager", run_keras_eager), ("tf.function", run_keras_function)):
        y, grads = run()
        assert np.abs(h - y.numpy()).max() < 1e-5, f"Keras {name} output differs"
        for ours, theirs in zip((dx, dWx, dWh, db), grads, strict=True):
            assert rel_error(ours, theirs.numpy()) < 1e-4, f"Keras {name} gradient differs"

    results = {}
    for name, run in (
        ("rnnlib (NumPy)", run_rnnlib),
        ("Keras eager + GradientTape", run_keras_eager),
        ("Keras tf.function + GradientTape", run_keras_function),
    ):
        med, times = median_ms(run, args.repeats)
        results[name] = {"median_ms": round(med, 2), "runs_ms": [round(t, 2) for t in times]}
    ours = results["rnnlib (NumPy)"]["median_ms"]
    eager = results["Keras eager + GradientTape"]["median_ms"]
    compiled = results["Keras tf.function + GradientTape"]["median_ms"]

    machine = {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }
    report = {
        "benchmark": "LSTM forward + backward, float32",
        "shapes": {"N": N, "T": T, "D": D, "H": H},
        "repeats": args.repeats,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "results": results,
        "ratio_rnnlib_over_keras_eager": round(ours / eager, 2),
        "ratio_rnnlib_over_keras_tf_function": round(ours / compiled, 2),
        "target": "rnnlib within 1.5x of Keras",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")

    print(f"LSTM forward+backward, N={N} T={T} D={D} H={H}, float32, median of {args.repeats}")
    print(
        f"machine: {machine['cpu']}, {machine['logical_cores']} logical cores, "
        f"load {machine['load_average_1min']}"
    )
    print()
    print("| kernel | rnnlib (NumPy) | Keras eager | ratio | Keras tf.function | ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| LSTM fwd+bwd N={N} T={T} D={D} H={H} | {ours:.0f} ms | {eager:.0f} ms "
        f"| {ours / eager:.2f}x | {compiled:.0f} ms | {ours / compiled:.2f}x |"
    )
    print(f"\nwrote {args.out}")
    return report


if __name__ == "__main__":
    main()
