"""The local pool of `rnn-course grade`: `workers` processes on this machine, each grading one
submission at a time, surviving a worker that dies (killed, out of memory).

A worker process that dies while running a task costs that task one retry on a fresh pool;
when it dies again, the future raises WorkerDied and the batch records the submission as
`crashed`.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import threading
from concurrent.futures.process import BrokenProcessPool

RETRIES = 1  # a task whose worker died runs once more; then WorkerDied


class WorkerDied(RuntimeError):
    """The worker process running a task died, on the retry as well."""


class LocalExecutor(cf.Executor):
    """A process pool that survives a dead worker. At most `workers` tasks are in the pool at a
    time (the rest wait here), so a worker's death, which breaks every task in the pool,
    touches only tasks that were running: the pool is replaced and each of them runs once
    more; a second death raises WorkerDied."""

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self._pool = cf.ProcessPoolExecutor(max_workers=self.workers)
        self._lock = threading.RLock()
        self._waiting: collections.deque = collections.deque()
        self._outstanding: set[cf.Future] = set()
        self._running = 0
        self._closed = False

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            outer: cf.Future = cf.Future()
            self._outstanding.add(outer)
            outer.add_done_callback(self._outstanding.discard)
            self._waiting.append((outer, fn, args, kwargs))
        self._pump()
        return outer

    def _pump(self) -> None:
        """Move waiting tasks into the pool while it has a free worker."""
        while True:
            with self._lock:
                if self._running >= self.workers or not self._waiting:
                    return
                outer, fn, args, kwargs = self._waiting.popleft()
                if not outer.set_running_or_notify_cancel():
                    continue  # cancelled while waiting
                self._running += 1
            self._start(outer, (fn, args, kwargs), attempt=0)

    def _start(self, outer: cf.Future, call, attempt: int) -> None:
        fn, args, kwargs = call
        with self._lock:
            pool = self._pool
        try:
            inner = pool.submit(fn, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - e.g. shut down: the task's error
            self._finish(outer, error=error)
            return
        inner.add_done_callback(lambda f: self._done(f, outer, call, attempt, pool))

    def _finish(self, outer: cf.Future, result=None, error: BaseException | None = None):
        with self._lock:
            self._running -= 1
        if error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(result)
        self._pump()

    def _done(self, f: cf.Future, outer: cf.Future, call, attempt: int, pool) -> None:
        if f.cancelled():
            self._finish(outer, error=cf.CancelledError())
            return
        error = f.exception()
        if isinstance(error, BrokenProcessPool):
            with self._lock:
                if self._pool is pool:  # the first task to see the broken pool replaces it
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = cf.ProcessPoolExecutor(max_workers=self.workers)
            if attempt < RETRIES:
                self._start(outer, call, attempt + 1)  # keeps its place among the running
                return
            error = WorkerDied(f"the worker process died {attempt + 1} times: {error}")
        if error is not None:
            self._finish(outer, error=error)
        else:
            self._finish(outer, result=f.result())

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                for outer, *_ in self._waiting:
                    outer.cancel()
                self._waiting.clear()
            outstanding = list(self._outstanding)
        if wait:
            cf.wait(outstanding)
        with self._lock:
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def local_executor(workers: int) -> LocalExecutor:
    """`workers` processes on this machine, each grading one submission at a time."""
    return LocalExecutor(workers)
