"""The kernel's writable folder: a private, size-capped copy, never a folder trusted code uses.

    folder = make_scratch(parent, source, limits)   # a tmpfs of limits.disk_mb, disk_inodes
    Sandbox(workdir, limits, source=folder)         # seen inside at `workdir`
    remove_scratch(folder)                          # unmounted, then removed

nbgrader runs the notebook in autograded/<student>/<assignment>/ and then writes the autograded
notebook there, as root. Were that folder the sandbox's, a student could replace the notebook
with a symbolic link and have root write (or the grader read) any file. So the sandbox never
writes there: it sees, at the same path, this copy of the submission's files, and nothing it
writes reaches a folder that trusted code opens. The copy is a tmpfs mounted with `size=` and
`nr_inodes=` (the sandbox's disk and inode cap) where this process may mount (root); elsewhere a
plain folder, uncapped (said by `capped`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from autograder.sandbox.limits import Limits


def make_scratch(parent: Path, source: Path, limits: Limits) -> Path:
    """A new folder under `parent` holding a copy of the regular files under `source` (no
    links), on a tmpfs of `limits.disk_mb` MB and `limits.disk_inodes` inodes where possible."""
    folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=parent))
    opts = f"size={limits.disk_mb}m,nr_inodes={limits.disk_inodes},mode=0755,nodev,nosuid"
    if os.geteuid() == 0 and shutil.which("mount"):
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
    for dirpath, dirs, files in os.walk(source):  # trusted: the sandbox has not run yet
        rel = Path(dirpath).relative_to(source)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(dirpath, d))]
        (folder / rel).mkdir(exist_ok=True)
        for name in files:
            src = Path(dirpath) / name
            if src.is_file() and not src.is_symlink():
                shutil.copyfile(src, folder / rel / name, follow_symlinks=False)
    return folder


def capped(folder: Path) -> bool:
    """Is `folder` a size-capped tmpfs (make_scratch could mount)?"""
    return os.path.ismount(folder)


def remove_scratch(folder: Path) -> None:
    """Unmount (lazily, if still busy) and remove a folder of make_scratch."""
    folder = Path(folder)
    if os.path.ismount(folder):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
    shutil.rmtree(folder, ignore_errors=True)  # fd-based: never follows a link inside
