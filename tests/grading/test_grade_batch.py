"""Does `rnn-course grade` grade a hostile batch correctly, and does `rnn-course check` help?

One batch of submissions of 02_rnn_cell, each built from the release or the solution plus
one thing a real or hostile student did, goes through `autograder.grading.grade.grade_batch` (the
code behind `rnn-course grade`) in a throwaway course root. Each case states its expected status
and score. Then: the batch completes with one CSV row per student; no wrong answer gains
points through a hook, a patch or a shipped package; the course root, the installed rnnlib
and the originals are byte-identical; no process outlives the batch.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from grading_helpers import sandboxed_course_copy

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.grading.intake import read_folder_files
from autograder.sandbox import bwrap
from autograder.sandbox.limits import Limits

AID = "02_rnn_cell"
ROOT = nbs.course_root()
FULL = 15.0
MARK = "rnn-grade-test-marker"  # in the command line of processes a submission starts

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]


def _master():
    return nbs.read(ROOT / nbs.SOURCE_DIR / AID / f"{AID}.ipynb")


def _release():
    return nbs.read(ROOT / nbs.RELEASE_DIR / AID / f"{AID}.ipynb")


def _answer(nb, gid):
    return next(c for c in nb.cells if nbs.grade_id(c) == gid)


def _first_answer(nb):
    return next(c for c in nb.cells if nbs.is_autograded_answer(c))


def _test_cells(nb):
    return [c for c in nb.cells if nbs.is_test(c)]


def _append(nb, code, gid=None):
    nb = copy.deepcopy(nb)
    cell = _answer(nb, gid) if gid else _first_answer(nb)
    cell.source += "\n" + code
    return nb


TRANSFORMER = """
get_ipython().input_transformers_post.append(
    lambda lines: ['pass\\n'] if any('check' in l or 'assert' in l for l in lines) else lines)
"""
AST_WRAP = """
import ast as _ast
class _TryAll(_ast.NodeTransformer):
    def visit_Module(self, node):
        handler = _ast.ExceptHandler(type=None, name=None, body=[_ast.Pass()])
        node.body = [_ast.Try(body=node.body or [_ast.Pass()], handlers=[handler], orelse=[],
                              finalbody=[])]
        return _ast.fix_missing_locations(node)
get_ipython().ast_transformers.append(_TryAll())
"""
GLOB_SOLUTIONS = """
import glob as _g, json as _j
for _p in _g.glob('../../../**/solutions/02_rnn_cell/*.ipynb', recursive=True) + \\
        _g.glob('/work/**/solutions/02_rnn_cell/*.ipynb', recursive=True):
    for _c in _j.load(open(_p))['cells']:
        if _c['cell_type'] == 'code' and 'BEGIN SOLUTION' in ''.join(_c['source']):
            exec(''.join(_c['source']))
"""
PATCH_CHECKS = """
import numpy as _np, rnnlib as _rl
_np.testing.assert_allclose = lambda *a, **k: None
_rl.checks.check_close = lambda *a, **k: None
_rl.checks.check_shape = lambda *a, **k: None
_rl.grading.check_against_reference = lambda *a, **k: None
"""
DEFAULT_CAPTURE = """
def rnn_step_forward(x, prev_h, Wx, Wh, b, _ref=rl.cells.rnn_step_forward):
    return _ref(x, prev_h, Wx, Wh, b)
"""
GRADEBOOK = """
import glob as _g, sqlite3 as _s
for _p in _g.glob('../../../gradebook.db') + _g.glob('../../gradebook.db'):
    _db = _s.connect(_p); _db.execute('update grade set auto_score = 99'); _db.commit()
"""
VANDAL = """
import glob as _g
for _p in _g.glob('../../*/02_rnn_cell/*.ipynb'):
    open(_p, 'w').write('{}')
import rnnlib.testing.checks as _c
open(_c.__file__, 'a').write('\\nraise SystemExit("vandalised")\\n')
"""
DETACHED = f"""
import subprocess as _sp
_sp.Popen(['sleep', '1000', '{MARK}'], start_new_session=True)
_sp.Popen(['python', '-c', 'import time; time.sleep(1000)  # {MARK}'], start_new_session=True)
"""
IGNORE_SIGINT = """
import signal as _sig
_sig.signal(_sig.SIGINT, _sig.SIG_IGN)
while True:
    pass
"""
EXIT_IN_FUNCTION = """
import os as _os
def rnn_forward(x, h0, Wx, Wh, b):
    _os._exit(0)
"""
MEMORY = "import numpy as _np\n_big = _np.ones((6 * 1024**3) // 8)\n"
HUGE_OUTPUT = "print('x' * (100 * 1024 * 1024))\n"
WRITES_FILES = "open('leak.txt', 'w').write('the kernel wrote this')\n"


def _shipped_rnnlib() -> dict[str, bytes]:
    """A whole fake rnnlib whose checks accept anything (next to the notebook)."""
    code = (
        "import importlib, sys\n"
        "def __getattr__(name):\n"
        "    class _Any:\n"
        "        def __getattr__(self, n):\n"
        "            return lambda *a, **k: (a[0] if a else None)\n"
        "    return _Any()\n"
    )
    return {"rnnlib/__init__.py": code.encode(), "numpy/__init__.py": b"raise ImportError\n"}


def cases():
    """{student: (notebook or raw bytes or None, extra files, expected status, score check)}.
    The score check is a number (exact) or a callable on the result."""
    master, release = _master(), _release()
    solved = fill_answers(release, master)
    partial = copy.deepcopy(solved)
    _answer(partial, "rnn_forward").source = _answer(release, "rnn_forward").source
    deleted = copy.deepcopy(solved)
    deleted.cells.remove(_test_cells(deleted)[0])
    edited = copy.deepcopy(solved)
    _test_cells(edited)[0].source = "assert True"
    duplicated = copy.deepcopy(solved)
    dup = copy.deepcopy(_test_cells(duplicated)[1])
    dup.id = "pasted"
    duplicated.cells.insert(duplicated.cells.index(_test_cells(duplicated)[1]), dup)
    retyped = copy.deepcopy(solved)
    k = retyped.cells.index(_test_cells(retyped)[2])
    retyped.cells[k] = retyped_cell(retyped.cells[k])
    flipped = copy.deepcopy(solved)
    t = _test_cells(flipped)[0]
    t.metadata.nbgrader["grade"] = False
    t.metadata.nbgrader["locked"] = False
    unknown = copy.deepcopy(solved)
    _test_cells(unknown)[1].metadata.nbgrader["grade_id"] = "made_up_id"
    return {
        "correct": (solved, {}, "ok", FULL),
        "blank": (release, {}, "ok", 0.0),
        "partial": (partial, {}, "ok", FULL - 4),
        "hook-transformer": (_append(release, TRANSFORMER), {}, "tampered", 0.0),
        "hook-ast": (_append(release, AST_WRAP), {}, "tampered", 0.0),
        "glob-solutions": (_append(release, GLOB_SOLUTIONS), {}, "tampered", 0.0),
        "shipped-rnnlib": (release, _shipped_rnnlib(), "tampered", 0.0),
        "patch-checks": (_append(release, PATCH_CHECKS), {}, "tampered", 0.0),
        "default-capture": (
            _append(solved, DEFAULT_CAPTURE, "rnn_step_forward"),
            {},
            "ok",
            lambda r: r["ex:rnn_step_forward"] == "0",
        ),
        "gradebook-writer": (_append(release, GRADEBOOK), {}, "tampered", 0.0),
        "vandal": (_append(release, VANDAL), {}, "tampered", 0.0),
        "detached": (_append(solved, DETACHED), {}, "ok", FULL),
        "ignores-sigint": (
            _append(solved, IGNORE_SIGINT, "embedding_forward"),
            {},
            "timeout",
            lambda r: float(r["score"]) < FULL,
        ),
        "exit-in-function": (
            _append(solved, EXIT_IN_FUNCTION, "rnn_forward"),
            {},
            "crashed",
            lambda r: float(r["score"]) <= FULL - 4,
        ),
        "sys-exit": (_append(solved, "import sys\nsys.exit()"), {}, "ok", FULL),
        "kills-kernel": (
            _append(solved, "import os, signal\nos.kill(os.getpid(), 9)", "embedding_forward"),
            {},
            "crashed",
            lambda r: float(r["score"]) <= FULL - 3,
        ),
        "memory": (
            _append(solved, MEMORY, "embedding_forward"),
            {},
            "memory",
            lambda r: float(r["score"]) <= FULL - 3,
        ),
        "huge-output": (_append(solved, HUGE_OUTPUT), {}, "ok", FULL),
        "writes-files": (_append(solved, WRITES_FILES), {}, "ok", FULL),
        "deleted-test": (deleted, {}, "ok", FULL),
        "edited-test": (edited, {}, "ok", FULL),
        "duplicated-test": (duplicated, {}, "ok", FULL),
        "retyped-test": (retyped, {}, "ok", FULL),
        "flipped-flags": (flipped, {}, "ok", FULL),
        "unknown-grade-id": (unknown, {}, "ok", FULL),
        "invalid-json": (b'{"cells": [', {}, "invalid-notebook", 0.0),
        "empty-file": (b"", {}, "invalid-notebook", 0.0),
        "no-notebook": (None, {"notes.txt": b"I forgot"}, "missing", 0.0),
    }


def retyped_cell(cell):
    import nbformat

    md = nbformat.v4.new_markdown_cell(cell.source)
    md.metadata = copy.deepcopy(cell.metadata)
    md.id = cell.id
    return md


def _hash_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _marked_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if MARK in ln and "ps -eo" not in ln]


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    from autograder.grading import grade
    from autograder.grading.intake import read_submissions

    tmp = tmp_path_factory.mktemp("grade-batch")
    root = sandboxed_course_copy(tmp, [AID])
    incoming = tmp / "incoming"
    expected = cases()
    only = os.environ.get("RNN_GRADE_CASES")  # "a,b": a subset, when debugging one case
    if only:
        expected = {k: v for k, v in expected.items() if k in only.split(",")}
    for student, (nb, files, _, _) in expected.items():
        folder = incoming / student / AID
        folder.mkdir(parents=True)
        if nb is not None:
            data = nb if isinstance(nb, bytes) else nbs.dumps(nb)
            (folder / f"{AID}.ipynb").write_bytes(data)
        for rel, blob in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(blob)
    originals = _hash_tree(incoming)
    course_before = _hash_tree(root / nbs.SOURCE_DIR)
    rnnlib_dir = Path(bwrap._package_dir("rnnlib"))
    # 02's slowest cell takes a few seconds; the `ignores-sigint` case waits out the whole cell
    # limit, so a tight one keeps the batch short (it was 120 s of the batch's ~12 minutes)
    limits = Limits(memory_mb=2048, cell_timeout=45, notebook_timeout=900)
    subs = read_submissions(incoming, AID)
    results = grade.grade_batch(
        root,
        AID,
        subs,
        workers=2,
        limits=limits,
        out_csv=tmp / "grades.csv",
        report=tmp / "report.md",
        progress=False,
    )
    with open(tmp / "grades.csv", newline="") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    return {
        "root": root,
        "rows": rows,
        "results": results,
        "expected": expected,
        "originals_same": originals == _hash_tree(incoming),
        "course_same": course_before == _hash_tree(root / nbs.SOURCE_DIR),
        # (rnnlib may be edited by its developers meanwhile: look for the vandal's line)
        "rnnlib_vandalised": [
            p.name for p in rnnlib_dir.rglob("*.py") if "vandalised" in p.read_text()
        ],
        "left_running": _marked_processes(),
        "report": (tmp / "report.md").read_text(),
        "incoming": incoming,
    }


def test_every_submission_gets_its_expected_status_and_score(batch_run):
    """Does each hostile or faulty submission get its expected status and score, in one
    batch that completes?"""
    rows, problems = batch_run["rows"], []
    for student, (_, _, status, score) in batch_run["expected"].items():
        row = rows.get(student)
        if row is None:
            problems.append(f"{student}: no row in grades.csv")
            continue
        got = f"{row['status']} {row['score']}/{row['max_score']} ({row['reason'][:200]})"
        if row["status"] != status:
            problems.append(f"{student}: expected {status}, got {got}")
        elif callable(score) and not score(row):
            problems.append(f"{student}: score check failed: {got}")
        elif not callable(score) and float(row["score"]) != score:
            problems.append(f"{student}: expected {score}, got {got}")
    assert not problems, "\n  ".join(["wrong rows:", *problems])
    assert len(rows) == len(batch_run["expected"])


def test_nothing_outside_the_sandbox_changed(batch_run):
    """Are the originals and the course's solutions byte-identical, is the installed rnnlib
    untouched by a submission, and is no process a submission started still running?"""
    problems = []
    if not batch_run["originals_same"]:
        problems.append("a submission's original files changed")
    if not batch_run["course_same"]:
        problems.append("solutions/ changed")
    if batch_run["rnnlib_vandalised"]:
        problems.append(f"the installed rnnlib was written to: {batch_run['rnnlib_vandalised']}")
    if batch_run["left_running"]:
        problems.append(f"processes outlived the batch: {batch_run['left_running']}")
    assert not problems, problems


def test_gradebook_holds_the_counted_scores(batch_run):
    """Does the course gradebook hold, for each student, the score of the CSV (nothing a
    submission wrote to a gradebook survives)?"""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{batch_run['root'] / 'gradebook.db'}", "rnn-course") as gb:
        for student, row in batch_run["rows"].items():
            if row["status"] in ("missing",):
                continue
            sub = gb.find_submission(AID, student)
            assert sub.score <= float(row["score"]) + 1e-9, (student, sub.score, row["score"])
            assert abs(sub.code_score - float(row["score"])) < 1e-9, (student, sub.code_score)


def test_autograded_folder_has_no_files_the_kernel_wrote(batch_run):
    """Is a file written by the kernel kept out of autograded/ (and so out of feedback/), and
    is a 100 MB print cut?"""
    folder = batch_run["root"] / "autograded"
    assert not list(folder.rglob("leak.txt"))
    huge = folder / "huge-output" / AID / f"{AID}.ipynb"
    assert huge.stat().st_size < 5 * 1024 * 1024, huge.stat().st_size


def test_tamper_report_names_the_hooks(batch_run):
    """Does the tamper report name the transformer, the shipped package and the patches?"""
    text = batch_run["report"]
    for needle in (
        "IPython input transformer",
        "IPython AST transformer",
        "shipped package",
        "test helper patched",
        "test cell edited",
        "test cell deleted",
    ):
        assert needle in text, needle


def test_regrading_skips_what_is_graded(batch_run):
    """Does a second run with the same files skip every submission (resume)?"""
    from autograder.grading import grade
    from autograder.grading.intake import read_submissions

    subs = read_submissions(batch_run["incoming"], AID)
    again = grade.grade_batch(batch_run["root"], AID, subs, workers=1, progress=False)
    before = {r.student: (r.status, r.score) for r in batch_run["results"]}
    assert {r.student: (r.status, r.score) for r in again} == before


# ---- rnn-course check ------------------------------------------------------------------------


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ},
    )


def test_check_full_marks_zero_and_names_the_failing_exercise(tmp_path):
    """Does `rnn-course check` give full marks on a solution (exit 0), zero on the release
    (exit 1), and name the failing exercise on a wrong answer, without hidden-test source?"""
    master, release = _master(), _release()
    folder = tmp_path / AID
    folder.mkdir()
    solved = fill_answers(release, master)
    wrong = copy.deepcopy(solved)
    _answer(wrong, "embedding_forward").source = "def embedding_forward(x, W):\n    return W[x].T\n"
    runs = {}
    for label, nb in (("solution", solved), ("release", release), ("wrong", wrong)):
        path = folder / f"{AID}.ipynb"
        path.write_bytes(nbs.dumps(nb))
        runs[label] = _check(path)
    full = runs["solution"]
    assert full.returncode == 0, full.stdout + full.stderr
    assert f"{FULL:g}/{FULL:g}" in full.stdout.splitlines()[-1], full.stdout
    zero = runs["release"]
    assert zero.returncode == 1 and f"0/{FULL:g}" in zero.stdout.splitlines()[-1], zero.stdout
    bad = runs["wrong"]
    assert bad.returncode == 1
    failing = [ln for ln in bad.stdout.splitlines() if "FAIL" in ln]
    assert failing and all(ln.startswith("embedding_forward__") for ln in failing), bad.stdout
    hidden = "BEGIN HIDDEN TESTS"
    assert all(hidden not in r.stdout for r in runs.values())
    assert read_folder_files(folder)  # the learner's folder is still there
