"""What every benchmark records beside its numbers: the machine it ran on and its load.

Benchmarks are scripts run from the repository root (``python benchmarks/<name>.py``), not an
installed package: they import this module by its plain name, from their own folder.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
