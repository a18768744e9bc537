"""`rnn-course grade`: a batch of submissions, graded in parallel, recorded by one writer.

    results = grade_batch(course_root, "02_rnn_cell", submissions, workers=2)
    results = grade_assignments(course_root, {"01_sequences": subs01, "02_rnn_cell": subs02})

- a template course root (nbgrader_config.py, the assignment's source, a gradebook with only
  the assignment) is made once (writer.make_template); every task copies it (submission.py);
- tasks run on a `concurrent.futures` executor (a local process pool by default; any other
  executor, e.g. a Dask cluster's, can be passed in: executors.py);
- this process alone writes the course gradebook, after each sandbox is gone, with retries on
  a busy database; a re-grade removes the old scores first (writer.py);
- every submission, and every student the gradebook knows who sent nothing, gets one row in
  grades.csv; findings go to a tamper report (report.py); progress goes to stderr
  (progress.py);
- student ids are checked first (intake.check_ids): an unsafe or colliding id, or a submission
  intake refused (a file over the caps), gets a `refused` row with the reason and touches
  nothing on disk; no error of one submission (grading, recording, its state file) stops the
  batch;
- each finished submission leaves a state file, so an interrupted run resumes where it
  stopped and a re-run skips what is graded, unless `force` (state.py).
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import Executor, as_completed
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.engine import gradebook
from autograder.grading.intake import Submission, check_ids
from autograder.grading.local_pool import local_executor
from autograder.grading.progress import Progress
from autograder.grading.report import write_csv, write_report
from autograder.grading.state import load_state, save_state
from autograder.grading.submission import grade_submission
from autograder.grading.task import GradeResult, GradeTask
from autograder.grading.writer import ensure_assignment, make_template, master_notebooks, record
from autograder.sandbox.bwrap import available
from autograder.sandbox.limits import Limits
from autograder.sandbox.warm import why_unavailable


def _missing_result(student: str, assignment: str, template_tests, max_score, manual):
    return GradeResult(
        student=student,
        assignment=assignment,
        status="missing",
        reason="no submission",
        score=0.0,
        max_score=max_score,
        kernel_score=None,
        manual_pending=manual,
        tests=template_tests,
    )


def _refused_result(sub: Submission) -> GradeResult:
    return GradeResult(
        student=sub.student,
        assignment=sub.assignment,
        status="refused",
        reason=f"refused at intake: {sub.refused}"[:500],
        score=0.0,
        max_score=0.0,
        kernel_score=None,
        manual_pending=0.0,
    )


def grade_batch(
    course_root: Path, assignment: str, submissions: dict[str, Submission], **options
) -> list[GradeResult]:
    """Grade every submission of one assignment (grade_assignments' options)."""
    return grade_assignments(course_root, {assignment: submissions}, **options)


def grade_assignments(
    course_root: Path,
    batches: dict[str, dict[str, Submission]],
    *,
    workers: int = 2,
    limits: Limits | None = None,
    force: bool = False,
    executor: Executor | None = None,
    out_csv: Path | None = None,
    report: Path | None = None,
    progress: bool = True,
    warm: bool = True,
) -> list[GradeResult]:
    """Grade every submission of every assignment in `batches` ({assignment: {student:
    Submission}}) on one executor, all at once (the workers, and their warm zygotes, serve every
    assignment, so no core idles between assignments); returns one result per submission and
    per student known to the gradebook who sent an assignment nothing. Never stops for a bad
    submission. `warm=False` starts every kernel and re-check in a fresh interpreter under
    bubblewrap (autograder/sandbox/)."""
    course_root = Path(course_root).resolve()
    limits = limits or Limits()
    isolate, why = available()
    if not isolate:
        print(f"WARNING: submissions run WITHOUT a sandbox: {why}", file=sys.stderr)
    elif warm and why_unavailable():
        print(
            f"note: every kernel starts cold under bubblewrap ({why_unavailable()})",
            file=sys.stderr,
        )
    for assignment in batches:
        ensure_assignment(course_root, assignment)
    db_url = gradebook.db_url(course_root)
    results: dict[tuple[str, str], GradeResult] = {}
    todo: list[Submission] = []
    for assignment, submissions in batches.items():
        for student, sub in sorted(check_ids(submissions).items()):
            if sub.refused:
                results[assignment, student] = _refused_result(sub)
                continue
            state = None if force else load_state(course_root, assignment, student)
            if state is not None and state.digest == sub.digest():
                results[assignment, student] = state
            else:
                todo.append(sub)
    bar = Progress(len(todo)) if progress and todo else None
    with tempfile.TemporaryDirectory(prefix="rnn-grade-template-") as tmp:
        templates = {
            aid: make_template(course_root, aid, Path(tmp) / aid / "template") for aid in batches
        }
        own = executor is None
        # the local pool retries a task whose worker process died once (local_pool.py)
        pool = executor or local_executor(workers)
        try:
            futures = {
                pool.submit(
                    grade_submission,
                    GradeTask(
                        sub, sub.assignment, str(templates[sub.assignment]), limits, isolate, warm
                    ),
                ): sub
                for sub in todo
            }
            for future in as_completed(futures):
                sub = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a worker died; the batch goes on
                    result = GradeResult(
                        student=sub.student,
                        assignment=sub.assignment,
                        status="crashed",
                        reason=f"grader worker failed: {type(error).__name__}: {error}"[:300],
                        score=0.0,
                        max_score=0.0,
                        kernel_score=None,
                        manual_pending=0.0,
                        digest=sub.digest(),
                    )
                try:
                    # nothing of the assignment came: no submission for nbgrader (its export and
                    # formgrader show the student without one, and generate_feedback has none
                    # to convert)
                    if result.status != "missing":
                        record(course_root, result, sub, db_url)
                    save_state(course_root, result)
                except Exception as error:  # noqa: BLE001 - say so in the row, go on
                    result.reason = f"NOT RECORDED in the gradebook ({error}); {result.reason}"
                results[sub.assignment, sub.student] = result
                if bar:
                    bar.update(result.status)
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
        known = gradebook.students(db_url)  # who the gradebook knows, to find who sent nothing
        exercises: list[str] = []
        for aid, template in templates.items():
            tests, max_score, manual = _template_tests(template, aid)
            exercises += dict.fromkeys(nbs.exercise_of(t["grade_id"]) for t in tests)
            for student in known:
                if (aid, student) not in results and student not in batches[aid]:
                    results[aid, student] = _missing_result(student, aid, tests, max_score, manual)
    final = sorted(results.values(), key=lambda r: (r.assignment, r.student))
    if out_csv:
        write_csv(out_csv, final, exercises)
    if report:
        write_report(report, final)
    return final


def _template_tests(template: Path, assignment: str) -> tuple[list[dict], float, float]:
    """(a row per test of the assignment, as a submission that sent nothing gets it; the
    maximum score; the points graded by hand)."""
    tests, manual = [], 0.0
    for nb in [nbs.read(p) for p in master_notebooks(template, assignment)]:
        ids, pts = nbs.max_points(nb)
        manual += pts
        tests += [
            {
                "grade_id": gid,
                "notebook": "",
                "max_score": p,
                "kernel": None,
                "counted": 0.0,
                "error": "no submission",
            }
            for gid, p in ids
        ]
    return tests, sum(t["max_score"] for t in tests), manual
