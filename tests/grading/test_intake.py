"""Are submissions read and written safely, from folders and LMS zips (grading/intake.py)?"""

from __future__ import annotations

import zipfile

import pytest

from autograder.grading import intake
from autograder.grading.intake import Submission, safe_relpath, write


def test_write_never_leaves_the_submission_folder(tmp_path):
    """Are `../` and absolute paths in a submission skipped, and a timestamp added?"""
    sub = Submission("al", "a1", {"nb.ipynb": b"{}", "../../evil.py": b"x", "/etc/x": b"y"})
    folder = write(tmp_path / "submitted", sub)
    assert sorted(p.name for p in folder.iterdir()) == ["nb.ipynb", "timestamp.txt"]
    assert not (tmp_path / "evil.py").exists()
    assert safe_relpath("a/../b") is None
    assert safe_relpath("artifacts/m.keras") == "artifacts/m.keras"


def test_digest_depends_on_names_and_contents():
    """Does the digest (used to skip re-grading) change with any byte or name?"""
    a = Submission("s", "a", {"x": b"1"}).digest()
    assert a == Submission("t", "a", {"x": b"1"}).digest()
    assert a != Submission("s", "a", {"x": b"2"}).digest()
    assert a != Submission("s", "a", {"y": b"1"}).digest()


@pytest.mark.parametrize(
    "name, student, file",
    [
        ("alice_02_rnn_cell.ipynb", "alice", "02_rnn_cell.ipynb"),
        ("bob_12345_67890_02_rnn_cell.ipynb", "bob", "02_rnn_cell.ipynb"),
        ("carol_late_12345_02_rnn_cell-1.ipynb", "carol", "02_rnn_cell.ipynb"),
        ("dave_notes.txt", "dave", "notes.txt"),
    ],
)
def test_lms_zip_names(tmp_path, name, student, file):
    """Does an LMS zip's flat file name give the student and the assignment's notebook?"""
    path = tmp_path / "subs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, b"data")
    subs = intake.read_submissions(path, "02_rnn_cell", ["02_rnn_cell"])
    assert list(subs) == [student]
    assert subs[student].files == {file: b"data"}


def test_folder_without_the_assignment_is_an_empty_submission(tmp_path):
    """Does a student folder without the assignment give an empty submission (`missing`)?"""
    (tmp_path / "al" / "a1").mkdir(parents=True)
    (tmp_path / "al" / "a1" / "nb.ipynb").write_text("{}")
    (tmp_path / "bo").mkdir()
    subs = intake.read_submissions(tmp_path, "a1")
    assert subs["al"].files == {"nb.ipynb": b"{}"} and subs["bo"].files == {}
