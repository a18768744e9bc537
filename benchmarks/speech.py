"""Benchmark: notebook 08's keyword classifier (and its baseline) on held-out voice families.

    TF_CPP_MIN_LOG_LEVEL=3 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/speech.py \\
        [--seeds 0 1 2] [--voices 300] [--seconds 40]

Data: rl.datasets.load_keywords(n_voices, seed) -- ten digits and an "unknown" class said by
eSpeak NG voices, split by voice family -- built fresh in a temporary cache (its generation
time is reported). For each split seed: the GRU classifier of notebook 08 (Conv1D stride 2,
GRU(64) with max-pooling over time, per-utterance normalised log-mels, mel-axis warp and time
stretch augmentation) trained for a fixed number of epochs, against logistic regression on
MFCC mean/std and on 3-segment MFCC features. Writes benchmarks/results/speech.json with the
machine it ran on. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import rnnlib as rl  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "speech.json"


def features(split):
    """Per-utterance normalised log-mel spectrograms of a split: list of (T_i, 40)."""
    return [rl.audio.normalize_utterance(rl.audio.log_mel_spectrogram(a)) for a in split.audio]


def augment(log_mels, rng, copies):
    """Warped copies: the mel axis stretched by 0.85-1.15 (another vocal tract) and time by
    0.85-1.15 (another speed), then normalised again (notebook 08's augmentation)."""
    out = []
    for _ in range(copies):
        for lm in log_mels:
            out.append(rl.audio.normalize_utterance(rl.audio.warp_log_mel(lm, rng)))
    return out


def classifier(n_classes):
    import keras

    inputs = keras.Input((None, rl.audio.N_MELS))
    h = keras.layers.Conv1D(64, 5, strides=2, padding="same", activation="relu")(inputs)
    h = keras.layers.GRU(64, return_sequences=True)(h)
    h = keras.layers.GlobalMaxPooling1D()(h)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(
        keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def run_seed(seed, n_voices, epochs, copies):
    data = rl.datasets.load_keywords(n_voices=n_voices, seed=seed)
    rng = np.random.default_rng(seed)
    raw_train = [rl.audio.log_mel_spectrogram(a) for a in data.train.audio]
    tr = [rl.audio.normalize_utterance(f) for f in raw_train] + augment(raw_train, rng, copies)
    te = features(data.test)
    ytr = np.tile(data.train.labels, copies + 1)
    T = max(len(f) for f in tr + te)
    Xtr, _ = rl.data.pad_sequences(tr, maxlen=T, padding="post", dtype="float32")
    Xte, _ = rl.data.pad_sequences(te, maxlen=T, padding="post", dtype="float32")
    rl.training.set_seed(seed)
    model = classifier(len(data.classes))
    start = time.perf_counter()
    model.fit(Xtr, ytr, batch_size=64, epochs=epochs, verbose=0)
    train_s = time.perf_counter() - start
    gru_acc = float((model.predict(Xte, verbose=0).argmax(1) == data.test.labels).mean())

    base = {}
    mtr = [rl.audio.mfcc(f) for f in raw_train]
    mte = [rl.audio.mfcc(rl.audio.log_mel_spectrogram(a)) for a in data.test.audio]
    for n_seg, name in ((1, "mfcc_mean_std"), (3, "mfcc_3_segments")):
        Ftr = np.stack([rl.baselines.segment_features(m, n_seg) for m in mtr])
        Fte = np.stack([rl.baselines.segment_features(m, n_seg) for m in mte])
        lr = rl.baselines.fit_logistic_regression(Ftr, data.train.labels, len(data.classes))
        base[name] = float((lr.predict(Fte) == data.test.labels).mean())
    return {
        "seed": seed,
        "train_clips": len(data.train),
        "test_clips": len(data.test),
        "train_voices": len(set(data.train.voices)),
        "test_voices": len(set(data.test.voices)),
        "test_families": list(data.test_families),
        "gru_accuracy": gru_acc,
        "gru_train_seconds": round(train_s, 1),
        "baseline_accuracy": base,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--voices", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as cache:
        os.environ["RNN_COURSE_CACHE"] = cache
        start = time.perf_counter()
        rl.datasets.load_keywords(n_voices=args.voices, seed=args.seeds[0])
        generation_s = time.perf_counter() - start
        start = time.perf_counter()
        rl.datasets.load_keywords(n_voices=args.voices, seed=args.seeds[0])
        reload_s = time.perf_counter() - start
        for seed in args.seeds:
            r = run_seed(seed, args.voices, args.epochs, args.copies)
            print(json.dumps(r))
            results.append(r)
    accs = [r["gru_accuracy"] for r in results]
    summary = {
        "what": "notebook 08 keyword classifier on held-out voice families vs logistic regression",
        "n_voices": args.voices,
        "epochs": args.epochs,
        "augmented_copies": args.copies,
        "generation_seconds_first_split": round(generation_s, 1),
        "reload_seconds": round(reload_s, 2),
        "gru_accuracy_mean": float(np.mean(accs)),
        "gru_accuracy_min": float(np.min(accs)),
        "runs": results,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
