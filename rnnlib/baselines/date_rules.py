"""Rule-based date parsing: ``dateutil``'s parser, alone and fed Babel's month and weekday names.

``dateutil.parser.parse`` reads English month names and numeric dates; told the names of every
language (from the same CLDR data that wrote the inputs, through Babel), it becomes a strong
non-neural competitor of notebook 07's date translator. :func:`parse_dates` returns ISO strings,
``""`` where the parser gives up. Numeric dates are read day first, as every format kept by
:func:`rnnlib.datasets.dates.date_formats` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_STOP = ".,"


def _strip(name: str) -> str:
    return name.lower().strip(_STOP)


def date_parserinfo(languages: Sequence[str] = ()):
    """A ``dateutil.parser.parserinfo`` that also knows the month and weekday names (wide and
    abbreviated, every context) of ``languages`` (Babel locale names), and the filler words
    ``de``, ``del`` ("7 de marzo de 2024"). With no languages: dateutil's English only."""
    from dateutil import parser

    months = [list(names) for names in parser.parserinfo.MONTHS]
    weekdays = [list(names) for names in parser.parserinfo.WEEKDAYS]
    jump = list(parser.parserinfo.JUMP)
    if languages:
        from babel.dates import get_day_names, get_month_names

        for lang in languages:
            for width in ("wide", "abbreviated"):
                for context in ("format", "stand-alone"):
                    for m, name in get_month_names(width, context, lang).items():
                        months[m - 1].append(_strip(name))
                    for d, name in get_day_names(width, context, lang).items():
                        weekdays[d].append(_strip(name))  # Babel and dateutil: 0 = Monday
        jump += ["de", "del"]

    # a weekday name that is also a month name ("mar": martes / marzo) is read as the month
    month_names = {name for m in months for name in m}
    weekdays = [[name for name in w if name not in month_names] for w in weekdays]

    class Info(parser.parserinfo):
        MONTHS = [tuple(dict.fromkeys(m)) for m in months]
        WEEKDAYS = [tuple(dict.fromkeys(w)) for w in weekdays]
        JUMP = jump

    info = Info(dayfirst=True)
    info.weekday_names = {name for w in weekdays for name in w}
    return info


def parse_dates(texts: Sequence[str], languages: Sequence[str] = ()) -> list[str]:
    """``YYYY-MM-DD`` for each text as ``dateutil`` reads it (day first), ``""`` where it
    fails. languages: Babel locales whose month and weekday names it should know; known
    weekday names are dropped before parsing."""
    from dateutil import parser

    info = date_parserinfo(languages)
    out = []
    for text in texts:
        words = [word.strip(_STOP) or word for word in text.replace(",", " ").split()]
        # the weekday says nothing the date does not (and "segunda-feira" confuses dateutil)
        cleaned = " ".join(w for w in words if w.lower() not in info.weekday_names)
        try:
            out.append(parser.parse(cleaned, parserinfo=info).date().isoformat())
        except (ValueError, OverflowError, TypeError):
            out.append("")
    return out


def exact_match(predicted: Sequence[str], targets: Sequence[str]) -> float:
    """Share of predictions equal to their target string."""
    if len(predicted) != len(targets):
        raise ValueError(f"exact_match: {len(predicted)} predictions for {len(targets)} targets")
    return float(np.mean([p == t for p, t in zip(predicted, targets, strict=True)]))


def char_accuracy(predicted: Sequence[str], targets: Sequence[str]) -> float:
    """Share of target characters predicted at their position (a missing one counts wrong)."""
    if len(predicted) != len(targets):
        raise ValueError(f"char_accuracy: {len(predicted)} predictions for {len(targets)} targets")
    right = sum(
        sum(a == b for a, b in zip(p, t, strict=False))
        for p, t in zip(predicted, targets, strict=True)
    )
    return right / max(sum(len(t) for t in targets), 1)
