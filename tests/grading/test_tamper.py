"""Does the static tamper report list what a person should review (grading/tamper.py)?"""

from __future__ import annotations

import json

import nbformat
from grading_helpers import one_exercise_release

from autograder.grading import tamper


def test_tamper_report_lists_edited_deleted_and_flipped_cells_for_review():
    """Are an edited test, a flipped `grade` flag and a duplicated cell listed for review,
    without making the submission `tampered`?"""
    release = one_exercise_release()
    sub = nbformat.from_dict(json.loads(json.dumps(release)))
    sub.cells[1].source = "assert True"
    sub.cells[1].metadata.nbgrader["grade"] = False
    sub.cells.append(nbformat.from_dict(json.loads(json.dumps(sub.cells[0]))))
    found = tamper.compare_cells(release, sub, "nb")
    text = "\n".join(found.review)
    assert "f__values: test cell edited" in text
    assert "metadata changed (grade)" in text
    assert "nb: f: 2 copies" in text
    assert not found.serious
    deleted = nbformat.v4.new_notebook(cells=[release.cells[0]])
    assert "f__values: test cell deleted" in "\n".join(
        tamper.compare_cells(release, deleted, "nb").review
    )


def test_tamper_report_flags_kernel_hooks_and_shipped_packages():
    """Are an input transformer in an answer and a shipped `rnnlib/` serious findings?"""
    release = one_exercise_release()
    sub = nbformat.from_dict(json.loads(json.dumps(release)))
    sub.cells[0].source = "get_ipython().input_transformers_post.append(print)"
    assert tamper.compare_cells(release, sub, "nb").serious
    shipped = tamper.shipped_code(["rnnlib/__init__.py", "helper.py", "sitecustomize.py"])
    assert any("'rnnlib'" in f for f in shipped.serious)
    assert any("'sitecustomize'" in f for f in shipped.serious)
    assert any("'helper'" in f for f in shipped.review)
