"""Training helpers (``rl.training``): seeded and timed runs, ``fit_or_load`` (trains
normally, loads the saved artifact during autograde), NumPy parameter checkpoints, and the
optimisers and clipping of the NumPy models."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
