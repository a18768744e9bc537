"""The experiments on memory and gradients (``rl.dynamics``): a single unit's memory
(notebook 02), Jacobian products and exploding-gradient cliffs (05), gradient flow and gate
activations of gated cells (06)."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
