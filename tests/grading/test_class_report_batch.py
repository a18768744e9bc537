"""Does the class report of a really graded class count what the class got wrong?

A class of 30 submissions of 02_rnn_cell is built from the wrong-answer catalogue
(tests/mistakes/nb02_rnn_cell.py): 10 right, the others each one catalogued mistake, in a known
mix. `grade_batch` grades it for real (sandbox, re-check); the report built from what it
recorded must count each mistake the checks name exactly as often as the class made it.
"""

from __future__ import annotations

import copy
import re

import pytest
from grading_helpers import sandboxed_course_copy
from mistakes import catalogue

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.grading import class_report, class_stats, grade
from autograder.grading.intake import Submission
from autograder.sandbox.limits import Limits

AID = "02_rnn_cell"
ROOT = nbs.course_root()
# (exercise, catalogue label): submissions, and what the exercise's check names it
MIX = {
    ("rnn_step_forward", "forgot the bias"): (6, "forgot the bias b"),
    ("rnn_step_forward", "transposed Wh"): (5, "used Wh transposed (prev_h @ Wh.T)"),
    ("rnn_step_forward", "ReLU instead of tanh"): (4, "ReLU instead of tanh"),
    ("rnn_forward", "h0 ignored (started from zeros)"): (3, "ignored h0 (started from zeros)"),
    ("count_params", "missing the bias"): (2, "forgot the bias b (H numbers)"),
}
RIGHT = 10

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]


def _submissions() -> dict[str, Submission]:
    release = nbs.read(ROOT / nbs.RELEASE_DIR / AID / f"{AID}.ipynb")
    solved = fill_answers(release, nbs.read(ROOT / nbs.SOURCE_DIR / AID / f"{AID}.ipynb"))
    entries = {(e.exercise, e.label): e for e in catalogue.entries(AID) if not e.delegating}
    subs = {}
    for i in range(RIGHT):
        subs[f"right{i:02d}"] = solved
    for (exercise, label), (count, _) in MIX.items():
        nb = copy.deepcopy(solved)
        (cell,) = [c for c in nb.cells if nbs.grade_id(c) == exercise]
        cell.source = entries[(exercise, label)].source
        for i in range(count):
            subs[f"{exercise.replace('_', '')}-{i}-{len(subs)}"] = nb
    return {
        s: Submission(s, AID, {f"{AID}.ipynb": nbs.dumps(nb)}) for s, nb in sorted(subs.items())
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):

    tmp = tmp_path_factory.mktemp("class-report")
    root = sandboxed_course_copy(tmp, [AID])
    subs = _submissions()
    assert len(subs) == 30
    limits = Limits(memory_mb=2048, cell_timeout=60, notebook_timeout=600)
    results = grade.grade_batch(root, AID, subs, workers=2, limits=limits, progress=False)
    (stats,) = class_stats.collect(root)
    return {"root": root, "results": results, "stats": stats, "tmp": tmp}


def test_every_submission_is_graded_as_its_mix_says(graded):
    """Do the right ones score full marks and each mistaken one lose its exercise's points?"""
    full = max(r.max_score for r in graded["results"])
    scores = sorted(r.score for r in graded["results"] if r.student.startswith("right"))
    assert scores == [full] * RIGHT
    assert all(r.status == "ok" for r in graded["results"]), [
        (r.student, r.status, r.reason) for r in graded["results"] if r.status != "ok"
    ]
    assert sum(1 for r in graded["results"] if r.score < full) == 30 - RIGHT


def test_the_report_counts_each_named_mistake_as_the_class_made_it(graded):
    """Is each catalogued mistake counted, under the name its check gives it, in exactly as many
    submissions as made it (per exercise)?"""
    stats = graded["stats"]
    assert stats.graded == 30
    named = {ex.exercise: dict(ex.mistakes) for ex in stats.exercises}
    for (exercise, _), (count, name) in MIX.items():
        assert named[exercise].get(name) == count, (exercise, name, named[exercise])
    step = next(ex for ex in stats.exercises if ex.exercise == "rnn_step_forward")
    assert step.zero_share == 15 / 30 and step.full_share == 15 / 30


def test_the_page_and_summary_show_the_counts(graded):
    """Do the page and the Markdown summary print the counts and shares, with a plot per
    exercise and one for the scores?"""
    out = graded["tmp"] / "class-report.html"
    summary = class_report.write_report([graded["stats"]], out).read_text()
    page = out.read_text()
    assert "forgot the bias b: 6 of 30 (20 %)" in summary
    assert "used Wh transposed (prev_h @ Wh.T): 5 of 30 (17 %)" in page
    images = re.findall(r'<img src="data:image/png;base64,', page)
    assert len(images) == 1 + len(graded["stats"].exercises)
