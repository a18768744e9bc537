"""``rnn-course doctor``: what is installed, and can the course's kernel start?"""

from __future__ import annotations

import importlib
import platform
import sys
from pathlib import Path

from autograder.engine.kernel import quiet_environment, run_notebook

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
    quiet_environment()  # before TensorFlow loads: no oneDNN / absl lines
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # an import can fail in many ways; report, never crash
        return f"NOT AVAILABLE ({type(error).__name__}: {error})"
    return str(getattr(module, attribute, "unknown version"))


def kernel_starts(timeout: float = 60.0) -> tuple[bool, str]:
    """Starts the course's kernel (as every notebook run does), imports rnnlib in it, stops it."""
    import tempfile

    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import rnnlib")])
    try:
        with tempfile.TemporaryDirectory(prefix="rnn-doctor-") as workdir:
            run_notebook(nb, Path(workdir), timeout=int(timeout))
    except Exception as error:  # a kernel can fail in many ways; report, never crash
        first = str(error).strip().splitlines()[-1:] or [""]
        return False, f"kernel cannot start or import rnnlib ({type(error).__name__}: {first[0]})"
    return True, "ok (python3 kernel, imports rnnlib)"


def main(start_kernel: bool = True) -> int:
    quiet_environment()
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
