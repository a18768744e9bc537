"""Benchmark of notebook 01: which model finds the motif at positions never seen in training,
over several seeds, and at other sequence lengths.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/motif_seeds.py            # seeds 1,2,3
    .venv/bin/python benchmarks/motif_seeds.py --seeds 1 --models gru,simple_rnn

The data and every setting are those of solutions/01_sequences: T = 20 tokens over ids 1..7
(V = 8), motif 1 2 3, shuffled decoys in the negatives; 3,000 training sequences (seed 1)
with the motif only at start positions 0-5 and 12-17, 4,000 test sequences (seed 2) with it
anywhere. Models: the notebook's MLP on the flattened one-hot input (Dense 64 relu, Adam 3e-3,
30 epochs), the bag-of-words logistic regression (Adam 1e-2, 20 epochs), and the exercise's
recurrent classifier (one recurrent layer of 16 units, Dense(1) sigmoid, Adam 1e-2, 15 epochs)
with a GRU or with a SimpleRNN: the same weight sharing across time, with and without gates.
The seed is set with ``rl.training.set_seed(seed)`` right before each model is built, as in
the notebook; the data stay fixed, so seeds change only the initial weights and the order of
the batches. The recurrent models are also scored on fresh data of other lengths
(T = 10, 40, 80, motif anywhere), and so is the bag-of-words model (an average over time has V
numbers whatever T is); the MLP's first weight matrix has T V = 160 rows and cannot take them.
Writes benchmarks/results/motif_seeds.json (merging: runs are keyed by model and seed); the
notebook reads a copy beside it, solutions/01_sequences/motif_seeds.json, which
tools/build_data/benchmark_copies.py writes (`make release` ships it in course/). Nothing is
asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
from machine import machine  # noqa: E402

import rnnlib as rl  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

RESULTS = REPO / "benchmarks" / "results" / "motif_seeds.json"
COMMAND = "TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/motif_seeds.py"
MODELS = ("mlp", "bag_of_words", "simple_rnn", "gru")
T, V, MOTIF = 20, 8, (1, 2, 3)
TRAIN_POSITIONS = np.r_[0:6, 12:18]
LENGTHS = (10, 40, 80)
N_LENGTH_TEST = 2000


def notebook_data():
    """The notebook's training and test sets (one-hot inputs, labels, motif positions)."""
    X_train, y_train, _ = rl.datasets.motif_dataset(
        3000, T, MOTIF, V, train_positions=TRAIN_POSITIONS, seed=1, decoys=True
    )
    X_test, y_test, pos_test = rl.datasets.motif_dataset(4000, T, MOTIF, V, seed=2, decoys=True)
    return rl.data.one_hot(X_train, V), y_train, rl.data.one_hot(X_test, V), y_test, pos_test


def build(model: str, seed: int):
    """The notebook's model ``model``, compiled, with initial weights from ``seed``."""
    import keras

    rl.training.set_seed(seed)
    if model == "mlp":
        layers = [
            keras.Input(shape=(T, V)),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
        ]
        lr, epochs = 3e-3, 30
    elif model == "bag_of_words":
        layers = [keras.Input(shape=(T, V)), keras.layers.GlobalAveragePooling1D()]
        lr, epochs = 1e-2, 20
    else:
        cell = keras.layers.GRU if model == "gru" else keras.layers.SimpleRNN
        layers = [keras.Input(shape=(None, V)), cell(16)]
        lr, epochs = 1e-2, 15
    net = keras.Sequential([*layers, keras.layers.Dense(1, activation="sigmoid")], name=model)
    net.compile(
        optimizer=keras.optimizers.Adam(lr), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return net, epochs


def accuracy(net, X, y) -> float:
    p = np.asarray(net.predict(X, batch_size=500, verbose=0))[:, 0]
    return (p > 0.5) == (y == 1)


def run(model: str, seed: int, data) -> dict:
    X_train, y_train, X_test, y_test, pos_test = data
    net, epochs = build(model, seed)
    start = time.perf_counter()
    net.fit(X_train, y_train, epochs=epochs, batch_size=64, verbose=0)
    train_s = time.perf_counter() - start
    correct = accuracy(net, X_test, y_test)
    groups = {
        "seen_positions": np.isin(pos_test, TRAIN_POSITIONS) & (y_test == 1),
        "unseen_positions": ~np.isin(pos_test, TRAIN_POSITIONS) & (y_test == 1),
        "no_motif": y_test == 0,
    }
    result = {
        "model": model,
        "seed": seed,
        "epochs": epochs,
        "params": int(net.count_params()),
        **{name: round(float(correct[rows].mean()), 4) for name, rows in groups.items()},
        "test_accuracy": round(float(correct.mean()), 4),
    }
    lengths = {}
    for length in LENGTHS:
        X, y, _ = rl.datasets.motif_dataset(
            N_LENGTH_TEST, length, MOTIF, V, seed=1000 + length, decoys=True
        )
        if model == "mlp":
            lengths[str(length)] = None  # Flatten + Dense: 160 inputs, it cannot take (length, 8)
        else:
            lengths[str(length)] = round(float(accuracy(net, rl.data.one_hot(X, V), y).mean()), 4)
    result["accuracy_by_length"] = lengths
    result["train_seconds"] = round(train_s, 1)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)

    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    data = notebook_data()
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    runs = {(r["model"], r["seed"]): r for r in existing.get("runs", [])}
    for model in args.models.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            r = run(model, seed, data)
            runs[(model, seed)] = r
            print(
                f"{model:12s} seed {seed}: unseen {r['unseen_positions']:.3f}  seen "
                f"{r['seen_positions']:.3f}  no motif {r['no_motif']:.3f}  by length "
                f"{r['accuracy_by_length']}  ({r['train_seconds']} s)",
                flush=True,
            )
            args.out.parent.mkdir(parents=True, exist_ok=True)
            order = {m: k for k, m in enumerate(MODELS)}
            text = (
                json.dumps(
                    {
                        "benchmark": "motif at unseen positions and other lengths: "
                        "MLP, bag of words, "
                        "SimpleRNN, GRU over seeds (notebook 01)",
                        "command": COMMAND,
                        "date": datetime.now(UTC).isoformat(timespec="seconds"),
                        "machine": machine(),
                        "versions": {
                            "numpy": np.__version__,
                            "tensorflow": tf.__version__,
                            "keras": keras.__version__,
                        },
                        "setup": {
                            "T": T,
                            "V": V,
                            "motif": list(MOTIF),
                            "train_positions": TRAIN_POSITIONS.tolist(),
                            "n_train": 3000,
                            "n_test": 4000,
                            "lengths": list(LENGTHS),
                            "n_per_length": N_LENGTH_TEST,
                            "batch_size": 64,
                        },
                        "runs": sorted(
                            runs.values(), key=lambda r: (order.get(r["model"], 9), r["seed"])
                        ),
                    },
                    indent=1,
                )
                + "\n"
            )
            args.out.write_text(text)


if __name__ == "__main__":
    main()
