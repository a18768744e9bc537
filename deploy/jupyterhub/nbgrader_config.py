"""nbgrader's system-wide configuration on the hub machine: /etc/jupyter/nbgrader_config.py.

Read by every user's server (students fetch and submit, instructors release and collect)
and by the grading service. With one course on the hub, the course id here is what the
Assignments tab uses. The exchange folder is named here rather than left to nbgrader's
default (0.9: /usr/local/share/nbgrader/exchange), so that it is written down where the
hub's administrator looks.
"""

c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.course_id = "rnn-course"
# nbgrader's exchange: a folder on the hub machine that every user's server can write
# (created once: mkdir -p /srv/nbgrader/exchange && chmod ugo+rwx /srv/nbgrader/exchange)
c.Exchange.root = "/srv/nbgrader/exchange"
