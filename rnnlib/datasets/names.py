"""Surnames by language of origin, from the per-locale name lists that Faker ships: no download.

Faker keeps, for each locale, the surnames its fake people get
(``faker.providers.person.<locale>``).
:func:`load_names` pools the locales of one language, keeps only Latin-script languages (so the
script gives nothing away), drops every name that more than one language lists (its label would
be a coin toss), and splits each language seeded and stratified into train / validation / test.
Two rules keep the split honest:

* a Slovak or Czech surname has a male and a female form (Novák / Nováková, Malý / Malá);
  both fall on the same side of the split (they share a *stem*, :func:`name_stem`), so the
  test set never holds the feminine of a training name;
* locales whose lists are not of their language, or mostly another's (Portuguese: 260
  names, two thirds of them also Spanish) (``en_US``'s census list is full of Spanish
  and German names, ``fr_CA`` has Patel, ``de_LU`` has Carvalho) are left out.

Notebook 07 generates names with a character language model and classifies them by language.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass

import numpy as np

# language -> the Faker locales whose surname lists are of that language
NAME_LOCALES = {
    "Croatian": ("hr_HR",),
    "Czech": ("cs_CZ",),
    "Dutch": ("nl_NL", "nl_BE"),
    "English": ("en_GB",),
    "Finnish": ("fi_FI",),
    "French": ("fr_FR", "fr_CH"),
    "German": ("de_DE", "de_AT", "de_CH"),
    "Irish": ("ga_IE",),
    "Italian": ("it_IT",),
    "Slovak": ("sk_SK",),
    "Spanish": ("es_ES", "es_MX", "es_CO", "es_AR", "es_CL"),
    "Swedish": ("sv_SE",),
}
_SURNAME_ATTRS = ("last_names", "last_names_male", "last_names_female")
_PUNCTUATION = set(" -'’")


def _is_latin_name(name: str) -> bool:
    """Only Latin letters, spaces, hyphens and apostrophes, starting with a letter."""
    if not name or not name[0].isalpha():
        return False
    return all(
        ch in _PUNCTUATION or (ch.isalpha() and "LATIN" in unicodedata.name(ch, "")) for ch in name
    )


def locale_surnames(locale: str) -> list[str]:
    """The distinct surnames Faker's person provider of ``locale`` lists, sorted (str)."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    names: set[str] = set()
    for attr in _SURNAME_ATTRS:
        listed = getattr(provider, attr, None) or ()
        names.update(str(n).strip() for n in listed)  # tuples, or dicts name -> weight
    return sorted(n for n in names if n)


def name_stem(name: str) -> str:
    """The key that ties a Slavic surname's male and female forms together.

    ``Nováková``, ``Novák`` -> ``Novák``; ``Malá``, ``Malý`` -> ``Malý``; ``Hájková``,
    ``Hájek`` -> ``Hájk``. Other names are (nearly) their own stem.
    """
    if name.endswith("ová") and len(name) > 4:
        base = name[:-3]
    elif name.endswith("á") and len(name) > 2:
        base = name[:-1] + "ý"
    else:
        base = name
    if len(base) > 3 and base[-2] == "e" and base[-1] not in "aeiouyý":
        base = base[:-2] + base[-1]  # the fleeting e: Hájek / Hájková
    return base


@dataclass
class NameData:
    """Surnames with the index of their language; ``train``, ``val``, ``test`` are
    ``(names: list[str], labels: int64 (N,))``. ``duplicates`` lists the names dropped
    because several languages have them."""

    languages: tuple[str, ...]
    train: tuple[list[str], np.ndarray]
    val: tuple[list[str], np.ndarray]
    test: tuple[list[str], np.ndarray]
    duplicates: tuple[str, ...]

    def class_sizes(self) -> dict[str, tuple[int, int, int]]:
        """``{language: (train, val, test) counts}``."""
        K = len(self.languages)
        counts = [np.bincount(part[1], minlength=K) for part in (self.train, self.val, self.test)]
        return {lang: tuple(int(c[k]) for c in counts) for k, lang in enumerate(self.languages)}

    def chars(self) -> list[str]:
        """Every character of every split, sorted."""
        return sorted(
            {ch for part in (self.train, self.val, self.test) for name in part[0] for ch in name}
        )


def load_names(seed: int = 0, fractions=(0.7, 0.15, 0.15), languages=None) -> NameData:
    """Surnames labelled by language of origin, split seeded and stratified.

    languages: names from :data:`NAME_LOCALES` (default: all twelve), kept sorted. Each language's
    names are grouped by :func:`name_stem` and whole groups are dealt to train, validation
    and test, about ``fractions`` of that language's names each. Returns a
    :class:`NameData`. Offline (Faker's package files). Notebook 07.
    """
    try:
        import faker  # noqa: F401
    except ImportError as e:  # pragma: no cover - faker is a course dependency
        raise ImportError("load_names: needs the faker package (pip install faker)") from e
    languages = tuple(sorted(NAME_LOCALES if languages is None else languages))
    unknown = [lang for lang in languages if lang not in NAME_LOCALES]
    if unknown:
        raise ValueError(f"load_names: unknown languages {unknown}; known: {sorted(NAME_LOCALES)}")
    fr = np.asarray(fractions, float)
    if fr.shape != (3,) or (fr < 0).any() or not np.isclose(fr.sum(), 1.0):
        raise ValueError(f"load_names: fractions should be 3 numbers summing to 1, got {fractions}")

    per_lang = {}
    for lang in languages:
        names = set()
        for loc in NAME_LOCALES[lang]:
            names.update(n for n in locale_surnames(loc) if _is_latin_name(n))
        per_lang[lang] = names
    seen: dict[str, int] = {}
    for names in per_lang.values():
        for n in names:
            seen[n] = seen.get(n, 0) + 1
    duplicates = tuple(sorted(n for n, c in seen.items() if c > 1))
    dup = set(duplicates)

    rng = np.random.default_rng(seed)
    parts = ([], [], [])
    for k, lang in enumerate(languages):  # sorted order: the same seed gives the same split
        groups: dict[str, list[str]] = {}
        for n in sorted(per_lang[lang] - dup):
            groups.setdefault(name_stem(n), []).append(n)
        keys = sorted(groups)
        order = rng.permutation(len(keys))
        total = sum(len(g) for g in groups.values())
        bounds = np.cumsum(fr[2::-1])[:2] * total  # test first, then validation
        filled = 0
        for i in order:  # test, then val, then the rest to train
            g = groups[keys[i]]
            side = 2 if filled < bounds[0] else 1 if filled < bounds[1] else 0
            parts[side].extend((n, k) for n in g)
            filled += len(g)
    out = []
    for part in parts:
        part.sort(key=lambda nk: (nk[1], nk[0]))
        perm = rng.permutation(len(part))  # mix the languages
        out.append(([part[i][0] for i in perm], np.array([part[i][1] for i in perm], np.int64)))
    return NameData(languages, out[0], out[1], out[2], duplicates)
