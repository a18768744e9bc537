"""The non-neural baselines that results stand beside (``rl.baselines``): persistence and
autoregression for series (notebook 03), and each mini-project's strongest honest competitor.
(The n-gram language models are in :mod:`rnnlib.lm`.)"""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
