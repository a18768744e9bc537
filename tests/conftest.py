"""Shared pytest set-up: a quiet TensorFlow in every process and kernel the tests start.

The course root is the repository, or $RNN_COURSE_ROOT when set (used to test the nbgrader
pipeline itself against a throwaway course).
"""

import os
import sys
from pathlib import Path

import pytest

# Before anything imports TensorFlow; kernels started by the tests inherit these.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    """Plots draw off-screen in the test process whatever MPLBACKEND says (the kernels the
    tests start get the variable above); the plot and widget tests rely on it."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return
    matplotlib.use("Agg")


def pytest_collection_finish(session):
    """Tells the shared solution runs (tests/solution_runs.py) which notebooks' wrong-answer
    test this session runs (after -k and -m): their one run goes on to try the catalogue."""
    wanted = {
        item.callspec.params["path"].stem
        for item in session.items
        if getattr(item, "originalname", "") == "test_wrong_answers_earn_what_the_table_says"
    }
    if wanted:
        import solution_runs

        solution_runs.WRONG_ANSWERS.update(wanted)


@pytest.fixture(autouse=True)
def _close_figures():
    """Closes the figures a test opened, so that none leaks into the next (only when
    matplotlib.pyplot is loaded: a test that draws nothing pays nothing)."""
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


@pytest.fixture(scope="session")
def course_root() -> Path:
    """The course root: the folder holding nbgrader_config.py, solutions/ and course/."""
    from autograder.course.notebooks import course_root

    return course_root()
