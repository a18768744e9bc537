"""What a submission changed that a person should review: the static part of the tamper report.

Compares a submitted notebook with the release it came from (cells and metadata), and lists
files that could shadow installed packages and code that reaches into the kernel or the
grader. Each finding is one line; `serious` ones make the status `tampered` (a kernel hook,
a shipped package), the others (a deleted or edited test cell, which nbgrader restores from
the gradebook) are listed for review only.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from autograder.course import notebooks as nbs

# Code that changes how the kernel runs later cells, or how checks behave, or that goes
# looking for the grader's files. Students solving the exercises have no use for any of it.
HOOK_PATTERNS = {
    "IPython input transformer": r"input_transformers|input_splitter|prefilter_manager",
    "IPython AST transformer": r"ast_transformers",
    "IPython event or magic hook": r"events\.register|register_magic|run_cell\s*=|set_custom_exc",
    "builtins patched": r"\bbuiltins\b|__builtins__",
    "sys.modules edited": r"sys\.modules",
    "trace or profile hook": r"settrace|setprofile|sys\.meta_path|sys\.path_hooks",
    "test helper patched": r"(np|numpy)\.testing\.\w+\s*=|(rl|rnnlib)(\.\w+)+\s*=(?!=)",
    "function code swapped": r"__code__\s*=(?!=)",
    "grader files read": r"gradebook|solutions/|\.\./\.\.|nbgrader_config|glob\(\s*['\"]/",
}
# Unusual, but not aimed at the grade: listed for review only.
REVIEW_PATTERNS = {
    "process control": r"os\._exit|os\.kill|signal\.signal|os\.fork|subprocess|ctypes",
}
_HOOKS = {label: re.compile(pattern) for label, pattern in HOOK_PATTERNS.items()}
_REVIEW = {label: re.compile(pattern) for label, pattern in REVIEW_PATTERNS.items()}


@dataclass
class Findings:
    review: list[str] = field(default_factory=list)  # for a person to look at
    serious: list[str] = field(default_factory=list)  # these make the status `tampered`

    def all(self) -> list[str]:
        return self.serious + self.review


def _meta(cell) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def compare_cells(release_nb, submission_nb, notebook: str) -> Findings:
    """Deleted, edited, duplicated or retyped test cells; changed nbgrader metadata; code
    cells of the student's that hook the kernel."""
    found = Findings()
    release = {nbs.grade_id(c): c for c in release_nb.cells if nbs.grade_id(c)}
    release_sources = {c.source for c in release_nb.cells}
    seen: dict[str, int] = {}
    for cell in submission_nb.cells:
        gid = nbs.grade_id(cell)
        if gid:
            seen[gid] = seen.get(gid, 0) + 1
        original = release.get(gid) if gid else None
        where = f"{notebook}: {gid or 'a cell of its own'}"
        if original is not None:
            if cell.get("cell_type") != original.cell_type:
                found.review.append(f"{where}: retyped {original.cell_type} -> {cell.cell_type}")
            meta, want = _meta(cell), _meta(original)
            changed = sorted(k for k in set(meta) | set(want) if meta.get(k) != want.get(k))
            if changed:
                found.review.append(f"{where}: nbgrader metadata changed ({', '.join(changed)})")
            if nbs.is_test(original) and cell.get("source", "") != original.source:
                found.review.append(f"{where}: test cell edited")
        own_code = cell.get("cell_type") == "code" and cell.get("source") not in release_sources
        if own_code and not (original is not None and nbs.is_test(original)):
            for label, pattern in _HOOKS.items():
                if pattern.search(cell.get("source", "")):
                    found.serious.append(f"{where}: {label}")
            for label, pattern in _REVIEW.items():
                if pattern.search(cell.get("source", "")):
                    found.review.append(f"{where}: {label}")
    for gid, count in seen.items():
        if count > 1:
            found.review.append(f"{notebook}: {gid}: {count} copies of the cell")
    for gid, original in release.items():
        if gid not in seen:
            kind = "test cell" if nbs.is_test(original) else "cell"
            found.review.append(f"{notebook}: {gid}: {kind} deleted")
    return found


def shipped_code(files: dict[str, bytes] | list[str]) -> Findings:
    """Python code shipped next to the notebook: a package or module named like an installed
    one (it could shadow it) is serious; other Python files are listed for review."""
    found = Findings()
    tops: set[str] = set()
    for rel in files:
        parts = PurePosixPath(rel).parts
        if len(parts) > 1 and parts[-1] == "__init__.py" and len(parts) == 2:
            tops.add(parts[0])
        elif len(parts) == 1 and parts[0].endswith((".py", ".pth", ".so")):
            tops.add(parts[0].split(".")[0])
        elif rel.endswith((".pth",)) or "/.ipython/" in f"/{rel}":
            found.serious.append(f"shipped start-up file {rel}")
    for name in sorted(tops):
        installed = _installed(name)
        if installed or name in ("sitecustomize", "usercustomize"):
            found.serious.append(f"shipped package {name!r} (shadows the installed one)")
        else:
            found.review.append(f"shipped Python module {name!r}")
    return found


def _installed(name: str) -> bool:
    if not name.isidentifier():
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
