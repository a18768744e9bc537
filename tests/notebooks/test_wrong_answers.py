"""Do the exercises' tests reject plausible wrong answers, and accept the right one again?

Fixtures: tests/wrong_answers/<notebook id>.py holds
    WRONG_ANSWERS = {"<answer grade_id>": [("<label>", "<full source of the answer cell>"), ...]}
Each solution notebook runs once in one kernel (tests/notebook_harness.py); each wrong answer
then replaces the answer cell, the cells up to the exercise's last test re-run, and at least one
test `<grade_id>__*` must fail; with the right answer back, they must all pass.
"""

import notebook_harness as harness
import pytest

from autograder import notebooks as nbs

ROOT = nbs.course_root()
SOURCES = nbs.notebooks(ROOT, nbs.SOURCE_DIR)
# per notebook, contiguous (one kernel each): the solution itself, every wrong answer, then
# every test of the notebook again (no wrong answer left lasting damage in the kernel)
CASES = [
    case
    for path in SOURCES
    for case in [(path, None, "solution", None)]
    + [c for c in harness.wrong_answer_cases(ROOT) if c[0] == path]
    + [(path, None, "after", None)]
    if harness.load_wrong_answers(path.stem)
]
MIN_WRONG_ANSWERS = 2


def _case_id(path, grade_id, label):
    return f"{path.stem}::{grade_id}::{label}" if grade_id else f"{path.stem}::{label}"


def _group(path):
    # one worker per notebook, so its kernel runs the notebook once
    return pytest.mark.xdist_group(f"wrong-answers-{path.stem}")


@pytest.fixture(scope="session")
def session_for(tmp_path_factory):
    """A factory: the NotebookSession of a solution notebook, run once per pytest process.

    One kernel at a time: asking for another notebook closes the previous one (the tests of a
    notebook are collected, and sent to a worker, together), so memory stays flat however many
    notebooks the course has."""
    current = {}

    def get(path):
        if path not in current:
            for session in current.values():
                session.close()
            current.clear()
            session = harness.NotebookSession(path, tmp_path_factory.mktemp(path.stem))
            session.run_all()
            print(f"{path.stem}: solution notebook ran in {session.run_seconds:.1f} s")
            current[path] = session
        return current[path]

    yield get
    for session in current.values():
        session.close()


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_exercise_has_wrong_answers(path):
    """Does every exercise have at least two wrong-answer fixtures, each naming a real exercise?"""
    nb = nbs.read(path)
    exercise_ids = [gid for _, gid, _ in nbs.exercises(nb)]
    fixtures = harness.load_wrong_answers(path.stem) or {}
    lacking = [
        f"{gid} ({len(fixtures.get(gid, []))})"
        for gid in exercise_ids
        if len(fixtures.get(gid, [])) < MIN_WRONG_ANSWERS
    ]
    unknown = sorted(set(fixtures) - set(exercise_ids))
    file = harness.WRONG_ANSWERS_DIR / f"{path.stem}.py"
    assert not unknown, f"{file}: WRONG_ANSWERS names no exercise of {path.name}: {unknown}"
    assert not lacking, (
        f"{file}{'' if file.exists() else ' (missing)'}: exercises with fewer than "
        f"{MIN_WRONG_ANSWERS} wrong answers: {', '.join(lacking)}"
    )
    answers = {gid: nb.cells[i].source.strip() for i, gid, _ in nbs.exercises(nb)}
    for gid, entries in fixtures.items():
        for entry in entries:
            assert isinstance(entry, tuple) and len(entry) == 2, f"{file}: {gid}: {entry!r}"
            label, source = entry
            assert label and isinstance(source, str), f"{file}: {gid}: bad entry {label!r}"
            assert source.strip() != answers.get(gid), f"{file}: {gid}: '{label}' is the solution"


@pytest.mark.slow
@pytest.mark.parametrize(
    "path, grade_id, label, source",
    [
        pytest.param(path, gid, label, source, id=_case_id(path, gid, label), marks=_group(path))
        for path, gid, label, source in CASES
    ],
)
def test_wrong_answer_is_rejected(session_for, path, grade_id, label, source):
    """Does at least one test of the exercise fail on this wrong answer, and do all pass again
    once the right answer is back? (First, per notebook: does the solution pass every test?)"""
    session = session_for(path)
    if label == "after":
        tests = [i for i, cell in enumerate(session.nb.cells) if nbs.is_test(cell)]
        failing = {
            nbs.grade_id(cell): harness.error_summary(cell)
            for cell in (session.run_cell(i) for i in tests)
            if not harness.passes(cell)
        }
        assert not failing, f"after the wrong answers, tests of {path.name} fail: {failing}"
        return
    if grade_id is None:
        assert not session.errors, f"{path.name} fails in the harness:\n  " + "\n  ".join(
            session.errors
        )
        return
    if session.errors:
        pytest.fail(f"{path.name} does not pass its own tests (see its '::solution' case)")
    try:
        session.exercise(grade_id)
    except KeyError as err:
        pytest.fail(str(err))

    wrong = session.run_exercise(grade_id, source)
    assert wrong, f"exercise {grade_id} has no test cells"
    assert not all(harness.passes(cell) for cell in wrong.values()), (
        f"wrong answer '{label}' to {grade_id} passes every test: {sorted(wrong)}"
    )

    right = session.run_exercise(grade_id)
    broken = {gid: harness.error_summary(c) for gid, c in right.items() if not harness.passes(c)}
    assert not broken, f"with the right answer back, tests of {grade_id} fail: {broken}"
