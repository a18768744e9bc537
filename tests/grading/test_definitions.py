"""Does the re-check reduce a student's answer to its definitions (grading/definitions.py)?"""

from __future__ import annotations

from autograder.grading import definitions


def test_keep_definitions_drops_hooks_and_keeps_functions():
    """Does the re-check keep functions, imports and constants, and drop the statements that
    install hooks or patch the checks?"""
    source = """
import numpy as np
EPS = 1e-8
GATES = ("i", "f")
SCALE = np.float32(0.5)
def one_hot(x, V, _ref=np.eye):
    return np.eye(V)[x]
get_ipython().input_transformers_post.append(lambda lines: [])
np.testing.assert_allclose = lambda *a, **k: None
import rnnlib as rl
rl.checks.check_close = print
__builtins__["len"] = lambda x: 0
for i in range(3):
    pass
@some_decorator
def decorated(x):
    return x
def sneaky(x, hook=__import__("sys").settrace(None)):
    return x
"""
    kept, dropped = definitions.keep_definitions(source)
    assert "def one_hot" in kept and "EPS = 1e-8" in kept and "np.float32(0.5)" in kept
    assert "import rnnlib as rl" in kept
    for bad in (
        "input_transformers",
        "assert_allclose",
        "check_close",
        "__builtins__",
        "for i",
        "decorated",
        "sneaky",
    ):
        assert bad not in kept, bad
    assert len(dropped) == 7, dropped


def test_keep_definitions_comments_out_magics_and_keeps_unparsable_source():
    """Are `%magic` lines neutralised, and is a syntax error left for the re-check to fail?"""
    kept, dropped = definitions.keep_definitions("%matplotlib inline\ndef f():\n    return 1\n")
    assert "def f" in kept and "%matplotlib" not in kept.replace("# %matplotlib", "")
    assert definitions.keep_definitions("def f(:") == ("def f(:", [])
