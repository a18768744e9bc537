"""`rnn-course grade`: a batch of submissions, graded in parallel, recorded by one writer.

    results = grade_batch(course_root, "02_rnn_cell", submissions, workers=2)

- a template course root (nbgrader_config.py, the assignment's source, a gradebook with only
  the assignment) is made once; every task copies it (grade.py);
- tasks run on a `concurrent.futures` executor (a local process pool by default; any other
  executor, e.g. a Dask cluster's, can be passed in);
- this process alone writes the course gradebook, after each sandbox is gone, with retries on
  a busy database; a re-grade removes the old scores first;
- every submission, and every student the gradebook knows who sent nothing, gets one row in
  grades.csv; findings go to a tamper report; progress goes to stderr;
- each finished submission leaves a state file, so an interrupted run resumes where it
  stopped and a re-run skips what is graded (unless `force`).
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
import warnings
from collections import Counter
from concurrent.futures import Executor, as_completed
from dataclasses import asdict
from pathlib import Path

from autograder import executors, gradebook, sandbox
from autograder import nbgrader_run as ng
from autograder import notebooks as nbs
from autograder.grade import STATUSES, GradeResult, GradeTask, grade_submission
from autograder.submissions import Submission
from autograder.warm import why_unavailable

STATE_DIR = "autograded/.rnn-grade"  # git-ignored with autograded/; nbgrader skips dot-folders


# Appended to the template's nbgrader_config.py: each temporary course root keeps its own SQLite
# gradebook even when the course's config points `db_url` at a shared PostgreSQL database (only
# the one writer, record(), touches the course's gradebook).
PRIVATE_GRADEBOOK = """

# ---- added by rnn-course grade: this temporary course root's own gradebook ----
c.CourseDirectory.db_url = "sqlite:///" + __import__("os").path.join(
    c.CourseDirectory.root, "gradebook.db"
)
"""


def make_template(course_root: Path, assignment: str, dest: Path) -> Path:
    """A course root with nbgrader_config.py, the assignment's source and release, and a
    gradebook holding the assignment only (no student data ever goes into it)."""
    root = ng.make_course_copy(dest, course_root, [assignment])
    with open(root / ng.CONFIG_FILE, "a") as fh:
        fh.write(PRIVATE_GRADEBOOK)
    ng.run_nbgrader(root, "generate_assignment", assignment, "--force")
    return root


def ensure_assignment(course_root: Path, assignment: str) -> None:
    """The course gradebook knows the assignment (nbgrader generate_assignment, with the
    release written to a throwaway folder so course/ is untouched)."""
    from nbgrader.api import Gradebook, MissingEntry

    db_url = gradebook.db_url(course_root)  # SQLite or PostgreSQL, as nbgrader_config.py says
    db = Path(course_root) / "gradebook.db"
    if db.exists() or not db_url.startswith("sqlite"):
        with Gradebook(db_url, gradebook.COURSE_ID) as gb:
            try:
                gb.find_assignment(assignment)
                return
            except MissingEntry:
                pass
    with tempfile.TemporaryDirectory(prefix="rnn-release-") as tmp:
        ng.run_nbgrader(
            Path(course_root), "generate_assignment", assignment, "--force",
            f"--CourseDirectory.release_directory={tmp}",
        )  # fmt: skip


# ---- the one writer ------------------------------------------------------------------------


def record(
    course_root: Path, result: GradeResult, submission: Submission, db_url: str | None = None
) -> None:
    """Write one result into the course gradebook (`db_url`, default: the course's) and
    autograded/ folder (re-grade: the old submission is removed first). Each transaction runs
    again while the database is busy (gradebook.retrying)."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    root = Path(course_root)
    db_url = db_url or gradebook.db_url(root)
    counted = {t["grade_id"]: t["counted"] for t in result.tests}

    def remove():
        with Gradebook(db_url, "rnn-course") as gb:
            gb.update_or_create_student(result.student)
            try:
                gb.remove_submission(result.assignment, result.student)
            except MissingEntry:
                pass

    def write():
        with Gradebook(db_url, "rnn-course") as gb, warnings.catch_warnings():
            # nbgrader 0.9's add_submission builds its rows while SQLAlchemy autoflushes and
            # SQLAlchemy 2 warns "... not in session, add operation ... will not proceed" for
            # every notebook and cell; the rows are added right after (the tests read them back)
            warnings.filterwarnings("ignore", message=".*not in session", category=SAWarning)
            sub = gb.add_submission(result.assignment, result.student)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell_type == "code" and grade.cell.name in counted:
                        grade.auto_score = counted[grade.cell.name]
                        grade.needs_manual_grade = False
            gb.db.commit()

    gradebook.retrying(remove)
    gradebook.retrying(write)
    # the autograded notebooks (for formgrader and generate_feedback) and the student's own
    # files; never a file the kernel wrote
    folder = root / "autograded" / result.student / result.assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    from autograder.submissions import safe_relpath

    for rel, data in submission.files.items():
        clean = safe_relpath(rel)
        if clean and not clean.endswith(".ipynb"):
            (folder / clean).parent.mkdir(parents=True, exist_ok=True)
            (folder / clean).write_bytes(data)
    for name, data in result.notebooks.items():
        (folder / f"{name}.ipynb").write_bytes(data)


# ---- state, CSV and report -------------------------------------------------------------------


def _state_path(course_root: Path, assignment: str, student: str) -> Path:
    return Path(course_root) / STATE_DIR / assignment / f"{student}.json"


def save_state(course_root: Path, result: GradeResult) -> None:
    path = _state_path(course_root, result.assignment, result.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(result)
    data.pop("notebooks")
    path.write_text(json.dumps(data, indent=1))


def load_state(course_root: Path, assignment: str, student: str) -> GradeResult | None:
    path = _state_path(course_root, assignment, student)
    try:
        data = json.loads(path.read_text())
        return GradeResult(**data)
    except (OSError, ValueError, TypeError):
        return None


def write_csv(path: Path, results: list[GradeResult], exercises: list[str]) -> None:
    """One row per submission: scores, status, points per exercise, a short reason."""
    cols = ["student", "assignment", "status", "score", "max_score", "kernel_score",
            "manual_pending", *[f"ex:{e}" for e in exercises], "reason"]  # fmt: skip
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(cols)
        for r in sorted(results, key=lambda r: (r.assignment, r.student)):
            per = r.exercises()
            row = [r.student, r.assignment, r.status, f"{r.score:g}", f"{r.max_score:g}",
                   "" if r.kernel_score is None else f"{r.kernel_score:g}",
                   f"{r.manual_pending:g}"]  # fmt: skip
            row += [f"{per[e][0]:g}" if e in per else "" for e in exercises]
            out.writerow([*row, r.reason])


def write_report(path: Path, results: list[GradeResult]) -> None:
    """The tamper report: each submission with findings, for a person to review."""
    lines = ["# Grading report: findings to review", ""]
    for r in sorted(results, key=lambda r: r.student):
        if not r.findings and r.status == "ok":
            continue
        lines.append(f"## {r.student} / {r.assignment}: {r.status} ({r.score:g}/{r.max_score:g})")
        if r.reason:
            lines.append(f"- reason: {r.reason}")
        lines += [f"- {f}" for f in r.findings]
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _missing_result(student: str, assignment: str, template_tests, max_score, manual):
    return GradeResult(
        student=student, assignment=assignment, status="missing", reason="no submission",
        score=0.0, max_score=max_score, kernel_score=None, manual_pending=manual,
        tests=template_tests,
    )  # fmt: skip


class Progress:
    """One line on stderr: done/total and the count of each status."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.counts, self.stream = total, 0, Counter(), stream

    def update(self, status: str) -> None:
        self.done += 1
        self.counts[status] += 1
        counts = " ".join(f"{s} {self.counts[s]}" for s in STATUSES if self.counts[s])
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        end = "\n" if self.done == self.total else ""
        print(f"\r[{bar}] {self.done}/{self.total}  {counts}", end=end, file=self.stream)
        self.stream.flush()


def grade_batch(
    course_root: Path,
    assignment: str,
    submissions: dict[str, Submission],
    *,
    workers: int = 2,
    limits: sandbox.Limits | None = None,
    force: bool = False,
    executor: Executor | None = None,
    out_csv: Path | None = None,
    report: Path | None = None,
    progress: bool = True,
    warm: bool = True,
) -> list[GradeResult]:
    """Grade every submission; returns one result per submission (and per student known to
    the gradebook who sent nothing). Never stops for a bad submission. `warm=False` starts
    every kernel and re-check in a fresh interpreter under bubblewrap (sandbox.py)."""
    course_root = Path(course_root).resolve()
    limits = limits or sandbox.Limits()
    isolate, why = sandbox.available()
    if not isolate:
        print(f"WARNING: submissions run WITHOUT a sandbox: {why}", file=sys.stderr)
    elif warm and why_unavailable():
        print(f"note: every kernel starts cold under bubblewrap ({why_unavailable()})",
              file=sys.stderr)  # fmt: skip
    ensure_assignment(course_root, assignment)
    db_url = gradebook.db_url(course_root)
    results: dict[str, GradeResult] = {}
    todo = []
    for student, sub in sorted(submissions.items()):
        state = None if force else load_state(course_root, assignment, student)
        if state is not None and state.digest == sub.digest():
            results[student] = state
        else:
            todo.append(sub)
    bar = Progress(len(todo)) if progress and todo else None
    with tempfile.TemporaryDirectory(prefix="rnn-grade-template-") as tmp:
        template = make_template(course_root, assignment, Path(tmp) / "template")
        own = executor is None
        # the local pool retries a task whose worker process died once (executors.py)
        pool = executor or executors.local_executor(workers)
        try:
            futures = {
                pool.submit(
                    grade_submission,
                    GradeTask(sub, assignment, str(template), limits, isolate, warm),
                ): sub
                for sub in todo
            }
            for future in as_completed(futures):
                sub = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a worker died; the batch goes on
                    result = GradeResult(
                        student=sub.student, assignment=assignment, status="crashed",
                        reason=f"grader worker failed: {type(error).__name__}: {error}"[:300],
                        score=0.0, max_score=0.0, kernel_score=None, manual_pending=0.0,
                        digest=sub.digest(),
                    )  # fmt: skip
                try:
                    record(course_root, result, sub, db_url)
                except Exception as error:  # noqa: BLE001 - say so in the row, go on
                    result.reason = f"NOT RECORDED in the gradebook ({error}); {result.reason}"
                save_state(course_root, result)
                results[sub.student] = result
                if bar:
                    bar.update(result.status)
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
        # students the gradebook knows who sent nothing
        from nbgrader.api import Gradebook

        known = []
        with Gradebook(db_url, gradebook.COURSE_ID) as gb:
            known = [s.id for s in gb.students]
        master = [nbs.read(p) for p in nbs.notebooks(template, nbs.SOURCE_DIR, assignment)]
    tests = [
        {"grade_id": nbs.grade_id(c), "notebook": "", "max_score": float(
            nbs.nbgrader_meta(c).get("points", 0) or 0), "kernel": None, "counted": 0.0,
         "error": "no submission"}
        for nb in master for c in nb.cells if nbs.is_test(c)
    ]  # fmt: skip
    manual = sum(
        float(nbs.nbgrader_meta(c).get("points", 0) or 0)
        for nb in master for c in nb.cells if nbs.is_written_answer(c)
    )  # fmt: skip
    max_score = sum(t["max_score"] for t in tests)
    for student in known:
        if student not in results and student not in submissions:
            results[student] = _missing_result(student, assignment, tests, max_score, manual)
    final = sorted(results.values(), key=lambda r: r.student)
    exercises = list(dict.fromkeys(t["grade_id"].split("__")[0] for t in tests))
    if out_csv:
        write_csv(out_csv, final, exercises)
    if report:
        write_report(report, final)
    return final
