"""A token <-> id vocabulary for characters or words, with reserved tokens first.

``Vocab`` turns text into integer ids (``encode``) and back (``decode``), and saves itself
as JSON. Introduced in notebook 01 (why feed-forward networks fail on sequences); also
available as ``rl.data.Vocab``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rnnlib.testing.shapes import token_ids


class Vocab:
    """A token <-> id mapping for characters or words, with reserved tokens first.

    Reserved tokens take the first ids (by default ``"<pad>"`` = 0 and ``"<unk>"`` = 1),
    then any ``extra_reserved`` (e.g. ``"<s>"``, ``"</s>"``), then the tokens seen in
    ``texts`` ordered by frequency (most frequent first), ties broken alphabetically.

    texts: strings (split into characters for ``level="char"``, on whitespace for
    ``level="word"``) or already tokenised lists of strings.
    min_count: drop tokens seen fewer times. max_size: the largest total size,
    reserved tokens included. Unknown tokens map to ``unk`` (None: unknown is an error).
    Introduced in notebook 01.
    """

    def __init__(
        self,
        texts: Iterable = (),
        *,
        level: str = "char",
        min_count: int = 1,
        max_size: int | None = None,
        reserved: Sequence[str] = ("<pad>", "<unk>"),
        extra_reserved: Sequence[str] = (),
        unk: str | None = "<unk>",
    ):
        if level not in ("char", "word"):
            raise ValueError(f'Vocab: level should be "char" or "word", got {level!r}')
        self.level = level
        specials = list(reserved) + [t for t in extra_reserved if t not in reserved]
        if len(set(specials)) != len(specials):
            raise ValueError(f"Vocab: reserved tokens repeat: {specials}")
        if unk is not None and unk not in specials:
            raise ValueError(f"Vocab: unk={unk!r} should be one of the reserved tokens {specials}")
        if max_size is not None and max_size < len(specials):
            raise ValueError(
                f"Vocab: max_size={max_size} is smaller than the {len(specials)} reserved tokens"
            )
        counts = Counter()
        for text in texts:
            counts.update(t for t in self.tokenize(text) if t not in specials)
        ranked = sorted(
            (t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t)
        )
        if max_size is not None:
            ranked = ranked[: max_size - len(specials)]
        self.reserved = tuple(specials)
        self.unk = unk
        self.counts = {t: counts[t] for t in ranked}
        self._set_tokens(specials + ranked)

    def _set_tokens(self, tokens: list[str]) -> None:
        self.itos = list(tokens)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def from_tokens(
        cls,
        tokens: Sequence[str],
        *,
        level: str = "char",
        reserved: Sequence[str] = ("<pad>", "<unk>"),
        unk: str | None = "<unk>",
    ) -> Vocab:
        """A vocabulary with exactly these tokens after the reserved ones, in this order."""
        vocab = cls((), level=level, reserved=reserved, unk=unk)
        extra = [t for t in tokens if t not in vocab.stoi]
        if len(set(extra)) != len(extra):
            raise ValueError("Vocab.from_tokens: tokens repeat")
        vocab._set_tokens(vocab.itos + extra)
        return vocab

    @classmethod
    def of_chars(cls, text: str) -> Vocab:
        """The distinct characters of one text, sorted, with no reserved tokens: id = position
        in ``sorted(set(text))``. A character model of one long text needs neither padding
        nor an unknown token, and an unknown character is an error. Notebook 04."""
        if not isinstance(text, str) or not text:
            raise ValueError(
                f"Vocab.of_chars: text should be a non-empty str, got {type(text).__name__}"
            )
        return cls.from_tokens(sorted(set(text)), reserved=(), unk=None)

    def tokenize(self, text) -> list[str]:
        """Characters or whitespace-separated words of a string; a token list as is."""
        if isinstance(text, str):
            return list(text) if self.level == "char" else text.split()
        return list(text)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        """The id of a token; an unknown token gives the id of ``unk``."""
        if token in self.stoi:
            return self.stoi[token]
        if self.unk is None:
            raise KeyError(f"Vocab: unknown token {token!r} and this vocabulary has no unk token")
        return self.stoi[self.unk]

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocab) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.itos[:8]) + (", ..." if len(self) > 8 else "")
        return f"Vocab(level={self.level!r}, size={len(self)}, tokens=[{head}])"

    @property
    def pad_id(self) -> int | None:
        return self.stoi.get("<pad>")

    @property
    def unk_id(self) -> int | None:
        return None if self.unk is None else self.stoi[self.unk]

    def token(self, i: int) -> str:
        """The token with id ``i``."""
        i = token_ids("Vocab.token", "i", i, len(self), f"{len(self)} tokens", whole_floats=True)
        return self.itos[int(i)]

    def encode(self, text) -> list[int]:
        """Ids of a string (tokenised by ``level``) or of a list of tokens."""
        return [self[t] for t in self.tokenize(text)]

    def decode(self, ids, *, skip: Sequence[str] = ("<pad>",), join: bool = True):
        """Tokens of the ids, dropping those in ``skip``; joined into a string by default
        (no separator for characters, a space for words)."""
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"Vocab.decode: ids should be 1-D, got shape {ids.shape}")
        ids = token_ids(
            "Vocab.decode", "ids", ids, len(self), f"{len(self)} tokens", whole_floats=True
        )
        tokens = [self.itos[i] for i in ids.tolist() if self.itos[i] not in skip]
        if not join:
            return tokens
        return ("" if self.level == "char" else " ").join(tokens)

    def to_dict(self) -> dict:
        return {
            "level": self.level,
            "reserved": list(self.reserved),
            "unk": self.unk,
            "tokens": list(self.itos),
        }

    def to_json(self, path=None) -> str:
        """The vocabulary as JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text_or_path) -> Vocab:
        """A vocabulary from :meth:`to_json`'s text or from a file holding it."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text(encoding="utf-8")
        try:
            d = json.loads(text)
            reserved = d["reserved"]
            vocab = cls((), level=d["level"], reserved=reserved, unk=d["unk"])
            tokens = d["tokens"]
        except (KeyError, TypeError, json.JSONDecodeError) as e:
            raise ValueError(f"Vocab.from_json: not a saved Vocab ({e})") from None
        if tokens[: len(reserved)] != list(reserved):
            raise ValueError("Vocab.from_json: the tokens do not start with the reserved ones")
        vocab._set_tokens(tokens)
        return vocab
