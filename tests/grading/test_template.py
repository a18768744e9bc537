"""Does the template course root keep hidden tests away from the student's kernel
(grading/writer.make_template)?"""

from __future__ import annotations

from autograder.course import notebooks as nbs
from autograder.grading import writer

ROOT = nbs.course_root()
AID = "02_rnn_cell"


def test_nbgrader_gets_test_cells_without_hidden_tests_and_the_masters_keep_them(tmp_path):
    """Does the template's gradebook (whose source of each test cell nbgrader autograde runs in
    the student's kernel) hold no hidden test, while its masters/ keep every hidden test for
    the re-check, and is the template's release the course's?"""
    from nbgrader.api import Gradebook

    template = writer.make_template(ROOT, AID, tmp_path / "template")
    (master_path,) = writer.master_notebooks(template, AID)
    master = nbs.read(master_path)
    assert master == nbs.read(ROOT / nbs.SOURCE_DIR / AID / master_path.name)
    tests = [c for c in master.cells if nbs.is_test(c)]
    assert any(nbs.BEGIN_HIDDEN in c.source for c in tests)
    with Gradebook(f"sqlite:///{template / 'gradebook.db'}", "rnn-course") as gb:
        for cell in tests:
            stored = gb.find_source_cell(nbs.grade_id(cell), master_path.stem, AID).source
            visible, hidden = nbs.split_hidden_tests(cell.source)
            assert stored.strip() == visible.strip(), nbs.grade_id(cell)
            assert nbs.BEGIN_HIDDEN not in stored and (not hidden or hidden.strip() not in stored)
    for nb_path in nbs.notebooks(template, nbs.SOURCE_DIR, AID):
        assert nbs.BEGIN_HIDDEN not in nb_path.read_text()
    release = template / nbs.RELEASE_DIR / AID / master_path.name
    original = ROOT / nbs.RELEASE_DIR / AID / master_path.name
    release_tests = [c.source for c in nbs.read(release).cells if nbs.is_test(c)]
    assert release_tests == [c.source for c in nbs.read(original).cells if nbs.is_test(c)]
