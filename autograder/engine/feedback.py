"""nbgrader preprocessors for the feedback students see (wired in by nbgrader_config.py)."""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


class HideTestTracebacks(NbGraderPreprocessor):
    """Reduce the traceback of a failed test cell to its last line: `AssertionError: message`.

    IPython's traceback quotes the source line that failed, and in a test cell that line may be
    in the hidden region that ClearHiddenTests removed from the cell's source. The message of
    the error (what rnnlib.testing.checks writes: expected, got, likely mistake) stays.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename, evalue = output.get("ename", "Error"), output.get("evalue", "")
                output["traceback"] = [f"{ename}: {evalue}" if evalue else ename]
        return cell, resources
