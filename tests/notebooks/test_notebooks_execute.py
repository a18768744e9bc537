"""Does every solution notebook run top to bottom without error, as a student would run it?

Each notebook runs with nbclient in a temporary copy of its folder (its working directory), in
a fresh kernel that is not under autograde (tests/solution_runs.py: the same run serves the
autograde test and the wrong-answer harness). The wall time goes into the test report
(`record_property` and stdout); budgets are measured by benchmarks/notebooks.py, never asserted.
"""

import notebook_harness as harness
import pytest
from solution_runs import on_one_worker, solution_run

from autograder.course import notebooks as nbs

SOURCES = nbs.notebooks(nbs.course_root(), nbs.SOURCE_DIR)


@pytest.mark.slow
@pytest.mark.parametrize("path", on_one_worker(SOURCES), ids=lambda p: p.stem)
def test_solution_notebook_executes(path, tmp_path_factory, record_property):
    """Does the solution notebook execute top to bottom without an error?"""
    run = solution_run(path, tmp_path_factory)
    record_property("wall_seconds", round(run.seconds, 2))
    print(f"{path.stem}: {run.seconds:.1f} s")
    if run.error:
        pytest.fail(f"{path.name} failed:\n{run.error[-3000:]}")
    nb = run.notebook
    stderr = [
        i for i, cell in enumerate(nb.cells) if nbs.is_test(cell) and not harness.passes(cell)
    ]
    assert not stderr, f"{path.name}: test cells {stderr} write to stderr (nbgrader scores 0)"
