"""The ``rnn-course`` command line.

rnn-course --version     the course package's version
rnn-course doctor        versions of the course's tools and whether a kernel starts
rnn-course check NB      your notebook against the full tests (visible and hidden), offline
rnn-course grade DIR --assignment ID   a batch of submissions, sandboxed, into grades.csv
                         (--assignment again, or --all: several assignments in one run)
                         (the course root is the current folder, or --root, as in nbgrader)
rnn-course report        what the class got wrong, from what the grader recorded (HTML + .md)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from autograder import __version__, doctor


def _check(args) -> int:
    from autograder.grading import check

    return check.main(args.notebook)


def _grading_root(given: Path | None) -> Path | None:
    """The course `rnn-course grade` and `report` work on, as nbgrader finds it: --root, else
    the current folder, else $RNN_COURSE_ROOT (a service that sets it, deploy/jupyterhub/);
    each only when it is a course root (None: none is). Never the folder the package is
    installed from."""
    import os

    from autograder.course import notebooks as nbs

    if given is not None:
        return given.resolve() if nbs.is_course_root(given) else None
    for candidate in (Path.cwd(), os.environ.get("RNN_COURSE_ROOT")):
        if candidate and nbs.is_course_root(Path(candidate)):
            return Path(candidate).resolve()
    return None


def _course_root_or_say_why(command: str, given: Path | None) -> Path | None:
    """_grading_root, or None after saying on stderr why there is none."""
    from autograder.course import notebooks as nbs

    root = _grading_root(given)
    if root is None:
        where = given or Path.cwd()
        print(
            f"rnn-course {command}: {where} is not a course root (it needs nbgrader_config.py"
            f" and {nbs.SOURCE_DIR}/); run it in the course folder, or pass --root DIR",
            file=sys.stderr,
        )
    return root


def _grade(args) -> int:
    from autograder.course import notebooks as nbs
    from autograder.grading import executors, grade, intake
    from autograder.sandbox.limits import Limits

    root = _course_root_or_say_why("grade", args.root)
    if root is None:
        return 2
    assignments = nbs.assignments(root) if args.all else list(dict.fromkeys(args.assignment))
    if not assignments:
        print("rnn-course grade: name an --assignment ID (repeatable), or --all", file=sys.stderr)
        return 2
    if len(assignments) > 1 and args.submissions.is_file():
        print(
            "rnn-course grade: an LMS zip holds one assignment: grade it with one --assignment",
            file=sys.stderr,
        )
        return 2
    pattern = args.lms_pattern or intake.LMS_PATTERN
    batches = {}
    for aid in assignments:
        names = [p.stem for p in nbs.notebooks(root, nbs.SOURCE_DIR, aid)]
        if not names:
            print(f"rnn-course grade: no assignment {aid!r} under {root / nbs.SOURCE_DIR}")
            return 2
        try:
            batches[aid] = intake.read_submissions(args.submissions, aid, names, pattern)
        except (intake.IntakeError, OSError) as error:
            print(f"rnn-course grade: submissions refused: {error}", file=sys.stderr)
            return 2
    defaults = Limits()
    limits = Limits(
        memory_mb=args.memory or defaults.memory_mb,
        disk_mb=args.disk or defaults.disk_mb,
        cell_timeout=args.timeout_cell or defaults.cell_timeout,
        notebook_timeout=args.timeout_notebook or defaults.notebook_timeout,
    )
    # the local pool, or a Dask cluster's executor (docs/large-class.md): one code path
    with executors.executor(args.workers, dask=args.dask) as pool:
        results = grade.grade_assignments(
            root,
            batches,
            workers=args.workers,
            limits=limits,
            force=args.force,
            out_csv=args.out,
            report=args.report,
            executor=pool,
            warm=not args.cold,
        )
    if args.feedback:
        from autograder.engine.nbgrader_run import run_nbgrader

        # nbgrader stops with an error for an assignment of which nothing was autograded
        recorded = {r.assignment for r in results if r.status not in ("missing", "refused")}
        for aid in assignments:
            if aid in recorded:
                run_nbgrader(root, "generate_feedback", aid, "--force")
            else:
                print(f"no feedback for {aid}: nothing of it was graded")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    print(f"{len(results)} rows in {args.out}; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"findings to review: {args.report}")
    return 0


def _report(args) -> int:
    from autograder.grading import class_report, class_stats

    root = _course_root_or_say_why("report", args.root)
    if root is None:
        return 2
    stats = class_stats.collect(root, args.assignment or None)
    summary = class_report.write_report(stats, args.out)
    graded = sum(a.graded for a in stats)
    print(f"{len(stats)} assignments, {graded} graded submissions: {args.out} and {summary}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-course",
        description="Tools for the RNN course: check your set-up and your exercises; grade.",
    )
    parser.add_argument("--version", action="version", version=f"rnn-course {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    doctor_cmd = commands.add_parser(
        "doctor", help="print the versions of the course's tools and check that a kernel starts"
    )
    doctor_cmd.add_argument(
        "--no-kernel", action="store_true", help="skip starting a Jupyter kernel (faster)"
    )
    doctor_cmd.set_defaults(run=lambda args: doctor.main(start_kernel=not args.no_kernel))

    check_cmd = commands.add_parser(
        "check", help="run your notebook against all its tests (visible and hidden), offline"
    )
    check_cmd.add_argument(
        "notebook", help="your notebook, e.g. course/02_rnn_cell/02_rnn_cell.ipynb"
    )
    check_cmd.set_defaults(run=_check)

    grade_cmd = commands.add_parser(
        "grade", help="grade a folder (nbgrader layout) or LMS zip of submissions, sandboxed"
    )
    grade_cmd.add_argument("submissions", type=Path, help="folder <student>/<assignment>/ or zip")
    which = grade_cmd.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--assignment",
        action="append",
        default=[],
        help="assignment id, e.g. 02_rnn_cell (repeatable: graded in one run)",
    )
    which.add_argument("--all", action="store_true", help="every assignment of the course")
    grade_cmd.add_argument(
        "--root",
        type=Path,
        default=None,
        help="the course root (nbgrader_config.py, solutions/); default: the current folder",
    )
    grade_cmd.add_argument("--workers", type=int, default=2, help="parallel submissions")
    grade_cmd.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)",
    )
    grade_cmd.add_argument("--timeout-cell", type=int, help="seconds per cell (300)")
    grade_cmd.add_argument("--timeout-notebook", type=int, help="seconds per notebook (1800)")
    grade_cmd.add_argument("--memory", type=int, help="MB per submission (3072)")
    grade_cmd.add_argument(
        "--disk", type=int, help="MB of the writable folder per submission (512)"
    )
    grade_cmd.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV")
    grade_cmd.add_argument(
        "--report", type=Path, default=Path("grading-report.md"), help="the tamper report"
    )
    grade_cmd.add_argument(
        "--feedback", action="store_true", help="then run nbgrader generate_feedback"
    )
    grade_cmd.add_argument("--force", action="store_true", help="re-grade what is graded")
    grade_cmd.add_argument(
        "--cold",
        action="store_true",
        help="start every kernel and re-check in a fresh interpreter under bubblewrap instead of"
        " forking it from a process that imported TensorFlow once per worker (slower)",
    )
    grade_cmd.add_argument(
        "--lms-pattern", default=None, help="regex with a 'student' group for LMS zip file names"
    )
    grade_cmd.set_defaults(run=_grade)

    report_cmd = commands.add_parser(
        "report", help="what the class got wrong: one HTML page and a Markdown summary"
    )
    report_cmd.add_argument(
        "--assignment",
        action="append",
        default=[],
        help="an assignment id (repeatable); default: every graded one",
    )
    report_cmd.add_argument(
        "--root", type=Path, default=None, help="the course root; default: the current folder"
    )
    report_cmd.add_argument(
        "--out", type=Path, default=Path("class-report.html"), help="the HTML page"
    )
    report_cmd.set_defaults(run=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
