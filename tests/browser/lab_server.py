"""A throwaway JupyterLab server on loopback, for the browser test.

`start_lab(root, home)` copies nothing: it starts `jupyter lab` in `root` (the course root
of a temporary copy), with every Jupyter folder (config, data, runtime, lab settings,
IPython) under `home`, so the real ~/.jupyter is never read or written. The server runs in
its own process group; `LabServer.stop()` ends that group. Kernels run in sessions of their
own (jupyter_client starts them so): SIGTERM makes the server shut them down, and after a
SIGKILL each kernel exits by itself when it sees its parent gone (ipykernel's parent poller).
On Linux the server also gets SIGTERM when the test process dies without running its
finalizers (killed, or stopped by `timeout`'s SIGTERM), so no server outlives a test run.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Lab settings that make the page predictable for a robot: every cell attached to the DOM,
# no news or update toasts (the machine has no network anyway).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path
    env: dict

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, token: bool = False) -> str:
        url = f"{self.base_url}/{path.lstrip('/')}"
        if token:
            url += ("&" if "?" in url else "?") + f"token={self.token}"
        return url

    def api(self, path: str, timeout: float = 10):
        """GET a JSON endpoint of the server, authenticated with the token."""
        request = urllib.request.Request(
            self.url(path), headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def kernel_states(self) -> dict[str, str]:
        """Notebook path -> execution state of its kernel ("idle", "busy", "starting")."""
        return {
            s["path"]: (s.get("kernel") or {}).get("execution_state", "?")
            for s in self.api("api/sessions")
        }

    def shutdown_kernels(self) -> None:
        """Shut every kernel down (frees the CPU between steps; the server keeps running)."""
        for kernel in self.api("api/kernels"):
            request = urllib.request.Request(
                self.url(f"api/kernels/{kernel['id']}"),
                method="DELETE",
                headers={"Authorization": f"token {self.token}"},
            )
            with contextlib.suppress(urllib.error.URLError, OSError):
                urllib.request.urlopen(request, timeout=30).close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """End the server's process group: SIGTERM (the server shuts its kernels down), then
        SIGKILL if it is still running after a grace period."""
        if self.process.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue


def _terminate_with_parent():
    """A ``preexec_fn`` that asks Linux to SIGTERM the child when its parent dies; None on
    other systems. The child only makes one foreign call (prctl), loaded before the fork."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig, sigterm = 1, int(signal.SIGTERM)

    def set_death_signal():
        prctl(pr_set_pdeathsig, sigterm)

    return set_death_signal


def lab_environment(home: Path) -> dict:
    """os.environ with TensorFlow quiet and every Jupyter folder inside `home`."""
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # As an activated venv would: nbgrader's formgrader runs the `alembic` command by name.
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", os.defpath)])
    env.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", PYTHONHASHSEED="0")
    # What the test process set for itself is not what a student's kernel has: tests/conftest.py
    # sets MPLBACKEND=Agg, which would turn every inline plot into "<Figure size ...>" text.
    for name in ("JUPYTER_TOKEN", "MPLBACKEND", "JUPYTER_PATH", "JUPYTER_PLATFORM_DIRS"):
        env.pop(name, None)
    return env


def write_lab_settings(settings_dir: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        package, name = plugin.rsplit("/", 1)
        path = settings_dir / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


def start_lab(root: Path, home: Path, log_path: Path, timeout: float = 180) -> LabServer:
    """Start `jupyter lab` in `root` and wait until /api/status answers."""
    env = lab_environment(home)
    write_lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers and this machine run as root
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 - the server writes it until stop()
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_terminate_with_parent(),
    )
    log.close()  # the child holds its own descriptor
    server = LabServer(root, port, token, process, log_path, env)
    try:
        _wait_until_up(server, timeout)
    except BaseException:  # a timeout, a bad answer, Ctrl+C: never leave the server running
        server.stop()
        raise
    return server


def _wait_until_up(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with code {server.process.returncode} before answering;"
                f" its log ({server.log_path}):\n{server.log_tail()}"
            )
        try:
            server.api("api/status", timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"jupyter lab did not answer /api/status on port {server.port} within"
                f" {timeout:.0f} s; its log ({server.log_path}):\n{server.log_tail()}"
            )
        time.sleep(0.5)
