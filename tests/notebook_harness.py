"""Run a notebook once in one kernel, then re-run chosen cells in it: the cheap way to try many
wrong answers (tests/solution_runs.py, tests/notebooks/test_wrong_answers.py).

    session = NotebookSession(solution_path, workdir)   # copies the assignment, starts a kernel,
    session.run_all()                                   # runs the notebook top to bottom
    session.run_exercise("one_hot", wrong_source)       # answer + cells up to its last test
    rows, problems = try_catalogue(session, entries)    # every answer of the catalogue
    session.close()

A test cell passes when nbgrader would give it full marks (no error, nothing on stderr).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.utils import determine_grade

from autograder.course import notebooks as nbs
from autograder.engine.kernel import CELL_TIMEOUT, copy_assignment, kernel_env, notebook_client


def error_summary(cell) -> str:
    """A one-paragraph account of why a cell failed (its error, or its stderr)."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"[:2000]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return f"stderr: {out.get('text', '')}"[:2000]
    return "no error"


def points(cell) -> float:
    """The points a test cell is worth."""
    return float(nbs.nbgrader_meta(cell).get("points", 0))


def first_line(cell) -> str:
    """The first line of what a failing cell shows the student ('' when it passed)."""
    if passes(cell):
        return ""
    return error_summary(cell).strip().splitlines()[0][:200] if error_summary(cell) else ""


def passes(cell) -> bool:
    """Would nbgrader give this executed test cell full marks?"""
    score, max_score = determine_grade(cell)
    return score is not None and score >= max_score


def failed(cell) -> bool:
    """Did this executed (non-test) cell raise?"""
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


@dataclass
class NotebookSession:
    """One kernel holding the state of a notebook that ran top to bottom."""

    path: Path
    workdir: Path
    timeout: int = CELL_TIMEOUT
    nb: nbformat.NotebookNode = field(init=False)
    client: object = field(init=False)
    run_seconds: float = field(init=False, default=0.0)
    errors: list[str] = field(init=False, default_factory=list)

    def __post_init__(self):
        local = copy_assignment(Path(self.path), Path(self.workdir))
        self.nb = nbs.read(local)
        self.original = [cell.source for cell in self.nb.cells]
        self.nb.cells.append(nbformat.v4.new_code_cell(""))  # scratch slot for ad-hoc code
        self.client = notebook_client(
            self.nb, self.workdir, timeout=self.timeout, allow_errors=True
        )
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel(env=kernel_env())
        self.client.start_new_kernel_client()

    def run_cell(self, index: int, source: str | None = None):
        """Run cell `index` (with `source` in place of its own, if given); returns the cell."""
        cell = self.nb.cells[index]
        cell.source = self.original[index] if source is None else source
        cell.outputs = []
        try:
            self.client.execute_cell(cell, index, store_history=False)
        except (CellTimeoutError, DeadKernelError) as err:
            cell.outputs.append(
                nbformat.v4.new_output("error", ename=type(err).__name__, evalue=str(err)[:500])
            )
        return cell

    def run_source(self, source: str):
        """Run ad-hoc code in the kernel; returns the executed scratch cell."""
        return self.run_cell(len(self.nb.cells) - 1, source)

    def run_all(self) -> list[str]:
        """Run the notebook top to bottom; returns 'cell i (grade_id): error' for failures."""
        start = time.perf_counter()
        for i, cell in enumerate(self.nb.cells[:-1]):
            if cell.cell_type != "code":
                continue
            self.run_cell(i)
            if (nbs.is_test(cell) and not passes(cell)) or failed(cell):
                self.errors.append(f"cell {i} ({nbs.grade_id(cell)}): {error_summary(cell)}")
        self.run_seconds = time.perf_counter() - start
        return self.errors

    def executed(self) -> nbformat.NotebookNode:
        """A copy of the notebook as it ran, without the scratch cell."""
        nb = copy.deepcopy(self.nb)
        nb.cells = nb.cells[:-1]
        return nb

    def exercise(self, grade_id: str) -> tuple[int, list[int]]:
        """(index of the answer cell, indices of its test cells)."""
        for i, gid, tests in nbs.exercises(self.nb):
            if gid == grade_id:
                return i, tests
        raise KeyError(f"{self.path.name} has no exercise '{grade_id}'")

    def run_exercise(self, grade_id: str, answer: str | None = None) -> dict[str, object]:
        """Run the answer cell (its own source, or `answer`), the cells between it and its last
        test, and its tests; returns {test grade_id: executed cell}."""
        first, tests = self.exercise(grade_id)
        if answer is not None:
            # forget the right answer first: a wrong one that fails to define the function
            # must not leave the right one in place
            self.run_source(f"globals().pop({grade_id!r}, None)")
        results = {}
        for i in range(first, max(tests) + 1):
            cell = self.nb.cells[i]
            if cell.cell_type != "code":
                continue
            self.run_cell(i, answer if i == first else None)
            if i in tests:
                results[nbs.grade_id(cell)] = cell
        return results

    def close(self) -> None:
        try:
            self.client._cleanup_kernel()
        except Exception:  # noqa: BLE001 - the kernel may be gone already
            pass


def try_catalogue(session: NotebookSession, entries) -> tuple[list[dict], list[str]]:
    """Tries every answer of a catalogue (tests/mistakes/) in a session that ran to the end.

    Each answer replaces its exercise's answer cell and the cells up to the exercise's last test
    re-run; the right answer goes back after each exercise and must pass again. Returns the
    rows ({exercise, answer, earned, available, message}) and the problems: a delegating answer
    that earns a point, a wrong answer at full marks, another right answer below full marks, the
    right answer that stops passing.
    """
    rows, problems = [], []
    by_exercise: dict[str, list] = {}
    for entry in entries:
        by_exercise.setdefault(entry.exercise, []).append(entry)
    for exercise, answers in by_exercise.items():
        for entry in answers:
            results = session.run_exercise(exercise, entry.source)
            if not results:
                problems.append(f"exercise {exercise} has no test cells")
                continue
            cells = list(results.values())
            available = sum(points(c) for c in cells)
            earned = sum(points(c) for c in cells if passes(c))
            message = next((first_line(c) for c in cells if not passes(c)), "")
            rows.append(
                {
                    "exercise": exercise,
                    "answer": entry.label,
                    "earned": earned,
                    "available": available,
                    "message": message,
                }
            )
            if entry.delegating and earned > 0:
                problems.append(f"{exercise}: '{entry.label}' earns {earned:g} points (must be 0)")
            if entry.right and earned < available:
                problems.append(f"{exercise}: '{entry.label}' earns {earned:g} of {available:g}")
            if not (entry.delegating or entry.right) and earned >= available:
                problems.append(f"{exercise}: wrong answer '{entry.label}' earns full marks")
        right = session.run_exercise(exercise)
        broken = {gid: error_summary(c) for gid, c in right.items() if not passes(c)}
        if broken:
            problems.append(f"with the right answer back, tests of {exercise} fail: {broken}")
    return rows, problems
