"""Does `rnn-course grade` give the same grades on a Dask cluster as on the local pool, and one
row per submission when a worker dies mid-batch?

The same batch of 02_rnn_cell (the solution, the untouched release, a file that is not a
notebook) goes through `autograder.grading.grade.grade_batch` twice, in two throwaway course
roots: once on the local process pool, once on a real Dask LocalCluster with two worker
processes on loopback (autograder/grading/executors.py; the template course root travels to the
workers as bytes).
Then a third batch runs on a fresh cluster while the test kills (SIGKILL) the worker process
that is grading a submission.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import threading
import time

import pytest

from autograder.course import notebooks as nbs
from autograder.course.answers import fill_answers
from autograder.engine import gradebook
from autograder.engine import nbgrader_run as ng
from autograder.grading import executors, grade
from autograder.grading.intake import Submission
from autograder.sandbox.limits import Limits

AID = "02_rnn_cell"
ROOT = nbs.course_root()

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dask")]


def _submissions(with_invalid: bool = True) -> dict[str, Submission]:
    release = nbs.read(ROOT / nbs.RELEASE_DIR / AID / f"{AID}.ipynb")
    solved = fill_answers(release, nbs.read(ROOT / nbs.SOURCE_DIR / AID / f"{AID}.ipynb"))
    subs = {
        "solution": Submission("solution", AID, {f"{AID}.ipynb": nbs.dumps(solved)}),
        "untouched": Submission("untouched", AID, {f"{AID}.ipynb": nbs.dumps(release)}),
    }
    if with_invalid:
        subs["not-json"] = Submission("not-json", AID, {f"{AID}.ipynb": b"{ not a notebook"})
    return subs


def _course(tmp, name):
    root = ng.make_course_copy(tmp / name, ROOT, [AID])
    shutil.copytree(ROOT / nbs.RELEASE_DIR / AID, root / nbs.RELEASE_DIR / AID)
    return root


def _grade(root, subs, pool):
    limits = Limits(memory_mb=2048, cell_timeout=120, notebook_timeout=900)
    out = root / "grades.csv"
    results = grade.grade_batch(
        root, AID, subs, limits=limits, executor=pool, out_csv=out, progress=False
    )
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {"root": root, "results": results, "rows": rows, "scores": gradebook.scores(root)}


def _cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    return cluster, distributed.Client(cluster, set_as_default=False)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dask-grading")
    subs = _submissions()
    local_pool = executors.local_executor(2)
    try:
        local = _grade(_course(tmp, "local"), subs, local_pool)
    finally:
        local_pool.shutdown()
    cluster, client = _cluster()
    try:
        with executors.dask_executor(client=client) as pool:
            dask = _grade(_course(tmp, "dask"), subs, pool)
    finally:
        client.close()
        cluster.close()
    return {"local": local, "dask": dask}


def _score_rows(scores):
    return sorted((s.student, s.notebook, s.grade_id, s.auto_score, s.max_score) for s in scores)


def test_dask_rows_equal_local_rows(both):
    """Is grades.csv from the Dask cluster the local pool's, row for row?"""
    assert both["dask"]["rows"] == both["local"]["rows"]
    by = {r["student"]: r for r in both["dask"]["rows"]}
    assert set(by) == {"solution", "untouched", "not-json"}
    assert by["solution"]["status"] in ("ok", "sandbox-unavailable")
    assert float(by["solution"]["score"]) == float(by["solution"]["max_score"]) > 0
    assert float(by["untouched"]["score"]) == 0
    assert by["not-json"]["status"] == "invalid-notebook"


def test_dask_gradebook_equals_local_gradebook(both):
    """Did the one writer record the same grades in the course gradebook from both?"""
    assert _score_rows(both["dask"]["scores"]) == _score_rows(both["local"]["scores"])
    assert both["dask"]["scores"]


def test_dask_autograded_notebooks_came_back(both):
    """Are the autograded notebooks, sent back as data, written in the client's course root?"""
    for student in ("solution", "untouched"):
        path = both["dask"]["root"] / "autograded" / student / AID / f"{AID}.ipynb"
        assert path.is_file(), path


def _kill_a_busy_worker(client, killed: list, stop: threading.Event) -> None:
    """Wait until a worker is running a grading task, then SIGKILL its process."""
    pids = client.run(os.getpid)  # {worker address: pid}
    while not stop.is_set():
        busy = [w for w, keys in client.processing().items() if keys]
        if busy:
            time.sleep(3)  # let it get into nbgrader
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(busy[0])
            return
        time.sleep(0.2)


def test_killed_worker_still_one_row_per_submission(tmp_path):
    """When a worker process is killed while it grades, is every submission still graded,
    once, with one row each (the killed task retried on the other worker)?"""
    subs = _submissions(with_invalid=False)
    cluster, client = _cluster()
    killed: list = []
    stop = threading.Event()
    try:
        killer = threading.Thread(target=_kill_a_busy_worker, args=(client, killed, stop))
        killer.start()
        with executors.dask_executor(client=client) as pool:
            graded = _grade(_course(tmp_path, "killed"), subs, pool)
        stop.set()
        killer.join()
    finally:
        stop.set()
        client.close()
        cluster.close()
    assert killed, "no worker was killed (the batch finished first)"
    rows = graded["rows"]
    assert sorted(r["student"] for r in rows) == sorted(subs)
    by = {r["student"]: r for r in rows}
    assert float(by["solution"]["score"]) == float(by["solution"]["max_score"]) > 0, by
    assert by["solution"]["status"] in ("ok", "sandbox-unavailable"), by
    assert float(by["untouched"]["score"]) == 0
    # the gradebook: one submission per student, graded once
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded['root'] / 'gradebook.db'}", "rnn-course") as gb:
        assert sorted(s.student.id for s in gb.find_assignment(AID).submissions) == sorted(subs)
