"""Timing and quality measurements; each script runs as `python benchmarks/<name>.py`."""
