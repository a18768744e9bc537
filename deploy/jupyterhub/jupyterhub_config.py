"""JupyterHub for the RNN course: the students' servers and the course's shared grading server.

nbgrader's documented set-up "one class, multiple graders" (its demos/ and "Using nbgrader with
JupyterHub"), for JupyterHub 2 or later (roles and scopes):

- every student and instructor logs in to the hub and gets a JupyterLab server;
- assignments go out and come back through nbgrader's exchange, a folder every server sees
  (nbgrader_config.py beside this file: /etc/jupyter/nbgrader_config.py);
- the formgrader runs once, as the hub service `rnn-course` (the service's name must be the
  course id), under a grader account that owns the course folder and the gradebook; the
  instructors in the group `formgrade-rnn-course` reach it from the hub's Services menu.

Installed as /srv/jupyterhub/jupyterhub_config.py; docs/large-class.md says the whole set-up.
Edit INSTRUCTORS and STUDENTS (or replace the allow list with your authenticator's groups).
"""

c = get_config()  # noqa: F821 (injected by traitlets when JupyterHub loads this file)

COURSE_ID = "rnn-course"
GRADER = f"grader-{COURSE_ID}"  # the Unix account that owns the course folder and gradebook
FORMGRADE_GROUP = f"formgrade-{COURSE_ID}"  # nbgrader needs the `formgrade-` prefix
STUDENT_GROUP = f"nbgrader-{COURSE_ID}"  # nbgrader needs the `nbgrader-` prefix
SERVICE_URL = "http://127.0.0.1:9999"  # the grading server: loopback only, behind the hub

INSTRUCTORS = ["instructor1", "instructor2"]
STUDENTS = ["student1"]

## Who may log in (local Unix accounts with JupyterHub's default PAM authenticator)
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)
c.JupyterHub.load_groups = {
    FORMGRADE_GROUP: INSTRUCTORS,
    STUDENT_GROUP: STUDENTS,
}

## What each group may reach
c.JupyterHub.load_roles = [
    {
        # instructors: the shared grading server (formgrader, course files, gradebook)
        "name": FORMGRADE_GROUP,
        "groups": [FORMGRADE_GROUP],
        "scopes": [
            f"access:services!service={COURSE_ID}",
            "list:services",
            f"read:services!service={COURSE_ID}",
        ],
    },
    {
        # students: see that the course exists (Assignments tab), nothing more
        "name": STUDENT_GROUP,
        "groups": [STUDENT_GROUP],
        "scopes": ["list:services", f"read:services!service={COURSE_ID}"],
    },
    {
        # nbgrader's course list asks the hub which courses a user has: the user's own
        # server token needs the user's permissions
        "name": "server",
        "scopes": ["inherit"],
    },
]

## The course's grading server, run by the hub as a service under the grader account
c.JupyterHub.services = [
    {
        "name": COURSE_ID,
        "url": SERVICE_URL,
        "command": ["jupyterhub-singleuser"],
        "user": GRADER,
        "cwd": f"/home/{GRADER}",
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            # the course for `make release` and for `rnn-course grade` run outside a course folder
            "RNN_COURSE_ROOT": f"/home/{GRADER}/{COURSE_ID}",
        },
    }
]

## Everyone's server opens in JupyterLab
c.Spawner.default_url = "/lab"
