"""Is grades.csv written right (grading/report.py)?"""

from __future__ import annotations

import csv
import io

from autograder.grading import report
from autograder.grading.task import GradeResult


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
