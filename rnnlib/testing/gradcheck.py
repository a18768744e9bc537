"""Numerical gradient checks: relative error and centred finite differences.

Introduced in notebook 04 (backpropagation through time); every backward function in
rnnlib is tested with these in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np


def rel_error(a, b) -> float:
    """Largest absolute difference, relative to the scale of the two arrays.

    ``max|a - b| / max(max|a|, max|b|)``: unlike a per-element relative error it does not
    blow up on entries that happen to be tiny. Notebook 04.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0), 1e-30)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)


def numerical_gradient(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, df, h: float = 1e-5):
    """Centred-difference gradient of ``sum(f(x) * df)`` with respect to ``x``.

    f: a function of ``x`` alone (close over the other inputs); it may return any shape.
    x: the point, modified in place during the check and restored afterwards.
    df: upstream gradient, the shape of ``f(x)``.
    Returns an array shaped like ``x``. Notebook 04.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            "numerical_gradient: x should be a float ndarray (it is perturbed in place), "
            f"got {type(x).__name__} {getattr(x, 'dtype', '')}"
        )
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        grad[ix] = np.sum((plus - minus) * df) / (2 * h)
    return grad


@dataclass(frozen=True)
class GradientReport:
    """Relative error of each parameter's analytic gradient against its numerical one."""

    errors: dict[str, float]
    tol: float

    @property
    def worst(self) -> str:
        """Name of the parameter with the largest relative error."""
        return max(self.errors, key=self.errors.get)

    @property
    def passed(self) -> bool:
        return all(err <= self.tol for err in self.errors.values())

    def __str__(self) -> str:
        width = max(len(name) for name in self.errors)
        lines = [f"gradient check (tolerance {self.tol:.0e}):"]
        for name, err in self.errors.items():
            verdict = "ok" if err <= self.tol else "FAIL"
            lines.append(f"  {name:<{width}}  rel. error {err:.2e}  {verdict}")
        if not self.passed:
            lines.append(f"worst: {self.worst}")
        return "\n".join(lines)

    _repr_pretty_ = lambda self, p, cycle: p.text(str(self))  # noqa: E731


def check_gradients(
    forward: Callable[..., np.ndarray],
    inputs: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    dout,
    h: float = 1e-5,
    tol: float = 1e-7,
) -> GradientReport:
    """Compares analytic gradients with centred differences, one input at a time.

    forward: called as ``forward(**inputs)``; returns the output (first element if a tuple).
    inputs: name -> array; float arrays (and ``grads``, ``dout``) must be float64, the only
        precision in which centred differences are meaningful (ValueError otherwise).
    grads: name -> analytic gradient of ``sum(forward(**inputs) * dout)``; names not in
        ``grads`` are held fixed.
    Returns a :class:`GradientReport`; ``report.worst`` names the worst parameter. Notebook 04.
    """
    missing = set(grads) - set(inputs)
    if missing:
        raise ValueError(f"check_gradients: gradients given for unknown inputs {sorted(missing)}")
    _require_float64(
        {
            **{f"inputs[{k!r}]": v for k, v in inputs.items()},
            **{f"grads[{k!r}]": v for k, v in grads.items()},
            "dout": dout,
        }
    )
    values = {name: np.array(value, copy=True) for name, value in inputs.items()}

    def output():
        out = forward(**values)
        return out[0] if isinstance(out, tuple) else out

    errors = {}
    for name, analytic in grads.items():
        numeric = numerical_gradient(lambda _: output(), values[name], dout, h)
        errors[name] = rel_error(analytic, numeric)
    return GradientReport(errors, tol)


def _require_float64(arrays: Mapping[str, object]) -> None:
    """A float32 array would fail correct gradients: a step of h = 1e-5 is lost to rounding."""
    for name, value in arrays.items():
        dtype = getattr(value, "dtype", None)
        if dtype is not None and np.issubdtype(dtype, np.floating) and dtype != np.float64:
            raise ValueError(
                f"check_gradients: {name} is {dtype}; a gradient check needs float64 "
                "(in lower precision the finite differences are mostly rounding error, so "
                "correct gradients fail). Convert with .astype(np.float64)"
            )
