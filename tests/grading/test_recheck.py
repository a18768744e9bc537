"""Does the re-check build its program and read its results safely (grading/recheck.py)?"""

from __future__ import annotations

import json

from grading_helpers import nb_cell, one_exercise_release

from autograder.grading import recheck


def test_parse_keeps_only_lines_with_the_nonce():
    """Can a line printed by student code without the secret not fake a passing test?"""
    cells = [recheck.Cell("test", "", "f__values", 2.0), recheck.Cell("test", "", "f__more", 1.0)]
    nonce = "abc123"
    out = b"\n".join(
        [
            json.dumps({"grade_id": "f__values", "passed": True}).encode(),  # forged
            b"wrong " + json.dumps({"grade_id": "f__more", "passed": True}).encode(),
            nonce.encode()
            + b" "
            + json.dumps(
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
    master = one_exercise_release()
    master.cells[0].source = "def f(x):\n    return 2 * x"
    master.cells.insert(0, nb_cell("import math"))
    master.cells.append(nb_cell("print('a demo after the last test')"))
    student = one_exercise_release()
    student.cells[0].source = "def f(x):\n    return x + 1"
    cells, notes = recheck.build_program(master, one_exercise_release(), student)
    assert [(c.kind, c.grade_id) for c in cells] == [
        ("code", None),
        ("answer", "f"),
        ("test", "f__values"),
    ]
    assert "return x + 1" in cells[1].source and "2 * x" not in cells[1].source
    assert notes == []
