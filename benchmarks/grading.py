"""Batch grading: plain sequential `nbgrader autograde` against `rnn-course grade`, same batch.

    python benchmarks/grading.py [--students 20] [--workers 1 2] [--assignment 02_rnn_cell]
                                 [--parts nbgrader grade dask overhead full]

The batch: `--students` submissions of one notebook (alternately the solution and the
untouched release), graded
    nbgrader     by one plain `nbgrader autograde <id>` (sequential, no sandbox, no re-check)
    grade -wN    by `rnn-course grade --workers N` (sandbox + trusted re-check per submission)
    grade dask   the same batch on a two-worker Dask LocalCluster (`--dask`)
and one full-course submission (every assignment, one student: the solutions with the models
the student's own run of each notebook saved) graded by `rnn-course grade`, with the status
and score of each assignment.
The sandbox's overhead per submission is the same submission graded without isolation, in
cold sandboxes (a fresh interpreter under bubblewrap for the kernel and for the re-check, as
`--cold`) and in warm ones (forked from a zygote that imported TensorFlow, the default).
Targets (COURSE.md §6): a full-course submission <= 90 s; throughput >= 1.8x the sequential
nbgrader run on 2 cores, scaling with --workers. Prints a markdown table and writes
benchmarks/results/grading.json with the machine and its load (`--parts` runs some parts only
and keeps the others' results from the file).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import machine

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.engine import kernel as ex
from autograder.engine import nbgrader_run as ng
from autograder.grading import grade
from autograder.grading.intake import Submission, write
from autograder.grading.submission import grade_submission
from autograder.grading.task import GradeTask
from autograder.grading.writer import make_template
from autograder.sandbox.bwrap import available
from autograder.sandbox.limits import Limits
from autograder.sandbox.warm import warm_server

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "grading.json"


def submissions(aid: str, n: int) -> dict[str, Submission]:
    """n students: the solution and the untouched release, alternately."""
    out = {}
    for path in nbs.notebooks(REPO, nbs.SOURCE_DIR, aid):
        release = nbs.read(REPO / nbs.RELEASE_DIR / aid / path.name)
        solved = fill_answers(release, nbs.read(path))
        for k in range(n):
            nb = solved if k % 2 == 0 else release
            student = f"s{k:03d}"
            files = dict(out[student].files) if student in out else {}
            files[path.name] = nbs.dumps(nb)
            out[student] = Submission(student, aid, files)
    return out


def student_run_files(aid: str, workdir: Path) -> dict[str, bytes]:
    """The files a student's own run of the solution saves (models for fit_or_load)."""
    files: dict[str, bytes] = {}
    for path in nbs.notebooks(REPO, nbs.SOURCE_DIR, aid):
        if "fit_or_load" not in path.read_text(encoding="utf-8"):
            continue
        local = ex.copy_assignment(path, workdir)
        before = ex.files_under(workdir)
        ex.run_notebook(local, allow_errors=True)
        files.update(ex.saved_files(workdir, before))
    return files


def course_root(tmp: Path, name: str) -> Path:
    root = ng.make_course_copy(tmp / name, REPO)
    for aid in nbs.assignments(REPO):
        dest = root / nbs.RELEASE_DIR / aid
        dest.mkdir(parents=True, exist_ok=True)
        for p in (REPO / nbs.RELEASE_DIR / aid).glob("*.ipynb"):
            (dest / p.name).write_bytes(p.read_bytes())
    return root


PARTS = ("nbgrader", "grade", "dask", "overhead", "full")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--assignment", default="02_rnn_cell")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    ex.quiet_environment()
    aid = args.assignment
    subs = submissions(aid, args.students)
    report: dict = json.loads(args.out.read_text()) if args.out.exists() else {}
    batch_parts = {"nbgrader", "grade", "dask", "overhead"}
    same_batch = (report.get("assignment"), report.get("students")) == (aid, args.students)
    if batch_parts & set(args.parts) and not same_batch:
        # times of another batch would be read per submission of this one: drop them
        for key in ("nbgrader_s", "grade_s", "dask_s", "one_submission_s"):
            report.pop(key, None)
        report["assignment"], report["students"] = aid, args.students
    report.setdefault("assignment", aid)
    report.setdefault("students", args.students)
    report.update({
        "benchmark": "batch grading: plain nbgrader autograde vs rnn-course grade",
        "machine": machine(),
        "sandbox": available()[0],
    })  # fmt: skip
    report.setdefault("dates", {})
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="rnn-bench-grade-") as tmp:
        tmp = Path(tmp)
        if "nbgrader" in args.parts:  # plain nbgrader, sequential
            root = course_root(tmp, "plain")
            ng.run_nbgrader(root, "generate_assignment", aid, "--force")
            for sub in subs.values():
                write(root / "submitted", sub)
            start = time.perf_counter()
            ng.run_nbgrader(root, "autograde", aid, check=False)
            report["nbgrader_s"] = round(time.perf_counter() - start, 1)
            print(f"plain nbgrader: {report['nbgrader_s']} s", file=sys.stderr)
        if "grade" in args.parts:  # rnn-course grade, per worker count
            report["grade_s"] = {}
            for w in args.workers:
                root = course_root(tmp, f"grade-w{w}")
                start = time.perf_counter()
                grade.grade_batch(root, aid, subs, workers=w, progress=False)
                report["grade_s"][str(w)] = round(time.perf_counter() - start, 1)
                print(f"rnn-course grade -w{w}: {report['grade_s'][str(w)]} s", file=sys.stderr)
        if "dask" in args.parts:
            # the same batch on a two-worker Dask LocalCluster on loopback (docs/large-class.md)
            from distributed import Client, LocalCluster

            from autograder.grading import executors

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster, \
                    Client(cluster, set_as_default=False) as client:  # fmt: skip
                root = course_root(tmp, "grade-dask")
                start = time.perf_counter()
                with executors.dask_executor(client=client) as pool:
                    grade.grade_batch(root, aid, subs, executor=pool, progress=False)
                report["dask_s"] = round(time.perf_counter() - start, 1)
            print(f"rnn-course grade --dask (2 workers): {report['dask_s']} s", file=sys.stderr)
        if "overhead" in args.parts:  # the sandbox's overhead: one submission, with and without
            root = course_root(tmp, "overhead")
            template = make_template(root, aid, tmp / "template")
            one = next(iter(subs.values()))
            warm_server()  # the zygote's one-off start is not a submission's cost
            times = {}
            for kind, isolate, warm in (("not_isolated", False, False), ("cold", True, False),
                                        ("warm", True, True)):  # fmt: skip
                start = time.perf_counter()
                task = GradeTask(one, aid, str(template), Limits(), isolate, warm)
                grade_submission(task)
                times[kind] = round(time.perf_counter() - start, 1)
            report["one_submission_s"] = times
        if "full" in args.parts:  # one full-course submission, with the student's saved models
            root = course_root(tmp, "full")
            report["full_course"] = {}
            for a in nbs.assignments(REPO):
                files = dict(submissions(a, 1)["s000"].files)
                files.update(student_run_files(a, tmp / "student-runs" / a))
                start = time.perf_counter()
                (result,) = grade.grade_batch(
                    root, a, {"full": Submission("full", a, files)}, workers=1, progress=False
                )
                report["full_course"][a] = {
                    "seconds": round(time.perf_counter() - start, 1), "status": result.status,
                    "score": result.score, "max_score": result.max_score,
                }  # fmt: skip
                print(f"full course, {a}: {report['full_course'][a]}", file=sys.stderr)
            report["full_course_s"] = round(
                sum(r["seconds"] for r in report["full_course"].values()), 1
            )
    for part in args.parts:
        report["dates"][part] = now
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    m, n = report["machine"], report["students"]
    print(f"Batch grading, {n} x `{report['assignment']}`; {m['cpu']}, "
          f"{m['logical_cores']} cores, load {m['load_average_1min']}")  # fmt: skip
    print()
    print("| grader | wall | per submission | speed-up over nbgrader |")
    print("|---|---|---|---|")
    base = report.get("nbgrader_s")
    if base:
        plain = "plain `nbgrader autograde` (sequential)"
        print(f"| {plain} | {base:.0f} s | {base / n:.1f} s | 1.00x |")
    for w, s in report.get("grade_s", {}).items():
        ratio = f"{base / s:.2f}x" if base else "n/a"
        print(f"| `rnn-course grade --workers {w}` | {s:.0f} s | {s / n:.1f} s | {ratio} |")
    if "dask_s" in report:
        d, local = report["dask_s"], report.get("grade_s", {}).get("2")
        extra = f"{(d - local) / n:+.1f} s" if local else "n/a"
        ratio = f"{base / d:.2f}x" if base else "n/a"
        print(f"| `rnn-course grade --dask` (LocalCluster, 2 workers) | {d:.0f} s | "
              f"{d / n:.1f} s ({extra} against 2 local workers) | {ratio} |")  # fmt: skip
    if "one_submission_s" in report:
        o = report["one_submission_s"]
        print(f"\nOne submission: {o['warm']} s in warm sandboxes, {o['cold']} s in cold ones, "
              f"{o['not_isolated']} s without a sandbox.")  # fmt: skip
    if "full_course" in report:
        print(f"\nOne full-course submission: {report['full_course_s']} s (target 90 s)")
        for a, r in report["full_course"].items():
            print(f"  {a}: {r['seconds']} s, {r['status']}, {r['score']:g}/{r['max_score']:g}")


if __name__ == "__main__":
    sys.exit(main())
