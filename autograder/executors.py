"""Where `rnn-course grade` runs its tasks: a local process pool, or a Dask cluster.

    with executors.executor(workers=2) as pool:                  # this machine
    with executors.executor(dask="tcp://scheduler:8786") as pool:  # a running Dask cluster
        batch.grade_batch(root, "02_rnn_cell", submissions, executor=pool)

Both are `concurrent.futures` executors, so the batch has one code path (COURSE.md §9). On a
cluster, nothing assumes a shared file system: the task's template course root (GradeTask's
`template`, a folder on this machine) is sent once to every worker as bytes and unpacked in the
worker's temporary folder; the submission travels inside the task as bytes; the result comes
back as data and is written to the gradebook here, by the batch's one writer.

A worker process that dies while running a task (killed, out of memory) costs that task one
retry on another worker; when that one dies too, the future raises WorkerDied and the batch
records the submission as `crashed`. Either way the gradebook receives one result per
submission: a task run twice returns once.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import dataclasses
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

RETRIES = 1  # a task whose worker died runs once more; then WorkerDied
TEMPLATE_CACHE = "rnn-grade-templates"  # under the worker's temporary folder


class WorkerDied(RuntimeError):
    """The worker process running a task died, on the retry as well."""


# ---- folders as bytes ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Bundle:
    """A folder's regular files as bytes, named by a digest of their names and contents."""

    digest: str
    files: dict[str, bytes]


def pack(folder: Path) -> Bundle:
    folder = Path(folder)
    files, h = {}, hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(folder).as_posix()
            files[rel] = path.read_bytes()
            h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return Bundle(h.hexdigest(), files)


def unpack(bundle: Bundle, base: Path | None = None) -> Path:
    """The bundle as a folder on this machine, made once per digest (safe with threads and
    processes: written aside, then renamed into place)."""
    base = Path(base or tempfile.gettempdir()) / TEMPLATE_CACHE
    dest = base / bundle.digest[:24]
    if dest.is_dir():
        return dest
    base.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".unpack-", dir=base))
    for rel, data in bundle.files.items():
        (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
        (scratch / rel).write_bytes(data)
    try:
        os.rename(scratch, dest)
    except OSError:  # another task unpacked it first
        shutil.rmtree(scratch, ignore_errors=True)
    return dest


def run_with_template(fn, task, bundle: Bundle, *args, **kwargs):
    """On a worker: `fn(task)` with the task's template unpacked on this machine, and the
    sandbox used where this machine has one (sandbox.available() is the worker's answer)."""
    from autograder import sandbox

    changes = {"template": str(unpack(bundle))}
    if hasattr(task, "isolate"):
        changes["isolate"] = sandbox.available()[0]
    return fn(dataclasses.replace(task, **changes), *args, **kwargs)


def _ships_template(args) -> bool:
    task = args[0] if args else None
    return (
        dataclasses.is_dataclass(task)
        and isinstance(getattr(task, "template", None), str)
        and Path(task.template).is_dir()
    )


# ---- the local pool --------------------------------------------------------------------------


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


# ---- a Dask cluster --------------------------------------------------------------------------


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
