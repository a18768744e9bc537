"""Benchmark: the adding problem for growing T, each model against the predict-the-mean baseline.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/adding_problem.py \
        [--models simple_rnn] [--lengths 50 100 200] [--epochs 10] [--seeds 0]

The task (``rnnlib.datasets.synthetic.adding_problem``, Hochreiter & Schmidhuber 1997 in the form of
Le et al. 2015): two channels, values from U(0, 1) and markers with one 1 in each half; the
target is the sum of the two marked values. Always predicting the mean scores MSE 1/6 ~ 0.167.

Each run trains one model on ``--n-train`` fresh sequences of length T with Keras 3 defaults
(Glorot input kernel, orthogonal recurrent kernel, zero bias), Adam with ``clipnorm=1``,
batches of ``--batch-size``, for ``--epochs`` epochs (fewer when an optional ``--seconds``
budget runs out first; fixed epochs make the MSE independent of the machine's load), then
reports the MSE on 2,000 held-out sequences (another seed) beside the baseline (the
training targets' mean, scored on the same held-out set). Models have about 4.4k parameters.
Notebook 05 shows these SimpleRNN runs; more models are one builder each in ``MODELS``.

Results are merged into ``benchmarks/results/adding_problem.json``: a run replaces the earlier
entry with the same (model, T, seed, epochs) and leaves the others, so models and longer runs
can be added one at a time.
Nothing here is asserted; tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "adding_problem.json"
N_TEST, TEST_SEED = 2000, 10_000


def build_simple_rnn(T: int, seed: int):
    """SimpleRNN(64) -> Dense(1): 4,353 parameters, every initialiser Keras 3's default."""
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((T, 2)),
            keras.layers.SimpleRNN(64),  # (N, 64) the last state
            keras.layers.Dense(1),  # (N, 1) the predicted sum
        ],
        name="simple_rnn",
    )


# model name -> builder(T, seed) returning an uncompiled Keras model (notebook 06 adds its own)
MODELS = {"simple_rnn": build_simple_rnn}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    import keras
    import tensorflow as tf

    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


def train_one(model_name: str, T: int, seed: int, args) -> dict:
    """Trains one model on the adding problem of length T; returns its entry for the JSON."""
    import keras

    from rnnlib import datasets

    X, y = datasets.adding_problem(args.n_train, T, seed=seed)
    X_test, y_test = datasets.adding_problem(N_TEST, T, seed=TEST_SEED + seed)
    baseline = float(np.mean((y_test - y.mean()) ** 2))  # predict the training mean

    model = MODELS[model_name](T, seed)
    model.compile(optimizer=keras.optimizers.Adam(args.lr, clipnorm=1.0), loss="mse")

    class Budget(keras.callbacks.Callback):
        """Stops training once the wall-time budget is spent (checked after each epoch)."""

        def on_epoch_end(self, epoch, logs=None):
            if args.seconds is not None and time.perf_counter() - start > args.seconds:
                self.model.stop_training = True

    load = os.getloadavg()[0]
    start = time.perf_counter()
    history = model.fit(
        X,
        y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        verbose=0,
        validation_data=(X_test, y_test),
        callbacks=[Budget()],
    )
    seconds = time.perf_counter() - start
    mse = float(model.evaluate(X_test, y_test, batch_size=500, verbose=0))
    return {
        "model": model_name,
        "T": T,
        "seed": seed,
        "params": int(model.count_params()),
        "mse": round(mse, 5),
        "baseline_mse": round(baseline, 5),
        "val_mse_per_epoch": [round(float(v), 5) for v in history.history["val_loss"]],
        "epochs": len(history.history["loss"]),
        "train_seconds": round(seconds, 1),
        "load_average_1min": round(load, 2),
        "settings": {
            "n_train": args.n_train,
            "n_test": N_TEST,
            "batch_size": args.batch_size,
            "optimizer": f"Adam(lr={args.lr}, clipnorm=1)",
            "max_epochs": args.epochs,
            "budget_seconds": args.seconds,
        },
    }


def merge(old: dict, runs: list[dict]) -> list[dict]:
    """Earlier runs, with those of the same (model, T, seed, epochs) replaced by the new ones."""
    key = lambda r: (r["model"], r["T"], r["seed"], r["settings"]["max_epochs"])  # noqa: E731
    new = {key(r) for r in runs}
    kept = [r for r in old.get("runs", []) if key(r) not in new]
    return sorted(kept + runs, key=key)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["simple_rnn"], choices=sorted(MODELS))
    parser.add_argument("--lengths", nargs="+", type=int, default=[50, 100, 200])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per run")
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="optional wall-time budget per run (results then depend on load)",
    )
    parser.add_argument("--n-train", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    command = (
        "TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/adding_problem.py "
        + " ".join(sys.argv[1:] if argv is None else argv)
    ).strip()
    runs = []
    for T in args.lengths:
        for model_name in args.models:
            for seed in args.seeds:
                run = train_one(model_name, T, seed, args)
                run["command"] = command
                runs.append(run)
                print(
                    f"{model_name:>12}  T={T:<4} seed={seed}  MSE {run['mse']:.4f}  "
                    f"(baseline {run['baseline_mse']:.4f})  {run['epochs']} epochs, "
                    f"{run['train_seconds']:.0f} s, load {run['load_average_1min']}",
                    flush=True,
                )

    old = json.loads(args.out.read_text()) if args.out.exists() else {}
    result = {
        "benchmark": "adding problem: held-out MSE after training, beside predict-the-mean",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "baseline": "predict the training targets' mean; 1/6 ~ 0.167 in theory",
        "runs": merge(old, runs),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    print("notebook 05 ships a copy: tools/build_data/benchmark_copies.py writes it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
