"""Benchmark: notebook 09's next-step chorale LSTM against count-based baselines.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/music.py [--long-seconds 240]

Data: the 344 Bach chorales music21 ships (rl.datasets.load_chorales(): eighth-note grid,
transposed to C major / A minor, split 80/10/10 by hymn tune with seed 0). Every model predicts
the four tokens of step t from the steps before it (and the bar position of step t); metrics on
the test split (rl.music.next_step_metrics): NLL per token (nats), total NLL per note onset,
accuracy, and accuracy at the steps where a note or a rest starts ("changes").

Models: "repeat the previous step" with a fitted probability per voice; per-voice 3- and
4-grams and a bigram with bar position (smoothing chosen on validation); the notebook's LSTM
(256 units, the notebook's settings: EPOCHS epochs of 32-step windows), and a longer run
(dropout 0.2, transposition by -3 ... +3 semitones, stopped after --long-seconds of
training). Writes benchmarks/results/music.json and a copy beside the notebook
(solutions/09_music/music_benchmark.json), which the notebook prints. Nothing is asserted.

Published reference point, not directly comparable: Chung et al. 2014 ("Empirical evaluation
of gated recurrent neural networks on sequence modeling") report 8.54 (GRU), 8.67 (LSTM) and
9.10 (tanh RNN) nats per frame on JSB Chorales, a piano-roll encoding (88 binary notes per
frame, quarter-note frames, no voices), where a frame's NLL sums 88 Bernoulli terms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import rnnlib as rl  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "music.json"
BESIDE_NOTEBOOK = ROOT / "solutions" / "09_music" / "music_benchmark.json"
SEED, UNITS, EPOCHS, WINDOW, BATCH, LR = 0, 256, 5, 32, 32, 1e-2
REFERENCE = {
    "source": "Chung, Gulcehre, Cho, Bengio 2014, arXiv:1412.3555, Table 2 (JSB Chorales)",
    "nats_per_frame": {"GRU": 8.54, "LSTM": 8.67, "tanh RNN": 9.10},
    "comparable": False,
    "why": "piano-roll frames of 88 binary notes (a frame's NLL sums 88 Bernoulli terms), "
    "quarter-note frames, the JSB split; here four categorical voices per eighth-note "
    "step on a split by hymn tune",
}


def evaluate(probs_of, chorales) -> dict:
    """Metrics of ``probs_of(chorale) -> (T - 1, 4, V)`` over chorales."""
    probs = np.concatenate([probs_of(c) for c in chorales])
    targets = np.concatenate([c.tokens[1:] for c in chorales])
    previous = np.concatenate([c.tokens[:-1] for c in chorales])
    return rl.music.next_step_metrics(probs, targets, previous)


def lstm_metrics(model, chorales) -> dict:
    X, P, Y, W = rl.music.chorale_batches(chorales)
    probs = model.predict([X, P], verbose=0, batch_size=64)
    mask = np.repeat(W[..., None] > 0, 4, axis=-1)
    return rl.music.next_step_metrics(probs, Y, X, mask=mask)


class _StopAfter:
    """A Keras callback that stops training after ``seconds``."""

    def __new__(cls, seconds):
        import keras

        class StopAfter(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.start = time.perf_counter()

            def on_train_batch_end(self, batch, logs=None):
                if time.perf_counter() - self.start > seconds:
                    self.model.stop_training = True

        return StopAfter()


def train(splits, epochs, dropout=0.0, shifts=(), seconds=None) -> tuple:
    train_set = (
        rl.datasets.transposed_chorales(splits["train"], shifts) if shifts else splits["train"]
    )
    X, P, Y, W = rl.music.chorale_batches(train_set, length=WINDOW, stride=WINDOW // 2)
    rl.training.set_seed(SEED)
    model = rl.music.build_chorale_lstm(UNITS, dropout=dropout, learning_rate=LR)
    callbacks = [_StopAfter(seconds)] if seconds else []
    start = time.perf_counter()
    history = model.fit(
        [X, P],
        Y,
        sample_weight=np.repeat(W[..., None], 4, axis=-1),
        batch_size=BATCH,
        epochs=epochs,
        verbose=0,
        shuffle=True,
        callbacks=callbacks,
    )
    return model, time.perf_counter() - start, len(history.history["loss"]), len(X)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long-seconds", type=float, default=240.0)
    args = parser.parse_args()
    splits = rl.datasets.load_chorales(seed=SEED)
    train_set, val, test = splits["train"], splits["val"], splits["test"]
    rows: dict[str, dict] = {}

    B = rl.baselines
    t = time.perf_counter()
    fitted = {
        "repeat the previous step": B.RepeatBaseline().fit(train_set),
        "per-voice 3-gram": B.fit_baseline_alpha(B.VoiceNgram(3), train_set, val),
        "per-voice 4-gram": B.fit_baseline_alpha(B.VoiceNgram(4), train_set, val),
        "bigram + bar position": B.fit_baseline_alpha(B.BarBigram(), train_set, val),
    }
    for name, model in fitted.items():
        rows[name] = {
            "test": evaluate(lambda c, m=model: m.predict(c.tokens, c.positions), test),
            "val": evaluate(lambda c, m=model: m.predict(c.tokens, c.positions), val),
            "alpha": getattr(model, "alpha", None),
        }
    baseline_seconds = time.perf_counter() - t

    model, seconds, epochs, windows = train(splits, EPOCHS)
    rows[f"LSTM-{UNITS}, notebook settings"] = {
        "test": lstm_metrics(model, test),
        "val": lstm_metrics(model, val),
        "train_seconds": round(seconds, 1),
        "epochs": epochs,
        "windows": windows,
    }
    model, seconds, epochs, windows = train(
        splits, 1000, dropout=0.2, shifts=(-3, -2, -1, 1, 2, 3), seconds=args.long_seconds
    )
    rows[f"LSTM-{UNITS}, dropout 0.2 + transposition, {args.long_seconds:.0f} s"] = {
        "test": lstm_metrics(model, test),
        "val": lstm_metrics(model, val),
        "train_seconds": round(seconds, 1),
        "epochs": epochs,
        "windows": windows,
    }

    for name, row in rows.items():
        m = row["test"]
        print(
            f"{name:52s} {m['nll_per_token']:.3f} nats/token  {m['nll_per_onset']:.3f} "
            f"nats/onset  accuracy {m['accuracy']:.3f}  on changes {m['change_accuracy']:.3f}"
        )
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
        },
        "seed": SEED,
        "grid": "eighth notes, common key (C major / A minor)",
        "sizes": {
            k: {"chorales": len(v), "steps": int(sum(len(c.tokens) for c in v))}
            for k, v in splits.items()
        },
        "settings": {
            "units": UNITS,
            "epochs": EPOCHS,
            "window": WINDOW,
            "batch": BATCH,
            "learning_rate": LR,
        },
        "baseline_fit_seconds": round(baseline_seconds, 2),
        "models": rows,
        "reference": REFERENCE,
    }
    text = json.dumps(result, indent=2) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    BESIDE_NOTEBOOK.parent.mkdir(parents=True, exist_ok=True)
    BESIDE_NOTEBOOK.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)} and {BESIDE_NOTEBOOK.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
