"""Wall time of every notebook: as a student runs it, and under `nbgrader autograde`.

    python benchmarks/notebooks.py [--repeat 3] [ASSIGNMENT ...]

For each solution notebook, medians over `--repeat` runs of
    execute      the solution notebook top to bottom (nbclient, fresh kernel, as a student)
    autograde    `nbgrader autograde <id>` of the solution submission (one student)
    release      `nbgrader autograde <id>` of the untouched release notebook
and, as the floor every kernel pays, the start of a kernel that runs `import rnnlib`.
Targets (COURSE.md §6): each solution notebook <= 120 s, the whole course <= 12 min; autograde
dominated by kernel start, not training. Prints a markdown table and writes
benchmarks/results/notebooks.json with the machine it ran on.
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
from autograder.course.answers import fill_answers
from autograder.engine import kernel as ex
from autograder.engine import nbgrader_run as ng
from autograder.grading import intake as submissions

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "notebooks.json"
BUDGET_S = 120


def execute(path: Path, workdir: Path) -> float:
    """Seconds to run the notebook top to bottom in a fresh kernel, cwd = a copy of its folder."""
    local = ex.copy_assignment(path, workdir)
    start = time.perf_counter()
    ex.run_notebook(local)
    return time.perf_counter() - start


def kernel_start(workdir: Path, code: str = "import rnnlib as rl") -> float:
    """Seconds to start a kernel and run `code` in it (the floor every notebook run pays)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    start = time.perf_counter()
    ex.run_notebook(nb, workdir)
    return time.perf_counter() - start


def median(xs: list[float]) -> float:
    return round(statistics.median(xs), 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    ex.quiet_environment()
    ids = args.assignments or nbs.assignments(REPO)
    sources = [p for aid in ids for p in nbs.notebooks(REPO, nbs.SOURCE_DIR, aid)]
    times: dict[str, dict[str, list[float]]] = {
        p.stem: {"execute": [], "autograde": [], "release": []} for p in sources
    }
    floor: list[float] = []
    floor_keras: list[float] = []

    with tempfile.TemporaryDirectory(prefix="rnn-bench-") as tmp:
        tmp = Path(tmp)
        root = ng.make_course_copy(tmp / "course-root", REPO, ids)
        ng.run_nbgrader(root, "generate_assignment", "*", "--force")
        for k in range(args.repeat):
            floor.append(kernel_start(tmp))
            floor_keras.append(kernel_start(tmp, "import rnnlib as rl\nimport keras"))
            for path in sources:
                aid, name = path.parent.name, path.stem
                workdir = tmp / f"run-{k}" / aid
                times[name]["execute"].append(execute(path, workdir))
                print(f"[{k + 1}/{args.repeat}] {name}: executed", file=sys.stderr)
                # the student's run left its saved models (fit_or_load) next to the notebook
                shipped = {workdir / f for f in nbs.assignment_files(path.parent)}
                artifacts = ex.saved_files(workdir, shipped)
                release_nb = nbs.read(root / nbs.RELEASE_DIR / aid / path.name)
                solved = fill_answers(release_nb, nbs.read(path))
                for kind, nb, files in (
                    ("autograde", solved, artifacts),
                    ("release", release_nb, {}),
                ):
                    student = f"{kind}-{k}"
                    data = {f"{name}.ipynb": nbs.dumps(nb), **files}
                    submissions.write(
                        root / "submitted", submissions.Submission(student, aid, data)
                    )
                    start = time.perf_counter()
                    ng.run_nbgrader(root, "autograde", aid, f"--student={student}")
                    times[name][kind].append(time.perf_counter() - start)
                    print(f"[{k + 1}/{args.repeat}] {name}: autograded {kind}", file=sys.stderr)

    rows = {
        name: {
            kind: {"median_s": median(xs), "runs_s": [round(x, 2) for x in xs]}
            for kind, xs in kinds.items()
        }
        for name, kinds in times.items()
    }
    report = {
        "benchmark": "notebook wall time: solution run (nbclient) and nbgrader autograde",
        "repeat": args.repeat,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "kernel_start_import_rnnlib": {
            "median_s": median(floor),
            "runs_s": [round(x, 2) for x in floor],
        },
        "kernel_start_import_keras": {
            "median_s": median(floor_keras),
            "runs_s": [round(x, 2) for x in floor_keras],
        },
        "notebooks": rows,
        "target": f"each solution notebook <= {BUDGET_S} s; whole course <= 12 min",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")

    m = report["machine"]
    print(
        f"Notebooks, median of {args.repeat} runs; {m['cpu']}, {m['logical_cores']} cores, "
        f"load {m['load_average_1min']}"
    )
    print()
    print(
        "| notebook | run as student | budget | autograde (solution) "
        "| autograde (untouched release) |"
    )
    print("|---|---|---|---|---|")
    for name, kinds in rows.items():
        run = kinds["execute"]["median_s"]
        ok = "ok" if run <= BUDGET_S else "OVER"
        print(
            f"| `{name}` | {run:.1f} s | {BUDGET_S} s ({ok}) | "
            f"{kinds['autograde']['median_s']:.1f} s | {kinds['release']['median_s']:.1f} s |"
        )
    total = sum(k["execute"]["median_s"] for k in rows.values())
    total_ag = sum(k["autograde"]["median_s"] for k in rows.values())
    print(f"| **course** | {total:.1f} s | 720 s | {total_ag:.1f} s | |")
    print()
    print(
        f"Kernel start + `import rnnlib`: {median(floor):.1f} s; + `import keras`: "
        f"{median(floor_keras):.1f} s (the floor of every run that uses Keras). Autograde adds "
        "nbgrader's own start and its two passes over the notebook."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
