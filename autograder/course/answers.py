"""The one rule for putting a student's answers into a notebook.

    answers = student_answers(submission_nb, release_nb)     # {answer grade_id: Answer}
    nb = splice(master_nb, submission_nb, release_nb)        # what `rnn-course check` runs
    perfect = fill_answers(release_nb, solution_nb)          # a perfect student (splice)

A student's answer to exercise `f` is the source of the first solution cell with grade_id `f`
in the submission, together with the *helper cells*: the code cells of the student's own (not
in the release, by cell id or by source) between the previous nbgrader cell and that answer
cell, in order. Code cells of the student's anywhere else (after an answer, before its test)
are not part of any answer. `rnn-course check` (grading/check.py), the trusted re-check of
`rnn-course grade` (grading/recheck.py builds its program from `student_answers`) and the
tests' perfect and wrong students all use this rule, so a notebook scores the same in each.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import nbformat

from autograder.course import notebooks as nbs


@dataclass(frozen=True)
class Answer:
    """One exercise's answer: the student's helper cells above it, then the answer cell."""

    source: str
    helpers: tuple[str, ...] = ()


def strip_solution_markers(source: str) -> str:
    """`source` without its `### BEGIN/END SOLUTION` lines, as a student's notebook looks."""
    markers = (nbs.BEGIN_SOLUTION, nbs.END_SOLUTION)
    lines = [ln for ln in source.splitlines() if ln.strip() not in markers]
    return "\n".join(lines)


def student_answers(submission_nb, release_nb, cell_type: str = "code") -> dict[str, Answer]:
    """{answer grade_id: Answer} of the submission's answer cells of `cell_type` ("code", or
    "markdown" for written answers, which have no helpers); the first cell of a duplicated id.
    """
    known_ids = {c.get("id") for c in release_nb.cells}
    known_sources = {c.source.strip() for c in release_nb.cells}
    answers: dict[str, Answer] = {}
    pending: list[str] = []
    for cell in submission_nb.cells:
        meta = nbs.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.get("cell_type") != "code":  # neither a helper nor the end of the helpers
            if cell_type != "code" and cell.get("cell_type") == cell_type:
                if meta.get("solution") and gid and gid not in answers:
                    answers[gid] = Answer(cell.get("source", ""))
            continue
        if not meta or not gid:
            source = cell.get("source", "")
            if cell.get("id") not in known_ids and source.strip() not in known_sources:
                pending.append(source)  # the student's own cell (helpers, scratch)
            continue
        if cell_type == "code" and meta.get("solution") and gid not in answers:
            answers[gid] = Answer(cell.get("source", ""), tuple(pending))
        pending = []
    return answers


def splice(
    notebook,
    submission_nb,
    release_nb,
    *,
    strict: bool = False,
    keep_markers: bool = True,
) -> nbformat.NotebookNode:
    """A copy of `notebook` (the master, or the release) whose every answer cell holds the
    submission's answer, its helper cells inserted as plain code cells just above it.

    An answer the submission lacks keeps the release's stub (`strict`: raises KeyError).
    `keep_markers=False` drops the `### BEGIN/END SOLUTION` lines of the answers.
    """
    by_type: dict[str, dict[str, Answer]] = {}
    stubs = {nbs.grade_id(c): c.source for c in release_nb.cells if nbs.nbgrader_meta(c)}
    out = copy.deepcopy(notebook)
    cells = []
    for cell in out.cells:
        if nbs.nbgrader_meta(cell).get("solution"):
            gid = nbs.grade_id(cell)
            if cell.cell_type not in by_type:
                by_type[cell.cell_type] = student_answers(submission_nb, release_nb, cell.cell_type)
            answer = by_type[cell.cell_type].get(gid)
            if answer is None and strict:
                raise KeyError(f"answer cell {gid!r} is not in the notebook that holds the answers")
            if answer is None:
                answer = Answer(stubs.get(gid, ""))
            for k, helper in enumerate(answer.helpers):
                extra = nbformat.v4.new_code_cell(helper)
                extra["id"] = f"{cell.get('id') or gid}-helper-{k}"[:64]
                cells.append(extra)
            cell.source = answer.source if keep_markers else strip_solution_markers(answer.source)
        cells.append(cell)
    out.cells = cells
    return out


def fill_answers(release_nb, source_nb, *, keep_markers: bool = True) -> nbformat.NotebookNode:
    """A perfect student: the release with every answer taken from `source_nb` (the solution).
    `keep_markers=False` drops the `### BEGIN/END SOLUTION` lines, as a student's notebook
    would look. Raises KeyError when the solution lacks an answer of the release."""
    return splice(release_nb, source_nb, release_nb, strict=True, keep_markers=keep_markers)
