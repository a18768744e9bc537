"""Fast tests of the course's nbgrader preprocessors on a tiny notebook (no kernel, no CLI).

As nbgrader's own preprocessor tests do: the source notebook (tests/grading/files/
tiny-source.ipynb: one answer cell `double`, two test cells) is saved into a fresh gradebook with
nbgrader's SaveCells, then a student's version of it goes through the preprocessor under test.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import CheckCellMetadata, ComputeChecksums, DeduplicateIds, SaveCells

from autograder.engine.feedback import HideTestTracebacks
from autograder.engine.sanitize import SCHEMA_VERSION, OverwriteCellsSafely

SOURCE = Path(__file__).parent / "files" / "tiny-source.ipynb"


def grade_ids(nb) -> list[str | None]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


@pytest.fixture
def resources(tmp_path, monkeypatch):
    # the gradebook runs `alembic` by name: find it next to this Python, as nbgrader_config does
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(db_url) as gb:
        gb.add_assignment("ps0")
    res = {"nbgrader": {"db_url": db_url, "assignment": "ps0", "notebook": "tiny"}}
    SaveCells().preprocess(student(), res)
    return res


def sanitise(nb, resources):
    """The sanitising steps of nbgrader_config.py's autograde pipeline that matter here."""
    nb, _ = DeduplicateIds().preprocess(nb, resources)
    nb, _ = OverwriteCellsSafely(add_missing_cells=True).preprocess(nb, resources)
    nb, _ = CheckCellMetadata().preprocess(nb, resources)
    return nb


def student() -> nbformat.NotebookNode:
    """The release as generate_assignment leaves it: the source with its cells' checksums."""
    nb, _ = ComputeChecksums().preprocess(nbformat.read(SOURCE, as_version=4), {})
    return nb


def test_untouched_notebook_keeps_its_cells(resources):
    """Does a notebook nobody changed come out with the same graded cells, in order?"""
    assert grade_ids(sanitise(student(), resources)) == grade_ids(student())


def test_edited_test_cell_is_restored(resources):
    """Is a test cell a student rewrote to `assert True` put back from the gradebook?"""
    nb = student()
    nb.cells[2].source = "assert True"
    assert "double(-3)" in sanitise(nb, resources).cells[2].source


def test_pasted_test_cell_becomes_an_ordinary_cell(resources):
    """Does a copied-and-pasted test cell no longer claim a grade (no KeyError, no double
    points), while the original is still graded?"""
    nb = student()
    nb.cells.insert(3, copy.deepcopy(nb.cells[2]))
    out = sanitise(nb, resources)
    assert grade_ids(out).count("double__values") == 1
    assert len(out.cells) == 5 and sum("nbgrader" not in c.metadata for c in out.cells) == 2


def test_unknown_grade_id_is_dropped_not_fatal(resources):
    """Is a cell whose grade_id the student changed kept as an ordinary cell, and the real
    test cell put back?"""
    nb = student()
    nb.cells[3].metadata.nbgrader.grade_id = "my_own_test"
    out = sanitise(nb, resources)
    assert "my_own_test" not in grade_ids(out) and "double__linear" in grade_ids(out)


def test_deleted_answer_and_test_are_put_back_in_order(resources):
    """With the answer cell and its first test deleted, does the test come back after the
    nearest earlier cell the notebook still has, before the second test?"""
    nb = student()
    del nb.cells[1:3]
    out = grade_ids(sanitise(nb, resources))
    assert out.index("double__values") < out.index("double__linear")


def test_changed_schema_version_is_reset(resources):
    """Is a changed schema_version set back, so CheckCellMetadata does not stop the batch?"""
    nb = student()
    nb.cells[2].metadata.nbgrader.schema_version = 1
    out = sanitise(nb, resources)
    assert out.cells[2].metadata.nbgrader.schema_version == SCHEMA_VERSION


def test_feedback_traceback_keeps_only_the_message():
    """Does a failed test cell's traceback shrink to its last line, leaving answers alone?"""
    nb = student()
    error = nbformat.v4.new_output(
        "error",
        ename="AssertionError",
        evalue="h is wrong",
        traceback=["Traceback", "  assert hidden_line()", "boom"],
    )
    nb.cells[2].outputs = [error]
    nb.cells[1].outputs = [copy.deepcopy(error)]
    out, _ = HideTestTracebacks().preprocess(nb, {})
    assert out.cells[2].outputs[0]["traceback"] == ["AssertionError: h is wrong"]
    assert len(out.cells[1].outputs[0]["traceback"]) == 3
