"""Does every notebook's solution pass its own tests, visible and hidden, in the two-process
re-check (the checker and the answers apart, every call across the wire of plain data)?

Run without a sandbox and without saved models, as a notebook submitted alone: a test that
grades a long training must fail naming the file it needs; every other test must pass. This is
what proves that arrays, generators, callbacks, Keras layers and models, views and in-place
changes cross the boundary with the meaning they have in one process, for every exercise.
"""

from __future__ import annotations

import re
import shutil

import pytest

from autograder.course import notebooks as nbs
from autograder.grading import recheck

ROOT = nbs.course_root()
SOURCES = nbs.notebooks(ROOT, nbs.SOURCE_DIR)
# a test of a long training, submitted without its saved model, names the file
NAMES_A_FILE = re.compile(r"[\w./*-]+\.(keras|npz|json|h5)\b")

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_solution_passes_across_the_boundary(source, tmp_path):
    """Does the solution score every point in the re-check, but for tests that need a saved
    model, which fail saying which file?"""
    master = nbs.read(source)
    release = nbs.read(ROOT / nbs.RELEASE_DIR / source.parent.name / source.name)
    cells, notes = recheck.build_program(master, release, master)
    for shipped in source.parent.glob("*.json"):  # files beside the notebook (benchmarks)
        shutil.copy(shipped, tmp_path)
    result = recheck.run(cells, tmp_path, cell_timeout=300, total_timeout=1200)
    assert result.completed, result.error
    assert not notes, notes
    failed = [t for t in result.tests if not t.passed]
    unexplained = [f"{t.grade_id}: {t.error}" for t in failed if not NAMES_A_FILE.search(t.error)]
    assert not unexplained, unexplained
    assert len(failed) < len(result.tests), "every test failed"
