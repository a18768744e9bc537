"""Matplotlib helpers for the notebooks: each takes ``ax=None`` and returns the ``ax``.

matplotlib is imported inside the functions, so importing this package stays light.
One module per theme; every public helper is offered as ``rl.plot.<name>``.
"""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
