"""Benchmark: rnnlib's NumPy LSTM forward+backward against Keras LSTM forward+gradient.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/rnn_kernels.py [--repeats 7]

Same shapes (N=64, T=100, D=64, H=128), same weights, float32, same process. Keras is timed
twice: eagerly (``layer(x)`` under ``tf.GradientTape``, as a notebook would call it) and
compiled with ``tf.function`` (traced once before timing). Each time is the median of
``--repeats`` rounds after a warm-up; the three run round-robin within each round, so they
share whatever load the (shared) machine has. Each configuration of NumPy's BLAS threads
(``--blas-threads``, default "default,1") runs in a fresh process: on a busy 2-core machine a
multithreaded OpenBLAS waits on preempted threads and gets many times slower, so both are
reported. Prints a markdown table and writes ``benchmarks/results/rnn_kernels.json`` with
the machine it ran on. Target (issue 2 §4):
rnnlib within 1.5x of Keras. Nothing here is asserted; tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
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


def interleaved_medians(runs: dict, repeats: int, warmup: int = 2) -> dict:
    """Times every function once per round, round-robin, so all see the same machine load
    (the machine is shared); returns name -> {"median_ms", "runs_ms"}."""
    for _ in range(warmup):
        for fn in runs.values():
            fn()
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return {
        name: {"median_ms": round(statistics.median(ts), 2), "runs_ms": [round(t, 2) for t in ts]}
        for name, ts in times.items()
    }


def measure(repeats: int) -> dict:
    """Times the three implementations in this process; returns medians, runs and versions."""
    import keras
    import tensorflow as tf

    from rnnlib.cells import keras_io, lstm
    from rnnlib.testing.gradcheck import rel_error

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
    h, (dx, _dh0, dWx, dWh, db, _dc0) = run_rnnlib()
    for name, run in (("eager", run_keras_eager), ("tf.function", run_keras_function)):
        y, grads = run()
        assert np.abs(h - y.numpy()).max() < 1e-5, f"Keras {name} output differs"
        for ours, theirs in zip((dx, dWx, dWh, db), grads, strict=True):
            assert rel_error(ours, theirs.numpy()) < 1e-4, f"Keras {name} gradient differs"

    results = interleaved_medians(
        {
            "rnnlib (NumPy)": run_rnnlib,
            "Keras eager + GradientTape": run_keras_eager,
            "Keras tf.function + GradientTape": run_keras_function,
        },
        repeats,
    )
    ours = results["rnnlib (NumPy)"]["median_ms"]
    eager = results["Keras eager + GradientTape"]["median_ms"]
    compiled = results["Keras tf.function + GradientTape"]["median_ms"]

    return {
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "versions": {
            "numpy": np.__version__,
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
        },
        "results": results,
        "ratio_rnnlib_over_keras_eager": round(ours / eager, 2),
        "ratio_rnnlib_over_keras_tf_function": round(ours / compiled, 2),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--blas-threads",
        default="default,1",
        help="comma-separated NumPy BLAS thread counts to run with, each in a fresh process "
        "('default' leaves OpenBLAS's own choice)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:  # one configuration, in a process whose BLAS threads were set at start
        print(json.dumps(measure(args.repeats)))
        return {}

    runs = []
    for threads in args.blas_threads.split(","):
        env = dict(os.environ)
        if threads != "default":
            env["OPENBLAS_NUM_THREADS"] = env["MKL_NUM_THREADS"] = threads
        else:
            env.pop("OPENBLAS_NUM_THREADS", None)
            env.pop("MKL_NUM_THREADS", None)
        child = [sys.executable, __file__, "--child", "--repeats", str(args.repeats)]
        done = subprocess.run(child, env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))

    machine = {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
    }
    report = {
        "benchmark": "LSTM forward + backward, float32",
        "shapes": {"N": N, "T": T, "D": D, "H": H},
        "repeats": args.repeats,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "runs": runs,
        "target": "rnnlib within 1.5x of Keras",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")

    print(f"LSTM forward+backward, N={N} T={T} D={D} H={H}, float32, median of {args.repeats}")
    print(f"machine: {machine['cpu']}, {machine['logical_cores']} logical cores")
    print()
    print(
        "| kernel | NumPy BLAS threads | load | rnnlib (NumPy) | Keras eager | ratio "
        "| Keras tf.function | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        res = run["results"]
        ours = res["rnnlib (NumPy)"]["median_ms"]
        eager = res["Keras eager + GradientTape"]["median_ms"]
        compiled = res["Keras tf.function + GradientTape"]["median_ms"]
        print(
            f"| LSTM fwd+bwd N={N} T={T} D={D} H={H} | {run['blas_threads']} "
            f"| {run['load_average_1min']} | {ours:.0f} ms | {eager:.0f} ms "
            f"| {ours / eager:.2f}x | {compiled:.0f} ms | {ours / compiled:.2f}x |"
        )
    print(f"\nwrote {args.out}")
    return report


if __name__ == "__main__":
    main()
