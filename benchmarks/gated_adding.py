"""Benchmark of notebook 06: SimpleRNN, LSTM (Keras default vs chrono init) and GRU on the
adding problem and the copy task, at matched parameter counts (about 4.4k), each against the
baseline that has no memory.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/gated_adding.py \
        --save-models solutions/06_gates/models        # the table notebook 06 shows
    .venv/bin/python benchmarks/gated_adding.py --lengths 100,200 --seconds 45   # time budget
    .venv/bin/python benchmarks/gated_adding.py --task copy --lengths 50

Adding problem (rl.datasets.adding_problem): one recurrent layer, Dense(1), MSE; the
baseline predicts the mean, MSE 1/6 = 0.167. Copy task (rl.datasets.copy_task, length 10,
8 symbols, the given delay): one-hot input, one recurrent layer with return_sequences,
Dense(10) softmax; the baseline is the memoryless strategy's cross-entropy per step.
Every model trains with Adam (lr 3e-3, clipnorm 1, batch 64) on ``--n-train`` sequences for
``--epochs`` epochs (default 10 of 10,000: 1,570 updates), or until ``--seconds`` of training
have passed (Keras 3 stops only at the end of an epoch, so a run may pass a time budget by up
to one epoch), and is scored on 2,000 held-out sequences. Seeds fix the data and the initial
weights; a time budget means a loaded machine trains fewer steps, so the JSON records the steps
each run made, its CPU seconds and the load. Writes benchmarks/results/gated_adding.json
(merging with what is there: runs are keyed by task, length, model and seed, and each keeps the
command and date that made it); notebook 06 reads the copy beside it that
tools/build_data/benchmark_copies.py writes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
from machine import machine  # noqa: E402

import rnnlib as rl  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

RESULTS = REPO / "benchmarks" / "results" / "gated_adding.json"
MODELS = ("simple_rnn", "lstm", "lstm_chrono", "gru")
TARGET_PARAMS = 4400  # matched parameter budget (recurrent layer + output layer)
N_TEST = 2000
COPY_LENGTH, COPY_SYMBOLS = 10, 8


def units_for(model: str, input_dim: int, out_dim: int, target: int = TARGET_PARAMS) -> int:
    """Hidden units whose layer + Dense(out_dim) parameter count is closest to ``target``."""
    cell = "lstm" if model.startswith("lstm") else model

    def total(H):
        return rl.cells.count_params(cell, input_dim, H) + (H + 1) * out_dim

    return min(range(1, 200), key=lambda H: abs(total(H) - target))


def build(model: str, task: str, length: int, lr: float, seed: int):
    """A compiled Keras model for ``task``; chrono init uses max_len = ``length``."""
    import keras

    keras.utils.set_random_seed(seed)
    in_dim, out_dim = (2, 1) if task == "adding" else (COPY_SYMBOLS + 2, COPY_SYMBOLS + 2)
    H = units_for(model, in_dim, out_dim)
    seqs = task == "copy"
    layer = {
        "simple_rnn": lambda: keras.layers.SimpleRNN(H, return_sequences=seqs),
        "lstm": lambda: keras.layers.LSTM(H, return_sequences=seqs),
        "lstm_chrono": lambda: keras.layers.LSTM(H, return_sequences=seqs),
        "gru": lambda: keras.layers.GRU(H, return_sequences=seqs),
    }[model]()
    head = (
        keras.layers.Dense(1)
        if task == "adding"
        else keras.layers.Dense(out_dim, activation="softmax")
    )
    net = keras.Sequential([keras.Input((length, in_dim)), layer, head], name=model)
    if model == "lstm_chrono":
        rl.cells.apply_chrono(layer, max_len=length, seed=seed)
    loss = "mse" if task == "adding" else "sparse_categorical_crossentropy"
    net.compile(optimizer=keras.optimizers.Adam(lr, clipnorm=1.0), loss=loss)
    return net


def data(task: str, length: int, n: int, seed: int):
    """(X, y) float inputs for the model; ``length`` is T (adding) or the delay (copy)."""
    if task == "adding":
        return rl.datasets.adding_problem(n, length, seed=seed)
    X, y = rl.datasets.copy_task(n, COPY_LENGTH, COPY_SYMBOLS, delay=length, seed=seed)
    return rl.data.one_hot(X, COPY_SYMBOLS + 2), y


def baseline(task: str, length: int) -> float:
    if task == "adding":
        return rl.datasets.ADDING_PROBLEM_BASELINE_MSE
    return rl.datasets.copy_task_baseline(COPY_LENGTH, COPY_SYMBOLS, delay=length)


def run(
    task,
    length,
    model,
    seed,
    *,
    n_train,
    seconds,
    epochs,
    lr,
    max_batches=0,
    batch_size=64,
    save_dir: Path | None = None,
) -> dict:
    import keras

    X, y = data(task, length, n_train, seed=1000 + seed)
    X_test, y_test = data(task, length, N_TEST, seed=999_999)
    steps_T = X.shape[1]
    net = build(model, task, steps_T, lr, seed)

    class TimeLimit(keras.callbacks.Callback):
        """Stops after ``seconds`` of training, counted from the end of the first batch
        (which also traces the graph), or after ``max_batches`` batches."""

        def __init__(self):
            super().__init__()
            self.start, self.batches, self.trace_s = time.perf_counter(), 0, 0.0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            now = time.perf_counter()
            if self.batches == 1:
                self.trace_s, self.start = now - self.start, now
            out_of_time = seconds and now - self.start > seconds
            if out_of_time or (max_batches and self.batches >= max_batches):
                self.model.stop_training = True

    limit = TimeLimit()
    cpu_start = time.process_time()
    hist = net.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[limit])
    train_s = time.perf_counter() - limit.start
    pred = net.predict(X_test, batch_size=500, verbose=0)
    if task == "adding":
        metric = float(np.mean((pred[:, 0] - y_test) ** 2))
    else:
        p = np.take_along_axis(pred, y_test[..., None], axis=-1)[..., 0]  # (N, T)
        metric = float(-np.mean(np.log(np.clip(p, 1e-12, 1.0))))
    saved = None
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
        saved = save_dir / f"{task}_{length}_{model}.npz"  # model.get_weights(), in order
        np.savez_compressed(saved, *net.get_weights())
    return {
        "saved_model": None if saved is None else saved.name,
        "task": task,
        "length": int(length),
        "T": int(steps_T),
        "model": model,
        "seed": seed,
        "params": int(net.count_params()),
        "units": int(net.layers[0].units),
        "metric": "mse" if task == "adding" else "cross_entropy_nats_per_step",
        "value": round(metric, 6),
        "baseline": round(baseline(task, length), 6),
        "train_seconds": round(train_s, 1),
        "first_batch_seconds": round(limit.trace_s, 1),
        "batches": limit.batches,
        "batch_size": batch_size,
        "epochs_done": len(hist.history["loss"]),
        "lr": lr,
        "n_train": n_train,
        "budget": {"seconds": seconds, "epochs": epochs, "max_batches": max_batches},
        "final_train_loss": round(float(hist.history["loss"][-1]), 6),
        "train_loss_by_epoch": [round(float(v), 5) for v in hist.history["loss"]],
        "cpu_seconds": round(time.process_time() - cpu_start, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--task", choices=("adding", "copy", "both"), default="adding")
    p.add_argument("--lengths", default="200", help="adding: T; copy: the delay")
    p.add_argument("--copy-delays", default="50,100", help="delays when --task both")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--seeds", default="0")
    p.add_argument("--n-train", type=int, default=10_000)
    p.add_argument(
        "--seconds",
        type=float,
        default=0.0,
        help="training time budget per run (0: none, --epochs decides)",
    )
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--max-batches", type=int, default=0, help="stop after this many (0: no cap)")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument(
        "--save-models",
        type=Path,
        default=None,
        metavar="DIR",
        help="also save each trained model's weights (get_weights() as arr_0, "
        "arr_1, ...) in DIR/<task>_<length>_<model>.npz",
    )
    args = p.parse_args(argv)

    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # retracing notes: one model per run is expected
    plan = []
    lengths = [int(v) for v in args.lengths.split(",")]
    if args.task in ("adding", "both"):
        plan += [("adding", L) for L in lengths]
    if args.task == "copy":
        plan += [("copy", L) for L in lengths]
    if args.task == "both":
        plan += [("copy", int(v)) for v in args.copy_delays.split(",")]

    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    runs = {(r["task"], r["length"], r["model"], r["seed"]): r for r in existing.get("runs", [])}
    command = "TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/gated_adding.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    for task, length in plan:
        for model in args.models.split(","):
            for seed in (int(s) for s in args.seeds.split(",")):
                r = run(
                    task,
                    length,
                    model,
                    seed,
                    n_train=args.n_train,
                    seconds=args.seconds,
                    epochs=args.epochs,
                    lr=args.lr,
                    max_batches=args.max_batches,
                    save_dir=args.save_models,
                )
                # each run keeps its own command, date and machine load: the file merges runs
                r.update(command=command, date=datetime.now(UTC).isoformat(timespec="seconds"))
                runs[(task, length, model, seed)] = r
                print(
                    f"{task:6s} {length:4d} {model:12s} seed {seed}: {r['metric']} "
                    f"{r['value']:.4f} (baseline {r['baseline']:.4f}) {r['params']} params, "
                    f"{r['train_seconds']} s, {r['batches']} batches",
                    flush=True,
                )
                text = (
                    json.dumps(
                        {
                            "benchmark": "adding problem and copy task: SimpleRNN, LSTM, "
                            "LSTM + chrono "
                            "init, GRU at about 4.4k parameters (notebook 06)",
                            "date": datetime.now(UTC).isoformat(timespec="seconds"),
                            "machine": machine(),
                            "versions": {
                                "numpy": np.__version__,
                                "tensorflow": tf.__version__,
                                "keras": keras.__version__,
                            },
                            "runs": sorted(
                                runs.values(),
                                key=lambda r: (
                                    r["task"],
                                    r["length"],
                                    MODELS.index(r["model"]),
                                    r["seed"],
                                ),
                            ),
                        },
                        indent=1,
                    )
                    + "\n"
                )
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(text)


if __name__ == "__main__":
    main()
