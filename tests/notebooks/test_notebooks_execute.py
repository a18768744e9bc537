"""Does every solution notebook run top to bottom without error, as a student would run it?

Each notebook runs with nbclient in a temporary copy of its folder (its working directory), in
a fresh kernel that is not under autograde. The wall time goes into the test report
(`record_property` and stdout); budgets are measured by benchmarks/notebooks.py, never asserted.
"""

import time

import notebook_harness as harness
import pytest
from nbclient.exceptions import CellExecutionError

from autograder import execute as ex
from autograder import notebooks as nbs

SOURCES = nbs.notebooks(nbs.course_root(), nbs.SOURCE_DIR)


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_solution_notebook_executes(path, tmp_path, record_property):
    """Does the solution notebook execute top to bottom without an error?"""
    local = ex.copy_assignment(path, tmp_path / path.parent.name)
    nb = nbs.read(local)
    start = time.perf_counter()
    try:
        ex.run_notebook(nb, local.parent)
    except CellExecutionError as err:
        pytest.fail(f"{path.name} failed:\n{str(err)[-3000:]}")
    finally:
        seconds = time.perf_counter() - start
        record_property("wall_seconds", round(seconds, 2))
        print(f"{path.stem}: {seconds:.1f} s")
    stderr = [
        i for i, cell in enumerate(nb.cells) if nbs.is_test(cell) and not harness.passes(cell)
    ]
    assert not stderr, f"{path.name}: test cells {stderr} write to stderr (nbgrader scores 0)"
