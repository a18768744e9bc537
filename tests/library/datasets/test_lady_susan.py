"""Tests of rnnlib.datasets.lady_susan: the Lady Susan loader, character ids, the split, streams."""

import numpy as np
import pytest

from rnnlib import data, datasets
from rnnlib.datasets import lady_susan

pytest.importorskip("music21")


@pytest.fixture(scope="module")
def susan():
    return datasets.load_lady_susan()


def test_lady_susan_is_the_bundled_text(susan):
    """Does lady_susan return the 127,431-character etext with its 67 symbols?"""
    assert len(susan) == datasets.LADY_SUSAN_CHARS
    assert len(data.Vocab.of_chars(susan)) == 67
    assert "LADY SUSAN" in susan[:200] and "Jane Austen" in susan[:200]


def test_missing_file_names_it(monkeypatch, tmp_path):
    """Does a music21 without the file give an error that names the missing path?"""
    monkeypatch.setattr(lady_susan, "lady_susan_path", lambda: tmp_path / "en.txt")
    with pytest.raises(FileNotFoundError, match="en.txt"):
        datasets.load_lady_susan()


def test_encode_decode_round_trip(susan):
    """Does decode(encode(text)) give the text back, with int32 ids in 0..V-1?"""
    chars = data.Vocab.of_chars(susan)
    assert chars.itos == sorted(set(susan))  # id = position among the sorted characters
    ids = np.array(chars.encode(susan[:5000]))
    assert ids.min() >= 0 and ids.max() < len(chars)
    assert chars.decode(ids) == susan[:5000]
    with pytest.raises(KeyError, match="unknown token '\u00e9'"):
        data.Vocab.of_chars("abc").encode("abc\u00e9")


def test_split_last_keeps_order():
    """Does split_last hold out the last fraction, in order, and reject bad fractions?"""
    ids = np.arange(100)
    train, held = data.split_last(ids, 0.1)
    assert np.array_equal(train, np.arange(90)) and np.array_equal(held, np.arange(90, 100))
    for bad in (0, 1, -0.5):
        with pytest.raises(ValueError, match="fraction"):
            data.split_last(ids, bad)


def test_stream_windows_continue_each_other():
    """Does each window continue the previous one in every row, with y = x shifted by one?"""
    ids = np.arange(1000)
    wins = list(data.stream_windows(ids, batch_size=4, window=30))
    S = data.streams(ids, 4)  # (4, 250)
    assert S.shape == (4, 250)
    x = np.concatenate([w[0] for w in wins], axis=1)
    y = np.concatenate([w[1] for w in wins], axis=1)
    assert np.array_equal(x, S[:, :-1]) and np.array_equal(y, S[:, 1:])
    assert [w[0].shape[1] for w in wins] == [30] * 8 + [9]
    with pytest.raises(ValueError, match="window"):
        list(data.stream_windows(ids, 4, 0))
    with pytest.raises(ValueError, match="too few"):
        data.streams(np.arange(5), 4)
