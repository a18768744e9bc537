"""Tests of rnnlib.datasets.dates: CLDR date strings with ISO targets, split by date value."""

import datetime as dt

import numpy as np
import pytest

from rnnlib import datasets
from rnnlib.datasets import dates

pytest.importorskip("babel")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("RNN_COURSE_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield datasets.load_dates(n_train=3000, n_val=300, n_test=300, seed=0)
    mp.undo()


def test_targets_are_the_iso_dates_of_the_inputs(data):
    """Is every target the ISO date the input names, in one of the language's formats?"""
    for text, iso, k in list(zip(*data.test, strict=True))[:200]:
        lang = data.languages[k]
        date = dt.date.fromisoformat(iso)
        assert text in {dates.render_date(date, lang, f) for f in data.formats[lang]}


def test_five_languages_and_several_formats(data):
    """Are >= 5 languages used, each with several formats and all of them present?"""
    assert len(data.languages) >= 5 and {"en", "fr", "de", "es", "it"} <= set(data.languages)
    assert all(len(f) >= 4 for f in data.formats.values())
    assert set(np.unique(data.train[2])) == set(range(len(data.languages)))


def test_no_two_digit_years_and_no_month_first_english():
    """Are two-digit-year formats and the month-first numeric English format left out?"""
    assert "short" not in dates.date_formats("en") and "yMd" not in dates.date_formats("en")
    assert "short" not in dates.date_formats("de")  # dd.MM.yy
    assert "short" in dates.date_formats("fr")  # dd/MM/y is kept
    day = dt.date(1987, 11, 5)
    for lang in dates.DATE_LANGUAGES:
        for fmt in dates.date_formats(lang):
            assert "1987" in dates.render_date(day, lang, fmt), (lang, fmt)


def test_test_dates_are_never_seen_in_training(data):
    """Does the split hold out date values, not only rows (no test date in train or val)?"""
    train, val, test = (set(part[1]) for part in (data.train, data.val, data.test))
    assert not test & train and not test & val and not val & train


def test_loader_is_seeded_and_cached(data, tmp_path, monkeypatch):
    """Does the same seed give the same rows, is the second load from the cache, and does
    another seed give other rows?"""
    monkeypatch.setenv("RNN_COURSE_CACHE", str(tmp_path))
    a = datasets.load_dates(n_train=50, n_val=10, n_test=10, seed=3)
    assert len(list(tmp_path.glob("dates-*.npz"))) == 1
    monkeypatch.setattr(dates, "_build", lambda *a: pytest.fail("rebuilt instead of cached"))
    b = datasets.load_dates(n_train=50, n_val=10, n_test=10, seed=3)
    assert a.train[0] == b.train[0] and a.test[1] == b.test[1]
    assert len(a.train[0]) == 50 and len(a.test[0]) == 10
    assert set(a.input_chars()) >= set("0123456789")


def test_plain_spaces_only(data):
    """Are Unicode spaces (CLDR's narrow no-break space) plain spaces in the inputs?"""
    chars = set(data.input_chars())
    assert not chars & {"\u00a0", "\u202f", "\u2009"}
