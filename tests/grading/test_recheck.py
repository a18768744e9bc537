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


def _master_with_hidden_tests():
    master = one_exercise_release()
    master.cells[0].source = "def f(x):\n    return 2 * x"
    master.cells[
        1
    ].source = "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(5) == 10\n### END HIDDEN TESTS\n"
    return master


def test_program_runs_a_test_cell_as_its_visible_part_then_its_hidden_part():
    """Does the re-check split each test cell into the part the student's kernel ran and the
    hidden tests, with no marker left in either?"""
    cells, _ = recheck.build_program(_master_with_hidden_tests(), one_exercise_release(), None)
    assert [(c.kind, c.grade_id) for c in cells] == [
        ("answer", "f"),
        ("test", "f__values"),
        ("hidden", "f__values"),
    ]
    assert cells[1].source == "assert f(1) == 2\n" and cells[2].source == "assert f(5) == 10\n"
    assert cells[1].points == 2 and cells[2].points == 0


def _line(nonce: str, **item) -> bytes:
    return nonce.encode() + b" " + json.dumps({"error": "", **item}).encode()


def test_a_test_with_hidden_tests_passes_only_when_they_report_passing():
    """Is a test whose visible part passed still failed when its hidden part failed, sent
    nothing, or was forged before the visible part, and kept failed when only the hidden part
    passed?"""
    nonce = "n0"
    cells = [
        recheck.Cell("test", "", gid, 1.0) for gid in ("a__t", "b__t", "c__t", "d__t", "e__t")
    ] + [recheck.Cell("hidden", "", gid) for gid in ("a__t", "b__t", "c__t", "d__t", "e__t")]
    out = b"\n".join(
        [
            _line(nonce, grade_id="a__t", part="visible", passed=True),
            _line(nonce, grade_id="a__t", part="hidden", passed=True),
            _line(nonce, grade_id="b__t", part="visible", passed=True),
            _line(nonce, grade_id="b__t", part="hidden", passed=False, error="AssertionError: 3"),
            _line(nonce, grade_id="b__t", part="hidden", passed=True),  # a second line: ignored
            _line(nonce, grade_id="c__t", part="visible", passed=True),  # then the process died
            _line(nonce, grade_id="d__t", part="hidden", passed=True),  # before its visible part
            _line(nonce, grade_id="d__t", part="visible", passed=True),
            _line(nonce, grade_id="e__t", part="visible", passed=False, error="NameError: f"),
            _line(nonce, grade_id="e__t", part="hidden", passed=True),
        ]
    )
    got = {t.grade_id: t for t in recheck.parse(out, nonce, cells).tests}
    assert {g: (t.passed, t.visible_passed) for g, t in got.items()} == {
        "a__t": (True, True),
        "b__t": (False, True),
        "c__t": (False, True),
        "d__t": (False, True),
        "e__t": (False, False),
    }
    assert got["b__t"].error == "hidden tests: AssertionError: 3"
    assert got["c__t"].error == "hidden tests: did not run" and got["e__t"].error == "NameError: f"


def test_runner_skips_hidden_tests_after_a_failed_visible_part(tmp_path):
    """Does the runner (unsandboxed here) report each part, fail a wrong answer in its hidden
    part only, and not run the hidden part of a test whose visible part failed?"""
    master = _master_with_hidden_tests()
    master.cells += [
        nb_cell("raise NotImplementedError", grade_id="g", solution=True, grade=False),
        nb_cell(
            "assert g() == 1\n### BEGIN HIDDEN TESTS\nopen('ran', 'w').close()\n"
            "### END HIDDEN TESTS",
            grade_id="g__values",
            solution=False,
            grade=True,
            locked=True,
            points=1,
        ),
    ]
    student = one_exercise_release()
    student.cells[0].source = "def f(x):\n    return 2 if x == 1 else 0"  # right where it is seen
    student.cells += [nb_cell("def g():\n    return 0", grade_id="g", solution=True)]
    release = one_exercise_release()
    release.cells += [master.cells[2], nb_cell("assert g() == 1", grade_id="g__values")]
    cells, _ = recheck.build_program(master, release, student)
    result = recheck.run(cells, tmp_path, cell_timeout=30, total_timeout=60)
    got = {t.grade_id: t for t in result.tests}
    assert result.completed
    assert got["f__values"].visible_passed and not got["f__values"].passed
    assert got["f__values"].error.startswith("hidden tests: AssertionError")
    assert not got["g__values"].visible_passed and not (tmp_path / "ran").exists()
