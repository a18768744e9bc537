"""Grade one submission, start to finish, in a private temporary course root: the task that
`rnn-course grade` hands to its workers.

    result = grade_submission(GradeTask(submission, "02_rnn_cell", template, limits))

The task and its result are plain data (task.py: a submission's files as bytes in, numbers and
strings out), so any `concurrent.futures` executor can run it: the local process pool, or a
cluster's.
Steps:

1. the submission's notebooks are read (a file that is not a notebook: `invalid-notebook`) and
   compared with the release (tamper.py);
2. a copy of the template course root (nbgrader_config.py, the assignment's source, a
   gradebook holding only the assignment) receives it under submitted/, and the real
   `nbgrader autograde` grades it there (kernel_run.py); its kernel runs in the sandbox
   (autograder/sandbox/) with the submission's copy as its only writable folder;
3. the trusted re-check (recheck.py) runs the master tests, visible and hidden, against the
   answers in a second sandbox (the student's kernel ran the visible tests only:
   writer.make_template); a test's points count only when both runs award them, a test that
   passed in the student's kernel but whose visible part fails the re-check makes the status
   `tampered`, and one whose hidden tests fail is marked so in the autograded notebook
   (hidden_feedback.py);
4. the status and reason are decided, and the temporary root is removed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.grading import recheck, tamper
from autograder.grading.hidden_feedback import mark_hidden_failures
from autograder.grading.intake import safe_relpath
from autograder.grading.kernel_run import autograde_in_sandbox
from autograder.grading.task import STATUSES, GradeResult, GradeTask, TestScore
from autograder.grading.writer import MASTERS_DIR, master_notebooks
from autograder.sandbox import scratch
from autograder.sandbox.bwrap import Sandbox


def _master(template: Path, assignment: str) -> dict[str, tuple]:
    """{notebook name: (master nb with its hidden tests, release nb)} from the template."""
    out = {}
    for path in master_notebooks(template, assignment):
        release = template / nbs.RELEASE_DIR / assignment / path.name
        out[path.stem] = (nbs.read(path), nbs.read(release))
    return out


def grade_submission(task: GradeTask) -> GradeResult:
    """Grade one submission; never raises for anything the submission does."""
    start = time.perf_counter()
    sub, aid = task.submission, task.assignment
    template = Path(task.template)
    masters = _master(template, aid)
    tests: list[TestScore] = []
    manual = 0.0
    for name, (master_nb, _) in masters.items():
        ids, pts = nbs.max_points(master_nb)
        manual += pts
        tests += [TestScore(gid, name, p, None, 0.0, "not graded") for gid, p in ids]
    result = GradeResult(
        student=sub.student,
        assignment=aid,
        status="ok",
        reason="",
        score=0.0,
        max_score=sum(t.max_score for t in tests),
        kernel_score=None,
        manual_pending=manual,
        digest=sub.digest(),
        sandboxed=task.isolate,
    )
    reasons: list[str] = []
    statuses: set[str] = set()
    given = sub.notebooks()
    parsed = {}
    for name in masters:
        if name not in given:
            reasons.append(f"{name}.ipynb missing")
            continue
        nb = recheck.read_notebook_bytes(given[name])
        if nb is None:
            statuses.add("invalid-notebook")
            reasons.append(f"{name}.ipynb is not a valid notebook")
        else:
            parsed[name] = nb
    if not given:
        statuses.add("missing")
    findings = tamper.shipped_code(list(sub.files))
    for name, nb in parsed.items():
        found = tamper.compare_cells(masters[name][1], nb, name)
        findings.serious += found.serious
        findings.review += found.review
    if findings.serious:
        statuses.add("tampered")
    if parsed:
        result.notebooks = _grade_in_sandbox(task, masters, parsed, tests, statuses, reasons)
    if not task.isolate:
        statuses.add("sandbox-unavailable")
        reasons.append("NOT ISOLATED: bubblewrap unavailable on this machine")
    result.tests = [asdict(t) for t in tests]
    result.score = sum(t.counted for t in tests)
    kernel = [t.kernel for t in tests if t.kernel is not None]
    result.kernel_score = sum(kernel) if kernel else None
    result.findings = findings.serious + findings.review
    result.status = next(s for s in STATUSES if s in statuses or s == "ok")
    if findings.serious:
        reasons.insert(0, findings.serious[0])
    result.reason = "; ".join(dict.fromkeys(reasons))[:500]
    result.seconds = round(time.perf_counter() - start, 2)
    return result


def _grade_in_sandbox(task, masters, parsed, tests, statuses, reasons) -> dict[str, bytes]:
    """Steps 2 and 3: nbgrader in a temporary root with a sandboxed kernel, then the re-check.
    Fills in `tests`, `statuses` and `reasons`; returns the autograded notebooks' bytes."""
    autograded_bytes: dict[str, bytes] = {}
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-", dir=task.work_root))
    name = f"g-{uuid.uuid4().hex[:12]}"
    root = work / "root"
    try:
        # neither the release nor the full masters: nbgrader's root holds no hidden test
        ignore = shutil.ignore_patterns(nbs.RELEASE_DIR, MASTERS_DIR)
        shutil.copytree(task.template, root, ignore=ignore)
        run = autograde_in_sandbox(root, task, list(masters), parsed, name)
        autograded_bytes = run.notebooks
        statuses |= run.statuses
        reasons += run.reasons
        for t in tests:
            t.kernel = (run.scores or {}).get(t.grade_id, 0.0) if t.notebook in parsed else None
        for nb_name, nb in parsed.items():
            failed = _recheck(
                task,
                nb_name,
                masters[nb_name],
                nb,
                work,
                name,
                run.warm_socket,
                tests,
                statuses,
                reasons,
            )
            if failed and nb_name in autograded_bytes:  # the feedback says what the kernel missed
                autograded_bytes[nb_name] = mark_hidden_failures(autograded_bytes[nb_name], failed)
    except Exception as error:  # noqa: BLE001 - the grader's own failure, never the batch's
        statuses.add("crashed")
        reasons.append(f"grader error: {type(error).__name__}: {error}"[:300])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return autograded_bytes


def _recheck(
    task, nb_name, master_release, nb, work, name, warm_socket, tests, statuses, reasons
) -> dict[str, str]:
    """Step 3 for one notebook: the trusted re-check in a fresh sandbox; a test's points count
    only when it confirms what the kernel gave. Returns {test grade_id: message} for the
    tests whose visible part passed in the kernel and whose hidden tests failed."""
    sub, limits = task.submission, task.limits
    master_nb, release_nb = master_release
    cells, notes = recheck.build_program(master_nb, release_nb, nb)
    rdir = work / f"recheck-{nb_name}"
    rdir.mkdir()
    for rel, data in sub.files.items():  # saved models for fit_or_load
        clean = safe_relpath(rel)
        if clean and not clean.endswith(".ipynb"):  # never on the import path (-I)
            (rdir / clean).parent.mkdir(parents=True, exist_ok=True)
            (rdir / clean).write_bytes(data)
    adir = work / f"answers-{nb_name}"  # the student's definitions run there, apart
    adir.mkdir()
    scratches, boxes = [], {}
    if task.isolate:  # each writes to a capped copy, as the kernel does (scratch.py)
        for role, folder in (("r", rdir), ("a", adir)):
            scratches.append(scratch.make_scratch(work, folder, limits))
            boxes[role] = Sandbox(
                folder, limits, name=f"{name}-{role}", warm=warm_socket, source=scratches[-1]
            )
    try:
        rc = recheck.run(
            cells,
            rdir,
            cell_timeout=limits.cell_timeout,
            total_timeout=limits.notebook_timeout,
            sandbox=boxes.get("r"),
            answers_sandbox=boxes.get("a"),
            answers_dir=adir,
        )
    finally:
        for box in boxes.values():
            box.close()
        for folder in scratches:
            scratch.remove_scratch(folder)
    by_id = {r.grade_id: r for r in rc.tests}
    if rc.memory and "memory" not in statuses:
        statuses.add("memory")
        reasons.append(f"re-check hit the memory limit ({limits.memory_mb} MB)")
    if rc.timed_out and "timeout" not in statuses:
        statuses.add("timeout")
        reasons.append("re-check ran out of time")
    hidden_failures = {}
    for t in tests:
        if t.notebook != nb_name:
            continue
        r = by_id.get(t.grade_id)
        confirmed = t.max_score if r is not None and r.passed else 0.0
        # a point counts only when the trusted re-check confirms what the kernel gave
        t.counted = min(confirmed, t.kernel or 0.0)
        t.error = "" if r is None or r.passed else r.error
        t.diagnosis = "" if r is None or r.passed else r.diagnosis
        # the kernel ran the visible part only: it must agree with the re-check's visible part
        if t.kernel and not (r is not None and r.visible_passed):
            statuses.add("tampered")
            reasons.append(
                f"{t.grade_id}: {t.kernel:g} points in the student's kernel, "
                f"its visible tests failed in the re-check ({t.error[:80]})"
            )
        elif t.kernel and not t.counted:
            hidden_failures[t.grade_id] = t.error
    if notes:
        reasons.append(notes[0])
    return hidden_failures
