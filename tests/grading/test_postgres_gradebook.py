"""Does the course's nbgrader workflow give the same grades with a PostgreSQL gradebook?

A private PostgreSQL server (tests/pg_server.py: Debian's package, initdb in a temporary
folder, a Unix socket there, no TCP, stopped afterwards) holds the gradebook of one course copy,
set by the one setting a large class needs (`CourseDirectory.db_url`); a second copy keeps
nbgrader's SQLite file. Both go through the same instructor's cycle with the real command line:

    nbgrader generate_assignment -> submissions -> autograde -> generate_feedback -> export

with two students (`solution`: every answer filled in; `untouched`: the release as handed out),
then the queries and the manual-grade write of the formgrader (nbgrader's NbGraderAPI and its
GradeHandler's commit). The grades must be equal, row for row. Then `rnn-course grade`
(autograder.grading.grade) records a batch in PostgreSQL through the same setting, and a
serialization failure is provoked for real and retried.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys

import pg_server
import pytest
from grading_helpers import place_submission

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.engine import gradebook
from autograder.engine import nbgrader_run as ng

ROOT = nbs.course_root()
ASSIGNMENTS = nbs.assignments(ROOT)
# the quickest assignment to autograde (benchmarks/results/notebooks.json)
ASSIGNMENT = "02_rnn_cell" if "02_rnn_cell" in ASSIGNMENTS else (ASSIGNMENTS or [None])[0]

pytestmark = pytest.mark.xdist_group("postgres")


@pytest.fixture(scope="module")
def pg():
    reason = pg_server.skip_reason()
    if reason:
        pytest.skip(reason)
    with pg_server.private_server() as server:
        yield server
    assert not server.data.exists(), "the server's folder was left behind"


def _cycle(root, db_url: str | None) -> dict:
    """generate_assignment, two submissions, autograde, generate_feedback, export."""
    root = ng.make_course_copy(root, ROOT, [ASSIGNMENT])
    ng.run_nbgrader(root, "generate_assignment", ASSIGNMENT, "--force", db_url=db_url)
    for source in nbs.notebooks(root, nbs.SOURCE_DIR, ASSIGNMENT):
        release_nb = nbs.read(root / nbs.RELEASE_DIR / ASSIGNMENT / source.name)
        solved = fill_answers(release_nb, nbs.read(source))
        place_submission(root, "solution", ASSIGNMENT, {source.stem: solved})
        place_submission(root, "untouched", ASSIGNMENT, {source.stem: release_nb})
    ng.run_nbgrader(root, "autograde", ASSIGNMENT, db_url=db_url)
    ng.run_nbgrader(root, "generate_feedback", ASSIGNMENT, db_url=db_url)
    ng.run_nbgrader(root, "export", db_url=db_url)
    with open(root / "grades.csv", newline="") as fh:
        export = sorted(
            (r["assignment"], r["student_id"], float(r["score"]), float(r["max_score"]))
            for r in csv.DictReader(fh)
        )
    return {"root": root, "scores": gradebook.scores(root, db_url), "export": export}


@pytest.fixture(scope="module")
def cycles(pg, tmp_path_factory):
    if ASSIGNMENT is None:
        pytest.fail(f"no assignments under {ROOT / nbs.SOURCE_DIR}")
    tmp = tmp_path_factory.mktemp("pg-cycle")
    url = pg.create_database("gradebook", owner="grader")
    return {
        "sqlite": _cycle(tmp / "sqlite-root", None),
        "postgres": {**_cycle(tmp / "pg-root", url), "url": url},
    }


def _rows(scores) -> list[tuple]:
    return sorted(
        (
            s.student,
            s.assignment,
            s.notebook,
            s.grade_id,
            s.cell_type,
            s.auto_score,
            s.manual_score,
            s.max_score,
            s.needs_manual_grade,
        )
        for s in scores
    )


def test_private_server_is_postgresql(pg):
    """Is the test's server a real PostgreSQL, reached over its private socket only?"""
    conn = pg.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT version(), current_setting('listen_addresses')")
            version, listen = cur.fetchone()
    finally:
        conn.close()
    assert version.startswith("PostgreSQL")
    assert listen == "", "the test server must not listen on TCP"
    assert pg.pids(), "no server process"


@pytest.mark.slow
def test_grades_equal_sqlite_row_for_row(cycles):
    """Does autograde record the same grades in PostgreSQL as in SQLite, row for row?"""
    pg_rows, sqlite_rows = _rows(cycles["postgres"]["scores"]), _rows(cycles["sqlite"]["scores"])
    assert pg_rows == sqlite_rows
    by_student = {}
    for s in cycles["postgres"]["scores"]:
        if s.cell_type == "code" and s.auto_score is not None:
            got, top = by_student.get(s.student, (0.0, 0.0))
            by_student[s.student] = (got + s.auto_score, top + s.max_score)
    # the comparison means something: full marks for one student, zero for the other
    assert by_student["solution"][0] == by_student["solution"][1] > 0
    assert by_student["untouched"][0] == 0


@pytest.mark.slow
def test_gradebook_really_is_postgresql(cycles):
    """Did nbgrader write the PostgreSQL database, and no SQLite file in the course root?"""
    root = cycles["postgres"]["root"]
    assert not (root / "gradebook.db").exists(), "nbgrader fell back to SQLite"
    assert (cycles["sqlite"]["root"] / "gradebook.db").exists()
    assert cycles["postgres"]["scores"], "nothing in the PostgreSQL gradebook"


@pytest.mark.slow
def test_export_and_feedback_equal(cycles):
    """Are `nbgrader export`'s grades and generate_feedback's files the same on both?"""
    assert cycles["postgres"]["export"] == cycles["sqlite"]["export"]
    assert {r[1] for r in cycles["postgres"]["export"]} == {"solution", "untouched"}
    for name in ("sqlite", "postgres"):
        feedback = cycles[name]["root"] / "feedback"
        files = sorted(p.relative_to(feedback).as_posix() for p in feedback.rglob("*.html"))
        assert len(files) == 2 * len(nbs.notebooks(ROOT, nbs.SOURCE_DIR, ASSIGNMENT)), files


def _formgrader_api(root, db_url, exchange):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = gradebook.COURSE_ID
    config.CourseDirectory.source_directory = nbs.SOURCE_DIR
    config.CourseDirectory.release_directory = nbs.RELEASE_DIR
    if db_url:
        config.CourseDirectory.db_url = db_url
    config.Exchange.root = str(exchange)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _strip(d: dict) -> dict:
    """A formgrader record without the database's own ids and timestamps."""
    drop = {
        "id",
        "timestamp",
        "duedate",
        "display_timestamp",
        "display_duedate",
        "first_name",
        "last_name",
        "email",
        "lms_user_id",
        "index",
    }
    return {k: v for k, v in d.items() if k not in drop}


@pytest.mark.slow
def test_formgrader_reads_and_writes_postgresql(cycles, tmp_path):
    """Do the formgrader's queries give the same pages on both gradebooks, and does a manual
    grade (the formgrader's GradeHandler.put: set manual_score, commit) land in PostgreSQL?"""
    apis = {
        name: _formgrader_api(c["root"], c.get("url"), tmp_path / f"exchange-{name}")
        for name, c in cycles.items()
    }
    pages = {}
    for name, api in apis.items():
        notebook = nbs.notebooks(ROOT, nbs.SOURCE_DIR, ASSIGNMENT)[0].stem
        pages[name] = {
            "assignments": [_strip(a) for a in api.get_assignments()],
            "submissions": sorted(
                (_strip(s) for s in api.get_submissions(ASSIGNMENT)), key=lambda s: s["student"]
            ),
            "notebook": sorted(
                (_strip(s) for s in api.get_notebook_submissions(ASSIGNMENT, notebook)),
                key=lambda s: s["student"],
            ),
            "students": sorted(
                ({"student": s["id"], **_strip(s)} for s in api.get_students()), key=str
            ),
        }
    assert pages["postgres"] == pages["sqlite"]
    scores = {s["student"]: s["score"] for s in pages["postgres"]["submissions"]}
    assert scores["untouched"] == 0 < scores["solution"]

    url = cycles["postgres"]["url"]
    from nbgrader.api import Gradebook

    with Gradebook(url, gradebook.COURSE_ID) as gb:
        sub = gb.find_submission(ASSIGNMENT, "untouched")
        grade = next(g for nb in sub.notebooks for g in nb.grades if g.cell_type == "code")
        grade_id, top = grade.id, grade.max_score
    api = apis["postgres"]
    gb = api.gradebook  # as the formgrader's handler does: a gradebook per request
    try:
        grade = gb.find_grade_by_id(grade_id)
        grade.manual_score = top
        grade.needs_manual_grade = False
        gb.db.commit()
    finally:
        gb.close()
    after = {s["student"]: s for s in api.get_submissions(ASSIGNMENT)}
    assert after["untouched"]["score"] == top


def test_serialization_failure_is_retried(pg, monkeypatch):
    """When a concurrent writer (the formgrader) changes a row that the writer has read, does
    PostgreSQL fail the writer's transaction (SQLSTATE 40001), and does gradebook.retrying run
    it again so that both writes are kept?"""
    from nbgrader.api import Gradebook

    # a new gradebook runs `alembic` by name, as nbgrader's command line does
    bin_dir = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", os.pathsep.join([bin_dir, os.environ.get("PATH", "")]))
    url = pg.create_database("gradebook_retry", owner="grader")
    with Gradebook(url, gradebook.COURSE_ID) as gb:
        gb.add_student("alice", first_name="Alice", last_name="Liddell")
    # the writer's transactions are serializable (libpq options in the URL), so a row that
    # changes between its read and its write is a serialization failure, not a lost update
    serializable = url + "&options=-c%20default_transaction_isolation%3Dserializable"
    seen = []

    def formgrader_writes():
        conn = pg.connect("gradebook_retry", user="grader")
        try:
            with conn.cursor() as cur:
                cur.execute("UPDATE student SET email = 'alice@example.org' WHERE id = 'alice'")
        finally:
            conn.close()

    def write():
        with Gradebook(serializable, gradebook.COURSE_ID) as gb:
            student = gb.find_student("alice")  # the transaction's snapshot is taken here
            if not seen:
                formgrader_writes()  # commits between the writer's read and its write
            student.last_name = "Hargreaves"
            gb.db.commit()
        return "written"

    def on_retry(attempt, error):
        seen.append((attempt, getattr(error.orig, "pgcode", None)))

    assert gradebook.retrying(write, on_retry=on_retry) == "written"
    assert seen == [(1, "40001")], seen
    with Gradebook(url, gradebook.COURSE_ID) as gb:
        alice = gb.find_student("alice")
        assert (alice.last_name, alice.email) == ("Hargreaves", "alice@example.org")


def test_server_leaves_nothing_behind():
    """After a private server stops, is no process and no folder left?"""
    reason = pg_server.skip_reason()
    if reason:
        pytest.skip(reason)
    with pg_server.private_server() as server:
        pids = server.pids()
        folder = server.folder
        assert pids
    assert not folder.exists()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                state = fh.read().split(") ")[1].split()[0]
        except FileNotFoundError:
            continue
        assert state == "Z", f"server process {pid} still running"


@pytest.mark.slow
def test_rnn_course_grade_records_in_postgresql(pg, tmp_path):
    """With the one setting (`db_url` in nbgrader_config.py), does `rnn-course grade` record
    its results in PostgreSQL and nowhere else (its per-submission roots keep their own
    SQLite files), and do generate_feedback, export and the class report then work from it?"""
    from nbgrader.api import Gradebook

    from autograder.grading import class_report, class_stats, grade
    from autograder.grading.intake import Submission
    from autograder.sandbox.limits import Limits

    url = pg.create_database("gradebook_grade", owner="grader")
    root = ng.make_course_copy(tmp_path / "course", ROOT, [ASSIGNMENT])
    shutil.copytree(ROOT / nbs.RELEASE_DIR / ASSIGNMENT, root / nbs.RELEASE_DIR / ASSIGNMENT)
    with open(root / ng.CONFIG_FILE, "a") as fh:
        fh.write(f"\nc.CourseDirectory.db_url = {url!r}  # the one setting\n")
    assert gradebook.db_url(root) == url
    subs = {}
    for source in nbs.notebooks(root, nbs.SOURCE_DIR, ASSIGNMENT):
        release_nb = nbs.read(root / nbs.RELEASE_DIR / ASSIGNMENT / source.name)
        solved = fill_answers(release_nb, nbs.read(source))
        for student, data in (("solution", nbs.dumps(solved)), ("not-json", b"{ oops")):
            files = dict(subs[student].files) if student in subs else {}
            files[source.name] = data
            subs[student] = Submission(student, ASSIGNMENT, files)
    limits = Limits(memory_mb=2048, cell_timeout=120, notebook_timeout=900)
    results = {
        r.student: r
        for r in grade.grade_batch(root, ASSIGNMENT, subs, workers=2, limits=limits, progress=False)
    }
    assert not (root / "gradebook.db").exists(), "rnn-course grade wrote a SQLite gradebook"
    with Gradebook(url, gradebook.COURSE_ID) as gb:
        recorded = {s.student.id: s.code_score for s in gb.find_assignment(ASSIGNMENT).submissions}
    assert recorded == {s: results[s].score for s in subs}
    assert recorded["solution"] == results["solution"].max_score > 0
    assert results["not-json"].status == "invalid-notebook"
    ng.run_nbgrader(root, "generate_feedback", ASSIGNMENT)  # db_url from the config
    ng.run_nbgrader(root, "export")
    with open(root / "grades.csv", newline="") as fh:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
    assert exported == recorded
    # the class report reads the same PostgreSQL gradebook (who sent nothing) and the states
    with Gradebook(url, gradebook.COURSE_ID) as gb:
        gb.update_or_create_student("absent")
    (stats,) = class_stats.collect(root)  # db_url from the config
    assert stats.graded == 2 and stats.missing == ["absent"]
    assert stats.statuses == {"ok": 1, "invalid-notebook": 1}
    page = class_report.render_html([stats])
    assert "absent" in page and page.count("data:image/png;base64,") == 1 + len(stats.exercises)
