"""Writes the benchmark results that notebooks ship beside themselves.

A notebook that prints a longer measurement than it can run in its budget (notebook 01's motif
over seeds, 04's 4,000-step character model, 05's adding problem, 06's gated cells) reads a copy
of that benchmark's results from its own folder: a student's `course/` has no `benchmarks/`.
The benchmarks write only `benchmarks/results/`; this script makes the copies, and
tests/project/test_build_data.py checks that every shipped copy equals what it would write.

    .venv/bin/python benchmarks/motif_seeds.py          # measure (minutes)
    .venv/bin/python tools/build_data/benchmark_copies.py
    make release                                        # the copies reach course/
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# shipped copy -> the benchmark result it copies (both relative to the repository)
COPIES = {
    "solutions/01_sequences/motif_seeds.json": "benchmarks/results/motif_seeds.json",
    "solutions/03_topologies/sunspots.json": "benchmarks/results/sunspots.json",
    "solutions/04_bptt/char_model_4000.json": "benchmarks/results/char_model_4000.json",
    "solutions/05_gradients/adding_problem.json": "benchmarks/results/adding_problem.json",
    "solutions/06_gates/gated_adding.json": "benchmarks/results/gated_adding.json",
}


def build(root: Path = REPO) -> dict[str, bytes]:
    """{shipped path: the bytes it should hold}, read from the benchmark results."""
    out = {}
    for shipped, result in COPIES.items():
        path = root / result
        if not path.is_file():
            raise FileNotFoundError(f"{result} is missing: run its benchmark first")
        out[shipped] = path.read_bytes()
    return out


def main() -> int:
    for shipped, data in build().items():
        target = REPO / shipped
        if target.is_file() and target.read_bytes() == data:
            print(f"unchanged {shipped}")
            continue
        target.write_bytes(data)
        print(f"wrote     {shipped} (run `make release` to update course/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
