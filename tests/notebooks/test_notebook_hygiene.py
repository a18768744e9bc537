"""Are the source and release notebooks well formed for nbgrader and for students? (no kernels)"""

import re

import pytest
from nbgrader.nbgraderformat import MetadataValidator, ValidationError

from autograder.course import notebooks as nbs

ROOT = nbs.course_root()
SOURCES = nbs.notebooks(ROOT, nbs.SOURCE_DIR)
RELEASES = nbs.notebooks(ROOT, nbs.RELEASE_DIR)
ALL = SOURCES + RELEASES


def _id(path):
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


each_source = pytest.mark.parametrize("path", SOURCES, ids=_id)
each_release = pytest.mark.parametrize("path", RELEASES, ids=_id)
each_notebook = pytest.mark.parametrize("path", ALL, ids=_id)


def test_there_are_notebooks():
    """Is there at least one assignment, and does every one have a release?"""
    assert SOURCES, f"no source notebooks under {ROOT / nbs.SOURCE_DIR}"
    assert len(RELEASES) == len(SOURCES), "course/ and solutions/ differ: run `make release`"


@each_notebook
def test_outputs_are_cleared(path):
    """Is every code cell committed without outputs and with a null execution count?"""
    nb = nbs.read(path)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path}: cells {dirty} have outputs or execution counts; clear them"


@each_notebook
def test_nbgrader_metadata_is_valid(path):
    """Does every nbgrader cell carry valid schema-3 metadata, with unique grade_ids?"""
    nb = nbs.read(path)
    for i, cell in enumerate(nb.cells):
        meta = nbs.nbgrader_meta(cell)
        if meta:
            assert meta.get("schema_version") == 3, f"{path}: cell {i} is not nbgrader schema 3"
    try:
        MetadataValidator().validate_nb(nb)
    except ValidationError as err:
        pytest.fail(f"{path}: {err}")
    ids = [nbs.grade_id(c) for c in nb.cells if nbs.grade_id(c)]
    dupes = sorted({g for g in ids if ids.count(g) > 1})
    assert not dupes, f"{path}: duplicate grade_ids {dupes}"


@each_source
def test_every_exercise_has_graded_tests_right_after_it(path):
    """Is every answer cell followed, before the next answer, by scored tests `<id>__*`?"""
    nb = nbs.read(path)
    answers = [i for i, c in enumerate(nb.cells) if nbs.is_autograded_answer(c)]
    assert answers, f"{path}: no exercises (code cells with solution: true)"
    problems = []
    for k, (i, gid, tests) in enumerate(nbs.exercises(nb)):
        end = answers[k + 1] if k + 1 < len(answers) else len(nb.cells)
        if not tests:
            problems.append(f"{gid}: no test cell with grade_id '{gid}__...'")
            continue
        misplaced = [nbs.grade_id(nb.cells[j]) for j in tests if not i < j < end]
        if misplaced:
            problems.append(f"{gid}: tests {misplaced} are not between it and the next exercise")
        pointless = [
            nbs.grade_id(nb.cells[j])
            for j in tests
            if not nbs.nbgrader_meta(nb.cells[j]).get("points", 0) > 0
        ]
        if pointless:
            problems.append(f"{gid}: tests {pointless} have no points")
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


@each_source
def test_every_test_cell_belongs_to_an_exercise(path):
    """Is every autograded test cell named `<exercise>__<aspect>` after an existing exercise?"""
    nb = nbs.read(path)
    answers = {gid for _, gid, _ in nbs.exercises(nb)}
    orphans = [
        nbs.grade_id(c)
        for c in nb.cells
        if nbs.is_test(c) and nbs.grade_id(c).split("__")[0] not in answers
    ]
    assert not orphans, (
        f"{path}: test cells {orphans} name no exercise (expected '<answer id>__...')"
    )


@each_source
def test_every_exercise_has_hidden_tests(path):
    """Does at least one test cell of every exercise hold a `### BEGIN HIDDEN TESTS` block?"""
    nb = nbs.read(path)
    bare = [
        gid
        for _, gid, tests in nbs.exercises(nb)
        if not any(nbs.BEGIN_HIDDEN in nb.cells[j].source for j in tests)
    ]
    assert not bare, f"{path}: exercises without hidden tests: {bare}"


@each_source
def test_hidden_tests_close_their_test_cell(path):
    """Does every hidden-test block come last in its test cell, once? The student's kernel runs
    only the visible part and the trusted re-check runs the hidden part right after it
    (autograder/grading/recheck.py): code after the block would run in a different order."""
    nb = nbs.read(path)
    wrong = []
    for cell in nb.cells:
        if nbs.is_test(cell) and nbs.BEGIN_HIDDEN in cell.source:
            tail = cell.source.split(nbs.END_HIDDEN, 1)[-1].strip()
            if (
                cell.source.count(nbs.BEGIN_HIDDEN) != 1
                or nbs.END_HIDDEN not in cell.source
                or tail
            ):
                wrong.append(nbs.grade_id(cell))
    assert not wrong, f"{path}: test cells whose hidden tests are not one closing block: {wrong}"


@each_source
def test_solution_cells_have_solution_regions(path):
    """Does every code answer cell mark its solution with BEGIN/END SOLUTION (so the release
    keeps the signature and docstring)?"""
    nb = nbs.read(path)
    bad = [
        gid
        for i, gid, _ in nbs.exercises(nb)
        if nbs.BEGIN_SOLUTION not in nb.cells[i].source
        or nbs.END_SOLUTION not in nb.cells[i].source
    ]
    assert not bad, f"{path}: answer cells without solution markers: {bad}"


def _headings(nb):
    """Markdown headings, and bold lead-ins that open a paragraph (`**Learning goals.** ...`)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if re.match(r"^#{1,6}\s", line):
                found.append(line.lstrip("#").strip().lower())
            elif m := re.match(r"^\*\*([^*]+)\*\*", line):
                found.append(m.group(1).strip().lower())
    return found


@each_notebook
def test_has_learning_goals_and_summary(path):
    """Does the notebook have learning goals and a summary (a heading or a bold lead-in)?"""
    headings = _headings(nbs.read(path))
    assert any("goal" in h for h in headings), f"{path}: no 'Learning goals' heading"
    assert any("summary" in h for h in headings), f"{path}: no 'Summary' heading"


@each_release
def test_release_holds_no_solutions_or_hidden_tests(path):
    """Does the release contain no solution markers, hidden tests, or solution code?"""
    release = nbs.read(path)
    text = "\n".join(c.source for c in release.cells)
    for marker in (nbs.BEGIN_SOLUTION, nbs.END_SOLUTION, nbs.BEGIN_HIDDEN, nbs.END_HIDDEN):
        assert marker not in text, f"{path}: contains '{marker}'"

    source = ROOT / nbs.SOURCE_DIR / path.parent.name / path.name
    if not source.exists():
        pytest.fail(f"{path}: no source notebook {source}")
    src = nbs.read(source)
    # lines that the source also shows outside solutions and hidden tests may appear
    public = {ln.strip() for cell in src.cells for ln in nbs.outside_regions(cell.source)}
    release_lines = {ln.strip() for ln in text.splitlines()}
    leaked = []
    for cell in src.cells:
        for begin, end in (
            (nbs.BEGIN_SOLUTION, nbs.END_SOLUTION),
            (nbs.BEGIN_HIDDEN, nbs.END_HIDDEN),
        ):
            for line in nbs.region_lines(cell.source, begin, end):
                s = line.strip()
                if (
                    len(s) >= 12
                    and not s.startswith("#")
                    and s not in public
                    and s in release_lines
                ):
                    leaked.append(s)
    assert not leaked, f"{path}: solution or hidden-test lines in the release: {leaked[:5]}"


@each_release
def test_release_answer_cells_are_stubs(path):
    """Does every exercise of the release raise NotImplementedError until the student answers?"""
    nb = nbs.read(path)
    filled = [
        gid for i, gid, _ in nbs.exercises(nb) if "NotImplementedError" not in nb.cells[i].source
    ]
    assert not filled, f"{path}: answer cells without a stub: {filled}"
