"""Do the exercises' tests give each plausible wrong answer the points the table says, never
full marks, and nothing at all to an answer that calls a reference?

The catalogue (tests/mistakes/nb<notebook id>.py, docs/exercise-pattern.md) lists wrong answers
as functions; a delegating answer is tried in four forms (direct call, name imported at module
level, default argument, closure). Each solution notebook runs once in one kernel, the run
every notebook test shares (tests/solution_runs.py); each answer then replaces the answer cell,
the cells up to the exercise's last test re-run, and the points of its passing test cells are
what it earns (tests/notebook_harness.py). The right answer goes back after each exercise and
must pass again.

The points table of every notebook is kept in docs/wrong-answers/<notebook id>.md for
instructors. The test fails while it differs from what was measured; regenerate it with
    UPDATE_WRONG_ANSWERS=1 .venv/bin/python -m pytest tests/notebooks/test_wrong_answers.py
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from mistakes import catalogue
from solution_runs import on_one_worker, solution_run

from autograder.course import notebooks as nbs

ROOT = nbs.course_root()
SOURCES = nbs.notebooks(ROOT, nbs.SOURCE_DIR)
TABLES = ROOT / "docs" / "wrong-answers"
MIN_MISTAKES = 2


@dataclass(frozen=True)
class Row:
    exercise: str
    answer: str
    earned: float
    available: float
    message: str

    def key(self) -> tuple[str, str, str]:
        return self.exercise, self.answer, f"{self.earned:g} / {self.available:g}"


def _exercises(path):
    return {gid: tests for _, gid, tests in nbs.exercises(nbs.read(path))}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_exercise_has_mistakes_and_a_delegating_answer(path):
    """Does every exercise have at least two plausible wrong answers and one delegating answer
    (or a reason why there is nothing to delegate to), each naming a real exercise?"""
    exercises = _exercises(path)
    entries = catalogue.entries(path.stem)
    module = f"tests/mistakes/nb{path.stem}.py"
    assert entries or not exercises, f"{module} is missing: {path.name} has exercises"
    unknown = sorted({e.exercise for e in entries} - set(exercises))
    assert not unknown, f"{module} names no exercise of {path.name}: {unknown}"
    no_reference = catalogue.no_reference(path.stem)
    for gid in exercises:
        mistakes = [e for e in entries if e.exercise == gid and not (e.delegating or e.right)]
        delegating = [e for e in entries if e.exercise == gid and e.delegating]
        assert len(mistakes) >= MIN_MISTAKES, (
            f"{module}: {gid} has {len(mistakes)} @mistake answers, expected >= {MIN_MISTAKES}"
        )
        assert delegating or gid in no_reference, (
            f"{module}: {gid} has no @delegates answer (the answer that calls the reference) "
            "and is not listed in NO_REFERENCE"
        )
    answers = {gid: nb_cell.source for gid, nb_cell in _answer_cells(path).items()}
    for entry in entries:
        assert entry.source.strip() != answers.get(entry.exercise, "").strip(), (
            f"{module}: '{entry.label}' is the solution itself"
        )


def _answer_cells(path):
    nb = nbs.read(path)
    return {gid: nb.cells[i] for i, gid, _ in nbs.exercises(nb)}


@pytest.mark.slow
@pytest.mark.parametrize("path", on_one_worker(SOURCES), ids=lambda p: p.stem)
def test_wrong_answers_earn_what_the_table_says(path, tmp_path_factory):
    """Does the solution pass every test; does no wrong answer earn full marks and no
    delegating answer any point; does the right answer pass again after each exercise; and
    does every answer earn what docs/wrong-answers/<id>.md says?"""
    if not catalogue.entries(path.stem):
        pytest.skip(f"{path.stem} has no catalogue of wrong answers")
    run = solution_run(path, tmp_path_factory)  # the catalogue is tried in the run's kernel
    assert not run.error, f"{path.name} fails in the harness:\n  " + run.error.replace("\n", "\n  ")
    assert run.wrong_answers is not None, "the run did not try the catalogue (see conftest.py)"
    problems = run.wrong_answers["problems"]
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)
    _compare_with_table(path.stem, [Row(**row) for row in run.wrong_answers["rows"]])


# ---- the points table ------------------------------------------------------------------------


def render(notebook_id: str, rows: list[Row]) -> str:
    """The Markdown points table of a notebook."""
    lines = [
        f"# Wrong answers to {notebook_id} and the points they earn",
        "",
        "Each row is a plausible wrong answer from `tests/mistakes/"
        f"nb{notebook_id}.py`, graded by the exercise's",
        "own test cells (visible and hidden) in the solution notebook's kernel. Answers that",
        'only call a reference ("delegates") must earn 0; no wrong answer may earn full marks;',
        'right answers written another way ("right: ...") must earn full marks.',
        "Generated by `tests/notebooks/test_wrong_answers.py`; regenerate with",
        "`UPDATE_WRONG_ANSWERS=1 .venv/bin/python -m pytest tests/notebooks/test_wrong_answers.py"
        f" -k {notebook_id}`.",
        "",
        "| exercise | answer | points | first line the student sees |",
        "|---|---|---|---|",
    ]
    for row in rows:
        message = row.message.replace("|", "\\|").replace("`", "'")
        lines.append(
            f"| `{row.exercise}` | {row.answer} | {row.earned:g} / {row.available:g} | {message} |"
        )
    return "\n".join(lines) + "\n"


def parse(text: str) -> set[tuple[str, str, str]]:
    """(exercise, answer, points) of every row of a rendered table (messages are not compared:
    they carry numbers that may differ in the last digit on another machine)."""
    keys = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| `") and len(cells) >= 3:
            keys.add((cells[0].strip("`"), cells[1], cells[2]))
    return keys


def _compare_with_table(notebook_id: str, rows: list[Row]) -> None:
    table = TABLES / f"{notebook_id}.md"
    text = render(notebook_id, rows)
    if os.environ.get("UPDATE_WRONG_ANSWERS"):
        table.parent.mkdir(parents=True, exist_ok=True)
        table.write_text(text, encoding="utf-8")
        return
    assert table.exists(), (
        f"{table} is missing: run with UPDATE_WRONG_ANSWERS=1 to write it and review it"
    )
    measured, kept = parse(text), parse(table.read_text(encoding="utf-8"))
    assert measured == kept, (
        f"{table} is out of date (run with UPDATE_WRONG_ANSWERS=1 and review the diff):\n"
        f"  measured, not in the table: {sorted(measured - kept)}\n"
        f"  in the table, not measured: {sorted(kept - measured)}"
    )


def test_render_and_parse_agree():
    """Does a rendered table parse back to its rows, with a '|' in a message escaped?"""
    rows = [
        Row("f", "forgot the bias", 1, 3, "AssertionError: a | b"),
        Row("f", "delegates: closure", 0, 3, "AssertionError: x"),
    ]
    assert parse(render("00_x", rows)) == {r.key() for r in rows}
