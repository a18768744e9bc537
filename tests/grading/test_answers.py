"""Does the one rule for splicing answers (autograder/course/answers.py) take what it should?"""

from __future__ import annotations

import copy

import nbformat
import pytest
from grading_helpers import nb_cell

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers, splice, student_answers
from autograder.grading import recheck


def _master():
    nb = nbformat.v4.new_notebook(
        cells=[
            nb_cell("import math"),
            nb_cell(
                "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                grade_id="f",
                solution=True,
                grade=False,
                locked=False,
            ),
            nb_cell(
                "assert f(1) == 2",
                grade_id="f__values",
                solution=False,
                grade=True,
                locked=True,
                points=2,
            ),
            nbformat.v4.new_markdown_cell("Why?"),
        ]
    )
    nb.cells[3].metadata["nbgrader"] = {
        "schema_version": 3,
        "grade_id": "why",
        "solution": True,
        "grade": True,
        "points": 1,
    }
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    return nb


def _release():
    nb = copy.deepcopy(_master())
    nb.cells[1].source = "def f(x):\n    raise NotImplementedError"
    nb.cells[3].source = "YOUR ANSWER HERE"
    return nb


def _student(*extra_before_answer, after_answer=()):
    nb = _release()
    nb.cells[1].source = "def f(x):\n    return twice(x)"
    nb.cells[3].source = "Because."
    for k, source in enumerate(extra_before_answer):
        cell = nb_cell(source)
        cell.id = f"mine-{k}"
        nb.cells.insert(1 + k, cell)
    index = next(i for i, c in enumerate(nb.cells) if nbs.grade_id(c) == "f") + 1
    for k, source in enumerate(after_answer):
        cell = nb_cell(source)
        cell.id = f"after-{k}"
        nb.cells.insert(index + k, cell)
    return nb


def test_helper_cells_above_an_answer_belong_to_it():
    """Are the student's own code cells above an answer (not the release's) part of it, and a
    cell after the answer part of none?"""
    sub = _student(
        "import math as m", "def twice(x):\n    return x + x", after_answer=["print('scratch')"]
    )
    answers = student_answers(sub, _release())
    assert answers["f"].source == "def f(x):\n    return twice(x)"
    assert answers["f"].helpers == ("import math as m", "def twice(x):\n    return x + x")
    assert student_answers(sub, _release(), "markdown")["why"].source == "Because."


def test_splice_puts_helpers_above_the_answer_and_keeps_stubs():
    """Does the spliced master hold the helpers as their own cells above the answer, the
    written answer, and the release's stub where the student has no answer?"""
    sub = _student("def twice(x):\n    return x + x")
    nb = splice(_master(), sub, _release())
    sources = [c.source for c in nb.cells]
    assert sources[:4] == [
        "import math",
        "def twice(x):\n    return x + x",
        "def f(x):\n    return twice(x)",
        "assert f(1) == 2",
    ]
    assert sources[4] == "Because."
    assert not nbs.nbgrader_meta(nb.cells[1]) and nb.cells[1].id != nb.cells[2].id
    empty = nbformat.v4.new_notebook(cells=[])
    assert splice(_master(), empty, _release()).cells[1].source == _release().cells[1].source
    with pytest.raises(KeyError):
        fill_answers(_release(), empty)


def test_fill_answers_is_a_perfect_student():
    """Does a release filled with the master's answers hold the solutions, with or without the
    solution markers, and nothing else changed?"""
    perfect = fill_answers(_release(), _master())
    assert [c.source for c in perfect.cells] == [c.source for c in _master().cells]
    bare = fill_answers(_release(), _master(), keep_markers=False)
    assert bare.cells[1].source == "def f(x):\n    return 2 * x"


def test_recheck_and_check_take_the_same_answer():
    """Does the re-check's program hold exactly what `rnn-course check` runs for an answer:
    the helpers, then the answer (reduced to definitions)?"""
    sub = _student("def twice(x):\n    return x + x", after_answer=["twice = None"])
    cells, notes = recheck.build_program(_master(), _release(), sub)
    answer = next(c for c in cells if c.kind == "answer")
    assert answer.source == "def twice(x):\n    return x + x\n\ndef f(x):\n    return twice(x)\n"
    spliced = splice(_master(), sub, _release())
    ran = "\n\n".join(c.source for c in spliced.cells[1:3])
    assert ran + "\n" == answer.source and notes == []
