"""`rnn-course grade --dask ADDRESS`: the batch's tasks on a Dask cluster, through a
`concurrent.futures` executor (COURSE.md §9).

Nothing assumes a shared file system: the task's template course root is sent once to every
worker as bytes (bundles.py) and unpacked in the worker's temporary folder; the submission
travels inside the task as bytes; the result comes back as data and is written to the
gradebook here, by the batch's one writer. A task whose worker died runs once more
(local_pool.RETRIES); a second death raises WorkerDied.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from autograder.grading.bundles import _ships_template, pack, run_with_template
from autograder.grading.local_pool import RETRIES, WorkerDied


def _allowed_failures(n: int):
    """A function for Client.run_on_scheduler: sets how many worker deaths a task survives and
    returns the old value. Nested, so that it travels by value: the scheduler's environment
    need not have the course installed."""

    def set_allowed_failures(dask_scheduler=None) -> int:
        old = dask_scheduler.allowed_failures
        dask_scheduler.allowed_failures = n
        return old

    return set_allowed_failures


class DaskExecutor(cf.Executor):
    """A `concurrent.futures` executor on a Dask cluster, as `Client.get_executor()` is,
    plus: the template folder shipped as bytes; one retry for a task whose worker died (the
    scheduler's allowed-failures, set to RETRIES while this executor is open and restored by
    shutdown); and each task's result released on the cluster as soon as it has arrived here.

    The last point is why this is not `Client.get_executor()` itself: its futures keep every
    finished result alive on its worker for as long as the batch holds the future, and when
    that worker dies Dask recomputes the lost result, grading the submission again (seen in
    tests/grading/test_executors.py). A released result is never recomputed.
    """

    def __init__(self, client):
        self.client = client
        self._bundles: dict[str, object] = {}
        self._tasks: set = set()  # Dask futures not yet finished
        self._lock = threading.Lock()
        self._closed = False
        self._restore = client.run_on_scheduler(_allowed_failures(RETRIES))

    def _bundle(self, folder: str):
        """The folder, scattered to every worker once (a Dask future of its Bundle)."""
        with self._lock:
            if folder not in self._bundles:
                self._bundles[folder] = self.client.scatter(
                    pack(Path(folder)), broadcast=True, hash=False
                )
            return self._bundles[folder]

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        if self._closed:
            raise RuntimeError("cannot schedule new futures after shutdown")
        if _ships_template(args):
            fn, args = run_with_template, (fn, args[0], self._bundle(args[0].template), *args[1:])
        task = self.client.submit(fn, *args, pure=False, **kwargs)  # each call its own task
        with self._lock:
            self._tasks.add(task)
        return self._wrap(task)

    def _wrap(self, task) -> cf.Future:
        """A concurrent.futures future for the Dask one; KilledWorker (its worker died on the
        retry too) becomes WorkerDied."""
        from distributed import KilledWorker

        outer: cf.Future = cf.Future()

        def done(t) -> None:  # in Dask's callback thread
            try:
                result, error = t.result(), None
            except KilledWorker as killed:
                result = None
                error = WorkerDied(f"the Dask worker died {RETRIES + 1} times: {killed}")
            except BaseException as other:  # noqa: BLE001 - the task's own error, or cancelled
                result, error = None, other
            t.release()  # forget the result on the cluster: it is never recomputed
            with self._lock:
                self._tasks.discard(t)
            if outer.done():
                return
            if error is not None:
                outer.set_exception(error)
            else:
                outer.set_result(result)

        def cancel_task(o: cf.Future) -> None:
            if o.cancelled():
                task.cancel()

        outer.add_done_callback(cancel_task)
        task.add_done_callback(done)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        from distributed import wait as dask_wait

        self._closed = True
        with self._lock:
            tasks = list(self._tasks)
        if cancel_futures:
            for task in tasks:
                task.cancel()
        elif wait and tasks:
            dask_wait(tasks)
        with contextlib.suppress(Exception):  # the scheduler may be gone already
            self.client.run_on_scheduler(_allowed_failures(self._restore))
        with self._lock:
            bundles, self._bundles = list(self._bundles.values()), {}
        for bundle in bundles:
            bundle.release()


@contextlib.contextmanager
def dask_executor(address: str | None = None, client=None) -> Iterator[DaskExecutor]:
    """An executor on the Dask cluster whose scheduler is at `address` (or on `client`)."""
    from distributed import Client

    own = client is None
    if own:
        client = Client(address, set_as_default=False)
    pool = DaskExecutor(client)
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if own:
            client.close()
