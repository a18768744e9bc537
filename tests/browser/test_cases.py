"""Are the browser test's cases derived from the assignments? (no browser, no server)"""

import nbformat
import pytest

import rnnlib.widgets
from autograder.course.notebooks import course_root

from .test_browser import CASES, README_WIDGET, WIDGET_SPECS, discover_cases


def test_every_assignment_is_a_case():
    """Is every solutions/NN_name/NN_name.ipynb a case, in order?"""
    root = course_root()
    expected = sorted(
        p.parent.name for p in (root / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name
    )
    assert [case.assignment for case in CASES] == expected


def test_cases_name_every_widget_a_notebook_displays():
    """Does each case list the rnnlib widgets its notebook calls, and do they all exist?"""
    by_id = {case.assignment: case for case in CASES}
    assert by_id["01_sequences"].widgets == ("motif_slider",)
    assert by_id["01_sequences"].tables >= 3  # results, seeds, lengths
    assert by_id["02_rnn_cell"].widgets == ("unit_memory_explorer",)
    for case in CASES:
        for name in case.widgets:
            assert callable(getattr(rnnlib.widgets, name, None)), (
                f"{case.solution} calls rl.widgets.{name}, which rnnlib.widgets does not export"
            )
    assert README_WIDGET in {name for case in CASES for name in case.widgets}
    assert set(WIDGET_SPECS) <= {name for case in CASES for name in case.widgets}


@pytest.mark.parametrize(
    "source",
    [
        "w = rl.widgets.new_demo(x, y)\ndisplay(w)",
        "rnnlib.widgets.new_demo (x)",
    ],
)
def test_a_new_notebook_is_picked_up_with_its_widget_and_tables(tmp_path, source):
    """Does a new assignment folder become a case without editing the test?"""
    folder = tmp_path / "solutions" / "07_new"
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("rl.widgets.not_code(1)"),
        nbformat.v4.new_code_cell(source),
        nbformat.v4.new_code_cell("rl.plot.accuracy_table({'a': 1.0})"),
    ]
    nbformat.write(nb, folder / "07_new.ipynb")
    (tmp_path / "solutions" / "notes").mkdir()  # not an assignment
    (cases,) = discover_cases(tmp_path)
    assert (cases.assignment, cases.widgets, cases.tables) == ("07_new", ("new_demo",), 1)
    assert cases.release == "course/07_new/07_new.ipynb"


def test_cases_know_which_notebooks_play_audio():
    """Does a notebook that displays IPython.display.Audio become a case that must show a
    player with a non-empty source (08's words, 09's chorale), and one without it not?"""
    by_id = {case.assignment: case for case in CASES}
    assert by_id["09_music"].audio
    assert by_id["08_speech"].audio
    assert not by_id["02_rnn_cell"].audio
