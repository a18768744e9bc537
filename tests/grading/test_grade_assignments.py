"""Does `rnn-course grade` refuse what a run of several assignments cannot grade?

(A run of two assignments is graded for real in tests/grading/test_hostile_issue22.py's folder
batch, which names a second assignment: 02's grading tests share their batches.)"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from autograder.course import notebooks as nbs

ROOT = nbs.course_root()
FIRST, SECOND = "02_rnn_cell", "05_gradients"


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


def test_a_zip_holds_one_assignment_and_one_is_needed(tmp_path):
    """Is an LMS zip with two assignments refused, and a run naming none told what to pass?"""
    lms = tmp_path / "lms.zip"
    with zipfile.ZipFile(lms, "w") as zf:
        zf.writestr(f"alice_{FIRST}.ipynb", "{}")
    two = _cli(ROOT, str(lms), "--assignment", FIRST, "--assignment", SECOND)
    assert two.returncode == 2 and "one assignment" in two.stderr
    none = _cli(ROOT, str(lms))
    assert none.returncode == 2 and "--assignment" in none.stderr
