"""`rnn-course check NOTEBOOK`: a learner's notebook against the master tests, offline.

The master notebook (solutions/, visible and hidden tests) runs with the learner's answers in
place of the solutions (course/answers.py: the rule `rnn-course grade` uses too, helper cells
above an answer included), in a temporary copy of the assignment, in the grading
sandbox, with the grader's limits (without a sandbox where bubblewrap is missing, said so).
Prints one line per test (points, pass/fail, the first line of the failure: never a hidden
test's source) and the total; the exit status is 0 only at full marks.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.course.answers import splice
from autograder.engine import kernel as engine_kernel
from autograder.sandbox import kernel_manager
from autograder.sandbox.bwrap import Sandbox, available
from autograder.sandbox.limits import Limits


@dataclass
class CheckRow:
    grade_id: str
    points: float
    max_points: float
    message: str


def find_master(notebook: Path, root: Path | None = None) -> Path:
    """The source notebook with the same name under solutions/ (the course root's)."""
    root = root or nbs.course_root()
    matches = [p for p in nbs.notebooks(root, nbs.SOURCE_DIR) if p.name == Path(notebook).name]
    if not matches:
        raise FileNotFoundError(
            f"no notebook named {Path(notebook).name} under {root / nbs.SOURCE_DIR}"
        )
    return matches[0]


def _first_error(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            text = (out.get("evalue") or "").strip().splitlines()
            return f"{out.get('ename')}: {text[0][:200]}" if text else str(out.get("ename"))
    return ""


def check(notebook: Path, limits: Limits | None = None) -> tuple[list[CheckRow], str]:
    """(one row per test, a note about isolation) for the learner's notebook."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    limits = limits or Limits()
    notebook = Path(notebook).resolve()
    master_path = find_master(notebook)
    release_path = master_path.parents[2] / nbs.RELEASE_DIR / master_path.parent.name
    release_path = release_path / master_path.name
    master_nb = nbs.read(master_path)
    release_nb = nbs.read(release_path) if release_path.exists() else master_nb
    nb = splice(master_nb, nbs.read(notebook), release_nb)
    isolate, why = available()
    with tempfile.TemporaryDirectory(prefix="rnn-check-") as tmp:
        # the learner's own folder (saved models), not the solutions' folder
        work = Path(tmp) / master_path.parent.name
        engine_kernel.copy_assignment(notebook, work)
        box = Sandbox(work, limits) if isolate else None
        client = engine_kernel.notebook_client(
            nb, work, timeout=limits.cell_timeout, allow_errors=True
        )
        if isolate:
            client.kernel_manager_class = kernel_manager.SandboxKernelManager
            os.environ[kernel_manager.ENV_LIMITS] = limits.env_value()
            os.environ[kernel_manager.ENV_CGROUP] = box.cgroup or ""
        try:
            client.execute(env=engine_kernel.kernel_env(autograde=True))
        except (CellTimeoutError, DeadKernelError) as error:
            print(f"the notebook stopped: {type(error).__name__}", file=sys.stderr)
        finally:
            if box is not None:
                box.close()
    rows = []
    for cell in nb.cells:
        if nbs.is_test(cell):
            meta = nbs.nbgrader_meta(cell)
            pts = float(meta.get("points", 0) or 0)
            ran = bool(cell.get("outputs")) or cell.get("execution_count") is not None
            msg = _first_error(cell) if ran else "did not run"
            rows.append(CheckRow(meta["grade_id"], 0.0 if msg else pts, pts, msg))
    note = "" if isolate else f"(not isolated: {why})"
    return rows, note


def main(notebook: str) -> int:
    try:
        rows, note = check(Path(notebook))
    except FileNotFoundError as error:
        print(f"rnn-course check: {error}", file=sys.stderr)
        return 2
    width = max((len(r.grade_id) for r in rows), default=10)
    for r in rows:
        mark = "pass" if not r.message else "FAIL"
        line = f"{r.grade_id:<{width}}  {r.points:g}/{r.max_points:g}  {mark}"
        print(line + (f"  {r.message}" if r.message else ""))
    total, top = sum(r.points for r in rows), sum(r.max_points for r in rows)
    print(f"{'total':<{width}}  {total:g}/{top:g}" + (f"  {note}" if note else ""))
    return 0 if rows and total == top else 1
