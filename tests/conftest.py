"""Shared pytest set-up: a quiet TensorFlow in every process and kernel the tests start.

The course root is the repository, or $RNN_COURSE_ROOT when set (used to test the nbgrader
pipeline itself against a throwaway course).
"""

import os
from pathlib import Path

import pytest

# Before anything imports TensorFlow; kernels started by the tests inherit these.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def course_root() -> Path:
    """The course root: the folder holding nbgrader_config.py, solutions/ and course/."""
    from autograder.notebooks import course_root

    return course_root()
