"""Grading machinery of the exercise test cells: reference blocking and hidden comparisons.

Students never need this module; the test cells under each exercise use it::

    _rnn_step = rl.testing.guarded(rnn_step_forward, rl.cells.rnn_step_forward,
                                   rl.cells.rnn_forward)
    _next_h = _rnn_step(x, prev_h, Wx, Wh, b)         # the references raise while it runs
    rl.testing.check_against_reference(_rnn_step, reference, make_inputs, seed=1)  # hidden part

While a guarded function runs, every listed reference raises ``AssertionError``. The block
swaps the reference's code object, not a name, so it holds however the student reached the
reference: a call through the module, a name imported at module level, a default argument or
a closure that captured it. Outside the guarded call everything is as before, so the test
cell itself computes expected values with the same references.

References are functions, methods, classes (their ``__init__`` is blocked) or dotted names
(``"keras.utils.pad_sequences"``), imported when the guard is made. Introduced in notebook 01;
every test cell of every notebook follows this pattern (docs/exercise-pattern.md).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import inspect
import types
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

from rnnlib.testing.checks import (
    check_close,
    check_kind,
    describe,
    describe_inputs,
    is_numeric_list,
)

# ----------------------------------------------------------------------------- blocking

_active: dict[types.FunctionType, tuple[types.CodeType, int]] = {}  # function -> (code, depth)


def resolve(reference) -> list[types.FunctionType]:
    """The Python functions whose code must be swapped to block ``reference``."""
    if isinstance(reference, str):
        reference = _import_dotted(reference)
    if isinstance(reference, type):
        init = vars(reference).get("__init__")
        if not isinstance(init, types.FunctionType):
            raise TypeError(
                f"cannot block class {reference.__qualname__}: it defines no __init__ of its own"
            )
        return [init]
    reference = getattr(reference, "__func__", reference)  # a bound method
    if not isinstance(reference, types.FunctionType):
        raise TypeError(
            f"cannot block {reference!r}: only Python functions, methods and classes can be blocked"
        )
    return [reference]


def _import_dotted(name: str):
    """``"keras.utils.pad_sequences"`` -> the object (longest importable module prefix)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"cannot import {name!r}")


def _describe_reference(fn: types.FunctionType) -> str:
    return f"{fn.__module__}.{fn.__qualname__}".replace(".__init__", "")


def _blocking_code(fn: types.FunctionType) -> types.CodeType:
    """A code object that raises, with the same free variables as ``fn`` (so it can replace
    ``fn.__code__`` even when ``fn`` is a closure or uses ``super()``)."""
    message = (
        f"Your code called {_describe_reference(fn)}, a reference that this exercise "
        "asks you to write yourself: write it without it (these tests check your own "
        "implementation)."
    )
    free = fn.__code__.co_freevars
    lines = ["def _outer():"]
    lines += [f"    {name} = None" for name in free]
    lines += [f"    def blocked({_parameters(fn.__code__)}):"]
    if free:
        lines.append(f"        ({', '.join(free)},)")
    lines += [f"        raise AssertionError({message!r})", "    return blocked"]
    namespace: dict = {}
    exec(compile("\n".join(lines), f"<blocked {fn.__qualname__}>", "exec"), namespace)
    code = namespace["_outer"]().__code__
    if code.co_freevars != free:  # the compiler ordered them differently: cannot swap safely
        raise TypeError(f"cannot block {_describe_reference(fn)}")
    return code


def _parameters(code: types.CodeType) -> str:
    """The parameter list of ``code`` as source, without defaults (those stay on the function
    object): the blocked function keeps its signature, which libraries such as Keras inspect
    before calling it."""
    names = code.co_varnames
    n_pos, n_kw = code.co_argcount, code.co_kwonlyargcount
    params = list(names[:n_pos])
    if code.co_posonlyargcount:
        params.insert(code.co_posonlyargcount, "/")
    rest = n_pos + n_kw
    if code.co_flags & inspect.CO_VARARGS:
        params.append("*" + names[rest])
        rest += 1
    elif n_kw:
        params.append("*")
    params += names[n_pos : n_pos + n_kw]
    if code.co_flags & inspect.CO_VARKEYWORDS:
        params.append("**" + names[rest])
    return ", ".join(params)


@contextlib.contextmanager
def blocked(*references) -> Iterator[None]:
    """While active, calling any of ``references`` raises AssertionError (nested blocks are
    fine; each function gets its own code back when the outermost block exits)."""
    functions = [fn for ref in references for fn in resolve(ref)]
    entered = []
    try:
        for fn in functions:
            if fn in _active:
                code, depth = _active[fn]
                _active[fn] = (code, depth + 1)
            else:
                blocker = _blocking_code(fn)
                _active[fn] = (fn.__code__, 1)
                fn.__code__ = blocker
            entered.append(fn)
        yield
    finally:
        for fn in reversed(entered):
            code, depth = _active[fn]
            if depth == 1:
                fn.__code__ = code
                del _active[fn]
            else:
                _active[fn] = (code, depth - 1)


def reference_names(*references) -> list[str]:
    """The blocked functions of ``references`` as ``"module:qualname"``, the names by which
    another process (the grader's answers process) finds and blocks the same functions."""
    names = set()
    for fn in (fn for ref in references for fn in resolve(ref)):
        name = f"{fn.__module__}:{fn.__qualname__}"
        if _find(name) is not fn:
            raise TypeError(f"cannot name {_describe_reference(fn)}: {name} is another object")
        names.add(name)
    return sorted(names)


def _find(name: str):
    module, _, qualname = name.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return getattr(obj, "__func__", obj)


def block_for_good(names: Sequence[str]) -> None:
    """Replace the code of every function ``names`` lists (``reference_names``) with code
    that raises, and keep no original: in this process they cannot be called any more.

    For a process that runs a student's answers for one exercise only (the grader's answers
    process, autograder/grading/answers_runner.py), before any of the student's code runs.
    """
    for name in names:
        fn = _find(name)
        if not isinstance(fn, types.FunctionType):
            raise TypeError(f"cannot block {name}: not a Python function here")
        fn.__code__ = _blocking_code(fn)


def guarded(student_fn: Callable, *references) -> Callable:
    """``student_fn`` wrapped so that every call runs with ``references`` blocked.

    The references are resolved now, so a misspelt name fails in the test cell, not later.
    A ``student_fn`` that is not callable (None, a number) is returned unchanged: the checks
    that call it then say what came.
    """
    for ref in references:
        resolve(ref)
    if not callable(student_fn):
        return student_fn
    if getattr(type(student_fn), "__rnn_boundary__", False):
        # the grader's re-check: the function runs in another process, which blocks the
        # references there for good (autograder/grading/boundary_wire.py)
        student_fn = student_fn.with_references(reference_names(*references))

    @functools.wraps(student_fn)
    def call_without_references(*args, **kwargs):
        with blocked(*references):
            return student_fn(*args, **kwargs)

    return call_without_references


# ----------------------------------------------------------------------------- comparison


def check_against_reference(
    student_fn: Callable,
    reference_fn: Callable,
    make_inputs: Callable[[np.random.Generator], dict],
    trials: int = 3,
    seed: int | None = None,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    diagnoses: Mapping[str, Callable] | None = None,
    outputs: Sequence[int] | Mapping[str, int] | None = None,
) -> None:
    """Asserts that ``student_fn`` agrees with ``reference_fn`` on fresh random inputs.

    make_inputs: ``rng -> dict`` of keyword arguments; each function gets its own deep
        copy, so changing the inputs in place cannot affect the other one.
    outputs: which elements of a tuple output to compare, as indices or ``{name: index}``.
        By default every element that is an array or a number is compared and the rest
        (caches) are skipped.
    diagnoses: maps a mistake to a wrong implementation with the same signature; when the
        student's output matches one of them the message names the mistake.
    Type and dtype are checked before values; an exception of the student's function is
    reported with the inputs that caused it.
    """
    rng = np.random.default_rng(seed)
    fn_name = getattr(student_fn, "__name__", "your function")
    for trial in range(trials):
        inputs = make_inputs(rng)
        context = (
            f"{fn_name} disagrees with the reference on random trial {trial + 1} "
            f"of {trials} (inputs: {describe_inputs(inputs)})"
        )
        expected = reference_fn(**copy.deepcopy(inputs))
        try:
            got = student_fn(**copy.deepcopy(inputs))
        except Exception as exc:
            raise AssertionError(
                f"{fn_name} raised {type(exc).__name__} on random inputs "
                f"({describe_inputs(inputs)}):\n  {exc}"
            ) from exc
        selected = _select_outputs(expected, outputs)
        wrong_outputs = {}
        for label, wrong_fn in (diagnoses or {}).items():
            try:
                wrong_outputs[label] = wrong_fn(**copy.deepcopy(inputs))
            except Exception:  # noqa: BLE001 - a diagnosis that cannot run is just skipped
                continue
        for key, out_name in selected:
            wrong = {}
            for label, value in wrong_outputs.items():
                with contextlib.suppress(AssertionError, LookupError, TypeError):
                    wrong[label] = _pick(value, key, expected, fn_name)
            exp_value = expected if key is None else expected[key]
            out_name = f"{fn_name} {out_name}"
            try:
                got_value = _pick(got, key, expected, fn_name)
                check_kind(out_name, got_value, exp_value)
                check_close(out_name, got_value, exp_value, atol, rtol, diagnoses=wrong)
            except AssertionError as exc:
                raise AssertionError(f"{context}.\n{exc}") from None


def _select_outputs(expected, outputs) -> list[tuple[object, str]]:
    """(key, name) of the outputs to compare; key None means the whole output."""
    if isinstance(outputs, Mapping):
        return [(index, name) for name, index in outputs.items()]
    if isinstance(expected, Mapping):
        keys = (
            outputs if outputs is not None else [k for k, v in expected.items() if _comparable(v)]
        )
        return [(k, f"output {k!r}") for k in keys]
    if isinstance(expected, tuple):
        keys = (
            outputs
            if outputs is not None
            else [i for i, v in enumerate(expected) if _comparable(v)]
        )
        return [(i, f"output [{i}]") for i in keys]
    if outputs is not None:
        raise ValueError(
            "check_against_reference: outputs= given but the reference returns "
            f"a single {type(expected).__name__}, not a tuple"
        )
    return [(None, "output")]


def _pick(got, key, expected, fn_name):
    """The element ``key`` of the student's output, with a clear error if it is missing."""
    if key is None:
        return got
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping) or key not in got:
            raise AssertionError(
                f"{fn_name} should return a dict with key {key!r}, got {describe(got)}."
            )
        return got[key]
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        raise AssertionError(
            f"{fn_name} should return a tuple of {len(expected)} items, got {describe(got)}."
        )
    return got[key]


def _comparable(value) -> bool:
    """Arrays and numbers are compared; caches, None and other objects are skipped."""
    return isinstance(value, (np.ndarray, np.generic, int, float)) or is_numeric_list(value)
