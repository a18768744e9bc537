"""Is a notebook submitted alone, without the models its own run saved, graded fairly?

Short trainings are re-run under autograde with the student's code and a fixed seed; only long
ones load a saved artifact (rl.training.fit_or_load and its NumPy twin). A notebook that uses
neither is already submitted alone by test_autograde.py's `solution` student (its submission
has no files). This test covers the others: their solution, submitted without any file, must
score full marks on every test cell except those grading a long training, and each of those
must fail with a message that names the missing file — never with a bare traceback.
"""

from __future__ import annotations

import re

import notebook_harness as harness
import pytest
from grading_helpers import place_submission

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.engine import gradebook
from autograder.engine import nbgrader_run as ng

ROOT = nbs.course_root()
# the two ways a notebook loads a saved model under autograde (rl.training's fit_or_load and
# fit_or_load_params)
LOADS_ARTIFACTS = re.compile(r"\bfit_or_load(_params)?\(")
# a clear message about missing saved models names the file (or a glob of files) with its suffix
NAMES_A_FILE = re.compile(r"[\w./*-]+\.(keras|npz|json|h5)\b")


def _with_artifacts() -> list[str]:
    return [
        aid
        for aid in nbs.assignments(ROOT)
        if any(
            LOADS_ARTIFACTS.search(p.read_text(encoding="utf-8"))
            for p in nbs.notebooks(ROOT, nbs.SOURCE_DIR, aid)
        )
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "aid",
    [pytest.param(a, marks=pytest.mark.xdist_group(f"alone-{a}")) for a in _with_artifacts()],
)
def test_notebook_alone_scores_all_but_the_long_trainings(aid, tmp_path):
    """Does the solution, submitted without its saved models, score full marks except on the
    cells that grade a long training, and do those name the missing file?"""
    root = ng.make_course_copy(tmp_path / "course-root", ROOT, [aid])
    ng.run_nbgrader(root, "generate_assignment", aid, "--force")
    for source in nbs.notebooks(root, nbs.SOURCE_DIR, aid):
        release_nb = nbs.read(root / nbs.RELEASE_DIR / aid / source.name)
        place_submission(
            root, "alone", aid, {source.stem: fill_answers(release_nb, nbs.read(source))}
        )
    ng.run_nbgrader(root, "autograde", aid)

    unclear, missing = [], []
    for score in gradebook.scores(root):
        if score.cell_type != "code" or score.needs_manual_grade:
            continue
        if score.auto_score is not None and score.auto_score >= score.max_score:
            continue
        nb = nbs.read(root / "autograded" / "alone" / aid / f"{score.notebook}.ipynb")
        cell = next(c for c in nb.cells if nbs.grade_id(c) == score.grade_id)
        why = harness.error_summary(cell)
        (missing if NAMES_A_FILE.search(why) else unclear).append(f"{score.grade_id}: {why}")
    assert not unclear, (
        f"{aid} submitted alone loses points without naming a missing file:\n  "
        + "\n  ".join(unclear)
    )
    print(f"{aid}: cells that need the saved models: {missing or 'none'}")
