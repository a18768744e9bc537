"""Tests of rnnlib.datasets.names: surnames by language from Faker's locales, and their split."""

import numpy as np
import pytest

from rnnlib import datasets
from rnnlib.datasets import names

pytest.importorskip("faker")


@pytest.fixture(scope="module")
def data():
    return datasets.load_names(seed=0)


def test_at_least_ten_latin_script_languages(data):
    """Are there >= 10 languages, every name in Latin letters, with every class non-trivial?"""
    assert len(data.languages) >= 10
    for part in (data.train, data.val, data.test):
        assert all(names._is_latin_name(n) for n in part[0])
    sizes = data.class_sizes()
    assert set(sizes) == set(data.languages)
    assert all(sum(s) >= 100 for s in sizes.values()), sizes
    assert sum(sum(s) for s in sizes.values()) > 10000


def test_no_name_has_two_labels(data):
    """Are names listed by several languages dropped, so no name appears twice anywhere?"""
    everything = data.train[0] + data.val[0] + data.test[0]
    assert len(everything) == len(set(everything))
    assert data.duplicates and not set(data.duplicates) & set(everything)


def test_split_is_stratified_and_seeded(data):
    """Does each language keep about 70/15/15 %, and does the same seed give the same split?"""
    for lang, (tr, va, te) in data.class_sizes().items():
        total = tr + va + te
        assert abs(te / total - 0.15) < 0.05 and abs(va / total - 0.15) < 0.05, lang
    again = datasets.load_names(seed=0)
    assert again.test[0] == data.test[0]
    np.testing.assert_array_equal(again.test[1], data.test[1])
    other = datasets.load_names(seed=1)
    assert other.test[0] != data.test[0]


def test_slavic_male_and_female_forms_stay_together(data):
    """Do a Slovak or Czech surname's male and female forms fall on the same side?"""
    side, members = {}, {}
    for k, part in enumerate((data.train, data.val, data.test)):
        for n, y in zip(*part, strict=True):
            key = (names.name_stem(n), int(y))
            side.setdefault(key, set()).add(k)
            members.setdefault(key, []).append(n)
    assert all(len(s) == 1 for s in side.values())
    slovak = data.languages.index("Slovak")
    pairs = [m for (_, y), m in members.items() if y == slovak and len(m) > 1]
    assert len(pairs) > 100  # there were many pairs to keep together


def test_name_stem_ties_the_forms():
    """Does name_stem map Novák/Nováková, Malý/Malá and Hájek/Hájková to one key?"""
    assert names.name_stem("Nováková") == names.name_stem("Novák")
    assert names.name_stem("Malá") == names.name_stem("Malý")
    assert names.name_stem("Hájková") == names.name_stem("Hájek")
    assert names.name_stem("Smith") == "Smith"


def test_bad_arguments_are_named():
    """Are an unknown language and bad fractions reported by name?"""
    with pytest.raises(ValueError, match="Klingon"):
        datasets.load_names(languages=["Klingon"])
    with pytest.raises(ValueError, match="fractions"):
        datasets.load_names(fractions=(0.5, 0.5, 0.5))


def test_a_subset_of_languages():
    """Does languages= restrict the data to those labels, in sorted order?"""
    sub = datasets.load_names(languages=["Italian", "German"])
    assert sub.languages == ("German", "Italian")
    assert set(np.unique(sub.train[1])) == {0, 1}
