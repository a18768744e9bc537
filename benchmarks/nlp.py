"""Benchmark of notebook 07's three headline results, each beside its non-neural baseline.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python benchmarks/nlp.py                 # all three
    .venv/bin/python benchmarks/nlp.py --part dates --seconds 60
    .venv/bin/python benchmarks/nlp.py --part names_lm --seconds 300          # the long run

* names_lm: a character GRU language model of surnames (rl.lm.build_char_lm) against the best
  Kneser-Ney n-gram (n = 1..7, discount chosen on validation), held-out nats per character
  (each name's characters and its end).
* names_lang: name -> language, an embedding + GRU classifier against the bag-of-character-
  n-grams logistic regression (rl.baselines.fit_char_ngram_lr), test accuracy.
* dates: human-readable dates -> ISO 8601, plain encoder-decoder and the same with attention
  (rl.lm.build_date_translator), exact match on held-out dates with greedy decoding and beam
  search (k = 1, 3, 5), against dateutil fed Babel's names (rl.baselines.parse_dates).

Each model trains for ``--seconds`` of wall time (checked after every batch), seeded; the JSON
records the data sizes, the seed, the steps made, the CPU seconds and the load average (the
machine is shared: a loaded one trains fewer steps in the same time). Writes
benchmarks/results/nlp.json (merging: each part keeps its command and date) and the same JSON
beside the notebook (solutions/07_nlp/nlp_benchmark.json), which it prints. Nothing asserted.
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

import rnnlib as rl  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "nlp.json"
BESIDE_NOTEBOOK = REPO / "solutions" / "07_nlp" / "nlp_benchmark.json"  # what the notebook reads
PAD, BOS, EOS = 0, 1, 2  # ids shared by every vocabulary here
ISO_CHARS = "0123456789-"


def budget(seconds: float):
    """A Keras callback that stops training after ``seconds`` of wall time (after a batch)."""
    import keras

    class Budget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.steps = time.perf_counter(), 0

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            if time.perf_counter() - self.start > seconds:
                self.model.stop_training = True

    return Budget()


def char_ids(texts, chars, offset: int = 3):
    """Each text as ids ``offset + chars.index(c)`` (below offset: PAD, BOS, EOS)."""
    index = {c: i + offset for i, c in enumerate(chars)}
    return [[index[c] for c in t] for t in texts]


def pad(seqs, length=None):
    L = length or max(len(s) for s in seqs)
    out = np.zeros((len(seqs), L), np.int32)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = s[:L]
    return out


# ---------------------------------------------------------------- names: language model
def names_lm(seconds: float, seed: int, units: int) -> dict:
    data = rl.datasets.load_names(seed=seed)
    chars = data.chars()
    V = len(chars) + 3
    tr, va, te = (char_ids(part[0], chars) for part in (data.train, data.val, data.test))
    kn = {}
    for n in range(1, 8):
        model = rl.lm.fit_kneser_ney_sequences(tr, va, n, V, EOS, ds=(0.6, 0.7, 0.8, 0.9, 0.95))
        kn[n] = {
            "val": min(model.val_losses.values()),
            "d": model.d,
            "test": rl.lm.sequence_loss(model, te, EOS),
        }
    best_n = min(kn, key=lambda n: kn[n]["val"])

    def xy(seqs):  # inputs BOS + name, targets name + EOS, 0 = padding
        return pad([[BOS] + s for s in seqs]), pad([s + [EOS] for s in seqs])

    import keras

    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = xy(tr), xy(va), xy(te)
    rl.training.set_seed(seed)
    model = rl.lm.build_char_lm(V, units)
    cb = budget(seconds)
    cpu = time.process_time()
    hist = model.fit(
        x_tr,
        y_tr,
        batch_size=64,
        epochs=1000,
        verbose=0,
        callbacks=[cb],
        validation_data=(x_va, y_va),
    )

    def nll(x, y):
        logits = model.predict(x, batch_size=512, verbose=0)
        logp = (
            logits
            - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True))
            - logits.max(-1, keepdims=True)
        )
        picked = np.take_along_axis(logp, y[..., None].astype(np.int64), -1)[..., 0]
        return float(-(picked * (y > 0)).sum() / (y > 0).sum())

    del keras
    return {
        "model": f"GRU-{units} character LM",
        "test_nats_per_char": nll(x_te, y_te),
        "val_nats_per_char": nll(x_va, y_va),
        "baseline": f"Kneser-Ney {best_n}-gram",
        "baseline_test_nats_per_char": kn[best_n]["test"],
        "kneser_ney": kn,
        "epochs": len(hist.history["loss"]),
        "steps": cb.steps,
        "train_seconds": seconds,
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "sizes": [len(tr), len(va), len(te)],
    }


# ---------------------------------------------------------------- names: language classifier
def names_lang(seconds: float, seed: int, units: int) -> dict:
    import keras

    data = rl.datasets.load_names(seed=seed)
    K = len(data.languages)
    t0 = time.perf_counter()
    lr = rl.baselines.fit_char_ngram_lr(*data.train, *data.val, K=K)
    lr_seconds = time.perf_counter() - t0
    lr_acc = float((lr.predict(data.test[0]) == data.test[1]).mean())
    chars = data.chars()
    V = len(chars) + 3
    x_tr, x_va, x_te = (pad(char_ids(p[0], chars)) for p in (data.train, data.val, data.test))
    rl.training.set_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(V, 32, mask_zero=True),
            keras.layers.Bidirectional(keras.layers.GRU(units)),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(K),
        ]
    )
    model.compile(
        keras.optimizers.Adam(3e-3),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    cb = budget(seconds)
    cpu = time.process_time()
    model.fit(
        x_tr,
        data.train[1],
        batch_size=64,
        epochs=1000,
        verbose=0,
        callbacks=[cb],
        validation_data=(x_va, data.val[1]),
    )
    acc = float((model.predict(x_te, verbose=0).argmax(1) == data.test[1]).mean())
    return {
        "model": f"BiGRU-{units} classifier",
        "test_accuracy": acc,
        "baseline": "char 1-3-gram logistic regression",
        "baseline_test_accuracy": lr_acc,
        "baseline_seconds": round(lr_seconds, 1),
        "steps": cb.steps,
        "train_seconds": seconds,
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "sizes": [len(p[0]) for p in (data.train, data.val, data.test)],
        "class_sizes": data.class_sizes(),
        "duplicates_dropped": len(data.duplicates),
    }


# ---------------------------------------------------------------- dates
def decode_dates(encode, step, x, k: int, L: int = 11) -> list[str]:
    enc, state = (np.asarray(a) for a in encode(x))

    def fn(tokens, st):
        s, e, src = st
        logits, s2, _ = step([tokens[:, None], s, e, src])
        logits = np.asarray(logits, np.float64)
        m = logits.max(1, keepdims=True)
        log_probs = logits - m - np.log(np.exp(logits - m).sum(1, keepdims=True))
        return log_probs, (np.asarray(s2), e, src)

    ids, _ = rl.lm.beam_search(fn, (state, enc, x), k=k, max_length=L, bos=BOS, eos=EOS)
    return ["".join(ISO_CHARS[t - 3] for t in row if t >= 3) for row in ids]


def dates(seconds: float, seed: int, units: int) -> dict:
    data = rl.datasets.load_dates(seed=seed)
    chars = data.input_chars()
    x_tr, x_va, x_te = (pad(char_ids(p[0], chars)) for p in (data.train, data.val, data.test))
    t_tr, t_va, t_te = (char_ids(p[1], ISO_CHARS) for p in (data.train, data.val, data.test))
    dec_in = [pad([[BOS] + t for t in ts]) for ts in (t_tr, t_va)]  # teacher forcing
    dec_out = [pad([t + [EOS] for t in ts]) for ts in (t_tr, t_va)]
    targets = data.test[1]
    rule = rl.baselines.parse_dates(data.test[0], data.languages)
    out = {
        "baseline": "dateutil + Babel names",
        "baseline_exact_match": rl.baselines.exact_match(rule, targets),
        "dateutil_alone_exact_match": rl.baselines.exact_match(
            rl.baselines.parse_dates(data.test[0]), targets
        ),
        "sizes": [len(p[0]) for p in (data.train, data.val, data.test)],
        "languages": list(data.languages),
        "train_seconds": seconds,
    }
    for attention in (False, True):
        rl.training.set_seed(seed)
        model = rl.lm.build_date_translator(
            len(chars) + 3, len(ISO_CHARS) + 3, units, attention=attention
        )
        cb = budget(seconds)
        cpu = time.process_time()
        model.fit(
            [x_tr, dec_in[0]], dec_out[0], batch_size=128, epochs=1000, verbose=0, callbacks=[cb]
        )
        encode, step = rl.lm.translator_steps(model)
        name = "attention" if attention else "plain"
        row = {"steps": cb.steps, "cpu_seconds": round(time.process_time() - cpu, 1)}
        for k in (1, 3, 5) if attention else (1,):
            pred = decode_dates(encode, step, x_te, k)
            row[f"exact_match_k{k}"] = rl.baselines.exact_match(pred, targets)
            row[f"char_accuracy_k{k}"] = rl.baselines.char_accuracy(pred, targets)
        out[name] = row
    return out


PARTS = {"names_lm": (names_lm, 256), "names_lang": (names_lang, 64), "dates": (dates, 64)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--part", choices=sorted(PARTS), action="append")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--units", type=int, default=0, help="0: each part's default")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    for part in args.part or sorted(PARTS):
        fn, units = PARTS[part]
        started = time.perf_counter()
        result = fn(args.seconds, args.seed, args.units or units)
        result.update(
            seed=args.seed,
            wall_seconds=round(time.perf_counter() - started, 1),
            load_average_1min=round(os.getloadavg()[0], 2),
            cpus=os.cpu_count(),
            command=" ".join(["benchmarks/nlp.py"] + sys.argv[1:]),
            date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
        key = f"{part}_{int(args.seconds)}s"
        existing[key] = result
        print(key, json.dumps(result, indent=1, default=str)[:2000], flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(existing, indent=1, sort_keys=True) + "\n")
        if args.out == RESULTS:  # the default run also refreshes the copy beside the notebook
            BESIDE_NOTEBOOK.parent.mkdir(parents=True, exist_ok=True)
            BESIDE_NOTEBOOK.write_text(json.dumps(existing, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
