"""Do the parts of `rnn-course grade` behave, each on its own (fast, no kernel)?"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import nbformat
import pytest

from autograder.grading import definitions, intake, recheck, report, tamper
from autograder.grading.intake import Submission, safe_relpath, write
from autograder.grading.task import GradeResult
from autograder.sandbox import bwrap
from autograder.sandbox.limits import Limits

# ---- the re-check keeps definitions only ------------------------------------------------


def test_keep_definitions_drops_hooks_and_keeps_functions():
    """Does the re-check keep functions, imports and constants, and drop the statements that
    install hooks or patch the checks?"""
    source = """
import numpy as np
EPS = 1e-8
GATES = ("i", "f")
SCALE = np.float32(0.5)
def one_hot(x, V, _ref=np.eye):
    return np.eye(V)[x]
get_ipython().input_transformers_post.append(lambda lines: [])
np.testing.assert_allclose = lambda *a, **k: None
import rnnlib as rl
rl.checks.check_close = print
__builtins__["len"] = lambda x: 0
for i in range(3):
    pass
@some_decorator
def decorated(x):
    return x
def sneaky(x, hook=__import__("sys").settrace(None)):
    return x
"""
    kept, dropped = definitions.keep_definitions(source)
    assert "def one_hot" in kept and "EPS = 1e-8" in kept and "np.float32(0.5)" in kept
    assert "import rnnlib as rl" in kept
    for bad in ("input_transformers", "assert_allclose", "check_close", "__builtins__",
                "for i", "decorated", "sneaky"):  # fmt: skip
        assert bad not in kept, bad
    assert len(dropped) == 7, dropped


def test_keep_definitions_comments_out_magics_and_keeps_unparsable_source():
    """Are `%magic` lines neutralised, and is a syntax error left for the re-check to fail?"""
    kept, dropped = definitions.keep_definitions("%matplotlib inline\ndef f():\n    return 1\n")
    assert "def f" in kept and "%matplotlib" not in kept.replace("# %matplotlib", "")
    assert definitions.keep_definitions("def f(:") == ("def f(:", [])


def test_parse_keeps_only_lines_with_the_nonce():
    """Can a line printed by student code without the secret not fake a passing test?"""
    cells = [recheck.Cell("test", "", "f__values", 2.0), recheck.Cell("test", "", "f__more", 1.0)]
    nonce = "abc123"
    out = b"\n".join(
        [
            json.dumps({"grade_id": "f__values", "passed": True}).encode(),  # forged
            b"wrong " + json.dumps({"grade_id": "f__more", "passed": True}).encode(),
            nonce.encode() + b" " + json.dumps(
                {"grade_id": "f__values", "passed": False, "error": "AssertionError: x"}
            ).encode(),
            nonce.encode() + b" not json",
        ]
    )
    result = recheck.parse(out, nonce, cells)
    assert [(t.grade_id, t.passed) for t in result.tests] == [
        ("f__values", False),
        ("f__more", False),
    ]
    assert result.score == 0 and result.max_score == 3 and not result.completed


def test_program_takes_the_student_answer_and_stops_at_the_last_test():
    """Does the re-check run the master's cells with the student's answer in place, and skip
    what follows the last test (a demo there scores nothing, and only costs time)?"""
    master = _release()
    master.cells[0].source = "def f(x):\n    return 2 * x"
    master.cells.insert(0, _cell("import math"))
    master.cells.append(_cell("print('a demo after the last test')"))
    student = _release()
    student.cells[0].source = "def f(x):\n    return x + 1"
    cells, notes = recheck.build_program(master, _release(), student)
    assert [(c.kind, c.grade_id) for c in cells] == [
        ("code", None), ("answer", "f"), ("test", "f__values")]  # fmt: skip
    assert "return x + 1" in cells[1].source and "2 * x" not in cells[1].source
    assert notes == []


# ---- the static tamper report ---------------------------------------------------------------


def _cell(source, **meta):
    c = nbformat.v4.new_code_cell(source)
    if meta:
        c.metadata["nbgrader"] = {"schema_version": 3, **meta}
    return c


def _release():
    return nbformat.v4.new_notebook(
        cells=[
            _cell("raise NotImplementedError", grade_id="f", solution=True, grade=False,
                  locked=False),  # fmt: skip
            _cell("assert f(1) == 2", grade_id="f__values", solution=False, grade=True,
                  locked=True, points=2),  # fmt: skip
        ]
    )


def test_tamper_report_lists_edited_deleted_and_flipped_cells_for_review():
    """Are an edited test, a flipped `grade` flag and a duplicated cell listed for review,
    without making the submission `tampered`?"""
    release = _release()
    sub = nbformat.from_dict(json.loads(json.dumps(release)))
    sub.cells[1].source = "assert True"
    sub.cells[1].metadata.nbgrader["grade"] = False
    sub.cells.append(nbformat.from_dict(json.loads(json.dumps(sub.cells[0]))))
    found = tamper.compare_cells(release, sub, "nb")
    text = "\n".join(found.review)
    assert "f__values: test cell edited" in text
    assert "metadata changed (grade)" in text
    assert "nb: f: 2 copies" in text
    assert not found.serious
    deleted = nbformat.v4.new_notebook(cells=[release.cells[0]])
    assert "f__values: test cell deleted" in "\n".join(tamper.compare_cells(release, deleted,
                                                                            "nb").review)


def test_tamper_report_flags_kernel_hooks_and_shipped_packages():
    """Are an input transformer in an answer and a shipped `rnnlib/` serious findings?"""
    release = _release()
    sub = nbformat.from_dict(json.loads(json.dumps(release)))
    sub.cells[0].source = "get_ipython().input_transformers_post.append(print)"
    assert tamper.compare_cells(release, sub, "nb").serious
    shipped = tamper.shipped_code(["rnnlib/__init__.py", "helper.py", "sitecustomize.py"])
    assert any("'rnnlib'" in f for f in shipped.serious)
    assert any("'sitecustomize'" in f for f in shipped.serious)
    assert any("'helper'" in f for f in shipped.review)


# ---- submissions, LMS zips, CSV -------------------------------------------------------------


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


def test_csv_has_one_quoted_row_per_submission(tmp_path):
    """Does grades.csv quote reasons with commas, quotes and newlines correctly?"""
    tests = [{"grade_id": "f__values", "max_score": 2.0, "counted": 2.0, "kernel": 2.0}]
    results = [
        GradeResult("a,b", "a1", "ok", 'said "hi",\nthen left', 2.0, 2.0, 2.0, 0.0, tests),
        GradeResult("c", "a1", "missing", "no submission", 0.0, 2.0, None, 1.0, []),
    ]
    path = tmp_path / "grades.csv"
    report.write_csv(path, results, ["f"])
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [r["student"] for r in rows] == ["a,b", "c"]
    assert rows[0]["reason"] == 'said "hi",\nthen left' and rows[0]["ex:f"] == "2"
    assert rows[1]["status"] == "missing" and rows[1]["kernel_score"] == ""


def test_limits_travel_through_the_environment():
    """Do the sandbox limits survive the trip through an environment variable?"""
    limits = Limits(memory_mb=512, pids=64, file_mb=8, tmp_mb=16)
    back = Limits.from_env_value(limits.env_value())
    assert (back.memory_mb, back.pids, back.file_mb, back.tmp_mb) == (512, 64, 8, 16)


def test_sandbox_command_isolates(tmp_path):
    """Does the sandbox command unshare everything, run as nobody, and bind only the
    submission's folder writable?"""
    cmd = bwrap.Sandbox(tmp_path, Limits(), cgroups=False).command(["python"])
    i = cmd.index("--unshare-all")
    assert cmd[i:].count("--bind") == 1 and str(tmp_path.resolve()) in cmd
    assert ["--uid", "65534"] == cmd[cmd.index("--uid") : cmd.index("--uid") + 2]
    assert "--clearenv" in cmd and "--die-with-parent" in cmd
    root = str(bwrap.Path(__file__).resolve().parents[2])
    assert root not in bwrap.readonly_paths()  # the course root itself is never visible
