"""Feedback on hidden tests, which the student's kernel never runs (writer.make_template).

The autograded notebook shows a test cell whose visible part passed in the student's kernel;
where the trusted re-check's hidden tests of that cell failed, the cell gets an error output
that says so, with the first line of the failure only (never a hidden test's source), so the
feedback page and the formgrader show the failure beside the score the gradebook holds.

    data = mark_hidden_failures(data, {"rnn_forward__values": "hidden tests: AssertionError: ..."})
"""

from __future__ import annotations

import nbformat

from autograder.course import notebooks as nbs

ENAME = "HiddenTestsFailed"


def mark_hidden_failures(data: bytes, failures: dict[str, str]) -> bytes:
    """The autograded notebook `data` with an error output on each test cell named in
    `failures` ({grade_id: the re-check's one-line message})."""
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    for cell in nb.cells:
        gid = nbs.grade_id(cell)
        if nbs.is_test(cell) and gid in failures:
            line = f"{gid}: {failures[gid]}"[:400]
            cell.setdefault("outputs", []).append(
                nbformat.v4.new_output("error", ename=ENAME, evalue=line, traceback=[line])
            )
    return nbs.dumps(nb)
