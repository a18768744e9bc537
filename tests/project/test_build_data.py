"""Does every data file a notebook ships equal what its build script in tools/build_data/ writes?

Scripts there are run by hand (they measure or parse for minutes); this test reruns the cheap
part, the copy, so that a shipped file is never edited by hand or left behind a new run.
"""

import importlib.util

from autograder.course.notebooks import course_root

ROOT = course_root()


def _tool(name: str):
    path = ROOT / "tools" / "build_data" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"build_data_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_benchmark_results_equal_the_benchmarks():
    """Is each notebook's copy of a benchmark result byte for byte the result in
    benchmarks/results/ (rebuild with tools/build_data/benchmark_copies.py)?"""
    stale = [
        shipped
        for shipped, data in _tool("benchmark_copies").build(ROOT).items()
        if (ROOT / shipped).read_bytes() != data
    ]
    assert not stale, f"run tools/build_data/benchmark_copies.py, then make release: {stale}"
