"""Check helpers for the notebooks' test cells: clear messages for the common mistakes.

Every check raises ``AssertionError`` with a message that says what was expected, what
came, and (where it can tell) the likely mistake::

    >>> rl.checks.check_shape("h", np.zeros((5, 3, 4)), (3, 5, 4))
    AssertionError: h has shape (5, 3, 4), expected (3, 5, 4).
      Likely mistake: the same sizes in a different order: ...

Hidden tests compare a student's function with rnnlib's reference on fresh random inputs
(:func:`check_against_reference`) and make sure it does not simply call the reference
(:func:`reference_blocked`). Used from notebook 01 on.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

_KINDS = {
    "float": (np.floating, "a float array (float32 or float64)"),
    "int": (np.integer, "an integer array"),
    "bool": (np.bool_, "a boolean array"),
}
_KIND_HINTS = {
    "float": "build it with a float dtype (np.zeros(shape) is float64; avoid dtype=int)",
    "int": "indices and token ids must be integers: use .astype(int) or np.int32",
    "bool": "a mask is boolean: build it with a comparison such as `x != 0`",
}


# ----------------------------------------------------------------------------- shapes


def check_shape(name: str, array, expected, hint: str | None = None) -> None:
    """Asserts that ``array`` has shape ``expected`` (``None`` in ``expected`` = any size).

    The message names the likely mistake: transposed or time-major axes, a missing batch
    axis, only the last time step returned, a stray or missing axis of size 1.
    name: what the array is called in the notebook (``"h"``, ``"next_h"``).
    hint: an extra sentence appended to the message.
    """
    expected = (expected,) if isinstance(expected, (int, np.integer)) else tuple(expected)
    if not (isinstance(array, (np.ndarray, np.generic, int, float)) or _numeric_list(array)):
        raise AssertionError(_join(f"{name} is {_describe(array)}, expected an array of "
                                   f"shape {_fmt_shape(expected)}.", [], hint))
    try:
        shape = np.shape(array)
    except ValueError:  # a ragged list
        raise AssertionError(_join(f"{name} is {_describe(array)} of different shapes, "
                                   f"expected an array of shape {_fmt_shape(expected)}.",
                                   [], hint)) from None
    if _shape_matches(shape, expected):
        return
    mistakes = _shape_mistakes(shape, expected)
    head = f"{name} has shape {tuple(shape)}, expected {_fmt_shape(expected)}."
    raise AssertionError(_join(head, mistakes, hint))


def _shape_matches(shape, expected) -> bool:
    return len(shape) == len(expected) and all(
        e is None or s == e for s, e in zip(shape, expected, strict=True)
    )


def _shape_mistakes(shape, expected) -> list[str]:
    """Plausible reasons why ``shape`` came instead of ``expected``."""
    shape, exp = tuple(shape), tuple(expected)
    found = []
    if len(shape) == 0:
        found.append("you returned a scalar: did you sum or average over everything, "
                     "or index a single element?")
    if len(shape) == len(exp) and None not in exp and sorted(shape) == sorted(exp):
        if len(exp) == 2 and shape == exp[::-1]:
            found.append("the two axes are swapped: a transposed result (check the order "
                         "in the matrix product, e.g. x @ Wx rather than Wx.T @ x.T "
                         "without transposing back).")
        elif len(exp) == 3 and shape == (exp[1], exp[0], exp[2]):
            found.append("the first two axes are swapped: time-major (T, N, ...) instead of "
                         "batch-major (N, T, ...); stack the time steps along axis 1 "
                         "(np.stack(steps, axis=1)).")
        else:
            found.append("the same sizes in a different order: the axes are permuted "
                         "(a transpose, or np.stack along the wrong axis).")
    if len(shape) == len(exp) - 1:
        if _shape_matches(shape, exp[1:]):
            found.append(f"the batch axis (first axis, size {exp[0]}) is missing: did you "
                         "compute a single example, or index [0]?")
        if len(exp) == 3 and _shape_matches(shape, (exp[0], exp[2])):
            found.append("only one time step came back (like Keras return_sequences=False): "
                         "keep the hidden state of every step and stack them along axis 1.")
        for axis, size in enumerate(exp):
            if size == 1 and _shape_matches(shape, exp[:axis] + exp[axis + 1:]):
                found.append(f"the axis {axis} of size 1 is missing: use keepdims=True "
                             "or reshape.")
    if len(shape) == len(exp) + 1:
        for axis, size in enumerate(shape):
            if size == 1 and _shape_matches(shape[:axis] + shape[axis + 1:], exp):
                found.append(f"an extra axis of size 1 at position {axis}: did you slice "
                             "x[:, t:t+1] instead of x[:, t], or forget to squeeze?")
    if len(shape) == len(exp) and not found:
        pairs = enumerate(zip(shape, exp, strict=True))
        wrong = [i for i, (s, e) in pairs if e is not None and s != e]
        if len(wrong) == 1:
            axis = wrong[0]
            found.append(f"only axis {axis} differs ({shape[axis]} instead of {exp[axis]}): "
                         "a size taken from the wrong argument (e.g. D instead of H), or a "
                         "slice that is too short or too long.")
    return found


# ----------------------------------------------------------------------------- dtypes


def check_dtype(name: str, array, kind: str) -> None:
    """Asserts that ``array`` is a float, integer or boolean array (``kind``)."""
    if kind not in _KINDS:
        raise ValueError(f"check_dtype: kind should be one of {sorted(_KINDS)}, got {kind!r}")
    if not isinstance(array, np.ndarray) and not np.isscalar(array):
        raise AssertionError(f"{name} should be {_KINDS[kind][1]}, got {_describe(array)}.")
    dtype = np.asarray(array).dtype
    if np.issubdtype(dtype, _KINDS[kind][0]) and not (kind == "int" and dtype == np.bool_):
        return
    raise AssertionError(f"{name} should be {_KINDS[kind][1]}, got dtype {dtype}.\n"
                         f"  Hint: {_KIND_HINTS[kind]}.")


# ----------------------------------------------------------------------------- values


def check_close(name: str, got, expected, atol: float = 1e-6, rtol: float = 1e-5,
                diagnoses: Mapping[str, object] | None = None) -> None:
    """Asserts that ``got`` equals ``expected`` within ``atol + rtol * |expected|``.

    diagnoses: maps a mistake ("forgot the bias") to the array that mistake produces;
        when ``got`` matches one of them the message names it.
    The message gives the number of wrong entries, the largest error and where it is.
    """
    expected = np.asarray(expected)
    if not (isinstance(got, (np.ndarray, np.generic, int, float)) or _numeric_list(got)):
        raise AssertionError(f"{name} is {_describe(got)}, expected an array of shape "
                             f"{expected.shape}.")
    got_arr = np.asarray(got)
    with np.errstate(all="ignore"):
        matched = _matching_diagnoses(got_arr, expected, diagnoses, atol, rtol)
    if got_arr.shape != expected.shape:
        check_shape(name, got_arr, expected.shape, hint=_mistake_line(matched))
    if not (_is_numeric(got_arr)):
        raise AssertionError(f"{name} should hold numbers, got dtype {got_arr.dtype}.")
    with np.errstate(all="ignore"):  # inf - inf etc. must not warn in a test cell
        message = _value_message(name, got_arr.astype(np.float64),
                                 expected.astype(np.float64), atol, rtol, matched)
    if message:
        raise AssertionError(message)


def _value_message(name, g, e, atol, rtol, matched) -> str | None:
    """The failure message for values g against e (same shape), or None when they agree."""
    bad = ~np.isclose(g, e, atol=atol, rtol=rtol, equal_nan=True)  # (...)
    if not bad.any():
        return None
    err = np.where(np.isnan(g) != np.isnan(e), np.inf, np.abs(g - e))  # (...)
    err = np.nan_to_num(err, nan=0.0, posinf=np.inf)
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), e.shape)
    where = f" at index {tuple(int(i) for i in worst)}" if e.ndim else ""
    if e.ndim == 0:
        head = (f"{name} is {g[()]:.6g}, expected {e[()]:.6g} (error {err[()]:.3g}; "
                f"atol={atol:g}, rtol={rtol:g}).")
    else:
        head = (f"{name} is not close to the expected values: {int(bad.sum())} of {bad.size} "
                f"entries differ (atol={atol:g}, rtol={rtol:g}).\n"
                f"  Largest error {err[worst]:.3g}{where}: got {g[worst]:.6g}, expected "
                f"{e[worst]:.6g}.")
    lines = [_mistake_line(matched)] if matched else _value_mistakes(g, e, bad, atol, rtol)
    return _join(head, [], "\n  ".join(x for x in lines if x))


def _matching_diagnoses(got, expected, diagnoses, atol, rtol) -> list[str]:
    """Labels of the mistakes whose output ``got`` reproduces (and ``expected`` does not)."""
    found = []
    for label, wrong in (diagnoses or {}).items():
        try:
            wrong = np.asarray(wrong, dtype=np.float64)
            g = got.astype(np.float64)
        except (TypeError, ValueError):
            continue
        if wrong.shape != got.shape or not np.allclose(g, wrong, atol=atol, rtol=rtol):
            continue
        if wrong.shape == expected.shape and np.allclose(wrong, expected, atol=atol, rtol=rtol):
            continue  # this mistake is invisible on these inputs
        found.append(label)
    return found


def _mistake_line(labels: list[str]) -> str | None:
    if not labels:
        return None
    return "Likely mistake: " + " / ".join(labels) + " (your result matches what that gives)."


def _value_mistakes(g, e, bad, atol, rtol) -> list[str]:
    """Generic reasons for wrong values: NaN, all zeros, sign, scale, where they differ."""
    found = []
    if (np.isfinite(e) & ~np.isfinite(g)).any():
        found.append("Your result contains NaN or inf: an overflow (e.g. np.exp of a large "
                     "number: use a stable formula) or uninitialised values (np.empty).")
    elif not g.any() and e.any():
        found.append("Your result is all zeros: did you return the array before filling it "
                     "in, or overwrite it?")
    elif e.any() and np.allclose(g, -e, atol=atol, rtol=rtol):
        found.append("Your result has the opposite sign everywhere.")
    elif e.any():
        scale = float(np.sum(g * e) / np.sum(e * e))
        # for a single number any ratio "fits": only report the telling ones (N, 1/N, ...)
        telling = e.size > 1 or any(abs(r - round(r)) < 1e-6 and round(r) >= 2
                                    for r in (scale, 1 / scale if scale else 0.0))
        if (telling and not np.isclose(scale, 1.0)
                and np.allclose(g, scale * e, atol=atol, rtol=rtol)):
            found.append(f"Your result is the expected one times {scale:.4g}: a missing or "
                         "extra factor (e.g. averaging over N, or summing instead of "
                         "averaging).")
    if e.ndim >= 2 and not found:
        for axis in range(e.ndim):
            other = tuple(a for a in range(e.ndim) if a != axis)
            rows = np.flatnonzero(bad.any(axis=other))
            if 0 < len(rows) < e.shape[axis]:
                shown = ", ".join(str(int(r)) for r in rows[:8]) + (", ..." if len(rows) > 8
                                                                   else "")
                found.append(f"Wrong entries are only at index {shown} of axis {axis} "
                             f"(of {e.shape[axis]}).")
    return found


# ----------------------------------------------------------------------------- reference


def check_against_reference(student_fn: Callable, reference_fn: Callable,
                            make_inputs: Callable[[np.random.Generator], dict], trials: int = 3,
                            seed: int | None = None, atol: float = 1e-6, rtol: float = 1e-5,
                            diagnoses: Mapping[str, Callable] | None = None,
                            outputs: Sequence[int] | Mapping[str, int] | None = None) -> None:
    """Asserts that ``student_fn`` agrees with ``reference_fn`` on fresh random inputs.

    make_inputs: ``rng -> dict`` of keyword arguments; each function gets its own deep
        copy, so changing the inputs in place cannot affect the other one.
    outputs: which elements of a tuple output to compare, as indices or ``{name: index}``.
        By default every element that is an array or a number is compared and the rest
        (caches) are skipped.
    diagnoses: maps a mistake to a wrong implementation with the same signature; when the
        student's output matches one of them the message names the mistake.
    """
    rng = np.random.default_rng(seed)
    fn_name = getattr(student_fn, "__name__", "your function")
    for trial in range(trials):
        inputs = make_inputs(rng)
        context = (f"{fn_name} disagrees with the reference on random trial {trial + 1} "
                   f"of {trials} (inputs: {_describe_inputs(inputs)})")
        with _references_allowed():  # the reference side may be a lambda calling rnnlib
            expected = reference_fn(**copy.deepcopy(inputs))
        try:
            got = student_fn(**copy.deepcopy(inputs))
        except Exception as exc:
            raise AssertionError(f"{fn_name} raised {type(exc).__name__} on random inputs "
                                 f"({_describe_inputs(inputs)}):\n  {exc}") from exc
        selected = _select_outputs(expected, outputs)
        wrong_outputs = {}
        for label, wrong_fn in (diagnoses or {}).items():
            try:
                with _references_allowed():
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
                _check_kind(out_name, got_value, exp_value)
                check_close(out_name, got_value, exp_value, atol, rtol, diagnoses=wrong)
            except AssertionError as exc:
                raise AssertionError(f"{context}.\n{exc}") from None


def _select_outputs(expected, outputs) -> list[tuple[object, str]]:
    """(key, name) of the outputs to compare; key None means the whole output."""
    if isinstance(outputs, Mapping):
        return [(index, name) for name, index in outputs.items()]
    if isinstance(expected, Mapping):
        keys = outputs if outputs is not None else [k for k, v in expected.items()
                                                    if _comparable(v)]
        return [(k, f"output {k!r}") for k in keys]
    if isinstance(expected, tuple):
        keys = outputs if outputs is not None else [i for i, v in enumerate(expected)
                                                    if _comparable(v)]
        return [(i, f"output [{i}]") for i in keys]
    if outputs is not None:
        raise ValueError("check_against_reference: outputs= given but the reference returns "
                         f"a single {type(expected).__name__}, not a tuple")
    return [(None, "output")]


def _pick(got, key, expected, fn_name):
    """The element ``key`` of the student's output, with a clear error if it is missing."""
    if key is None:
        return got
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping) or key not in got:
            raise AssertionError(f"{fn_name} should return a dict with key {key!r}, got "
                                 f"{_describe(got)}.")
        return got[key]
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        raise AssertionError(f"{fn_name} should return a tuple of {len(expected)} items, got "
                             f"{_describe(got)}.")
    return got[key]


def _check_kind(name, got, expected) -> None:
    """Float, integer and boolean results are not interchangeable (a mask must be bool)."""
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return
    for kind, (base, _) in _KINDS.items():
        if np.issubdtype(expected.dtype, base) and not (kind == "int"
                                                         and expected.dtype == np.bool_):
            check_dtype(name, got, kind)
            return


def _comparable(value) -> bool:
    """Arrays and numbers are compared; caches, None and other objects are skipped."""
    return isinstance(value, (np.ndarray, np.generic, int, float)) or _numeric_list(value)


def _numeric_list(value) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(
        isinstance(v, (int, float, np.ndarray, np.generic)) for v in value)


# ----------------------------------------------------------------------------- blocking


@contextlib.contextmanager
def reference_blocked(*functions: Callable, namespace: dict | None = None) -> Iterator[None]:
    """While active, calling any of ``functions`` from outside rnnlib raises AssertionError.

    Patches the attribute on the function's defining module (``rl.rnn.rnn_forward``), every
    other name of that module bound to it, and every name in ``namespace`` (e.g. a
    notebook's ``globals()``) bound to it; restores them all on exit, even after an error.
    rnnlib's own code keeps working (a reference built on another one still runs), and so
    does the reference side of :func:`check_against_reference` (``reference_fn`` and the
    ``diagnoses``, e.g. ``lambda **kw: rl.rnn.rnn_forward(**kw)[0]``).
    """
    patches: list[tuple[dict, str, object]] = []
    try:
        for fn in functions:
            original = getattr(fn, "__rnnlib_reference__", fn)
            blocker = _blocker(original)
            places = []
            module = sys.modules.get(getattr(original, "__module__", None) or "")
            if module is not None:
                places.append(vars(module))
            if namespace is not None:
                places.append(namespace)
            for place in places:
                for key, value in list(place.items()):
                    if getattr(value, "__rnnlib_reference__", value) is original:
                        patches.append((place, key, value))
                        place[key] = blocker
        yield
    finally:
        for place, key, value in reversed(patches):
            place[key] = value


_allowed_depth = 0  # > 0 while check_against_reference runs the reference side


@contextlib.contextmanager
def _references_allowed() -> Iterator[None]:
    global _allowed_depth
    _allowed_depth += 1
    try:
        yield
    finally:
        _allowed_depth -= 1


def _blocker(original: Callable) -> Callable:
    name = f"{original.__module__}.{getattr(original, '__qualname__', original.__name__)}"

    @functools.wraps(original)
    def blocked(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if _allowed_depth or caller == "rnnlib" or caller.startswith("rnnlib."):
            return original(*args, **kwargs)  # rnnlib's own references may build on it
        raise AssertionError(f"Your code called rnnlib's reference {name}: write it "
                             "yourself (this test checks your own implementation).")

    blocked.__rnnlib_reference__ = original
    return blocked


# ----------------------------------------------------------------------------- messages


def _describe(value) -> str:
    if value is None:
        return "None (did you forget to `return` it?)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple):
        return (f"a tuple of {len(value)} items (did you return several values where one "
                f"was expected, or the other way round?)")
    if isinstance(value, list):
        return f"a list of {len(value)} items (use np.array or np.stack)"
    return f"a {type(value).__name__} ({value!r:.60})"


def _describe_inputs(inputs: Mapping) -> str:
    parts = []
    for key, value in inputs.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{key} {value.shape} {value.dtype}")
        else:
            parts.append(f"{key}={value!r:.40}")
    return ", ".join(parts)


def _fmt_shape(shape) -> str:
    inner = ", ".join("any" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _is_numeric(arr: np.ndarray) -> bool:
    return arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.number)


def _join(head: str, mistakes: list[str], hint: str | None) -> str:
    lines = [head]
    lines += [f"  Likely mistake: {m}" for m in mistakes]
    if hint:
        lines.append(f"  {hint}")
    return "\n".join(lines)
