"""Does `rnn-course grade`, run in a copy of the course, hold against the attacks of issue 22?

Two batches of 02_rnn_cell go through the real command line (`python -m autograder.cli grade`),
each with an honest and a blank submission beside the attackers: a folder in nbgrader's layout
graded from inside the course copy (the current folder is the course root, even with
$RNN_COURSE_ROOT naming this repository), and an LMS zip graded from elsewhere with `--root`.
Each case states the attacker's status and score. Then: the honest submission has full marks in
the copy's gradebook; no file outside the sandbox changed (the copy's solutions/, release and
config, a canary folder the attackers aim at, the originals); no feedback or autograded file
holds hidden-test or solution text; the report plants no heading; nothing is left running.
Whole-zip refusals (a zip bomb, too many members) and a folder that is not a course root end
the command with a clear message before anything is graded.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import html
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from grading_helpers import sandboxed_course_copy

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.grading import intake
from autograder.sandbox import cgroups

AID = "02_rnn_cell"
OTHER = "05_gradients"  # graded in the folder batch's run too: nobody sent it
ROOT = nbs.course_root()
FULL = 15.0
MARK = "rnn-issue22-marker"  # in the command line of the processes a submission starts

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]


def _master():
    return nbs.read(ROOT / nbs.SOURCE_DIR / AID / f"{AID}.ipynb")


def _release():
    return nbs.read(ROOT / nbs.RELEASE_DIR / AID / f"{AID}.ipynb")


def _solved():
    return fill_answers(_release(), _master())


def _with(nb, code: str):
    """`nb` with `code` appended to its last answer cell (after the definitions)."""
    nb = copy.deepcopy(nb)
    cell = [c for c in nb.cells if nbs.is_autograded_answer(c)][-1]
    cell.source += "\n" + code
    return nb


def _hidden_lines() -> list[str]:
    """Long lines of the master's hidden tests that the release does not show: none may reach
    a student's files."""
    shown = {ln.strip() for c in _release().cells for ln in c.source.splitlines()}
    out = []
    for cell in _master().cells:
        src = cell.source
        while nbs.BEGIN_HIDDEN in src and nbs.END_HIDDEN in src:
            start = src.index(nbs.BEGIN_HIDDEN) + len(nbs.BEGIN_HIDDEN)
            end = src.index(nbs.END_HIDDEN)
            lines = [ln.strip() for ln in src[start:end].splitlines()]
            out += [ln for ln in lines if len(ln) > 30 and ln not in shown]
            src = src[end + len(nbs.END_HIDDEN) :]
    return out


def _with_last_cell(nb, code: str):
    """`nb` with a new code cell of the student's own at the end."""
    nb = copy.deepcopy(nb)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    return nb


def _with_answer(nb, grade_id: str, code: str):
    """`nb` with the answer cell `grade_id` replaced by `code`."""
    nb = copy.deepcopy(nb)
    (cell,) = [c for c in nb.cells if nbs.grade_id(c) == grade_id]
    cell.source = code
    return nb


# ---- the attacks ------------------------------------------------------------------------------

# row 6: a last cell prints the kernel's input history (it held every hidden test when the
# student's kernel ran them) and every string in the kernel's namespace
HISTORY = "print('\\n'.join(In))\nprint([v for v in globals().values() if isinstance(v, str)])\n"
# row 6: right where the visible tests look (count_params(3, 5), (1, 1), (8, 2)), wrong elsewhere:
# the kernel, which runs the visible tests only, awards its 2 points; the hidden tests take them
VISIBLE_ONLY = """
def count_params(input_dim, units):
    return {(3, 5): 45, (1, 1): 3, (8, 2): 22}[(input_dim, units)]
"""
# row 5, in the re-check: its writable folder is capped too. The right answer only where a
# write of 100 MB fails (the kernel's folder and the re-check's, at --disk 64); a wrong one
# where it succeeds, which the re-check would then report against the kernel's pass
RECHECK_DISK_FILLER = """
def count_params(input_dim, units):
    try:
        with open('fill.bin', 'wb') as fh:
            for _ in range(100):
                fh.write(b'0' * (1 << 20))
    except OSError:
        return input_dim * units + units * units + units
    return -1
"""

# row 4: replace the notebook in the kernel's writable folder with a link, for root to follow
SYMLINK = """
import os as _os
_os.remove('02_rnn_cell.ipynb')
_os.symlink({victim!r}, '02_rnn_cell.ipynb')
_os.symlink({solutions!r}, 'solutions-link.ipynb')
"""
# row 5: an exception message of 30 MB (the output cap must count it)
HUGE_ERROR = "raise ValueError('x' * 30_000_000)\n"
# row 5: fill the writable folder's bytes, then its inodes
DISK_FILLER = """
try:
    with open('big.bin', 'wb') as _fh:
        for _ in range(200):
            _fh.write(b'0' * (1 << 20))
except OSError as _e:
    print('DISK-FULL', _e.errno)
_n = 0
try:
    import os as _os
    _os.mkdir('many')
    for _n in range(30000):
        open(f'many/{_n}', 'w').close()
except OSError as _e:
    print('INODES-FULL', _n, _e.errno)
"""
# row 5: CPU spinners in new sessions; the quota holds them to one CPU in all
SPINNERS = f"""
import subprocess as _sp, os as _os, time as _t
_code = 'import time\\nend = time.time() + 6\\nwhile time.time() < end: pass  # {MARK}'
_ps = [_sp.Popen(['python', '-c', _code], start_new_session=True) for _ in range(4)]
_t0 = _t.time()
for _p in _ps:
    _p.wait()
_c = _os.times()
print('CPU-RATIO', round((_c.children_user + _c.children_system) / (_t.time() - _t0), 2))
"""

# rows 1-2: at class definition time (which "definitions only" keeps), find the re-check's
# secret and write "passed" result lines for every test to every descriptor. The student's
# definitions now run in a process of their own, which has neither the secret nor a way to
# the checker's results.
FORGER = """
import os as _os, sys as _sys, json as _json
class _Hook:
    def __init_subclass__(cls, **kw):
        if 'IPython' in _sys.modules:
            return
        import __main__
        secrets = {{getattr(__main__, 'nonce', '')}}
        frame = _sys._getframe()
        while frame is not None:
            secrets |= {{v for v in frame.f_locals.values() if isinstance(v, str) and len(v) == 32}}
            frame = frame.f_back
        for nonce in secrets:
            for gid in {ids!r}:
                for part in ('visible', 'hidden'):
                    item = {{'grade_id': gid, 'part': part, 'passed': True, 'error': ''}}
                    line = (nonce + ' ' + _json.dumps(item)).encode()
                    for fd in range(1, 10):
                        try:
                            _os.write(fd, b'R' + len(line).to_bytes(4, 'big') + line + b'\\n')
                        except OSError:
                            pass
class _Go(_Hook):
    pass
def count_params(input_dim, units):
    raise NotImplementedError
"""
# row 3: patch the checks while a class is defined; the answer itself is wrong
PATCHER = """
import rnnlib as _rl
import rnnlib.testing.checks as _checks
class _Patch:
    def __init_subclass__(cls, **kw):
        _rl.testing.check_close = _checks.check_close = lambda *a, **k: None
class _Apply(_Patch):
    pass
def count_params(input_dim, units):
    return 0
"""
# row 4: an object that says it is an int and equals anything, whose __array__ walks up the
# stack to the checker's expected value
FORGED_ARRAY = """
import sys as _sys
import numpy as _np
class _Liar:
    __class__ = int
    def __eq__(self, other):
        return True
    def __int__(self):
        return int(self.__array__())
    def __array__(self, dtype=None, copy=None):
        frame = _sys._getframe(1)
        while frame is not None:
            for name in ('desired', 'expected', '_expected', 'b', 'want'):
                value = frame.f_locals.get(name)
                if value is not None and type(value) is not _Liar:
                    return _np.asarray(value)
            frame = frame.f_back
        return _np.asarray(0)
def count_params(input_dim, units):
    return _Liar()
"""
# row 5: the reference's code captured in a default argument at definition time
DEFAULT_ARGUMENT = """
import types as _types
import rnnlib as _rl
def count_params(input_dim, units, _code=_rl.cells.count_params.__code__,
                 _glob=_rl.cells.count_params.__globals__):
    return _types.FunctionType(_code, _glob)("simple_rnn", input_dim, units)
"""
# row 5: the original code taken from the guard's own bookkeeping during the call
BOOKKEEPING = """
def count_params(input_dim, units):
    import types
    from rnnlib.testing import grading
    for fn, (code, _depth) in list(grading._active.items()):
        if fn.__name__ == 'count_params':
            return types.FunctionType(code, fn.__globals__)("simple_rnn", input_dim, units)
    raise NotImplementedError
"""
# row 6: in the kernel, an exception handler that swallows every failure (a blank notebook)
SWALLOWER = (
    "get_ipython().set_custom_exc((BaseException,), "
    "lambda shell, etype, value, tb, tb_offset=None: None)\n"
)


def _test_ids() -> list[str]:
    nb = _master()
    return [nbs.grade_id(nb.cells[j]) for _, _, tests in nbs.exercises(nb) for j in tests]


def _folder_cases(canary: Path, course: Path) -> dict:
    """{student id: (notebook or bytes, expected status, expected score)} for the folder batch."""
    solved, release = _solved(), _release()
    victim = str(canary / "victim.ipynb")
    solutions = str(course / nbs.SOURCE_DIR / AID / f"{AID}.ipynb")
    padded = nbs.dumps(solved).replace(
        b'"metadata": {', b'"metadata": {"pad": "%s",' % (b"x" * (intake.MAX_FILE_BYTES + 10)), 1
    )
    return {
        "correct": (solved, "ok", FULL),
        "blank": (release, "ok", 0.0),
        "a" * 250: (solved, "refused", 0.0),  # row 1: one long id stopped the batch
        ".rnn-grade": (solved, "refused", 0.0),  # row 1: deleted everyone's resume state
        "Bob": (solved, "refused", 0.0),  # row 1: two ids, one folder after case-folding
        "bob": (solved, "refused", 0.0),
        "evil\n## planted heading": (solved, "refused", 0.0),  # row 1: a heading in the report
        "huge-notebook": (padded, "refused", 0.0),  # row 3: parsed at any size
        # its answers are right; the file operations are flagged for review (tamper.py)
        "symlink-attack": (
            _with(solved, SYMLINK.format(victim=victim, solutions=solutions)),
            "tampered",
            FULL,
        ),
        "huge-error": (_with(solved, HUGE_ERROR), "ok", FULL),
        "disk-filler": (_with(solved, DISK_FILLER), "ok", FULL),
        "setsid-spinners": (_with(solved, SPINNERS), "ok", FULL),
        "recheck-disk-filler": (
            _with_answer(solved, "count_params", RECHECK_DISK_FILLER),
            "ok",
            FULL,
        ),
        "history-printer": (_with_last_cell(solved, HISTORY), "ok", FULL),
        "visible-only": (_with_answer(solved, "count_params", VISIBLE_ONLY), "ok", FULL - 2),
        # rows 1-6 of the issue: the student's definitions run apart from the checker (the
        # forger's `import __main__` is also flagged by the static check)
        "result-forger": (
            _with_answer(release, "count_params", FORGER.format(ids=_test_ids())),
            "tampered",
            0.0,
        ),
        "check-patcher": (_with_answer(solved, "count_params", PATCHER), "tampered", FULL - 2),
        "forged-array": (_with_answer(solved, "count_params", FORGED_ARRAY), "tampered", FULL - 2),
        # the kernel's guard holds against these two as well: no point in either run
        "default-argument": (
            _with_answer(solved, "count_params", DEFAULT_ARGUMENT),
            "ok",
            FULL - 2,
        ),
        "bookkeeping": (_with_answer(solved, "count_params", BOOKKEEPING), "ok", FULL - 2),
        "exception-swallower": (_with(release, SWALLOWER), "tampered", 0.0),
    }


def _zip_cases() -> dict:
    """{member name: (bytes, external_attr high bits or None)} and the expected rows."""
    solved, release = nbs.dumps(_solved()), nbs.dumps(_release())
    members = {
        f"correct_{AID}.ipynb": (solved, None),
        f"blank_{AID}.ipynb": (release, None),
        f".._{AID}.ipynb": (solved, None),  # row 1: `..` deleted <course>/02_rnn_cell/
        f"../../slip_{AID}.ipynb": (solved, None),  # row 3: zip slip
        f"linker_{AID}.ipynb": (b"/etc/passwd", stat.S_IFLNK | 0o777),  # row 3: a link member
    }
    expected = {
        "correct": ("ok", FULL),
        "blank": ("ok", 0.0),
        "..": ("refused", 0.0),
        "slip": ("refused", 0.0),
        "linker": ("refused", 0.0),
    }
    return members, expected


# ---- running the batches ----------------------------------------------------------------------


def _cli(
    cwd: Path, *args: str, timeout: int = 1500, env_root: Path | None = ROOT
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RNN_COURSE_ROOT"}
    if env_root is not None:  # the repository by default: cwd and --root must win over it
        env["RNN_COURSE_ROOT"] = str(env_root)
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


LIMITS = ("--memory", "2048", "--disk", "64", "--timeout-cell", "60", "--timeout-notebook", "600")


def _hash_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts
    }


def _trusted_files(course: Path) -> dict[str, str]:
    """What no submission may change: the course's source, release and configuration."""
    out = _hash_tree(course / nbs.SOURCE_DIR) | _hash_tree(course / nbs.RELEASE_DIR)
    out["nbgrader_config.py"] = hashlib.sha256((course / "nbgrader_config.py").read_bytes())
    out["nbgrader_config.py"] = out["nbgrader_config.py"].hexdigest()
    return out


def _rows(path: Path, assignment: str = AID) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["student"]: r for r in csv.DictReader(fh) if r["assignment"] == assignment}


def _marked_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines() if MARK in ln and "ps -eo" not in ln]


@pytest.fixture(scope="module")
def batches(tmp_path_factory):

    tmp = tmp_path_factory.mktemp("issue22")
    course = sandboxed_course_copy(tmp, [AID, OTHER])
    canary = tmp / "canary"
    canary.mkdir()
    (canary / "victim.ipynb").write_text("the canary: no submission may change this\n")
    repo_db = ROOT / "gradebook.db"
    repo_db_before = repo_db.read_bytes() if repo_db.exists() else None
    trusted_before, canary_before = _trusted_files(course), _hash_tree(canary)

    folder_cases = _folder_cases(canary, course)
    incoming = tmp / "incoming"
    for student, (nb, _, _) in folder_cases.items():
        folder = incoming / student / AID
        folder.mkdir(parents=True)
        data = nb if isinstance(nb, bytes) else nbs.dumps(nb)
        (folder / f"{AID}.ipynb").write_bytes(data)
    originals = _hash_tree(incoming)
    folder_run = _cli(  # with a second assignment none of them sent: one run, two assignments
        course,
        str(incoming),
        "--assignment",
        AID,
        "--assignment",
        OTHER,
        "--workers",
        "2",
        *LIMITS,
        "--out",
        str(tmp / "grades.csv"),
        "--report",
        str(tmp / "report.md"),
        "--feedback",
    )

    members, zip_expected = _zip_cases()
    lms = tmp / "lms.zip"
    with zipfile.ZipFile(lms, "w") as zf:
        for name, (data, mode) in members.items():
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            zf.writestr(info, data)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    zip_run = _cli(
        elsewhere,
        str(lms),
        "--assignment",
        AID,
        "--root",
        str(course),
        "--workers",
        "2",
        *LIMITS,
        "--out",
        str(tmp / "zip.csv"),
        "--report",
        str(tmp / "zip-report.md"),
    )
    return {
        "course": course,
        "tmp": tmp,
        "folder_run": folder_run,
        "zip_run": zip_run,
        "folder_cases": folder_cases,
        "zip_expected": zip_expected,
        "trusted_same": trusted_before == _trusted_files(course),
        "canary_same": canary_before == _hash_tree(canary),
        "originals_same": originals == _hash_tree(incoming),
        "repo_db_same": repo_db_before == (repo_db.read_bytes() if repo_db.exists() else None),
        "left_running": _marked_processes(),
    }


def _expected_rows(rows: dict, expected: dict) -> list[str]:
    problems = []
    for student, (status, score) in expected.items():
        key = intake.printable_id(student) if intake.id_problem(student) else student
        row = rows.get(key)
        if row is None:
            problems.append(f"{key}: no row")
            continue
        got = f"{row['status']} {row['score']} ({row['reason'][:160]})"
        if row["status"] != status or float(row["score"]) != score:
            problems.append(f"{key}: expected {status} {score:g}, got {got}")
    return problems


def test_folder_batch_rows(batches):
    """Does every attacker of the folder batch get its status and score (the refused ids a
    row with a reason), with the honest one at full marks and the blank one at zero?"""
    run = batches["folder_run"]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    rows = _rows(batches["tmp"] / "grades.csv")
    expected = {s: (st, sc) for s, (_, st, sc) in batches["folder_cases"].items()}
    problems = _expected_rows(rows, expected)
    assert not problems, "\n  ".join(["wrong rows:", *problems])
    assert "case-folding" in rows["Bob"]["reason"] and "dot" in rows[".rnn-grade"]["reason"]
    assert "MiB cap" in rows["huge-notebook"]["reason"]


def test_one_run_grades_two_assignments(batches):
    """Does the folder batch's one run (--assignment twice) give every student who sent the
    second assignment nothing a `missing` row for it, in the same grades.csv, with both
    assignments' exercises as columns?"""
    rows = _rows(batches["tmp"] / "grades.csv", OTHER)
    assert rows["correct"]["status"] == rows["blank"]["status"] == "missing", rows["correct"]
    columns = next(iter(rows.values())).keys()
    assert "ex:rnn_step_forward" in columns and "ex:clip_by_global_norm" in columns


def test_zip_batch_rows(batches):
    """Does the LMS zip, graded with --root from another folder, refuse `..`, a zip-slip
    member and a link member with a reason, and grade the honest and blank ones?"""
    run = batches["zip_run"]
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    rows = _rows(batches["tmp"] / "zip.csv")
    problems = _expected_rows(rows, batches["zip_expected"])
    assert not problems, "\n  ".join(["wrong rows:", *problems])
    assert "leaves its folder" in rows["slip"]["reason"]
    assert "symbolic link" in rows["linker"]["reason"]


def test_grades_go_to_the_course_in_the_current_folder(batches):
    """Are the grades in the copy's gradebook (the folder the command ran in, and --root),
    with the honest one's full marks, and is this repository's gradebook untouched?"""
    from nbgrader.api import Gradebook

    url = f"sqlite:///{batches['course'] / 'gradebook.db'}"
    with Gradebook(url, "rnn-course") as gb:
        assert gb.find_submission(AID, "correct").score == FULL
        assert gb.find_submission(AID, "blank").score == 0.0
        names = {s.id for s in gb.students}
    assert not any(n.startswith(".") or "\n" in n or len(n) > 64 for n in names), names
    assert batches["repo_db_same"]


def test_nothing_outside_the_sandbox_changed(batches):
    """Are the course's source, release and config, the canary folder the attackers linked
    to and the originals byte-identical, and is nothing a submission started still running?"""
    assert batches["trusted_same"], "the course copy's solutions/, course/ or config changed"
    assert batches["canary_same"], "a file outside the sandbox (the canary) was written"
    assert batches["originals_same"], "a submission's original files changed"
    assert not batches["left_running"], batches["left_running"]


def test_no_hidden_test_or_solution_text_reaches_a_student(batches):
    """Does no feedback page hold a hidden test (so not the solutions notebook either, at which
    the symlink attack aimed the grader), and is the attacker's autograded notebook their own?
    (autograded/ is the instructor's: nbgrader restores the full test cells there.)"""
    course, hidden = batches["course"], _hidden_lines()
    assert hidden, "the master has hidden tests to look for"
    pages = sorted((course / "feedback").rglob("*.html"))
    assert {p.parts[-3] for p in pages} >= {"correct", "blank", "symlink-attack"}, pages
    for path in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", path.read_text(errors="replace")))
        for needle in (nbs.BEGIN_HIDDEN, *hidden):
            assert needle not in text, (path, needle)
    # the kernel never held a hidden test: its input history, printed, shows none
    printed = _stream_text(course / "autograded" / "history-printer" / AID / f"{AID}.ipynb")
    assert "count_params__matches_keras" in printed or "_count_params" in printed, printed[-500:]
    assert not [line for line in hidden if line in printed]
    own = course / "autograded" / "symlink-attack" / AID / f"{AID}.ipynb"
    assert not own.is_symlink() and "_os.symlink(" in own.read_text()
    assert not list((course / "autograded").rglob("solutions-link.ipynb"))


def test_hidden_tests_that_fail_say_so_in_the_feedback(batches):
    """Does an answer that passes the visible tests only lose the test's points (and is not
    called tampered), with its feedback page naming the failed hidden tests?"""
    (page,) = (batches["course"] / "feedback" / "visible-only").rglob("*.html")
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(errors="replace")))
    assert "count_params__matches_keras: hidden tests: KeyError" in text, text[-3000:]


def _stream_text(path: Path) -> str:
    nb = nbs.read(path)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_outputs_disk_and_cpu_are_capped(batches):
    """Is a 30 MB exception message cut by the output cap, does the writable folder run out
    of bytes and inodes at its caps, and do spinners in new sessions share one CPU?"""
    graded = batches["course"] / "autograded"
    huge = graded / "huge-error" / AID / f"{AID}.ipynb"
    assert huge.stat().st_size < 2 * 1024 * 1024, huge.stat().st_size
    text = _stream_text(graded / "disk-filler" / AID / f"{AID}.ipynb")
    assert "DISK-FULL 28" in text, text[-2000:]  # ENOSPC well before 200 MB (--disk 64)
    inodes = re.search(r"INODES-FULL (\d+) 28", text)
    assert inodes and int(inodes.group(1)) < 20000, text[-2000:]
    out = _stream_text(graded / "setsid-spinners" / AID / f"{AID}.ipynb")
    ratio = re.search(r"CPU-RATIO ([\d.]+)", out)
    assert ratio, out[-2000:]
    if not cgroups.cpu_quota_available():
        pytest.skip("this machine's cgroup cpu controller is not writable: no CPU quota to test")
    assert float(ratio.group(1)) <= 1.3, out[-2000:]


def test_report_plants_no_heading(batches):
    """Does an id with a newline stay on its line in grading-report.md?"""
    text = (batches["tmp"] / "report.md").read_text()
    assert not re.search(r"^\W*#+ *planted", text, re.M), text
    assert "planted" in text  # its refused row is there, on one line


# ---- whole batches refused before grading -----------------------------------------------------


def test_a_zip_bomb_and_a_zip_of_many_members_are_refused(tmp_path):
    """Is an LMS zip over the unpacked cap, or with too many members, refused as a whole with
    a clear message before any member is unpacked?"""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(zipfile.ZipInfo(f"bomb_{AID}.ipynb"), "w", force_zip64=True) as fh:
            block = b"\0" * (8 << 20)
            for _ in range((intake.MAX_ZIP_BYTES >> 23) + 1):
                fh.write(block)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(intake.MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"s{i}_{AID}.ipynb", b"")
    for path, words in ((bomb, "unpacked"), (many, "members")):
        run = _cli(
            ROOT, str(path), "--assignment", AID, "--out", str(tmp_path / "g.csv"), timeout=300
        )
        assert run.returncode == 2 and words in run.stderr, run.stdout + run.stderr
        assert not (tmp_path / "g.csv").exists()


def test_grade_outside_a_course_root_says_so(tmp_path):
    """Does `rnn-course grade` in a folder that is not a course root stop with a clear error,
    instead of grading into the installed package's repository?"""
    (tmp_path / "incoming").mkdir()
    run = _cli(tmp_path, "incoming", "--assignment", AID, timeout=300, env_root=None)
    assert run.returncode == 2 and "is not a course root" in run.stderr, run.stderr
    assert "--root" in run.stderr
