"""Spoken keywords synthesised by eSpeak NG (notebook 08): ten digits and an "unknown word"
class, said by many voices with jittered speed and pitch, in background noise, at 16 kHz.

Generated on first use (seconds) and kept in the course cache (:func:`rnnlib.data.cache_dir`,
``$RNN_COURSE_CACHE``), deterministic for a seed. The split is by voice *family*: a voice is
an eSpeak language (accent) plus a variant, and variants that sound nearly alike (``m1``...``m8``,
``klatt``...``klatt6`` and ``adam``, ``whisper`` and ``whisperf``, the default voice and
``fast``, ...) form one family, so no test voice, nor a near twin of it, is heard in training.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlib.audio.espeak import espeak_sample_rate, espeak_variants, synthesize
from rnnlib.audio.features import SAMPLE_RATE
from rnnlib.audio.signal import add_noise, coloured_noise, pcm_to_float, resample, trim_silence
from rnnlib.data.cache import cached_arrays

__all__ = [
    "KEYWORDS",
    "UNKNOWN_WORDS",
    "UNKNOWN",
    "ACCENTS",
    "NOISE_SNRS_DB",
    "KeywordSplit",
    "KeywordData",
    "UNREPEATABLE_VARIANTS",
    "voice_family",
    "keyword_voices",
    "load_keywords",
    "LABEL_FRAMES",
    "KeywordStreams",
    "load_keyword_streams",
]

KEYWORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
UNKNOWN = "unknown"
# other words, none a homophone of a digit (no won, to, too, for, ate, oh, nein)
UNKNOWN_WORDS = (
    "yes",
    "no",
    "up",
    "down",
    "left",
    "right",
    "stop",
    "go",
    "on",
    "off",
    "house",
    "bird",
    "cat",
    "dog",
    "happy",
    "tree",
    "wow",
    "bed",
    "learn",
    "follow",
    "forward",
    "backward",
    "visual",
    "sheila",
    "marvin",
    "table",
    "water",
    "green",
    "seventy",
    "tent",
    "line",
    "fine",
    "sticks",
    "heaven",
    "fever",
    "wait",
)
ACCENTS = ("en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc")
NOISE_SNRS_DB = (5.0, 10.0, 20.0, 40.0)
NOISE_COLOURS = ("white", "pink", "brown")

# variants that are near copies of another (same engine settings, or a setting or two apart)
_FAMILY_OF = {
    "": "default",
    "fast": "default",
    "adam": "klatt",
    "whisperf": "whisper",
    "mike": "mike",
    "michael": "mike",
    "anxiousandy": "andy",
    "anikarobot": "anika",
    "gene": "gene",
    "ricishaymax": "ricishaymax",
    "mr serious": "mr serious",
}


# Demonic (``echo 8 10000``) reads eSpeak state that nothing has written: its samples change
# from run to run, so a seeded build could not be repeated. Left out of every data set.
UNREPEATABLE_VARIANTS = ("Demonic",)


def voice_family(variant: str) -> str:
    """The family of an eSpeak variant: its name without trailing digits, lower case, with
    near twins merged (``"m3" -> "m"``, ``"klatt6" -> "klatt"``, ``"adam" -> "klatt"``,
    ``"fast" -> "default"``, ``"whisperf" -> "whisper"``). ``""`` is the default voice."""
    stem = re.sub(r"\d+$", "", variant.lower())
    return _FAMILY_OF.get(stem, stem)


def keyword_voices(n_voices: int, seed: int = 0) -> list[str]:
    """``n_voices`` distinct voices ``"accent+variant"`` (``"en"`` alone is the default
    voice), drawn with ``seed`` from every accent of :data:`ACCENTS` and every variant."""
    variants = [""] + [v for v in espeak_variants() if v not in UNREPEATABLE_VARIANTS]
    combos = [a + (f"+{v}" if v else "") for v in variants for a in ACCENTS]
    if not 0 < n_voices <= len(combos):
        raise ValueError(f"keyword_voices: n_voices should be 1..{len(combos)}, got {n_voices}")
    rng = np.random.default_rng(seed)
    return [combos[i] for i in sorted(rng.choice(len(combos), n_voices, replace=False))]


def _variant(voice: str) -> str:
    return voice.split("+", 1)[1] if "+" in voice else ""


def _split_families(voices, test_fraction: float, seed: int) -> set[str]:
    """The test families: whole families, drawn with ``seed``, until ``test_fraction`` of
    the voices is reached."""
    families = sorted({voice_family(_variant(v)) for v in voices})
    sizes = {f: sum(voice_family(_variant(v)) == f for v in voices) for f in families}
    order = np.random.default_rng(seed + 1).permutation(len(families))
    test, count = set(), 0
    for i in order:
        if count >= test_fraction * len(voices):
            break
        test.add(families[i])
        count += sizes[families[i]]
    return test


def _say(word: str, voice: str, rng: np.random.Generator) -> np.ndarray:
    """One word with jittered speed and pitch, trimmed, at 16 kHz: float32 ``(S,)``."""
    pcm = synthesize(
        word,
        voice,
        rate=int(rng.integers(130, 231)),
        pitch=int(rng.integers(25, 76)),
        pitch_range=int(rng.integers(20, 81)),
    )
    wav = resample(pcm_to_float(trim_silence(pcm, 0.005)), espeak_sample_rate(), SAMPLE_RATE)
    peak = float(np.abs(wav).max()) if wav.size else 0.0
    return wav / peak * rng.uniform(0.3, 0.9) if peak else wav


class _NoiseBank:
    """Ten seconds of each noise colour, made once; a clip's noise is a random slice of one
    (shaping noise by FFT for each clip of a prime length would be most of the build time)."""

    def __init__(self, rng: np.random.Generator, seconds: float = 10.0):
        n = _fast_length(int(seconds * SAMPLE_RATE))
        self.banks = [coloured_noise(n, rng, c) for c in NOISE_COLOURS]

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        bank = self.banks[int(rng.integers(len(self.banks)))]
        if n > bank.size:
            bank = np.tile(bank, -(-n // bank.size))
        start = int(rng.integers(bank.size - n + 1))
        return bank[start : start + n]


def _fast_length(n: int) -> int:
    return 1 << max(int(n - 1).bit_length(), 0)


_CHUNKS = 4  # the build's fixed division of the voices, whatever the number of workers


def _in_fresh_processes(fn, jobs: list[tuple]) -> list:
    """``[fn(*job) for job in jobs]``, each job in a fresh Python process, two at a time.

    eSpeak NG keeps state from one utterance to the next inside a process (the same request
    gives slightly different samples the second time), but a fresh process that makes the
    same requests in the same order gives the same samples: so each chunk of the data is
    built in a process of its own, and the result does not depend on what ran before. The
    workers are plain ``python -c`` processes (not multiprocessing), so nothing of the caller's
    main module (a notebook, a script without a ``__main__`` guard) is imported again.
    """
    workers = max(1, min(2, os.cpu_count() or 1))
    results = []
    with tempfile.TemporaryDirectory(prefix="rnn-course-keywords-") as tmp:
        for start in range(0, len(jobs), workers):
            running = []
            for i, job in enumerate(jobs[start : start + workers], start):
                job_file, out_file = Path(tmp) / f"job{i}.pkl", Path(tmp) / f"out{i}.pkl"
                job_file.write_bytes(pickle.dumps((fn.__name__, job)))
                code = (
                    "import sys; from rnnlib.datasets import keywords; "
                    "keywords._run_job(sys.argv[1], sys.argv[2])"
                )
                proc = subprocess.Popen(
                    [sys.executable, "-c", code, str(job_file), str(out_file)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                running.append((proc, out_file))
            for proc, out_file in running:
                _, err = proc.communicate()
                if proc.returncode != 0:
                    raise RuntimeError(
                        "building the keyword data failed in a worker process:\n"
                        + err.decode(errors="replace")[-2000:]
                    )
                results.append(pickle.loads(out_file.read_bytes()))
    return results


def _run_job(job_file: str, out_file: str) -> None:
    """A worker process's body: run one job of :func:`_in_fresh_processes`."""
    name, job = pickle.loads(Path(job_file).read_bytes())
    if name not in ("_keyword_chunk", "_stream_chunk"):
        raise ValueError(f"unknown job {name!r}")
    Path(out_file).write_bytes(pickle.dumps(globals()[name](*job)))


def _chunks(n: int) -> list[range]:
    bounds = np.linspace(0, n, _CHUNKS + 1).round().astype(int)
    return [range(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _build_keywords(voices, unknown_per_voice, seed):
    parts = _in_fresh_processes(
        _keyword_chunk,
        [(voices, list(r), unknown_per_voice, seed, c) for c, r in enumerate(_chunks(len(voices)))],
    )
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _keyword_chunk(voices, which, unknown_per_voice, seed, chunk):
    rng = np.random.default_rng([seed, chunk])
    noise = _NoiseBank(rng)
    words, labels, owners = [], [], []
    classes = KEYWORDS + (UNKNOWN,)
    for vi in which:
        voice = voices[vi]
        spoken = list(KEYWORDS) + list(rng.choice(UNKNOWN_WORDS, unknown_per_voice, replace=False))
        for word in spoken:
            wav = _say(word, voice, rng)
            lead, tail = rng.integers(800, 4001, size=2)  # 50-250 ms of background either side
            wav = np.concatenate([np.zeros(lead, np.float32), wav, np.zeros(tail, np.float32)])
            snr = NOISE_SNRS_DB[int(rng.integers(len(NOISE_SNRS_DB)))]
            wav = add_noise(wav, snr, rng, noise(wav.size, rng))
            words.append(np.clip(np.round(wav * 32767), -32768, 32767).astype(np.int16))
            labels.append(classes.index(word) if word in KEYWORDS else len(KEYWORDS))
            owners.append(vi)
    lengths = np.array([w.size for w in words], np.int64)
    return {
        "audio": np.concatenate(words),
        "lengths": lengths,
        "labels": np.array(labels, np.int64),
        "voice": np.array(owners, np.int64),
    }


@dataclass
class KeywordSplit:
    """One side of the split. audio: list of ``(S_i,)`` float32 clips at 16 kHz; labels:
    ``(N,)`` int64 class ids (:attr:`KeywordData.classes`); voices: ``(N,)`` the voice of each
    clip (``"en-us+m3"``)."""

    audio: list
    labels: np.ndarray
    voices: np.ndarray

    def __len__(self) -> int:
        return len(self.audio)


@dataclass
class KeywordData:
    """:func:`load_keywords`'s result: ``train`` and ``test`` splits, the ``classes`` (ten
    digits then ``"unknown"``), the 16 kHz ``sample_rate``, the test families and the seconds
    the data took to make (0.0 when it came from the cache)."""

    train: KeywordSplit
    test: KeywordSplit
    classes: tuple
    sample_rate: int
    test_families: tuple
    build_seconds: float


def load_keywords(
    n_voices: int = 200, unknown_per_voice: int = 2, test_fraction: float = 0.25, seed: int = 0
) -> KeywordData:
    """Synthesised keyword clips: every voice says each digit once and ``unknown_per_voice``
    other words, with jittered speed and pitch, 50-250 ms of background either side and noise
    at an SNR of 5, 10, 20 or 40 dB; split by voice family (about ``test_fraction`` of the
    voices in test).

    Deterministic for ``(n_voices, unknown_per_voice, seed)``; cached, so a second call loads
    in well under a second. The split (``test_fraction``) is drawn at load time from the seed.
    """
    voices = keyword_voices(n_voices, seed)
    key = hashlib.sha1(f"{voices}|{unknown_per_voice}|{seed}".encode()).hexdigest()[:10]
    start = time.perf_counter()
    built = []

    def build():
        built.append(True)
        return _build_keywords(voices, unknown_per_voice, seed)

    arrays = cached_arrays(f"keywords-{key}", build)
    seconds = time.perf_counter() - start if built else 0.0
    clips = np.split(pcm_to_float(arrays["audio"]), np.cumsum(arrays["lengths"])[:-1])
    test_families = _split_families(voices, test_fraction, seed)
    names = np.array(voices)[arrays["voice"]]
    in_test = np.array([voice_family(_variant(v)) in test_families for v in names])

    def side(which):
        idx = np.flatnonzero(which)
        return KeywordSplit([clips[i] for i in idx], arrays["labels"][idx], names[idx])

    return KeywordData(
        side(~in_test),
        side(in_test),
        KEYWORDS + (UNKNOWN,),
        SAMPLE_RATE,
        tuple(sorted(test_families)),
        seconds,
    )


LABEL_FRAMES = 25  # a keyword's label lasts 250 ms from the frame where the word ends


@dataclass
class KeywordStreams:
    """Long utterances for streaming detection (:func:`load_keyword_streams`).

    audio: list of ``(S_i,)`` float32 at 16 kHz. labels: list of ``(F_i,)`` int64 frame
    labels, one per 10 ms frame of :func:`rnnlib.audio.log_mel_spectrogram` (``F_i = 1 +
    (S_i - 400) // 160``): 0 = no keyword, ``k + 1`` during the :data:`LABEL_FRAMES` frames
    from the end of digit ``k``. events: list of ``(n_i, 3)`` int64 rows ``(k, first frame,
    end frame)`` of every digit said (the end frame is the first frame whose window holds the
    word's last sample). voices: ``(n,)`` the voice of each stream.
    """

    audio: list
    labels: list
    events: list
    voices: np.ndarray
    build_seconds: float

    def __len__(self) -> int:
        return len(self.audio)

    @property
    def minutes(self) -> float:
        """Total duration in minutes (false alarms are counted per minute of it)."""
        return sum(a.size for a in self.audio) / SAMPLE_RATE / 60


def _frame_of(sample: int, frame_length: int = 400, hop: int = 160) -> int:
    """The first frame whose window ``[f*hop, f*hop + frame_length)`` reaches ``sample``:
    ``max(0, ceil((sample + 1 - frame_length) / hop))``."""
    return max(0, -(-(sample + 1 - frame_length) // hop))


def _build_streams(voices, n_streams, seconds, keyword_share, seed):
    jobs = [
        (voices, list(r), seconds, keyword_share, seed, c) for c, r in enumerate(_chunks(n_streams))
    ]
    parts = _in_fresh_processes(_stream_chunk, jobs)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _stream_chunk(voices, which, seconds, keyword_share, seed, chunk):
    rng = np.random.default_rng([seed, chunk])
    noise = _NoiseBank(rng)
    total = int(seconds * SAMPLE_RATE)
    audio, labels, events, owners = [], [], [], []
    for s in which:
        vi = s % len(voices)
        speech = np.zeros(total, np.float32)
        rows = []
        pos = int(rng.integers(1600, 8000))
        while True:
            is_keyword = rng.random() < keyword_share
            k = int(rng.integers(len(KEYWORDS)))
            word = KEYWORDS[k] if is_keyword else str(rng.choice(UNKNOWN_WORDS))
            wav = _say(word, voices[vi], rng)
            if pos + wav.size > total - 1600:
                break
            speech[pos : pos + wav.size] = wav
            if is_keyword:
                rows.append((k, pos // 160, _frame_of(pos + wav.size - 1)))
            pos += wav.size + int(rng.integers(1600, 12800))  # 0.1-0.8 s between words
        snr = NOISE_SNRS_DB[int(rng.integers(len(NOISE_SNRS_DB)))]
        # the SNR is that of a word against the noise: speech power measured where it is
        loud = speech[np.abs(speech) > 0] if np.any(speech) else speech
        bank = noise(total, rng)
        p_speech = float(np.mean(loud.astype(np.float64) ** 2)) if loud.size else 1e-4
        gain = np.sqrt(p_speech / 10 ** (snr / 10))
        wav = speech + np.float32(gain) * bank
        n_frames = 1 + (total - 400) // 160
        lab = np.zeros(n_frames, np.int64)
        for k, _, end in rows:
            lab[end : end + LABEL_FRAMES] = k + 1
        audio.append(np.clip(np.round(wav * 32767), -32768, 32767).astype(np.int16))
        labels.append(lab)
        events.append(np.array(rows, np.int64).reshape(-1, 3))
        owners.append(vi)
    counts = np.array([len(e) for e in events], np.int64)
    return {
        "audio": np.stack(audio),
        "labels": np.stack(labels),
        "events": np.concatenate(events),
        "counts": counts,
        "voice": np.array(owners, np.int64),
    }


def load_keyword_streams(
    voices, n_streams: int, seconds: float = 6.0, keyword_share: float = 0.5, seed: int = 0
) -> KeywordStreams:
    """``n_streams`` utterances of ``seconds`` each: words of ``voices`` (taken in turn) with
    0.1-0.8 s between them, each a digit with probability ``keyword_share`` and otherwise an
    unknown word, over background noise (5-40 dB below the words); with frame labels.

    Pass the training voices for training streams and the test voices for test streams
    (``sorted(set(data.test.voices))``), so the detector too is scored on unheard voices.
    Deterministic for its arguments and cached like :func:`load_keywords`.
    """
    voices = [str(v) for v in voices]
    if not voices or n_streams <= 0:
        raise ValueError("load_keyword_streams: needs at least one voice and one stream")
    key = hashlib.sha1(
        f"{voices}|{n_streams}|{seconds}|{keyword_share}|{seed}".encode()
    ).hexdigest()[:10]
    start = time.perf_counter()
    built = []

    def build():
        built.append(True)
        return _build_streams(voices, n_streams, seconds, keyword_share, seed)

    arrays = cached_arrays(f"keyword-streams-{key}", build)
    seconds_taken = time.perf_counter() - start if built else 0.0
    events = np.split(arrays["events"], np.cumsum(arrays["counts"])[:-1])
    return KeywordStreams(
        [pcm_to_float(a) for a in arrays["audio"]],
        list(arrays["labels"]),
        events,
        np.array(voices)[arrays["voice"]],
        seconds_taken,
    )
