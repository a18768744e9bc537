"""nbgrader preprocessors that clean a submission before autograding (see nbgrader_config.py).

nbgrader 0.9's OverwriteCells, with `add_missing_cells = True` (the course needs it: a deleted
test cell must be put back and scored), fails on submissions that students really make:

- a test cell copied and pasted in JupyterLab: DeduplicateIds empties the copy's nbgrader
  metadata, and add_missing_cells then raises KeyError('grade_id'), so the whole submission is
  left ungraded;
- a cell whose grade_id was changed: OverwriteCells deletes the unknown id, same KeyError;
- a deleted answer cell together with its test cell: the test cell is put back "after the
  previous cell", which is missing too, KeyError;
- a cell whose `schema_version` was changed: CheckCellMetadata raises SchemaTooOldError, and
  nbgrader stops the whole batch, leaving every later student ungraded.

OverwriteCellsSafely does what OverwriteCells does, and then: a cell of the assignment gets its
`grade`, `solution` and `points` flags (a flipped `grade` flag otherwise fails the whole
submission on a checksum) and its schema_version back; nbgrader metadata that names no cell of
the assignment is removed (the cell stays, as an ordinary cell of the student's); a missing test
cell goes just before the next cell of the assignment that the submission still has (so the
cells before it, which it may use, run first), else after the nearest earlier one, else first.
"""

from __future__ import annotations

from nbgrader.preprocessors import OverwriteCells

SCHEMA_VERSION = 3


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


class OverwriteCellsSafely(OverwriteCells):
    """OverwriteCells that survives pasted, renamed, deleted and re-versioned cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        gid = _grade_id(cell)
        if gid is not None:
            self._restore_flags(cell, gid)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if "nbgrader" in cell.metadata:
            if _grade_id(cell) is None:  # emptied by DeduplicateIds, or an unknown id removed
                del cell.metadata["nbgrader"]
            else:  # a cell of the assignment (the unknown ones lost their grade_id above)
                cell.metadata.nbgrader["schema_version"] = SCHEMA_VERSION
        return cell, resources

    def _restore_flags(self, cell, gid: str) -> None:
        """Put back the `grade`, `solution` and `points` of a cell of the assignment as the
        gradebook has them: with `grade` flipped off, OverwriteCells restores the source but
        computes the checksum of a non-grade cell and fails the whole submission."""
        from nbgrader.api import MissingEntry

        ids = (gid, self.notebook_id, self.assignment_id)
        try:
            self.gradebook.find_source_cell(*ids)
        except MissingEntry:
            return  # an unknown id: OverwriteCells removes it
        from nbgrader.api import TaskCell

        meta = cell.metadata.nbgrader
        try:
            graded = self.gradebook.find_graded_cell(*ids)
            meta["points"] = float(graded.max_score)
            meta["grade"] = not isinstance(graded, TaskCell)
        except MissingEntry:
            meta["grade"] = False
            meta.pop("points", None)
        try:
            self.gradebook.find_solution_cell(*ids)
            meta["solution"] = True
        except MissingEntry:
            meta["solution"] = False

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = {cell.name: cell for cell in source_nb.source_cells}
        order = list(source_cells)  # the source notebook's order, as nbgrader assumes
        graded = {cell.name: cell for cell in source_nb.grade_cells}
        solutions = {cell.name for cell in source_nb.solution_cells}
        for k, name in enumerate(order):
            present = {_grade_id(c): i for i, c in enumerate(nb.cells) if _grade_id(c)}
            if name not in graded or name in present:
                continue
            self.log.warning(f"Missing grade cell {name} encountered, adding to notebook")
            cell = self.missing_cell_transform(
                source_cells[name], graded[name].max_score, is_solution=name in solutions
            )
            # just before the next cell of the assignment that the submission still has (the
            # cells in between, which a test may use, keep running first); else after the
            # previous one; else first
            after = next((n for n in order[k + 1 :] if n in present), None)
            before = next((n for n in reversed(order[:k]) if n in present), None)
            if after is not None:
                nb.cells.insert(present[after], cell)
            else:
                nb.cells.insert(present[before] + 1 if before else 0, cell)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = {cell.name: cell for cell in source_nb.source_cells}
        present = {_grade_id(c) for c in nb.cells}
        for task in source_nb.task_cells:
            if task.name not in present:
                nb.cells.append(
                    self.missing_cell_transform(
                        source_cells[task.name], task.max_score, is_task=True
                    )
                )
        return nb, resources
