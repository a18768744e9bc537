"""Benchmark of notebook 04: a character RNN trained by NumPy truncated BPTT on *Lady
Susan*, against character n-gram baselines on the same split.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/char_model.py [--steps 2000] [--seeds 0]
    .venv/bin/python benchmarks/char_model.py --steps 4000 \
        --out benchmarks/results/char_model_4000.json  # the longer run notebook 04 prints
    .venv/bin/python tools/build_data/benchmark_copies.py   # ...from its copy beside it

Data: rl.datasets.load_lady_susan() (bundled with music21); the last 10% is held out, and the
last 10% of the rest is the validation text on which each n-gram's smoothing (add-k's k,
Kneser-Ney's discount) is chosen before refitting on the whole training part. Held-out
loss is in nats per character, the held-out text scored as one stream with the state
carried (the n-grams see the end of the training text as context).

Model: embedding 32, tanh RNN with H=128, softmax over 67 characters; windows of 50
characters, 32 streams, Adam (lr falling linearly from --lr to --lr-end) and global-norm
clipping at 5, with rnnlib's forward and backward passes (the notebook trains the same
model with the student's backward pass and these settings). Writes
benchmarks/results/char_model.json: the baselines, per seed the training curve (held-out
loss every --eval-every steps, with wall seconds), the final loss and the step time, and
the machine with its load. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from rnnlib import data, datasets
from rnnlib.lm import char_rnn, ngram

RESULTS = Path(__file__).resolve().parent / "results" / "char_model.json"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def baselines(train, held, V, orders=(1, 2, 3, 4, 5, 6)) -> dict:
    """Add-k and Kneser-Ney n-grams: smoothing tuned on validation, refit on train."""
    fit, val = data.split_last(train, 0.1)
    out = {}
    for n in orders:
        ak = ngram.fit_add_k(fit, val, n, V)
        kn = ngram.fit_kneser_ney(fit, val, n, V)
        out[n] = {
            "add_k": {
                "k": ak.k,
                "held_out": ngram.AddK(n, V, ak.k).fit(train).loss(held, context=train),
            },
            "kneser_ney": {
                "d": kn.d,
                "held_out": ngram.KneserNey(n, V, kn.d).fit(train).loss(held, context=train),
            },
        }
        print(
            f"n={n}: add-k (k={ak.k:g}) {out[n]['add_k']['held_out']:.3f}   "
            f"Kneser-Ney (d={kn.d:g}) {out[n]['kneser_ney']['held_out']:.3f}",
            flush=True,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--lr-end", type=float, default=3e-4)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    corpus = datasets.load_lady_susan()
    chars = data.Vocab.of_chars(corpus)
    ids = np.array(chars.encode(corpus), dtype=np.int32)
    train, held = data.split_last(ids, 0.1)
    V = len(chars)
    result = {
        "benchmark": "character RNN (NumPy truncated BPTT) vs character n-grams, Lady Susan",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu": cpu_model(),
            "logical_cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
            "load_average_1min_start": round(os.getloadavg()[0], 2),
        },
        "data": {
            "characters": len(ids),
            "vocabulary": V,
            "train": len(train),
            "held_out": len(held),
        },
        "settings": {
            "embedding": 32,
            "hidden": args.hidden,
            "window": 50,
            "batch": 32,
            "optimizer": "Adam",
            "lr": args.lr,
            "lr_end": args.lr_end,
            "clip": 5.0,
            "steps": args.steps,
            "dtype": "float32",
        },
    }
    start = time.perf_counter()
    result["baselines"] = baselines(train, held, V)
    result["baselines_seconds"] = round(time.perf_counter() - start, 2)
    runs = {}
    for seed in args.seeds:
        params = char_rnn.init_char_rnn(V, 32, args.hidden, seed=seed)
        t0 = time.perf_counter()
        hist = char_rnn.train_char_rnn(
            params,
            train,
            steps=args.steps,
            lr=args.lr,
            lr_end=args.lr_end,
            held_out=held,
            eval_every=args.eval_every,
            seed=seed,
            log=lambda s: print(s, flush=True),
        )
        seconds = time.perf_counter() - t0
        runs[str(seed)] = {
            "held_out": hist["held_out"][-1],
            "best_held_out": min(hist["held_out"]),
            "train_seconds": round(seconds, 1),
            "ms_per_step_incl_eval": round(1e3 * seconds / args.steps, 2),
            "curve": {k: [round(float(v), 4) for v in vals] for k, vals in hist.items()},
        }
        sample = char_rnn.sample_chars(params, chars.encode("My dear "), 200, 0.7, seed=seed)
        runs[str(seed)]["sample_t0.7"] = "My dear " + chars.decode(sample)
        print(runs[str(seed)]["sample_t0.7"], flush=True)
    result["runs"] = runs
    result["machine"]["load_average_1min_end"] = round(os.getloadavg()[0], 2)
    finals = [r["held_out"] for r in runs.values()]
    best_addk = min(b["add_k"]["held_out"] for n, b in result["baselines"].items() if n <= 4)
    result["summary"] = {
        "rnn_held_out_mean": round(float(np.mean(finals)), 4),
        "best_add_k_n_le_4": round(best_addk, 4),
        "best_kneser_ney": round(
            min(b["kneser_ney"]["held_out"] for b in result["baselines"].values()), 4
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"]))


if __name__ == "__main__":
    main()
