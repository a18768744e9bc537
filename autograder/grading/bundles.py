"""A task's template folder as bytes, for executors on machines that share no file system.

bundle = pack(Path(task.template))               # here: the folder's files as bytes
run_with_template(grade_submission, task, bundle)  # on a worker: unpacked once, then run
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

TEMPLATE_CACHE = "rnn-grade-templates"  # under the worker's temporary folder


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
    from autograder.sandbox.bwrap import available

    changes = {"template": str(unpack(bundle))}
    if hasattr(task, "isolate"):
        changes["isolate"] = available()[0]
    return fn(dataclasses.replace(task, **changes), *args, **kwargs)


def _ships_template(args) -> bool:
    task = args[0] if args else None
    return (
        dataclasses.is_dataclass(task)
        and isinstance(getattr(task, "template", None), str)
        and Path(task.template).is_dir()
    )
