"""Instructor and self-learner tooling for the RNN course: release, grading, self-checks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rnn-course")  # the package metadata, not an import of rnnlib
except PackageNotFoundError:  # a source tree on sys.path, not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
