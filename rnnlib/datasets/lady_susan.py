"""A small real text for character models, shipped by a package: no download.

music21 bundles Project Gutenberg's etext of Jane Austen's *Lady Susan* (about 127,000
characters, 67 distinct symbols) as ``languageExcerpts/trainingData/en.txt`` for its own
language detector. :func:`load_lady_susan` reads it from music21's package folder.
Introduced in notebook 04 (BPTT), which turns it into ids with
:meth:`rnnlib.data.vocab.Vocab.of_chars` and streams it with :mod:`rnnlib.data.streaming`.
"""

from __future__ import annotations

from pathlib import Path

LADY_SUSAN_PATH = ("languageExcerpts", "trainingData", "en.txt")
LADY_SUSAN_CHARS = 127431  # length of the bundled file, characters


def lady_susan_path() -> Path:
    """Where music21 keeps *Lady Susan* (raises a clear error when music21 is missing)."""
    try:
        import music21
    except ImportError as e:  # pragma: no cover - music21 is a course dependency
        raise ImportError(
            "load_lady_susan: the text ships with the music21 package, which is not installed: "
            "`pip install music21` (it is in the course's environment)"
        ) from e
    return Path(music21.__file__).parent.joinpath(*LADY_SUSAN_PATH)


def load_lady_susan() -> str:
    """The full text of Jane Austen's *Lady Susan* as bundled with music21 (a str).

    Read as UTF-8 with the file's own line breaks; nothing is downloaded. Notebook 04.
    """
    path = lady_susan_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"load_lady_susan: music21 is installed but '{path}' is missing; this music21 version "
            "does not ship languageExcerpts/trainingData/en.txt (reinstall music21 >= 7)"
        )
    return path.read_text(encoding="utf-8")
