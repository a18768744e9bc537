"""ipywidgets demos for the notebooks. They call plot helpers and hold no model logic.

ipywidgets is imported inside the functions. One module per demo; every public
function (a module's ``__all__``, when it has one) is offered as ``rl.widgets.<name>``.
"""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
