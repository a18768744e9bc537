"""The one way to run a course notebook: its kernel's environment, the cell limit, a copy of its
assignment folder, and a fresh kernel that runs it top to bottom.

    local = copy_assignment(solution_path, tmp / "02_rnn_cell")   # course files only
    nb = run_notebook(local)                     # nbclient, fresh kernel, cwd = local.parent

Used by nbgrader_config.py (CELL_TIMEOUT), the tests, the benchmarks, `rnn-course doctor`,
`rnn-course grade` and `rnn-course check`. Each setting is written here once. (A release with
answers in place: autograder.course.answers.splice.)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

from autograder.course import notebooks as nbs

CELL_TIMEOUT = 300  # seconds per cell; nbgrader_config.py's Execute.timeout reads it
STARTUP_TIMEOUT = 120  # seconds for a kernel to start (TensorFlow wheels are slow to load)
# After the last cell the kernel is killed, not asked to exit: a kernel that imported TensorFlow
# spends 2.5 s in its exit handlers (jupyter_client then kills it anyway), and nothing it holds
# is graded (a file a cell left open unflushed is lost, as on a crash). nbgrader_config.py's
# Execute.shutdown_kernel reads it too.
KERNEL_SHUTDOWN = "immediate"
KERNEL = "python3"

# TensorFlow writes C++ log lines (oneDNN, absl, CPU features) to stderr at import, and
# nbgrader scores any stderr in a test cell as 0. These must be set before TensorFlow loads.
QUIET_TENSORFLOW = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}
# Same hash order in every run, so results that depend on set order are reproducible.
REPRODUCIBLE = {"PYTHONHASHSEED": "0"}


def quiet_environment(env: dict | os._Environ | None = None) -> dict | os._Environ:
    """Set the TensorFlow-quieting variables (unless already set) in `env`, by default this
    process's environment (so that TensorFlow imported here, and every kernel started from
    here, is quiet); returns `env`."""
    env = os.environ if env is None else env
    for key, value in {**QUIET_TENSORFLOW, **REPRODUCIBLE}.items():
        env.setdefault(key, value)
    return env


def kernel_env(autograde: bool = False) -> dict[str, str]:
    """A student's kernel: quiet TensorFlow, headless matplotlib, and under autograde only when
    asked (`NBGRADER_EXECUTION=autograde`: saved models are loaded, not trained)."""
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    quiet_environment(env)
    env["MPLBACKEND"] = "Agg"
    if autograde:
        env["NBGRADER_EXECUTION"] = "autograde"
    return env


POLL_SLICE = 1.0  # seconds: the longest a message that arrived may wait unseen


class SlicedPollChannel(AsyncZMQSocketChannel):
    """A kernel channel whose waits for a message are cut into short polls.

    A cell that displays an ipywidget sometimes loses the wake-up of nbclient's wait for the
    kernel's reply: the kernel has answered and is idle, yet the wait lasts the whole cell
    timeout (300 s) and then the notebook goes on as if nothing happened (nbclient issue #312;
    seen here once in about fifteen runs of 02's release under `nbgrader autograde`). Each new
    poll looks at the socket again, so a reply that arrived is seen within POLL_SLICE.
    """

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await super().get_msg(timeout=min(POLL_SLICE, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class SlicedPollKernelClient(AsyncKernelClient):
    """The kernel client of every notebook run here and under `nbgrader autograde`
    (nbgrader_config.py sets it): SlicedPollChannel for the replies and the outputs."""

    shell_channel_class = Type(SlicedPollChannel)
    iopub_channel_class = Type(SlicedPollChannel)


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager that talks to its kernel over Unix sockets in a private folder.

    TCP on loopback makes ipykernel warn that traffic is unencrypted, and cannot cross the
    network namespace of the grading sandbox; IPC sockets are files only their owner reaches.
    """

    @default("client_factory")
    def _client_factory_default(self):
        return SlicedPollKernelClient

    @default("transport")
    def _transport_default(self):
        return "ipc" if os.name == "posix" else "tcp"

    @default("ip")
    def _ip_default(self):
        if self.transport != "ipc":
            return super()._ip_default()
        # short path: a Unix socket's path is limited to about 100 bytes
        self._socket_dir = tempfile.mkdtemp(prefix="rnnk-")
        return os.path.join(self._socket_dir, "k")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and getattr(self, "_socket_dir", None):
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources  # AsyncKernelManager's public name for it


def copy_assignment(notebook: Path, dest: Path) -> Path:
    """Copy the notebook's assignment folder (course files only) to `dest`; returns the copy's
    notebook path. Notebooks run with their own folder as working directory."""
    notebook, dest = Path(notebook), Path(dest)
    folder = notebook.parent
    dest.mkdir(parents=True, exist_ok=True)
    for rel in nbs.assignment_files(folder):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / rel, dest / rel)
    if not (dest / notebook.name).exists():  # a notebook not yet known to git
        shutil.copy2(notebook, dest / notebook.name)
    return dest / notebook.name


def files_under(folder: Path) -> set[Path]:
    """Every file below `folder` (what was there before a run)."""
    return {p for p in Path(folder).rglob("*") if p.is_file()}


def new_files(folder: Path, before: set[Path]) -> list[str]:
    """The paths, relative to `folder` and sorted, of the files a run wrote below it that were
    not in `before` (the models `fit_or_load` saved), JupyterLab's checkpoints left out."""
    folder = Path(folder)
    return sorted(
        p.relative_to(folder).as_posix()
        for p in files_under(folder) - before
        if ".ipynb_checkpoints" not in p.parts
    )


def saved_files(folder: Path, before: set[Path]) -> dict[str, bytes]:
    """{path relative to `folder`: bytes} of the files in :func:`new_files`."""
    return {rel: (Path(folder) / rel).read_bytes() for rel in new_files(folder, before)}


def notebook_client(
    nb: nbformat.NotebookNode,
    workdir: Path,
    *,
    timeout: int = CELL_TIMEOUT,
    allow_errors: bool = False,
):
    """An nbclient NotebookClient for `nb` with the course's settings (kernel, limits, IPC),
    running in `workdir`. Start it with `.execute(env=kernel_env())`, or drive it cell by cell."""
    from nbclient import NotebookClient

    return NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        kernel_name=KERNEL,
        allow_errors=allow_errors,
        interrupt_on_timeout=True,
        kernel_manager_class=IPCKernelManager,
        shutdown_kernel=KERNEL_SHUTDOWN,
        resources={"metadata": {"path": str(Path(workdir))}},
    )


def run_notebook(
    notebook: Path | nbformat.NotebookNode,
    workdir: Path | None = None,
    *,
    timeout: int = CELL_TIMEOUT,
    allow_errors: bool = False,
    autograde: bool = False,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel; returns the executed notebook.

    `notebook` is a path (run in its own folder unless `workdir` is given) or a notebook node
    (then `workdir` is required). Raises nbclient's CellExecutionError on the first failing cell
    unless `allow_errors`.
    """
    if isinstance(notebook, (str, Path)):
        workdir = Path(workdir) if workdir is not None else Path(notebook).parent
        nb = nbs.read(notebook)
    else:
        if workdir is None:
            raise ValueError("run_notebook needs a workdir for a notebook given as a node")
        nb = notebook
    client = notebook_client(nb, workdir, timeout=timeout, allow_errors=allow_errors)
    client.execute(env=kernel_env(autograde=autograde))
    return nb
