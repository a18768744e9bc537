"""Check helpers for the notebooks' test cells: clear messages for the common mistakes.

Every check raises ``AssertionError`` with a message that says what was expected, what
came, and (where it can tell) the likely mistake::

    >>> rl.testing.check_shape("h", np.zeros((5, 3, 4)), (3, 5, 4))
    AssertionError: h has shape (5, 3, 4), expected (3, 5, 4).
      Likely mistake: the same sizes in a different order: ...

These are the messages a student sees. The machinery that compares with rnnlib's reference on
fresh random inputs and blocks the reference while the student's code runs is in
:mod:`rnnlib.testing.grading`. Used from notebook 01 on.
"""

from __future__ import annotations

from collections.abc import Mapping

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
    if not (isinstance(array, (np.ndarray, np.generic, int, float)) or is_numeric_list(array)):
        raise AssertionError(
            _join(
                f"{name} is {describe(array)}, expected an array of shape {_fmt_shape(expected)}.",
                [],
                hint,
            )
        )
    try:
        shape = np.shape(array)
    except ValueError:  # a ragged list
        raise AssertionError(
            _join(
                f"{name} is {describe(array)} of different shapes, "
                f"expected an array of shape {_fmt_shape(expected)}.",
                [],
                hint,
            )
        ) from None
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
        found.append(
            "you returned a scalar: did you sum or average over everything, "
            "or index a single element?"
        )
    if len(shape) == len(exp) and None not in exp and sorted(shape) == sorted(exp):
        if len(exp) == 2 and shape == exp[::-1]:
            found.append(
                "the two axes are swapped: a transposed result (check the order "
                "in the matrix product, e.g. x @ Wx rather than Wx.T @ x.T "
                "without transposing back)."
            )
        elif len(exp) == 3 and shape == (exp[1], exp[0], exp[2]):
            found.append(
                "the first two axes are swapped: time-major (T, N, ...) instead of "
                "batch-major (N, T, ...); stack the time steps along axis 1 "
                "(np.stack(steps, axis=1))."
            )
        else:
            found.append(
                "the same sizes in a different order: the axes are permuted "
                "(a transpose, or np.stack along the wrong axis)."
            )
    if len(shape) == len(exp) - 1:
        if _shape_matches(shape, exp[1:]):
            found.append(
                f"the batch axis (first axis, size {exp[0]}) is missing: did you "
                "compute a single example, or index [0]?"
            )
        if len(exp) == 3 and _shape_matches(shape, (exp[0], exp[2])):
            found.append(
                "only one time step came back (like Keras return_sequences=False): "
                "keep the hidden state of every step and stack them along axis 1."
            )
        for axis, size in enumerate(exp):
            if size == 1 and _shape_matches(shape, exp[:axis] + exp[axis + 1 :]):
                found.append(f"the axis {axis} of size 1 is missing: use keepdims=True or reshape.")
    if len(shape) == len(exp) + 1:
        for axis, size in enumerate(shape):
            if size == 1 and _shape_matches(shape[:axis] + shape[axis + 1 :], exp):
                found.append(
                    f"an extra axis of size 1 at position {axis}: did you slice "
                    "x[:, t:t+1] instead of x[:, t], or forget to squeeze?"
                )
    if len(shape) == len(exp) and not found:
        pairs = enumerate(zip(shape, exp, strict=True))
        wrong = [i for i, (s, e) in pairs if e is not None and s != e]
        if len(wrong) == 1:
            axis = wrong[0]
            found.append(
                f"only axis {axis} differs ({shape[axis]} instead of {exp[axis]}): "
                "a size taken from the wrong argument (e.g. D instead of H), or a "
                "slice that is too short or too long."
            )
    return found


# ----------------------------------------------------------------------------- dtypes


def check_dtype(name: str, array, kind: str) -> None:
    """Asserts that ``array`` is a float, integer or boolean array (``kind``)."""
    if kind not in _KINDS:
        raise ValueError(f"check_dtype: kind should be one of {sorted(_KINDS)}, got {kind!r}")
    if not isinstance(array, np.ndarray) and not np.isscalar(array):
        raise AssertionError(f"{name} should be {_KINDS[kind][1]}, got {describe(array)}.")
    dtype = np.asarray(array).dtype
    if np.issubdtype(dtype, _KINDS[kind][0]) and not (kind == "int" and dtype == np.bool_):
        return
    raise AssertionError(
        f"{name} should be {_KINDS[kind][1]}, got dtype {dtype}.\n  Hint: {_KIND_HINTS[kind]}."
    )


# ----------------------------------------------------------------------------- values


def check_close(
    name: str,
    got,
    expected,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    diagnoses: Mapping[str, object] | None = None,
) -> None:
    """Asserts that ``got`` equals ``expected`` within ``atol + rtol * |expected|``.

    diagnoses: maps a mistake ("forgot the bias") to the array that mistake produces;
        when ``got`` matches one of them the message names it.
    Shape and type come before values: integer or boolean results where floats are expected
    are reported as such (a buffer made with an integer dtype silently truncates). The
    message gives the number of wrong entries, the largest error and where it is.
    """
    expected = np.asarray(expected)
    if not (isinstance(got, (np.ndarray, np.generic, int, float)) or is_numeric_list(got)):
        raise AssertionError(
            f"{name} is {describe(got)}, expected an array of shape {expected.shape}."
        )
    got_arr = np.asarray(got)
    with np.errstate(all="ignore"):
        matched = _matching_diagnoses(got_arr, expected, diagnoses, atol, rtol)
    if got_arr.shape != expected.shape:
        check_shape(name, got_arr, expected.shape, hint=_mistake_line(matched))
    if not (_is_numeric(got_arr)):
        raise AssertionError(f"{name} should hold numbers, got dtype {got_arr.dtype}.")
    if np.issubdtype(expected.dtype, np.floating) and not np.issubdtype(got_arr.dtype, np.floating):
        raise AssertionError(
            f"{name} has dtype {got_arr.dtype}, expected floating-point values.\n"
            "  Likely mistake: an array created with an integer or boolean dtype (np.zeros_like "
            "of an integer array, dtype=int) cuts every value it stores to a whole number; "
            "create it with a float dtype."
        )
    with np.errstate(all="ignore"):  # inf - inf etc. must not warn in a test cell
        message = _value_message(
            name, got_arr.astype(np.float64), expected.astype(np.float64), atol, rtol, matched
        )
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
        head = (
            f"{name} is {g[()]:.6g}, expected {e[()]:.6g} (error {err[()]:.3g}; "
            f"atol={atol:g}, rtol={rtol:g})."
        )
    else:
        head = (
            f"{name} is not close to the expected values: {int(bad.sum())} of {bad.size} "
            f"entries differ (atol={atol:g}, rtol={rtol:g}).\n"
            f"  Largest error {err[worst]:.3g}{where}: got {g[worst]:.6g}, expected "
            f"{e[worst]:.6g}."
        )
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
        found.append(
            "Your result contains NaN or inf: an overflow (e.g. np.exp of a large "
            "number: use a stable formula) or uninitialised values (np.empty)."
        )
    elif not g.any() and e.any():
        found.append(
            "Your result is all zeros: did you return the array before filling it "
            "in, or overwrite it?"
        )
    elif e.any() and np.allclose(g, -e, atol=atol, rtol=rtol):
        found.append("Your result has the opposite sign everywhere.")
    elif e.any():
        scale = float(np.sum(g * e) / np.sum(e * e))
        # for a single number any ratio "fits": only report the telling ones (N, 1/N, ...)
        telling = e.size > 1 or any(
            abs(r - round(r)) < 1e-6 and round(r) >= 2 for r in (scale, 1 / scale if scale else 0.0)
        )
        if (
            telling
            and not np.isclose(scale, 1.0)
            and np.allclose(g, scale * e, atol=atol, rtol=rtol)
        ):
            found.append(
                f"Your result is the expected one times {scale:.4g}: a missing or "
                "extra factor (e.g. averaging over N, or summing instead of "
                "averaging)."
            )
    if e.ndim >= 2 and not found:
        for axis in range(e.ndim):
            other = tuple(a for a in range(e.ndim) if a != axis)
            rows = np.flatnonzero(bad.any(axis=other))
            if 0 < len(rows) < e.shape[axis]:
                shown = ", ".join(str(int(r)) for r in rows[:8]) + (
                    ", ..." if len(rows) > 8 else ""
                )
                found.append(
                    f"Wrong entries are only at index {shown} of axis {axis} (of {e.shape[axis]})."
                )
    return found


def check_kind(name, got, expected) -> None:
    """Float, integer and boolean results are not interchangeable (a mask must be bool)."""
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return
    for kind, (base, _) in _KINDS.items():
        if np.issubdtype(expected.dtype, base) and not (
            kind == "int" and expected.dtype == np.bool_
        ):
            check_dtype(name, got, kind)
            return


def is_numeric_list(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(v, (int, float, np.ndarray, np.generic)) for v in value)
    )


# ----------------------------------------------------------------------------- messages
# (describe and describe_inputs also serve the hidden comparisons of rnnlib.testing.grading)


def describe(value) -> str:
    if value is None:
        return "None (did you forget to `return` it?)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple):
        return (
            f"a tuple of {len(value)} items (did you return several values where one "
            f"was expected, or the other way round?)"
        )
    if isinstance(value, list):
        return f"a list of {len(value)} items (use np.array or np.stack)"
    return f"a {type(value).__name__} ({value!r:.60})"


def describe_inputs(inputs: Mapping) -> str:
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
