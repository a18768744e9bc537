"""Where `rnn-course grade` runs its tasks: a local process pool, or a Dask cluster.

    with executors.executor(workers=2) as pool:                  # this machine
    with executors.executor(dask="tcp://scheduler:8786") as pool:  # a running Dask cluster
        grade.grade_batch(root, "02_rnn_cell", submissions, executor=pool)

Both are `concurrent.futures` executors, so the batch has one code path (COURSE.md §9): the
local pool (local_pool.py) and a Dask cluster's (dask_pool.py; the template folder travels as
bytes, bundles.py).

A worker process that dies while running a task (killed, out of memory) costs that task one
retry on another worker; when that one dies too, the future raises WorkerDied and the batch
records the submission as `crashed`. Either way the gradebook receives one result per
submission: a task run twice returns once.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
from collections.abc import Iterator

from autograder.grading.dask_pool import DaskExecutor, dask_executor
from autograder.grading.local_pool import RETRIES, LocalExecutor, WorkerDied, local_executor

__all__ = [
    "RETRIES",
    "DaskExecutor",
    "LocalExecutor",
    "WorkerDied",
    "dask_executor",
    "executor",
    "local_executor",
]


@contextlib.contextmanager
def executor(workers: int = 2, dask: str | None = None) -> Iterator[cf.Executor]:
    """The executor `rnn-course grade` uses: a Dask cluster's when `dask` is an address,
    otherwise `workers` local processes."""
    if dask:
        with dask_executor(dask) as pool:
            yield pool
        return
    pool = local_executor(workers)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
