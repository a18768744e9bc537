"""What the test cells use (``rl.testing``). Students read :mod:`~rnnlib.testing.checks`
(shape, dtype and value messages that say what was expected and what came) and
:mod:`~rnnlib.testing.gradcheck`; the hidden-test machinery (reference blocking, comparisons on
fresh random inputs) is :mod:`~rnnlib.testing.grading`; :mod:`~rnnlib.testing.shapes` validates
the inputs of every library function. The grader watches this whole subpackage for tampering."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
