"""The gradebook writer's time per submission: SQLite against PostgreSQL.

    python benchmarks/gradebook.py [--students 40] [--assignment 02_rnn_cell]

`rnn-course grade` records each result with one writer (autograder.grading.writer.record: remove the
old submission, add the new one with its counted scores, commit; then autograded/). This
times that call for `--students` synthetic full-marks results of one assignment, into
nbgrader's SQLite file and into a private PostgreSQL server started for the run (Debian's
package, as the tests start it: benchmarks/pg_server.py), then a re-grade of the same
students (the remove-then-add path). No kernel runs. Prints a markdown table and writes
benchmarks/results/gradebook.json with the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import machine

from autograder.course import notebooks as nbs
from autograder.engine import gradebook
from autograder.engine import nbgrader_run as ng
from autograder.grading import writer
from autograder.grading.intake import Submission
from autograder.grading.task import GradeResult

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "gradebook.json"


def results(aid: str, n: int) -> list[tuple[GradeResult, Submission]]:
    """n full-marks results of `aid`, as grade_submission returns them (no notebooks)."""
    tests = []
    for path in nbs.notebooks(REPO, nbs.SOURCE_DIR, aid):
        for cell in nbs.read(path).cells:
            if nbs.is_test(cell):
                pts = float(nbs.nbgrader_meta(cell).get("points", 0) or 0)
                tests.append(
                    {"grade_id": nbs.grade_id(cell), "notebook": path.stem, "max_score": pts,
                     "kernel": pts, "counted": pts, "error": ""}
                )  # fmt: skip
    top = sum(t["max_score"] for t in tests)
    out = []
    for k in range(n):
        student = f"s{k:03d}"
        result = GradeResult(student=student, assignment=aid, status="ok", reason="",
                             score=top, max_score=top, kernel_score=top, manual_pending=0.0,
                             tests=tests)  # fmt: skip
        out.append((result, Submission(student, aid, {})))
    return out


def time_writes(root: Path, db_url: str, rows) -> dict:
    """Seconds per record() call: first grading, then a re-grade of the same students."""
    out = {}
    for phase in ("first", "regrade"):
        times = []
        for result, sub in rows:
            start = time.perf_counter()
            writer.record(root, result, sub, db_url)
            times.append(time.perf_counter() - start)
        out[phase] = {"median_s": round(statistics.median(times), 4),
                      "total_s": round(sum(times), 2)}  # fmt: skip
    return out


def _tests_pg_server():
    """The tests' private PostgreSQL server (tests/pg_server.py), loaded from its file: the
    benchmark starts the server exactly as the tests do, and neither folder is a package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pg_server", REPO / "tests" / "pg_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignment", default="02_rnn_cell")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pg_server = _tests_pg_server()

    aid = args.assignment
    rows = results(aid, args.students)
    report: dict = {
        "benchmark": "gradebook writer (autograder.batch.record) per submission",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "assignment": aid,
        "students": args.students,
        "backends": {},
    }
    with tempfile.TemporaryDirectory(prefix="rnn-bench-gradebook-") as tmp:
        tmp = Path(tmp)
        root = ng.make_course_copy(tmp / "sqlite", REPO, [aid])
        writer.ensure_assignment(root, aid)
        report["backends"]["sqlite"] = time_writes(root, gradebook.db_url(root), rows)
        reason = pg_server.skip_reason()
        if reason:
            report["backends"]["postgresql"] = {"skipped": reason}
        else:
            with pg_server.private_server() as pg:
                url = pg.create_database("gradebook", owner="grader")
                root = ng.make_course_copy(tmp / "postgresql", REPO, [aid])
                with open(root / ng.CONFIG_FILE, "a") as fh:
                    fh.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
                writer.ensure_assignment(root, aid)
                report["backends"]["postgresql"] = time_writes(root, url, rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    m = report["machine"]
    print(f"Gradebook writes, {args.students} x `{aid}`; {m['cpu']}, {m['logical_cores']} cores, "
          f"load {m['load_average_1min']}")  # fmt: skip
    print()
    print("| gradebook | first grading, per submission | re-grade, per submission |")
    print("|---|---|---|")
    for name, r in report["backends"].items():
        if "skipped" in r:
            print(f"| {name} | skipped: {r['skipped']} | |")
        else:
            print(f"| {name} | {r['first']['median_s'] * 1000:.0f} ms | "
                  f"{r['regrade']['median_s'] * 1000:.0f} ms |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
