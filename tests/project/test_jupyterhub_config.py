"""Is deploy/jupyterhub/ the set-up that nbgrader's JupyterHub docs describe, for this course?

JupyterHub itself is not run here (it needs root, several Unix accounts, the hub's proxy and
a browser; docs/large-class.md says so): the three config files are loaded with traitlets, as
JupyterHub and nbgrader load them, and the settings the docs name are checked. nbgrader's
exchange, which JupyterHub users share, is exercised for real as one account (release ->
fetch -> submit -> collect through the exchange folder the config names, moved to a
temporary folder).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder.course import notebooks as nbs
from autograder.engine import nbgrader_run as ng

ROOT = nbs.course_root()
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub"
COURSE_ID = "rnn-course"


def _load(name: str):
    return PyFileConfigLoader(name, path=str(DEPLOY)).load_config()


@pytest.fixture(scope="module")
def hub():
    return _load("jupyterhub_config.py")


@pytest.fixture(scope="module")
def global_nbgrader():
    return _load("nbgrader_config.py")


def test_course_id_is_the_courses(global_nbgrader):
    """Is the hub's course id the one the course's own nbgrader_config.py sets?"""
    course = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert global_nbgrader.CourseDirectory.course_id == COURSE_ID
    assert course.CourseDirectory.course_id == COURSE_ID


def test_exchange_directory(global_nbgrader):
    """Does the system-wide config name one absolute exchange folder, outside any Python
    environment (every user's server must see the same one)?"""
    root = Path(global_nbgrader.Exchange.root)
    assert root.is_absolute() and root == Path("/srv/nbgrader/exchange")


def test_formgrader_is_a_hub_service_named_after_the_course(hub):
    """Is the formgrader the hub service `rnn-course` (the name must be the course id), run
    by jupyterhub-singleuser as the grader account, on loopback?"""
    (service,) = [s for s in hub.JupyterHub.services if s["name"] == COURSE_ID]
    assert service["user"] == f"grader-{COURSE_ID}"
    assert service["command"][0] == "jupyterhub-singleuser"
    assert service["url"].startswith("http://127.0.0.1:")
    assert service["cwd"] == f"/home/grader-{COURSE_ID}"
    assert service["environment"]["RNN_COURSE_ROOT"].startswith(service["cwd"] + "/")


def test_instructors_reach_the_formgrader(hub):
    """Are the instructors in the group `formgrade-rnn-course`, with a role that grants the
    service's access scopes, as nbgrader's demo for multiple graders sets it?"""
    group = f"formgrade-{COURSE_ID}"
    instructors = hub.JupyterHub.load_groups[group]
    assert instructors
    roles = {r["name"]: r for r in hub.JupyterHub.load_roles}
    role = next(r for r in roles.values() if group in r.get("groups", []))
    assert {
        f"access:services!service={COURSE_ID}",
        "list:services",
        f"read:services!service={COURSE_ID}",
    } <= set(role["scopes"])
    assert "inherit" in roles["server"]["scopes"]


def test_students_see_the_course_only(hub):
    """Do students find the course (list/read the service) without access to the grader's
    server, and may every group member log in?"""
    group = f"nbgrader-{COURSE_ID}"
    role = next(r for r in hub.JupyterHub.load_roles if group in r.get("groups", []))
    assert not any(s.startswith("access:services") for s in role["scopes"])
    members = {u for users in hub.JupyterHub.load_groups.values() for u in users}
    assert members <= set(hub.Authenticator.allowed_users)
    assert hub.Spawner.default_url == "/lab"


def test_grader_account_loads_the_course_settings(monkeypatch):
    """Does the grader account's config load the course's own nbgrader_config.py (so the
    formgrader grades as `nbgrader autograde` does) and set a log file?"""
    from autograder.engine.sanitize import OverwriteCellsSafely

    monkeypatch.setenv("RNN_COURSE_ROOT", str(ROOT))
    config = _load("grader_nbgrader_config.py")
    assert Path(config.CourseDirectory.root) == ROOT
    assert config.CourseDirectory.course_id == COURSE_ID
    assert config.IgnorePattern.enabled is True
    assert OverwriteCellsSafely in config.Autograde.sanitize_preprocessors
    assert config.NbGrader.logfile.endswith("nbgrader.log")
    assert "db_url" not in config.CourseDirectory, "PostgreSQL is opt-in (commented out)"


def test_nbgrader_settings_are_real_traits(monkeypatch):
    """Is every nbgrader setting in deploy/jupyterhub a trait nbgrader has (no typo that
    traitlets would silently ignore)?"""
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.exchange import Exchange

    classes = {"CourseDirectory": CourseDirectory, "Exchange": Exchange, "NbGrader": NbGrader}
    monkeypatch.setenv("RNN_COURSE_ROOT", str(ROOT))
    for name in ("nbgrader_config.py", "grader_nbgrader_config.py"):
        config = _load(name)
        for section in ("CourseDirectory", "Exchange", "NbGrader"):
            for key in config.get(section, {}):
                assert key in classes[section].class_traits(), f"{name}: {section}.{key}"


def test_jupyterhub_settings_are_real_traits(hub):
    """Is every hub setting a trait JupyterHub has (JupyterHub is a dev dependency for this)?"""
    from jupyterhub import app
    from jupyterhub.auth import Authenticator
    from jupyterhub.spawner import Spawner

    classes = {"JupyterHub": app.JupyterHub, "Authenticator": Authenticator, "Spawner": Spawner}
    for section, cls in classes.items():
        for key in hub.get(section, {}):
            assert key in cls.class_traits(), f"{section}.{key}"


@pytest.mark.slow
def test_exchange_round_trip(tmp_path, global_nbgrader):
    """Through the exchange the hub's config names (moved to a temporary folder), does an
    assignment go out (release_assignment), reach a student (fetch_assignment), come back
    (submit) and land in the course's submitted/ folder (collect)?"""
    aid = nbs.assignments(ROOT)[0]
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = ng.make_course_copy(tmp_path / "grader" / COURSE_ID, ROOT, [aid])
    student = tmp_path / "student1"
    student.mkdir()
    shutil.copy(DEPLOY / "nbgrader_config.py", student / "nbgrader_config.py")
    moved = f"--Exchange.root={exchange}"
    assert global_nbgrader.Exchange.root != str(exchange)

    ng.run_nbgrader(course, "generate_assignment", aid, "--force")
    ng.run_nbgrader(course, "release_assignment", aid, moved, "--force")
    assert (exchange / COURSE_ID / "outbound" / aid).is_dir()
    ng.run_nbgrader(student, "fetch_assignment", aid, moved)
    fetched = sorted(p.name for p in (student / aid).glob("*.ipynb"))
    assert fetched == sorted(p.name for p in nbs.notebooks(ROOT, nbs.RELEASE_DIR, aid))
    ng.run_nbgrader(student, "submit", aid, moved)
    ng.run_nbgrader(course, "collect", aid, moved)
    submitted = [p for p in (course / "submitted").glob(f"*/{aid}/*.ipynb")]
    assert sorted(p.name for p in submitted) == fetched
