"""nbgrader configuration of the grader account (the hub service `rnn-course` runs as it):
/home/grader-rnn-course/.jupyter/nbgrader_config.py.

It loads the course's own nbgrader_config.py from the clone of the repository, so that the
formgrader's buttons grade exactly as `nbgrader autograde` and `rnn-course grade` do (quiet
TensorFlow, IgnorePattern, the safe OverwriteCells, feedback without hidden tests).
"""

import os

c = get_config()  # noqa: F821 (injected by traitlets)

COURSE_ROOT = os.environ.get("RNN_COURSE_ROOT", "/home/grader-rnn-course/rnn-course")

# the course's settings: nbgrader_config.py at the root of the clone (imports `autograder`,
# so the course package is installed in the service's environment: pip install -e .)
load_subconfig(os.path.join(COURSE_ROOT, "nbgrader_config.py"))  # noqa: F821
c.CourseDirectory.root = COURSE_ROOT
# nbgrader's JupyterHub docs: set a log file to debug the formgrader
c.NbGrader.logfile = os.path.join(os.path.dirname(COURSE_ROOT), "nbgrader.log")

# A large class: the gradebook in PostgreSQL (docs/large-class.md). The one setting:
# c.CourseDirectory.db_url = "postgresql+psycopg2://grader@/gradebook?host=/var/run/postgresql"
