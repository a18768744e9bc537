"""The catalogue of plausible wrong answers, written as real functions (docs/exercise-pattern.md).

    @mistake("rnn_step_forward", "forgot the bias")       # a wrong answer to an exercise
    def step_without_bias(x, prev_h, Wx, Wh, b): ...

    @delegates("rnn_step_forward")                        # the answer that calls a reference
    def step_by_reference(x, prev_h, Wx, Wh, b): ...

    @right_answer("numerical_gradient", "restores x by arithmetic")  # right, written otherwise
    def numgrad_restoring_by_arithmetic(f, x, df, h=1e-5): ...

`entries(notebook_id)` gives every entry of `tests/mistakes/nb<notebook id>.py` as answer-cell
source; `delegating_forms` turns a delegating answer into the four ways a student writes it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from dataclasses import dataclass

# Roots of the names that reach a reference: rnnlib, Keras, TensorFlow.
REFERENCE_ROOTS = ("rl", "rnnlib", "keras", "tf", "tensorflow")


@dataclass(frozen=True)
class Entry:
    """One answer to try: the exercise, what is wrong with it, the answer cell's source."""

    exercise: str
    label: str
    source: str
    delegating: bool = False
    right: bool = False  # another right answer: it must earn full marks


def mistake(exercise: str, label: str):
    """Marks a function as a plausible wrong answer to `exercise`."""

    def mark(fn):
        fn.__mistake__ = (exercise, label)
        return fn

    return mark


def right_answer(exercise: str, label: str):
    """Marks a function as a right answer to `exercise` written another way than the
    solution's (the tests must give it full marks)."""

    def mark(fn):
        fn.__right__ = (exercise, label)
        return fn

    return mark


def delegates(exercise: str):
    """Marks a function as the answer to `exercise` that only calls a reference."""

    def mark(fn):
        fn.__delegates__ = exercise
        return fn

    return mark


def module_name(notebook_id: str) -> str:
    """`02_rnn_cell` -> `mistakes.nb02_rnn_cell`."""
    return f"mistakes.nb{notebook_id}"


def load(notebook_id: str):
    """The catalogue module of a notebook, or None when it has none."""
    try:
        return importlib.import_module(module_name(notebook_id))
    except ModuleNotFoundError as err:
        if err.name == module_name(notebook_id):
            return None
        raise


def answer_source(fn, exercise: str) -> str:
    """The function's source as an answer cell: decorators dropped, renamed to `exercise`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    (func,) = tree.body
    func.decorator_list = []
    func.name = exercise
    return ast.unparse(func) + "\n"


def entries(notebook_id: str) -> list[Entry]:
    """Every mistake of the notebook, then the four forms of every delegating answer."""
    module = load(notebook_id)
    if module is None:
        return []
    found = []
    for _, fn in inspect.getmembers(module, inspect.isfunction):
        if hasattr(fn, "__mistake__"):
            exercise, label = fn.__mistake__
            found.append(
                (fn.__code__.co_firstlineno, Entry(exercise, label, answer_source(fn, exercise)))
            )
        elif hasattr(fn, "__right__"):
            exercise, label = fn.__right__
            source = answer_source(fn, exercise)
            entry = Entry(exercise, f"right: {label}", source, right=True)
            found.append((fn.__code__.co_firstlineno, entry))
        elif hasattr(fn, "__delegates__"):
            source = answer_source(fn, fn.__delegates__)
            for form, text in delegating_forms(source, fn.__delegates__).items():
                found.append(
                    (
                        fn.__code__.co_firstlineno,
                        Entry(fn.__delegates__, f"delegates: {form}", text, True),
                    )
                )
    return [entry for _, entry in sorted(found, key=lambda item: item[0])]


def no_reference(notebook_id: str) -> dict[str, str]:
    """{exercise: why it has no delegating answer} of the notebook's catalogue."""
    return dict(getattr(load(notebook_id), "NO_REFERENCE", {}))


# ---- the four forms of a delegating answer ---------------------------------------------------


def _dotted(node) -> str | None:
    """`rl.cells.rnn_forward` for an attribute chain rooted at a reference root, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in REFERENCE_ROOTS and parts:
        return ".".join([node.id, *reversed(parts)])
    return None


class _Capture(ast.NodeTransformer):
    """Replaces every called reference chain (`rl.cells.rnn_forward(...)`) by a local name."""

    def __init__(self):
        self.names: dict[str, str] = {}  # dotted reference -> captured name

    def visit_Call(self, node):
        self.generic_visit(node)
        dotted = _dotted(node.func)
        if dotted is not None:
            name = self.names.setdefault(dotted, f"_reference_{len(self.names) + 1}")
            node.func = ast.Name(name, ast.Load())
        return node


def delegating_forms(source: str, exercise: str) -> dict[str, str]:
    """The ways a student hands an exercise to a reference, from one direct answer.

    direct call; the reference bound to a name at module level; captured as a default
    argument; captured in a closure. The guard must catch all four.
    """
    tree = ast.parse(source)
    (func,) = tree.body
    capture = _Capture()
    captured = capture.visit(ast.parse(source)).body[0]
    if not capture.names:
        raise ValueError(f"the delegating answer to {exercise} calls no rl./keras./tf. function")
    bindings = [f"{name} = {dotted}" for dotted, name in capture.names.items()]
    body = ast.unparse(captured)

    with_defaults = ast.parse(body).body[0]
    for dotted, name in capture.names.items():
        with_defaults.args.kwonlyargs.append(ast.arg(name))
        with_defaults.args.kw_defaults.append(ast.parse(dotted, mode="eval").body)

    closure = [
        "def _make_answer():",
        *(f"    {b}" for b in bindings),
        textwrap.indent(body, "    "),
        f"    return {exercise}",
        f"{exercise} = _make_answer()",
    ]
    return {
        "direct call": ast.unparse(func) + "\n",
        "name imported at module level": "\n".join([*bindings, body]) + "\n",
        "default argument": ast.unparse(with_defaults) + "\n",
        "closure": "\n".join(closure) + "\n",
    }
