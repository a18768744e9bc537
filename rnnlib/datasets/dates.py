"""Human-readable dates in several languages paired with ISO 8601, from real CLDR formats.

Babel (``babel.dates``) renders a date with the Unicode CLDR patterns of a locale: the four
standard lengths ``full``, ``long``, ``medium``, ``short`` and a few flexible *skeletons*
(``yMMMd``, ``yMMMEd``, ``yMd``), e.g. ``jeudi 7 mars 2024``, ``7. März 2024``,
``Thu, Mar 7, 2024``, ``07/03/2024``. Two kinds of format are left out because they make
the input ambiguous: two-digit years (``07.03.24``) and month-first numeric English
(``3/7/2024``: is it March 7 or July 3?). :func:`date_formats` finds both by rendering a probe
date, so no format name is hard-coded.

:func:`load_dates` holds out date *values*: every day of the range belongs to exactly one of
train, validation and test, so no test date was seen in training in any language or format.
Notebook 07 translates these strings to ``YYYY-MM-DD`` with an encoder-decoder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from rnnlib.data.cache import cached_arrays

DATE_LANGUAGES = ("de", "en", "es", "fr", "it", "nl", "pt")
DATE_LENGTHS = ("full", "long", "medium", "short")
DATE_SKELETONS = ("yMMMd", "yMMMEd", "yMd")
_PROBE = dt.date(2024, 3, 7)  # day 7, month 3: their order shows in a numeric rendering
_SPACES = re.compile(r"\s+")


def render_date(date: dt.date, language: str, fmt: str) -> str:
    """``date`` written in ``language`` with a CLDR length (``"long"``) or skeleton
    (``"yMMMd"``); Unicode spaces (narrow no-break, ...) become plain spaces."""
    from babel.dates import format_date, format_skeleton

    text = (
        format_date(date, fmt, locale=language)
        if fmt in DATE_LENGTHS
        else format_skeleton(fmt, date, locale=language)
    )
    return _SPACES.sub(" ", text).strip()


def date_formats(language: str) -> tuple[str, ...]:
    """The lengths and skeletons of ``language`` that give an unambiguous date: a four-digit
    year, and no numeric month before the day."""
    kept = []
    for fmt in DATE_LENGTHS + DATE_SKELETONS:
        text = render_date(_PROBE, language, fmt)
        if "2024" not in text:
            continue  # a two-digit year
        numbers = [int(n) for n in re.findall(r"\d+", text) if n != "2024"]
        if len(numbers) >= 2 and numbers[0] == _PROBE.month and numbers[1] == _PROBE.day:
            continue  # numeric month before the day (en 3/7/2024)
        kept.append(fmt)
    return tuple(kept)


@dataclass
class DateData:
    """Date strings and their ISO targets. ``train``, ``val``, ``test`` are
    ``(inputs: list[str], targets: list[str], language: int64 (N,))``; ``language`` indexes
    ``languages``; ``formats[lang]`` lists the formats used."""

    languages: tuple[str, ...]
    formats: dict
    train: tuple
    val: tuple
    test: tuple
    first: dt.date
    last: dt.date

    def input_chars(self) -> list[str]:
        """Every character of every input string, sorted."""
        return sorted(
            {ch for part in (self.train, self.val, self.test) for s in part[0] for ch in s}
        )


def _build(n_train, n_val, n_test, seed, languages, first, last, fractions) -> dict:
    rng = np.random.default_rng(seed)
    n_days = (last - first).days + 1
    order = rng.permutation(n_days)  # held-out date values: each day on one side only
    n_te, n_va = int(round(fractions[2] * n_days)), int(round(fractions[1] * n_days))
    days = {"test": order[:n_te], "val": order[n_te : n_te + n_va], "train": order[n_te + n_va :]}
    formats = {lang: date_formats(lang) for lang in languages}
    out = {}
    for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
        pick = rng.choice(days[split], size=n, replace=n > len(days[split]))
        lang = rng.integers(len(languages), size=n)
        which = rng.random(n)
        inputs, targets = [], []
        for d, k, u in zip(pick, lang, which, strict=True):
            date = first + dt.timedelta(days=int(d))
            fmts = formats[languages[k]]
            inputs.append(render_date(date, languages[k], fmts[int(u * len(fmts))]))
            targets.append(date.isoformat())
        out[f"{split}_inputs"] = np.array(inputs)
        out[f"{split}_targets"] = np.array(targets)
        out[f"{split}_language"] = lang.astype(np.int64)
    return out


def load_dates(
    n_train: int = 40000,
    n_val: int = 2000,
    n_test: int = 2000,
    seed: int = 0,
    languages=DATE_LANGUAGES,
    first=dt.date(1900, 1, 1),
    last=dt.date(2099, 12, 31),
    fractions=(0.8, 0.1, 0.1),
) -> DateData:
    """Random dates between ``first`` and ``last`` written in ``languages`` (one random
    unambiguous format each), with their ISO 8601 ``YYYY-MM-DD`` targets.

    The days of the range are dealt to train / validation / test in ``fractions``
    (seeded); each split draws its rows from its own days only. Built once per setting
    and kept in the course cache (:func:`rnnlib.data.cache.cached_arrays`). Notebook 07.
    """
    try:
        import babel  # noqa: F401
    except ImportError as e:  # pragma: no cover - babel is a course dependency
        raise ImportError("load_dates: needs the babel package (pip install babel)") from e
    languages = tuple(languages)
    key = (
        f"dates-{'-'.join(languages)}-{n_train}-{n_val}-{n_test}-{seed}-{first}-{last}-"
        f"{'-'.join(f'{f:g}' for f in fractions)}"
    )
    arrays = cached_arrays(
        key, lambda: _build(n_train, n_val, n_test, seed, languages, first, last, fractions)
    )
    parts = [
        (arrays[f"{s}_inputs"].tolist(), arrays[f"{s}_targets"].tolist(), arrays[f"{s}_language"])
        for s in ("train", "val", "test")
    ]
    formats = {lang: date_formats(lang) for lang in languages}
    return DateData(languages, formats, *parts, first, last)
