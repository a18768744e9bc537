"""Does `rnn-course grade` grade several assignments in one run (--assignment twice, --all)?"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.sandbox import bwrap

ROOT = nbs.course_root()
FIRST, SECOND = "02_rnn_cell", "05_gradients"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]


def _cli(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k != "RNN_COURSE_ROOT"}
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def test_two_assignments_in_one_run(tmp_path):
    """Does one run grade one assignment's submission, give the other assignment's absent one a
    `missing` row, and write both assignments' rows and exercises into one grades.csv?"""
    from autograder.engine import nbgrader_run as ng

    ok, why = bwrap.available()
    if not ok:
        pytest.skip(f"the sandbox is unavailable here: {why}")
    course = ng.make_course_copy(tmp_path / "course", ROOT, [FIRST, SECOND])
    for aid in (FIRST, SECOND):
        shutil.copytree(ROOT / nbs.RELEASE_DIR / aid, course / nbs.RELEASE_DIR / aid)
    release = nbs.read(ROOT / nbs.RELEASE_DIR / FIRST / f"{FIRST}.ipynb")
    solved = fill_answers(release, nbs.read(ROOT / nbs.SOURCE_DIR / FIRST / f"{FIRST}.ipynb"))
    folder = tmp_path / "incoming" / "alice" / FIRST
    folder.mkdir(parents=True)
    (folder / f"{FIRST}.ipynb").write_bytes(nbs.dumps(solved))
    out = tmp_path / "grades.csv"
    done = _cli(
        course,
        str(tmp_path / "incoming"),
        "--assignment",
        FIRST,
        "--assignment",
        SECOND,
        "--out",
        str(out),
        "--report",
        str(tmp_path / "report.md"),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out, newline="", encoding="utf-8") as fh:
        rows = {(r["assignment"], r["student"]): r for r in csv.DictReader(fh)}
    assert rows[FIRST, "alice"]["status"] == "ok"
    assert float(rows[FIRST, "alice"]["score"]) == float(rows[FIRST, "alice"]["max_score"]) > 0
    assert rows[SECOND, "alice"]["status"] == "missing"
    columns = next(iter(rows.values())).keys()
    assert "ex:rnn_step_forward" in columns and "ex:clip_by_global_norm" in columns


def test_a_zip_holds_one_assignment_and_one_is_needed(tmp_path):
    """Is an LMS zip with two assignments refused, and a run naming none told what to pass?"""
    lms = tmp_path / "lms.zip"
    with zipfile.ZipFile(lms, "w") as zf:
        zf.writestr(f"alice_{FIRST}.ipynb", "{}")
    two = _cli(ROOT, str(lms), "--assignment", FIRST, "--assignment", SECOND)
    assert two.returncode == 2 and "one assignment" in two.stderr
    none = _cli(ROOT, str(lms))
    assert none.returncode == 2 and "--assignment" in none.stderr
