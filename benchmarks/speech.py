"""Benchmark: notebook 08's keyword classifier and streaming detector on held-out voice families.

    TF_CPP_MIN_LOG_LEVEL=3 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/speech.py \\
        [--seeds 0 1 2] [--voices 400] [--long-epochs 8] [--det-long-epochs 24]

Data: rl.datasets.load_keywords(n_voices, seed) -- ten digits and an "unknown" class said by
eSpeak NG voices, split by voice family -- built fresh in a temporary cache (its generation
time is reported), and rl.datasets.load_keyword_streams for the detector. For each split seed:
the GRU classifier of notebook 08 (Conv1D stride 2, GRU(64) with the mask at stride 2, max over
time, per-utterance normalised log-mels, one mel/time-warped copy of each training clip) at the
notebook's settings and trained longer, against logistic regression on MFCC mean/std and on
3-segment MFCC features. On the first seed, the causal detector of notebook 08 (causal Conv1D
stride 2, GRU(64), a softmax per step) at the notebook's settings and trained longer on more
streams: frame accuracy, precision, recall, false alarms per minute on the test voices' streams,
the threshold chosen on the training streams. Writes benchmarks/results/speech.json and a copy
beside the notebook (solutions/08_speech/speech_benchmark.json), which the notebook prints.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import rnnlib as rl  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "speech.json"
BESIDE_NOTEBOOK = ROOT / "solutions" / "08_speech" / "speech_benchmark.json"
NOTEBOOK_EPOCHS, NOTEBOOK_DET_EPOCHS = 3, 8  # solutions/08_speech: EPOCHS, DET_EPOCHS
NOTEBOOK_STREAMS = (240, 80)  # N_TRAIN_STREAMS, N_TEST_STREAMS
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
WINDOW = 200

warnings.filterwarnings("ignore", message=".*does not support masking.*")


def build_classifier(n_classes, units=64):
    import keras

    log_mel = keras.Input((None, rl.audio.N_MELS))
    mask = keras.Input((None,), dtype="bool")
    u = keras.layers.Conv1D(64, 5, strides=2, padding="same", activation="relu")(log_mel)
    h = keras.layers.GRU(units, return_sequences=True)(u, mask=mask)
    probs = keras.layers.Dense(n_classes, activation="softmax")(
        keras.layers.GlobalMaxPooling1D()(h)
    )
    model = keras.Model([log_mel, mask], probs)
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy")
    return model


def build_detector(n_classes, units=64):
    import keras

    log_mel = keras.Input((None, rl.audio.N_MELS))
    u = keras.layers.Conv1D(64, 5, strides=2, padding="causal", activation="relu")(log_mel)
    h = keras.layers.GRU(units, return_sequences=True)(u)
    model = keras.Model(log_mel, keras.layers.Dense(n_classes, activation="softmax")(h))
    model.compile(keras.optimizers.Adam(4e-3), "sparse_categorical_crossentropy")
    return model


def classifier_runs(data, seed, epochs_list, copies):
    """{epochs: (held-out accuracy, train seconds)} for the notebook's classifier."""
    rng = np.random.default_rng(1)
    raw = [rl.audio.log_mel_spectrogram(a) for a in data.train.audio]
    tr = [rl.audio.normalize_utterance(f) for f in raw]
    for _ in range(copies):
        tr += [rl.audio.normalize_utterance(rl.audio.warp_log_mel(f, rng)) for f in raw]
    te = [rl.audio.normalize_utterance(rl.audio.log_mel_spectrogram(a)) for a in data.test.audio]
    ytr = np.tile(data.train.labels, copies + 1)
    T = max(len(f) for f in tr + te)
    T += T % 2
    Xtr, Mtr = rl.data.pad_sequences(tr, maxlen=T, padding="post", dtype="float32")
    Xte, Mte = rl.data.pad_sequences(te, maxlen=T, padding="post", dtype="float32")
    out = {}
    for epochs in epochs_list:
        rl.training.set_seed(seed)
        model = build_classifier(len(data.classes))
        start = time.perf_counter()
        model.fit([Xtr, Mtr[:, ::2]], ytr, batch_size=64, epochs=epochs, verbose=0)
        seconds = time.perf_counter() - start
        pred = model.predict([Xte, Mte[:, ::2]], verbose=0, batch_size=256).argmax(1)
        out[epochs] = (float((pred == data.test.labels).mean()), round(seconds, 1))
    return out


def baselines(data):
    def mfccs(split):
        feats = [rl.audio.log_mel_spectrogram(a) for a in split.audio]
        coeffs = rl.audio.mfcc(rl.data.pad_sequences(feats, padding="post", dtype="float32")[0])
        return [c[: len(f)] for c, f in zip(coeffs, feats, strict=True)]

    mtr, mte = mfccs(data.train), mfccs(data.test)
    out = {}
    for n_seg, name in ((1, "mfcc_mean_std"), (3, "mfcc_3_segments")):
        Ftr = np.stack([rl.baselines.segment_features(m, n_seg) for m in mtr])
        Fte = np.stack([rl.baselines.segment_features(m, n_seg) for m in mte])
        lr = rl.baselines.fit_logistic_regression(Ftr, data.train.labels, len(data.classes))
        out[name] = float((lr.predict(Fte) == data.test.labels).mean())
    return out


def detector_runs(data, settings, seed):
    """Frame accuracy, precision, recall and false alarms per minute of the causal detector."""
    train_v, test_v = sorted(set(data.train.voices)), sorted(set(data.test.voices))
    rows = {}
    for name, (n_train, n_test, epochs) in settings.items():
        streams = rl.datasets.load_keyword_streams(train_v, n_train, seconds=6.0, seed=1)
        streams_test = rl.datasets.load_keyword_streams(test_v, n_test, seconds=6.0, seed=2)
        lm = np.stack([rl.audio.log_mel_spectrogram(a) for a in streams.audio])
        mu, sd = lm.mean(axis=(0, 1)), lm.std(axis=(0, 1))
        Z = (lm - mu) / sd
        Zt = (np.stack([rl.audio.log_mel_spectrogram(a) for a in streams_test.audio]) - mu) / sd
        Y, Yt = np.stack(streams.labels), np.stack(streams_test.labels)
        F = Yt.shape[1]
        n = F // WINDOW
        Xw = Z[:, : n * WINDOW].reshape(-1, WINDOW, rl.audio.N_MELS)
        Yw = Y[:, : n * WINDOW].reshape(-1, WINDOW)[:, ::2]
        rl.training.set_seed(seed)
        model = build_detector(len(rl.datasets.KEYWORDS) + 1)
        start = time.perf_counter()
        model.fit(
            Xw, Yw, sample_weight=np.where(Yw > 0, 3.0, 1.0), batch_size=8, epochs=epochs, verbose=0
        )
        seconds = time.perf_counter() - start

        def frames(x, model=model, F=F):
            return np.repeat(model.predict(x, verbose=0, batch_size=32), 2, axis=1)[:, :F]

        def scores(probs, s, threshold):
            found = [rl.audio.detect_keywords(p, threshold=threshold) for p in probs]
            return rl.audio.score_detections(found, s.events, s.minutes)

        def f1(s):
            return 2 * s.precision * s.recall / max(s.precision + s.recall, 1e-9)

        ptr, pte = frames(Z), frames(Zt)
        threshold = max(THRESHOLDS, key=lambda t: f1(scores(ptr, streams, t)))
        sc = scores(pte, streams_test, threshold)
        rows[name] = {
            "frame accuracy": float((pte.argmax(-1) == Yt).mean()),
            "precision": sc.precision,
            "recall": sc.recall,
            "false alarms / min": sc.false_alarms_per_minute,
            "all-nothing frame accuracy": float((Yt == 0).mean()),
            "threshold": threshold,
            "train_streams": n_train,
            "test_streams": n_test,
            "test_minutes": round(streams_test.minutes, 2),
            "epochs": epochs,
            "train_seconds": round(seconds, 1),
        }
        print(name, json.dumps(rows[name]), flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--voices", type=int, default=400)
    parser.add_argument("--long-epochs", type=int, default=8)
    parser.add_argument("--det-long-epochs", type=int, default=24)
    parser.add_argument("--det-long-streams", type=int, default=480)
    args = parser.parse_args()
    per_seed = []
    with tempfile.TemporaryDirectory() as cache:
        os.environ["RNN_COURSE_CACHE"] = cache
        start = time.perf_counter()
        rl.datasets.load_keywords(n_voices=args.voices, seed=args.seeds[0])
        generation_s = time.perf_counter() - start
        start = time.perf_counter()
        rl.datasets.load_keywords(n_voices=args.voices, seed=args.seeds[0])
        reload_s = time.perf_counter() - start
        detector = {}
        for seed in args.seeds:
            data = rl.datasets.load_keywords(n_voices=args.voices, seed=seed)
            runs = classifier_runs(data, seed, (NOTEBOOK_EPOCHS, args.long_epochs), copies=1)
            r = {
                "seed": seed,
                "train_clips": len(data.train),
                "test_clips": len(data.test),
                "train_voices": len(set(data.train.voices)),
                "test_voices": len(set(data.test.voices)),
                "test_families": list(data.test_families),
                "gru_notebook": runs[NOTEBOOK_EPOCHS],
                "gru_long": runs[args.long_epochs],
                "baselines": baselines(data),
            }
            print(json.dumps(r), flush=True)
            per_seed.append(r)
            if seed == args.seeds[0]:
                start = time.perf_counter()
                rl.datasets.load_keyword_streams(
                    sorted(set(data.test.voices)), NOTEBOOK_STREAMS[1], seconds=6.0, seed=2
                )
                stream_generation_s = time.perf_counter() - start
                detector = detector_runs(
                    data,
                    {
                        f"causal GRU, notebook settings ({NOTEBOOK_DET_EPOCHS} epochs)": (
                            *NOTEBOOK_STREAMS,
                            NOTEBOOK_DET_EPOCHS,
                        ),
                        f"causal GRU, {args.det_long_epochs} epochs, "
                        f"{args.det_long_streams} training streams": (
                            args.det_long_streams,
                            NOTEBOOK_STREAMS[1],
                            args.det_long_epochs,
                        ),
                    },
                    seed,
                )

    def summary(values, extra=None):
        return {
            "seeds": len(values),
            "accuracy_mean": float(np.mean(values)),
            "accuracy_min": float(np.min(values)),
            "per_seed": values,
            **(extra or {}),
        }

    classifier = {
        f"GRU, notebook settings ({NOTEBOOK_EPOCHS} epochs)": summary(
            [r["gru_notebook"][0] for r in per_seed],
            {"train_seconds": [r["gru_notebook"][1] for r in per_seed]},
        ),
        f"GRU, {args.long_epochs} epochs": summary(
            [r["gru_long"][0] for r in per_seed],
            {"train_seconds": [r["gru_long"][1] for r in per_seed]},
        ),
        "logistic regression, MFCC mean/std": summary(
            [r["baselines"]["mfcc_mean_std"] for r in per_seed]
        ),
        "logistic regression, MFCC mean/std of 3 segments": summary(
            [r["baselines"]["mfcc_3_segments"] for r in per_seed]
        ),
    }
    result = {
        "what": "notebook 08: keyword classifier and streaming detector on held-out voice families",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_end": list(os.getloadavg()),
        },
        "n_voices": args.voices,
        "generation_seconds": round(generation_s, 1),
        "reload_seconds": round(reload_s, 2),
        "test_stream_generation_seconds": round(stream_generation_s, 1),
        "classifier": classifier,
        "detector": detector,
        "runs": per_seed,
    }
    text = json.dumps(result, indent=2) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    BESIDE_NOTEBOOK.parent.mkdir(parents=True, exist_ok=True)
    BESIDE_NOTEBOOK.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)} and {BESIDE_NOTEBOOK.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
