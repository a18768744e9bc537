"""``rnn-course doctor``: what is installed, and can the course's kernel start?"""

from __future__ import annotations

import importlib
import os
import platform
import sys

# (label, import name, attribute holding the version)
TOOLS = (
    ("numpy", "numpy", "__version__"),
    ("TensorFlow", "tensorflow", "__version__"),
    ("Keras", "keras", "__version__"),
    ("nbgrader", "nbgrader", "__version__"),
    ("JupyterLab", "jupyterlab", "__version__"),
    ("ipywidgets", "ipywidgets", "__version__"),
)


def tool_version(module_name: str, attribute: str = "__version__") -> str:
    """The installed version of a module, or a short reason it is missing."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # an import can fail in many ways; report, never crash
        return f"NOT AVAILABLE ({type(error).__name__}: {error})"
    return str(getattr(module, attribute, "unknown version"))


def kernel_starts(timeout: float = 60.0) -> tuple[bool, str]:
    """Starts the default Python kernel, runs one line, and shuts it down."""
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError as error:
        return False, f"jupyter_client is missing ({error})"
    try:
        manager, client = start_new_kernel(kernel_name="python3", startup_timeout=timeout)
    except Exception as error:
        return False, f"{type(error).__name__}: {error}"
    try:
        reply = client.execute_interactive("import rnnlib", timeout=timeout)
        ok = reply["content"]["status"] == "ok"
        return ok, "ok (python3 kernel, imports rnnlib)" if ok else "kernel cannot import rnnlib"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(start_kernel: bool = True) -> int:
    print(f"Python      {platform.python_version()} ({sys.executable})")
    missing = False
    for label, module_name, attribute in TOOLS:
        version = tool_version(module_name, attribute)
        missing |= version.startswith("NOT AVAILABLE")
        print(f"{label:<11} {version}")
    if start_kernel:
        ok, detail = kernel_starts()
        print(f"{'kernel':<11} {detail}")
        missing |= not ok
    if missing:
        print("something is missing: run `make lab` or `make test` to set up")
    else:
        print("all good")
    return 1 if missing else 0
