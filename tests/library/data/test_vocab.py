"""Tests of rnnlib.data.vocab: reserved tokens, ordering, encode/decode, JSON round trip."""

import numpy as np
import pytest

import rnnlib
from rnnlib.data.vocab import Vocab


def test_vocab_is_also_rl_data_vocab():
    """Is rl.data.Vocab (used by notebook 01) the class of rnnlib.data.vocab?"""
    assert rnnlib.data.Vocab is rnnlib.data.vocab.Vocab is Vocab


def test_vocab_reserved_and_order():
    """Are <pad>=0 and <unk>=1 first, then tokens by frequency, ties alphabetical?"""
    v = Vocab(["abca", "cb"])
    assert v.itos == ["<pad>", "<unk>", "a", "b", "c"]
    assert v.pad_id == 0 and v.unk_id == 1 and len(v) == 5
    v = Vocab(["zz y x", "x"], level="word", extra_reserved=("<s>", "</s>"))
    assert v.itos == ["<pad>", "<unk>", "<s>", "</s>", "x", "y", "zz"]
    assert v["<s>"] == 2 and v["</s>"] == 3


def test_vocab_is_deterministic():
    """Does the order depend only on the counts, not on the order of the texts?"""
    texts = ["the cat sat", "the dog sat", "a cat"]
    a = Vocab(texts, level="word")
    b = Vocab(texts[::-1], level="word")
    assert a.itos == b.itos == ["<pad>", "<unk>", "cat", "sat", "the", "a", "dog"]


def test_vocab_min_count_and_max_size():
    """Do min_count drop rare tokens and max_size bound the total size (reserved included)?"""
    texts = ["aaab", "bc"]
    assert Vocab(texts, min_count=2).itos == ["<pad>", "<unk>", "a", "b"]
    assert Vocab(texts, max_size=3).itos == ["<pad>", "<unk>", "a"]
    with pytest.raises(ValueError, match="max_size"):
        Vocab(texts, max_size=1)


def test_vocab_encode_decode_round_trip_and_unknown():
    """Do encode/decode round-trip known text, and does an unknown token map to <unk>?"""
    v = Vocab(["hello world"])
    ids = v.encode("hello")
    assert v.decode(ids) == "hello"
    assert v.encode("hq") == [v["h"], v.unk_id]
    assert v["q"] == 1 and "q" not in v
    assert v.decode([0, 0] + ids) == "hello"  # padding dropped by default
    assert v.decode([0] + ids, skip=(), join=False)[0] == "<pad>"
    w = Vocab(["a b c"], level="word")
    assert w.decode(w.encode("c a")) == "c a"
    assert w.encode(["c", "zzz"]) == [w["c"], 1]


def test_vocab_without_unk_raises_on_unknown():
    """With unk=None, is an unknown token a KeyError that says so?"""
    v = Vocab(["ab"], reserved=("<pad>",), unk=None)
    with pytest.raises(KeyError, match="unknown token"):
        v.encode("abc")


def test_vocab_json_round_trip(tmp_path):
    """Does a Vocab survive to_json/from_json, through text and through a file?"""
    v = Vocab(["héllo wörld", "hi"], extra_reserved=("<s>",), min_count=1)
    assert Vocab.from_json(v.to_json()) == v
    path = tmp_path / "sub" / "vocab.json"
    v.to_json(path)
    w = Vocab.from_json(path)
    assert w == v and w.encode("hö") == v.encode("hö")
    v2 = Vocab.from_tokens(["x", "y"])
    assert v2.itos == ["<pad>", "<unk>", "x", "y"]


def test_vocab_bad_input():
    """Are a bad level, a bad id and a broken JSON reported clearly?"""
    with pytest.raises(ValueError, match="level"):
        Vocab(["a"], level="sentence")
    v = Vocab(["ab"])
    with pytest.raises(ValueError, match="position 1"):
        v.decode([2, 9])
    with pytest.raises(ValueError, match="not a saved Vocab"):
        Vocab.from_json('{"level": "char"}')


def test_vocab_token_checks_the_id():
    """Does token(i) return the token of an id and refuse one outside the vocabulary?"""
    v = Vocab(["ab"])
    assert v.token(2) == "a" and v.token(np.int64(3)) == "b"
    with pytest.raises(ValueError, match=r"Vocab.token: i holds ids outside \[0, 4\) \(4 tok"):
        v.token(4)


def test_of_chars_is_the_sorted_characters_without_reserved_tokens():
    """Does Vocab.of_chars give id = position in sorted(set(text)), no padding or unknown
    token, a round trip, and a clear error for an empty text or an unseen character?"""
    v = Vocab.of_chars("banana!")
    assert v.itos == ["!", "a", "b", "n"] and v.reserved == () and v.pad_id is None
    assert v.encode("nab") == [3, 1, 2] and v.decode([2, 1, 3, 1]) == "bana"
    with pytest.raises(KeyError, match="no unk token"):
        v.encode("x")
    with pytest.raises(ValueError, match="non-empty str"):
        Vocab.of_chars("")
