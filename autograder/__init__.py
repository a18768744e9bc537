"""Instructor and self-learner tooling for the RNN course: release, grading, self-checks.

Four subpackages, each importing only those before it (but the `make release` command,
course/release.py, which runs nbgrader through engine/), and never rnnlib in this process:

    course/    the course root, its notebooks, the release, the one rule for splicing answers
    engine/    nbgrader and notebook kernels: running them, the gradebook, the preprocessors
    sandbox/   where a submission's code runs: limits, cgroups, bubblewrap, the warm zygote
    grading/   `rnn-course grade` and `rnn-course check`: intake, tamper checks, the re-check

`cli.py` is the `rnn-course` command, `doctor.py` its `doctor` subcommand.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rnn-course")  # the package metadata, not an import of rnnlib
except PackageNotFoundError:  # a source tree on sys.path, not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
