"""Does the course grade correctly under the real nbgrader command line?

One temporary copy of the course root (nbgrader_config.py + solutions/) goes through the
instructor's workflow once: `nbgrader generate_assignment`, submissions under
submitted/<student>/<assignment>/, one `nbgrader autograde "*"` for all students,
`nbgrader generate_feedback "*"` and `nbgrader export`. The students:

    solution   the release with every answer filled in from solutions/  -> full marks
    untouched  the release as handed out                                -> 0 on every test
    tricky     like `solution`, plus TensorFlow imported and a Keras UserWarning written to
               stderr inside a passing answer, a deleted test cell, and its own saved model
               next to an instructor's one in solutions/                -> full marks
    messy      like `solution`, plus what students do to cells in JupyterLab: a test cell
               edited to `assert True`, a test cell copied and pasted, a test cell's
               schema_version changed, a cell given an unknown grade_id  -> full marks, and
               the batch goes on (nbgrader alone leaves it ungraded or stops the batch)

`tricky`, `messy` and `control` (`tricky` graded with IgnorePattern disabled, which must lose
the warned tests' points, so that the `tricky` check can fail) are graded on one assignment
only (ROBUSTNESS).
"""

from __future__ import annotations

import copy
import csv
import html
import re
import time
from pathlib import Path

import nbformat
import notebook_harness as harness
import pytest
from grading_helpers import place_submission
from solution_runs import solution_run
from traitlets.config.loader import PyFileConfigLoader

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.engine import gradebook
from autograder.engine import nbgrader_run as ng

ROOT = nbs.course_root()
ASSIGNMENTS = nbs.assignments(ROOT)
STUDENTS = ("solution", "untouched", "tricky", "messy")
# `tricky`, `messy` and `control` test the grader's robustness, not a notebook's content: one
# notebook with answer functions and several tests per exercise exercises every path they
# check. 02 is the quickest such notebook to run; each further one would cost three full runs
# for nothing new (01, which retrains its models, cost about 3 minutes of `make test`).
ROBUSTNESS = ["02_rnn_cell"] if "02_rnn_cell" in ASSIGNMENTS else ASSIGNMENTS[:1]
PROBE = "artifacts/probe.history.json"  # a saved-model file both instructor and student have

pytestmark = pytest.mark.xdist_group("nbgrader")

WARN_WRAPPER = """

# --- added by tests/test_autograde.py: TensorFlow and a Keras warning inside a passing answer
import functools as _functools
import warnings as _warnings


def _warn_like_keras(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import keras  # the first call imports TensorFlow inside a test cell

        with _warnings.catch_warnings():
            _warnings.simplefilter("always")
            keras.layers.Dense(1, input_shape=(1,))  # Keras writes a UserWarning to stderr
            _warnings.warn("a warning from inside a passing answer", UserWarning)
        return fn(*args, **kwargs)

    return wrapper


{name} = _warn_like_keras({name})
"""


# ---- building submissions --------------------------------------------------------------------


def warned_exercise(nb) -> str | None:
    """The first exercise whose answer cell defines a function named after its grade_id."""
    for i, gid, tests in nbs.exercises(nb):
        if tests and re.search(rf"^def {re.escape(gid)}\(", nb.cells[i].source, re.M):
            return gid
    return None


def make_tricky(nb):
    """(notebook, warned exercise or None, deleted test grade_id or None)."""
    nb = copy.deepcopy(nb)
    warned = warned_exercise(nb)
    if warned:
        i, _ = next((i, t) for i, g, t in nbs.exercises(nb) if g == warned)
        nb.cells[i].source += WARN_WRAPPER.format(name=warned)
    # delete the first test cell of the last exercise (a different one when there are several)
    deleted = None
    candidates = [tests[0] for _, gid, tests in nbs.exercises(nb) if tests]
    if candidates:
        j = candidates[-1]
        deleted = nbs.grade_id(nb.cells[j])
        del nb.cells[j]
    return nb, warned, deleted


def make_messy(nb):
    """(notebook, grade_id of the test cell edited to `assert True`) for the `messy` student."""
    nb = copy.deepcopy(nb)
    tests = [j for _, _, t in nbs.exercises(nb) for j in t]
    edited = nbs.grade_id(nb.cells[tests[0]])
    nb.cells[tests[0]].source = "assert True  # the student's own 'test'"
    nb.cells[tests[-1]].metadata.nbgrader["schema_version"] = 1
    pasted = copy.deepcopy(nb.cells[tests[1]])  # copy and paste keeps the metadata
    pasted.id = "pasted-copy"
    pasted.source = "assert True  # pasted and edited"
    nb.cells.insert(tests[1] + 1, pasted)
    scratch = nbformat.v4.new_code_cell("scratch = 1")
    scratch.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": "my_own_cell",
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }
    nb.cells.append(scratch)
    return nb, edited


def student_artifacts(source: Path, tmp_path_factory) -> dict[str, bytes]:
    """Files a student's own run of the notebook saves (models for rl.training.fit_or_load):
    the files the session's run of the solution wrote (tests/solution_runs.py)."""
    if "fit_or_load" not in source.read_text(encoding="utf-8"):
        return {}
    return solution_run(source, tmp_path_factory).files


# ---- the one grading run ---------------------------------------------------------------------


class Graded:
    """What one pass through the instructor's workflow produced."""

    def __init__(self, root: Path):
        self.root = root
        self.warned: dict[str, str | None] = {}  # notebook path stem -> exercise
        self.deleted: dict[str, str | None] = {}
        self.edited: dict[str, str] = {}  # notebook path stem -> test edited by `messy`
        self.seconds: dict[str, float] = {}
        self.control: list[gradebook.CellScore] = []

    def scores(self, student: str):
        return [s for s in gradebook.scores(self.root) if s.student == student]

    def autograded(self, student: str, assignment: str, notebook: str):
        return nbs.read(self.root / "autograded" / student / assignment / f"{notebook}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    if not ASSIGNMENTS:
        pytest.fail(f"no assignments under {ROOT / nbs.SOURCE_DIR}")
    tmp = tmp_path_factory.mktemp("autograde")
    root = ng.make_course_copy(tmp / "course-root", ROOT)
    result = Graded(root)
    # an instructor's saved model in the source folder (git-ignored in the real course)
    for aid in ASSIGNMENTS:
        probe = root / nbs.SOURCE_DIR / aid / PROBE
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text('{"who": "instructor"}')

    start = time.perf_counter()
    ng.run_nbgrader(root, "generate_assignment", "*", "--force")
    result.seconds["generate_assignment"] = time.perf_counter() - start

    for aid in ASSIGNMENTS:
        for source in nbs.notebooks(root, nbs.SOURCE_DIR, aid):
            release_nb = nbs.read(root / nbs.RELEASE_DIR / aid / source.name)
            solved = fill_answers(release_nb, nbs.read(source))
            files = student_artifacts(source, tmp_path_factory)
            tricky, result.warned[source.stem], result.deleted[source.stem] = make_tricky(solved)
            messy, result.edited[source.stem] = make_messy(solved)
            name = source.stem
            place_submission(root, "solution", aid, {name: solved}, files)
            place_submission(root, "untouched", aid, {name: release_nb})
            if aid in ROBUSTNESS:
                place_submission(
                    root, "tricky", aid, {name: tricky}, {**files, PROBE: b'{"who": "student"}'}
                )
                place_submission(root, "messy", aid, {name: messy}, files)
            if aid == ROBUSTNESS[0]:
                control = (aid, {name: tricky}, files)

    start = time.perf_counter()
    ng.run_nbgrader(root, "autograde", "*")
    result.seconds["autograde"] = time.perf_counter() - start
    start = time.perf_counter()
    ng.run_nbgrader(root, "generate_feedback", "*")
    result.seconds["generate_feedback"] = time.perf_counter() - start
    ng.run_nbgrader(root, "export")

    # the control, submitted after the others were graded and exported: the same tricky
    # submission, IgnorePattern off
    place_submission(root, "control", *control)
    ng.run_nbgrader(
        root, "autograde", ROBUSTNESS[0], "--student=control", "--IgnorePattern.enabled=False"
    )
    result.control = result.scores("control")
    print({k: round(v, 1) for k, v in result.seconds.items()})
    return result


def _test_ids(assignment: str, notebook: str) -> list[str]:
    nb = nbs.read(ROOT / nbs.SOURCE_DIR / assignment / f"{notebook}.ipynb")
    return [nbs.grade_id(c) for c in nb.cells if nbs.is_test(c)]


def _why(graded: Graded, student, score) -> str:
    nb = graded.autograded(student, score.assignment, score.notebook)
    for cell in nb.cells:
        if nbs.grade_id(cell) == score.grade_id:
            return harness.error_summary(cell)
    return "cell missing from the autograded notebook"


def _full_marks_problems(graded: Graded, student: str, assignments=ASSIGNMENTS) -> list[str]:
    scores = {(s.assignment, s.notebook, s.grade_id): s for s in graded.scores(student)}
    problems = []
    for aid in assignments:
        for path in nbs.notebooks(ROOT, nbs.SOURCE_DIR, aid):
            for gid in _test_ids(aid, path.stem):
                s = scores.get((aid, path.stem, gid))
                if s is None:
                    problems.append(f"{aid}/{path.stem}: {gid}: no grade recorded")
                elif s.auto_score is None or s.auto_score < s.max_score:
                    problems.append(
                        f"{aid}/{path.stem}: {gid}: {s.auto_score}/{s.max_score} "
                        f"({_why(graded, student, s)})"
                    )
    return problems


# ---- the configuration (fast, no kernel) -----------------------------------------------------


@pytest.fixture(scope="module")
def config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def test_config_names_the_course(config):
    """Is the course `rnn-course`, rooted at the config's folder, from solutions/ to course/?"""
    cd = config.CourseDirectory
    assert cd.course_id == "rnn-course"
    assert Path(cd.root) == ROOT
    assert (cd.source_directory, cd.release_directory) == ("solutions", "course")


def test_config_settings_for_a_tensorflow_course(config, monkeypatch):
    """Are the TensorFlow traps configured: quiet kernels, IgnorePattern, restored cells,
    a cell timeout, a kernel killed after its last cell, feedback without hidden tests?"""
    import os

    from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    # kernels inherit the environment of the nbgrader process that loaded the config
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
    # a failing cell scores 0 and the rest of the notebook still runs (fixed by nbgrader)
    assert Execute.class_traits()["allow_errors"].default_value is True
    assert config.IgnorePattern.enabled is True
    assert config.OverwriteCells.add_missing_cells is True
    # ...with an OverwriteCells that survives pasted, renamed and re-versioned cells
    from autograder.engine.sanitize import OverwriteCellsSafely

    assert OverwriteCellsSafely in config.Autograde.sanitize_preprocessors
    assert 60 <= config.Execute.timeout <= 600
    assert config.Execute.shutdown_kernel == "immediate"  # no 2.5 s wait per notebook
    pps = config.GenerateFeedback.preprocessors
    assert pps[0] is GetGrades and ClearHiddenTests in pps


@pytest.mark.parametrize(
    "stderr, ignored",
    [
        (
            "/x/keras/src/layers/core/dense.py:107: UserWarning: Do not pass an `input_shape`\n",
            True,
        ),
        ("<ipython-input-3>:5: DeprecationWarning: np.float is deprecated\n", True),
        (
            "I0000 00:00:1795619678.447806   20191 port.cc:153] oneDNN custom operations are on.\n",
            True,
        ),
        (
            "W0000 00:00:1700000000.000000    123 cpu_feature_guard.cc:210] This TensorFlow binary",
            True,
        ),
        (
            "WARNING: All log messages before absl::InitializeLog() is called are written\n",
            True,
        ),
        ("my own debugging print to stderr\n", False),
        ("Traceback (most recent call last):\n  AssertionError: wrong shape\n", False),
    ],
)
def test_ignore_pattern_drops_warnings_only(config, stderr, ignored):
    """Does IgnorePattern drop warnings and TensorFlow log lines, and keep other stderr?"""
    assert bool(re.search(config.IgnorePattern.pattern, stderr)) is ignored


# ---- the end-to-end run ----------------------------------------------------------------------


@pytest.mark.slow
def test_solution_scores_full_marks(graded):
    """Does every solution notebook get full marks on every autograded test?"""
    problems = _full_marks_problems(graded, "solution")
    assert not problems, "solution lost points:\n  " + "\n  ".join(problems)


@pytest.mark.slow
def test_untouched_release_scores_zero(graded):
    """Does every untouched release notebook score 0 on every autograded cell?"""
    scored = [
        f"{s.assignment}/{s.notebook}: {s.grade_id}: {s.auto_score}/{s.max_score}"
        for s in graded.scores("untouched")
        if s.auto_score != 0
    ]
    assert not scored, "an unanswered notebook earned points:\n  " + "\n  ".join(scored)
    assert graded.scores("untouched"), "no grades recorded for the untouched release"


@pytest.mark.slow
def test_tensorflow_warning_and_deleted_cell_keep_full_marks(graded):
    """With TensorFlow imported and a Keras warning inside a passing answer, and a test cell
    deleted, does the submission still get full marks (the deleted test restored and scored)?"""
    assert any(graded.warned.values()), "no exercise defines a function to wrap with a warning"
    problems = _full_marks_problems(graded, "tricky", ROBUSTNESS)
    assert not problems, "tricky submission lost points:\n  " + "\n  ".join(problems)
    for aid in ROBUSTNESS:
        for path in nbs.notebooks(ROOT, nbs.SOURCE_DIR, aid):
            deleted = graded.deleted[path.stem]
            if deleted:
                nb = graded.autograded("tricky", aid, path.stem)
                restored = [c for c in nb.cells if nbs.grade_id(c) == deleted]
                assert restored, f"{aid}: deleted test cell {deleted} was not restored"
                assert "was missing from the submission" in restored[0].source


@pytest.mark.slow
def test_edited_pasted_and_reversioned_cells_keep_full_marks(graded):
    """With a test cell edited to `assert True`, a test cell copied and pasted, a test cell's
    schema_version changed and a cell with an unknown grade_id, is the submission graded, with
    full marks and the edited test restored (autograder.engine.sanitize.OverwriteCellsSafely)?"""
    problems = _full_marks_problems(graded, "messy", ROBUSTNESS)
    assert not problems, "messy submission lost points:\n  " + "\n  ".join(problems)
    for aid in ROBUSTNESS:
        for path in nbs.notebooks(ROOT, nbs.SOURCE_DIR, aid):
            gid = graded.edited[path.stem]
            source = next(c for c in nbs.read(path).cells if nbs.grade_id(c) == gid)
            nb = graded.autograded("messy", aid, path.stem)
            restored = [c for c in nb.cells if nbs.grade_id(c) == gid]
            assert [c.source for c in restored] == [source.source], f"{aid}: {gid} not restored"


@pytest.mark.slow
def test_without_ignore_pattern_the_warning_costs_points(graded):
    """Control: with IgnorePattern off, does the same warning zero a test (so the check above
    can fail)?"""
    aid = ROBUSTNESS[0]
    warned = {graded.warned[p.stem] for p in nbs.notebooks(ROOT, nbs.SOURCE_DIR, aid)} - {None}
    if not warned:
        pytest.skip(f"{aid} has no exercise defining a function")
    lost = [
        s.grade_id
        for s in graded.control
        if s.grade_id.split("__")[0] in warned and (s.auto_score or 0) < s.max_score
    ]
    assert lost, "a stderr warning did not cost points even with IgnorePattern disabled"


@pytest.mark.slow
def test_student_saved_models_are_not_overwritten(graded):
    """Does autograde keep the student's saved model instead of the instructor's one in
    solutions/ (Autograde.exclude_overwriting)?"""
    for aid in ROBUSTNESS:
        probe = graded.root / "autograded" / "tricky" / aid / PROBE
        assert probe.read_text() == '{"who": "student"}', f"{aid}: {probe} was overwritten"


def _hidden_lines(aid: str, path: Path) -> list[str]:
    """Distinctive lines of the hidden tests: long enough, and not shown in the release (not
    even as part of a longer visible line, such as `atol=0, rtol=0)` or a call's first line)."""
    release = nbs.read(ROOT / nbs.RELEASE_DIR / aid / path.name)
    release_text = "\n".join(
        " ".join(ln.split()) for c in release.cells for ln in c.source.splitlines()
    )
    lines = []
    for cell in nbs.read(path).cells:
        for line in nbs.region_lines(cell.source, nbs.BEGIN_HIDDEN, nbs.END_HIDDEN):
            s = " ".join(line.split())
            if len(s) >= 12 and not s.startswith("#") and s not in release_text:
                lines.append(s)
    return lines


@pytest.mark.slow
def test_feedback_shows_no_hidden_tests(graded):
    """Does no feedback HTML, for any student, contain hidden-test code?"""
    pages = sorted((graded.root / "feedback").rglob("*.html"))
    submissions = 2 * len(ASSIGNMENTS) + (len(STUDENTS) - 2) * len(ROBUSTNESS)
    assert len(pages) >= submissions, f"feedback pages: {pages}"
    hidden = {
        aid: [ln for p in nbs.notebooks(ROOT, nbs.SOURCE_DIR, aid) for ln in _hidden_lines(aid, p)]
        for aid in ASSIGNMENTS
    }
    leaks = []
    for page in pages:
        aid = page.parent.name
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page.read_text())).split())
        if "BEGIN HIDDEN TESTS" in text:
            leaks.append(f"{page.relative_to(graded.root)}: BEGIN HIDDEN TESTS")
        leaks += [
            f"{page.relative_to(graded.root)}: {line}" for line in hidden[aid] if line in text
        ]
    assert not leaks, "hidden tests in feedback:\n  " + "\n  ".join(leaks[:10])


@pytest.mark.slow
def test_export_lists_every_student(graded):
    """Does `nbgrader export` write grades.csv with a row per student and assignment?"""
    with open(graded.root / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = {(r["assignment"], r["student_id"]) for r in rows}
    want = {(aid, s) for aid in ASSIGNMENTS for s in ("solution", "untouched")}
    want |= {(aid, s) for aid in ROBUSTNESS for s in STUDENTS}
    assert want <= got, f"missing from grades.csv: {sorted(want - got)}"
    full = {r["assignment"]: float(r["score"]) for r in rows if r["student_id"] == "solution"}
    zero = {r["assignment"]: float(r["score"]) for r in rows if r["student_id"] == "untouched"}
    assert all(v > 0 for v in full.values()) and all(v == 0 for v in zero.values()), rows


def test_feedback_tracebacks_keep_only_the_message():
    """Does the feedback reduce a failed test's traceback (which quotes the failing, possibly
    hidden, line) to `Error: message`, leaving answer cells alone?"""
    import nbformat

    from autograder.engine.feedback import HideTestTracebacks

    def cell(meta):
        c = nbformat.v4.new_code_cell("check()")
        c.metadata["nbgrader"] = {"schema_version": 3, "grade_id": "f__x", "points": 1, **meta}
        c.outputs = [
            nbformat.v4.new_output(
                "error",
                ename="AssertionError",
                evalue="expected (2, 3), got (3, 2)",
                traceback=["----> 7 assert secret_hidden_check(f(x))", "AssertionError: ..."],
            )
        ]
        return c

    nb = nbformat.v4.new_notebook(
        cells=[cell({"grade": True, "solution": False}), cell({"grade": False, "solution": True})]
    )
    nb, _ = HideTestTracebacks().preprocess(nb, {})
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: expected (2, 3), got (3, 2)"]
    assert "secret_hidden_check" in nb.cells[1].outputs[0].traceback[0]
