"""What one submission may use, and who it runs as, in both sandboxes (bubblewrap and warm)."""

from __future__ import annotations

from dataclasses import dataclass

NOBODY = 65534  # uid and gid of the sandboxed process


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    memory_mb: int = 3072  # TensorFlow + a small Keras model need about 1 GB
    cpus: float = 1.0  # CPU time per second, all its processes together (cgroup cpu quota)
    pids: int = 256  # processes and threads (TensorFlow starts a thread pool per core)
    file_mb: int = 256  # the largest file it may write
    tmp_mb: int = 512  # its private /tmp
    disk_mb: int = 512  # its writable folder (a tmpfs of this size: sandbox/scratch.py)
    disk_inodes: int = 20000  # files and folders in its writable folder
    cell_timeout: int = 300  # seconds per cell (autograder.execute.CELL_TIMEOUT)
    notebook_timeout: int = 1800  # seconds for the whole notebook
    output_kb: int = 1024  # output kept per notebook; the rest is cut with a note

    def env_value(self) -> str:
        return f"{self.memory_mb},{self.pids},{self.file_mb},{self.tmp_mb}"

    @classmethod
    def from_env_value(cls, value: str) -> Limits:
        memory_mb, pids, file_mb, tmp_mb = (int(v) for v in value.split(","))
        return cls(memory_mb=memory_mb, pids=pids, file_mb=file_mb, tmp_mb=tmp_mb)
