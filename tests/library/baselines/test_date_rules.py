"""Tests of rnnlib.baselines.date_rules: dateutil with and without Babel's month names."""

import pytest

from rnnlib.baselines import date_rules

pytest.importorskip("dateutil")
pytest.importorskip("babel")


def test_english_alone_reads_english_only():
    """Does plain dateutil read English dates and fail ('') on French ones?"""
    got = date_rules.parse_dates(["Thursday, March 7, 2024", "jeudi 7 mars 2024"])
    assert got == ["2024-03-07", ""]


def test_babel_names_make_it_multilingual():
    """Fed Babel's names, does it read dates of every course language, day first?"""
    texts = [
        "jeudi 7 mars 2024",
        "Donnerstag, 7. März 2024",
        "7 de marzo de 2024",
        "giovedì 7 marzo 2024",
        "do 7 mrt 2024",
        "quinta-feira, 7 de março de 2024",
        "07/03/2024",
        "7.3.2024",
    ]
    got = date_rules.parse_dates(texts, ["de", "en", "es", "fr", "it", "nl", "pt"])
    assert got == ["2024-03-07"] * len(texts)


def test_a_weekday_that_is_a_month_name_is_read_as_the_month():
    """Is 'mar' (martes / mardi and marzo / mars) taken as the month, as the rule says?"""
    info = date_rules.date_parserinfo(["es", "fr"])
    assert "mar" not in info.weekday_names and "lunes" in info.weekday_names


def test_metrics():
    """Do exact_match and char_accuracy count whole strings and aligned characters?"""
    assert date_rules.exact_match(["2024-03-07", ""], ["2024-03-07", "2024-03-08"]) == 0.5
    assert date_rules.char_accuracy(["2024-03-08", ""], ["2024-03-07", "2024-03-08"]) == 0.45
    with pytest.raises(ValueError, match="2 targets"):
        date_rules.exact_match(["x"], ["a", "b"])
