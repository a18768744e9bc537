"""What `rnn-course grade` adds to the nbgrader_config.py of its temporary course roots.

    append(root, PRIVATE_GRADEBOOK)     # the template root: its own SQLite gradebook
    append(root, SANDBOX_CONFIG)        # each submission's root: the kernel in the sandbox

The course's own settings (nbgrader_config.py at the course root, each one justified there)
stay as they are; these snippets only add to them, in copies that live for one batch.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_FILE = "nbgrader_config.py"

# The template course root keeps its own SQLite gradebook even when the course's config points
# `db_url` at a shared PostgreSQL database: only the batch's one writer (grading/writer.py)
# touches the course's gradebook, and no student data goes into the template's.
PRIVATE_GRADEBOOK = """

# ---- added by rnn-course grade: this temporary course root's own gradebook ----
c.CourseDirectory.db_url = "sqlite:///" + __import__("os").path.join(
    c.CourseDirectory.root, "gradebook.db"
)
"""

# nbgrader's Execute forces its kernel manager class in its constructor, over any config, so
# the preprocessor itself is swapped for a subclass that starts the kernel in the sandbox
# (autograder/sandbox/nbgrader_execute.py); every other autograde preprocessor, and the order,
# stay nbgrader's.
SANDBOX_CONFIG = """

# ---- added by rnn-course grade: the kernel runs in the sandbox (autograder/sandbox/) ----
from nbgrader.converters import Autograde as _Autograde
from nbgrader.preprocessors import Execute as _Execute

from autograder.sandbox.nbgrader_execute import sandboxed_execute_class as _sandboxed

_default = _Autograde.class_traits()["autograde_preprocessors"].default()
c.Autograde.autograde_preprocessors = [_sandboxed() if p is _Execute else p for p in _default]
"""
# nbgrader logs a config file that fails to load and goes on with its defaults: unsandboxed.
CONFIG_FAILED = "Exception while loading config file"


def append(root: Path, snippet: str) -> None:
    """Add `snippet` to the end of the nbgrader_config.py of the course root `root`."""
    with open(Path(root) / CONFIG_FILE, "a") as fh:
        fh.write(snippet)
