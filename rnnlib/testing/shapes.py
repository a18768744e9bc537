"""Argument checks shared by rnnlib's functions: shapes, dtypes, masks, upstream gradients,
token ids, counts, caches and True/False flags.

Every public function validates its inputs through a :class:`Dims` binder, so a
wrong shape is reported with the argument's name, what was expected and what came::

    dims = Dims("rnn_forward")
    x = dims.array("x", np.zeros((2, 3, 4)), "N T D")
    Wx = dims.array("Wx", np.zeros((5, 7)), "D H")
    # ValueError: rnn_forward: Wx should have shape (D, H) with D=4
    #             (from x of shape (2, 3, 4)), got (5, 7)
"""

from __future__ import annotations

import re

import numpy as np

_DIM = re.compile(r"^(\d*)([A-Za-z]\w*)$|^(\d+)$")


class Dims:
    """Binds dimension letters (N, T, D, H, ...) to sizes across the arguments of one call.

    The first argument that uses a letter fixes its size; later arguments must agree, and
    the error names both arguments and both shapes. A spec like ``"D 4H"`` means the second
    axis is four times H.
    """

    def __init__(self, where: str):
        self.where = where
        self.sizes: dict[str, int] = {}
        self._source: dict[str, str] = {}

    def array(self, name, value, spec: str, *, floating: bool = True) -> np.ndarray:
        """Checks ``value`` against ``spec`` and returns it as an ndarray."""
        if value is None:
            raise ValueError(
                f"{self.where}: {name} is None; expected an array of shape ({_pretty(spec)})"
            )
        arr = np.asarray(value)
        if floating and not is_float32_or_64(arr.dtype):  # float16 is too coarse for 1e-5
            raise ValueError(
                f"{self.where}: {name} should be a float array (float32 or float64), "
                f"got dtype {arr.dtype}"
            )
        axes = spec.split()
        if arr.ndim != len(axes):
            raise ValueError(
                f"{self.where}: {name} should have {len(axes)} dimensions ({_pretty(spec)}), "
                f"got {arr.ndim} with shape {arr.shape}{self._known(axes)}"
            )
        for axis, (token, size) in enumerate(zip(axes, arr.shape, strict=True)):
            self._bind(name, arr.shape, spec, axis, token, size)
        return arr

    def mask(self, name, value, spec: str = "N T") -> np.ndarray | None:
        """Checks an optional boolean mask (any pattern); returns a bool ndarray or None."""
        if value is None:
            return None
        arr = np.asarray(value)
        if arr.dtype != np.bool_:
            if not np.isin(arr, (0, 1)).all():
                raise ValueError(
                    f"{self.where}: {name} should be boolean (True = a real step), "
                    f"got dtype {arr.dtype} with values other than 0 and 1"
                )
            arr = arr.astype(bool)
        return self.array(name, arr, spec, floating=False)

    def _known(self, axes) -> str:
        """The sizes already bound for these axes and where they came from, e.g.
        ``"; here N=2, T=3 (from x of shape (2, 3, 4))"``, or "" when none is bound."""
        by_source: dict[str, list[str]] = {}
        for token in axes:
            match = _DIM.match(token)
            letter = match.group(2) if match else None
            if letter in self.sizes:
                entry = f"{letter}={self.sizes[letter]}"
                group = by_source.setdefault(self._source[letter], [])
                if entry not in group:
                    group.append(entry)
        if not by_source:
            return ""
        return "; here " + ", ".join(
            f"{', '.join(sizes)} (from {source})" for source, sizes in by_source.items()
        )

    def _bind(self, name, shape, spec, axis, token, size):
        match = _DIM.match(token)
        if match is None:
            raise ValueError(f"bad dimension spec {token!r} in {spec!r}")
        if match.group(3):  # a literal size such as "2"
            expected = int(match.group(3))
            if size != expected:
                self._fail(name, shape, spec, f"axis {axis} should be {expected}")
            return
        factor = int(match.group(1) or 1)
        letter = match.group(2)
        if letter not in self.sizes:
            if size % factor:
                self._fail(name, shape, spec, f"axis {axis} should be a multiple of {factor}")
            self.sizes[letter] = size // factor
            self._source[letter] = f"{name} of shape {tuple(shape)}"
            return
        if size != factor * self.sizes[letter]:
            self._fail(
                name,
                shape,
                spec,
                f"with {letter}={self.sizes[letter]} (from {self._source[letter]})",
            )

    def _fail(self, name, shape, spec, why):
        raise ValueError(
            f"{self.where}: {name} should have shape ({_pretty(spec)}) {why}, got {tuple(shape)}"
        )


def is_float32_or_64(dtype) -> bool:
    """True for float32 and float64 (either byte order), the dtypes rnnlib computes in."""
    dtype = np.dtype(dtype)
    return dtype.kind == "f" and dtype.itemsize in (4, 8)


def result_dtype(*arrays) -> np.dtype:
    """The float dtype a function computes in: float32 when every input is float32."""
    return np.result_type(*[a for a in arrays if a is not None])


def check_upstream(
    where: str, name: str, value, shape: tuple[int, ...], dtype, what: str = "the forward output"
) -> np.ndarray:
    """Checks an upstream gradient against the shape the forward pass produced."""
    arr = np.asarray(value)
    if arr.shape != tuple(shape):
        raise ValueError(
            f"{where}: {name} should have the shape of {what} {tuple(shape)}, got {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"{where}: {name} should be a float array, got dtype {arr.dtype}")
    return arr.astype(dtype, copy=False)


def check_count(where: str, name: str, value, minimum: int = 1) -> int:
    """An integer argument such as depth, window or units, at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{where}: {name} should be {kind}, got {value!r}")
    return int(value)


def token_ids(
    where: str, name: str, value, V: int, what: str, *, whole_floats: bool = False, where_mask=None
) -> np.ndarray:
    """Checks token ids (or class ids) in ``[0, V)`` and returns them as an integer ndarray.

    what: what the V ids index, for the message (e.g. ``"4 rows in W"``, ``"depth=5"``).
    whole_floats: accept floats holding whole numbers, and empty input of any dtype (the data
        helpers, like Keras's ``to_categorical``); otherwise only an integer dtype, as NumPy
        indexing wants (the layers).
    where_mask: optional bool array; ids are range-checked only where it is True (padding).
    Errors name the first offending value and its position.
    """
    arr = np.asarray(value)
    if whole_floats and arr.size == 0 and not np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.int64)  # np.asarray([]) is float64
    elif whole_floats and np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise ValueError(
                f"{where}: {name} should hold integer token ids, got {_first(arr, bad)}"
            )
        arr = arr.astype(np.int64)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        hint = " (use .astype(int))" if arr.dtype.kind in "fb" else ""
        raise ValueError(
            f"{where}: {name} should hold integer token ids, got dtype {arr.dtype}{hint}"
        )
    bad = (arr < 0) | (arr >= V)
    if where_mask is not None:
        bad &= where_mask
    if bad.any():
        raise ValueError(f"{where}: {name} holds ids outside [0, {V}) ({what}): {_first(arr, bad)}")
    return arr


def _first(arr: np.ndarray, bad: np.ndarray) -> str:
    """The first value where ``bad`` is True and its position, e.g. ``"4 at position (0, 1)"``."""
    pos = tuple(int(i) for i in np.argwhere(bad)[0])
    where = f" at position {pos[0] if len(pos) == 1 else pos}" if pos else ""
    return f"{arr[pos]}{where}"


def check_cache(where: str, cache, kind: type, made_by: str):
    """Checks that ``cache`` is the ``kind`` named tuple that ``made_by`` returned.

    A look-alike from outside rnnlib with the same fields is accepted (duck typing); None,
    another rnnlib cache (e.g. a step cache given to a sequence backward) or anything else
    raises a TypeError naming what was expected and what came.
    """
    if isinstance(cache, kind):
        return cache
    foreign = not type(cache).__module__.startswith("rnnlib")
    if cache is not None and foreign and all(hasattr(cache, f) for f in kind._fields):
        return cache
    got = "None" if cache is None else type(cache).__name__
    if isinstance(cache, tuple) and not hasattr(cache, "_fields"):
        got = f"a tuple of {len(cache)} items"
        if len(cache) == 2 and isinstance(cache[1], kind):
            got += f" (the (out, cache) pair {made_by} returned: pass its second item)"
    raise TypeError(
        f"{where}: cache should be the {kind.__name__} that {made_by} returned, got {got}"
    )


def check_flag(where: str, name: str, value) -> bool:
    """A True/False argument as a bool; a string such as ``"False"`` is a TypeError, not True.

    NumPy bools count, 0-d arrays included (``check_gradients`` copies its inputs to arrays).
    """
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, np.ndarray) and value.dtype == np.bool_ and value.ndim == 0
    ):
        return bool(value)
    raise TypeError(
        f"{where}: {name} should be True or False, got {value!r} ({type(value).__name__})"
    )


def _pretty(spec: str) -> str:
    return ", ".join(spec.split())
