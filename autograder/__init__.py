"""Instructor and self-learner tooling for the RNN course: release, grading, self-checks."""

from rnnlib import __version__

__all__ = ["__version__"]
