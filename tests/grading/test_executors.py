"""Do `rnn-course grade`'s executors (autograder/grading/executors.py) run tasks, ship the template
folder as bytes, and retry a task whose worker died exactly once?

The local pool is a real process pool; the cluster is a real Dask LocalCluster with two
worker processes on loopback. Worker deaths are real: the task kills its own process.
"""

from __future__ import annotations

import shutil

import grading_tasks as tasks
import pytest

from autograder.grading import bundles, executors

pytestmark = pytest.mark.xdist_group("dask")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def _attempts(marks, key) -> int:
    return len(list(marks.glob(f"{key}-*")))


# ---- the local pool --------------------------------------------------------------------------


def test_local_pool_runs_tasks():
    """Does the local pool return each task's result?"""
    with executors.executor(workers=2) as pool:
        assert [f.result() for f in [pool.submit(tasks.square, k) for k in range(5)]] == [
            0,
            1,
            4,
            9,
            16,
        ]


def test_local_pool_retries_a_dead_worker_once(tmp_path):
    """When a task's worker process dies, does it run once more and return, while a task
    that kills its worker twice raises WorkerDied after exactly two attempts, and the others
    finish untouched?"""
    with executors.executor(workers=2) as pool:
        once = pool.submit(tasks.die_first, str(tmp_path), "once", 1, 7)
        always = pool.submit(tasks.die_first, str(tmp_path), "always", 5)
        others = [pool.submit(tasks.square, k) for k in range(6)]
        assert once.result(timeout=300) == 7
        with pytest.raises(executors.WorkerDied):
            always.result(timeout=300)
        assert [f.result(timeout=300) for f in others] == [k * k for k in range(6)]
    assert _attempts(tmp_path, "once") == 2
    assert _attempts(tmp_path, "always") == 2


# ---- a Dask cluster --------------------------------------------------------------------------


def test_dask_runs_tasks(cluster):
    """Does the Dask executor return each task's result, like the local pool?"""
    with executors.dask_executor(client=cluster) as pool:
        futures = [pool.submit(tasks.square, k) for k in range(5)]
        assert [f.result(timeout=300) for f in futures] == [0, 1, 4, 9, 16]


def test_dask_ships_the_template_as_bytes(cluster, tmp_path):
    """Does a task's template folder reach the worker as bytes (unpacked in the worker's own
    folder, so no shared file system is needed), even once the original is gone?"""
    template = tmp_path / "template"
    (template / "solutions" / "a").mkdir(parents=True)
    (template / "nbgrader_config.py").write_text("c = get_config()\n")
    (template / "solutions" / "a" / "a.ipynb").write_bytes(b'{"cells": []}')
    with executors.dask_executor(client=cluster) as pool:
        future = pool.submit(tasks.list_template, tasks.FolderTask("x", str(template)))
        seen = future.result(timeout=300)
    shutil.rmtree(template)
    assert seen["template"] != str(template)
    assert bundles.TEMPLATE_CACHE in seen["template"]
    assert seen["files"] == {
        "nbgrader_config.py": b"c = get_config()\n",
        "solutions/a/a.ipynb": b'{"cells": []}',
    }


def test_dask_retries_a_dead_worker_once(cluster, tmp_path):
    """When a task's Dask worker dies, does the task run once more on another worker and
    return; when it kills that worker too, does it raise WorkerDied after exactly two
    attempts; and is the scheduler's allowed-failures restored afterwards?"""
    before = cluster.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)
    with executors.dask_executor(client=cluster) as pool:
        once = pool.submit(tasks.die_first, str(tmp_path), "once", 1, 7)
        assert once.result(timeout=300) == 7
        always = pool.submit(tasks.die_first, str(tmp_path), "always", 5)
        with pytest.raises(executors.WorkerDied):
            always.result(timeout=300)
    assert _attempts(tmp_path, "once") == 2
    assert _attempts(tmp_path, "always") == 2
    after = cluster.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)
    assert after == before
