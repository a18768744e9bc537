"""Tests of the rnnlib package itself (rnnlib/__init__.py): its version and its lazy loader."""

import subprocess
import sys
from importlib.metadata import version

import rnnlib


def test_version_comes_from_the_package_metadata():
    """Are rnnlib's and autograder's versions the installed rnn-course's, with autograder
    importing no rnnlib to learn it?"""
    assert rnnlib.__version__ == version("rnn-course")
    code = "import sys, autograder; print(autograder.__version__, 'rnnlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.split() == [version("rnn-course"), "False"]
