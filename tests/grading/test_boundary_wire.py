"""Does the wire between the re-check's checker and the student's answers carry plain data
only, both ways, with the meaning a call has in one process (grading/boundary_wire.py)?"""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from autograder.grading import boundary_wire as wire
from rnnlib.cells.rnn import rnn_step_forward


def _round_trip(value):
    enc = wire.Encoder(export=lambda fn: 1)
    header = {"v": enc.value(value)}
    got, buffers = wire.unpack(wire.pack(header, enc.buffers))
    return wire.Decoder(buffers, proxy=lambda *a: ("proxy", a)).value(got["v"])


def test_plain_values_come_back_equal_and_of_the_same_types():
    """Do arrays of every plain dtype, NumPy scalars, containers, None, complex numbers, bytes,
    dtypes and rnnlib's NamedTuple caches come back as themselves?"""
    rng = np.random.default_rng(0)
    _, cache = rnn_step_forward(
        rng.normal(size=(2, 3)),
        np.zeros((2, 4)),
        *[rng.normal(size=s) for s in ((3, 4), (4, 4), (4,))],
    )
    value = {
        "f64": rng.normal(size=(2, 3)),
        "f32": np.arange(5, dtype=np.float32)[::2],  # not contiguous
        "ints": np.arange(6, dtype=np.int16).reshape(3, 2),
        "bool": np.array([True, False]),
        "empty": np.zeros((0, 3)),
        "str": np.array(["ab", "c"]),
        3: (1, 2.5, None, True, "x", 1 + 2j, b"raw"),
        "scalar": np.float32(1.5),
        "list": [np.int64(7), [np.nan, np.inf]],
        "dtype": np.float32,
        "dtype_obj": np.dtype("int8"),
        "type": int,
        "cache": cache,
    }
    got = _round_trip(value)
    assert set(got) == set(value)
    for key in ("f64", "f32", "ints", "bool", "empty", "str"):
        assert got[key].dtype == value[key].dtype and np.array_equal(got[key], value[key]), key
    assert got[3] == value[3] and type(got[3]) is tuple
    assert type(got["scalar"]) is np.float32 and got["scalar"] == 1.5
    assert type(got["list"][0]) is np.int64 and np.isnan(got["list"][1][0])
    assert got["dtype"] is np.float32 and got["dtype_obj"] == np.dtype("int8")
    assert got["type"] is int
    assert type(got["cache"]) is type(cache)
    assert all(np.array_equal(a, b) for a, b in zip(got["cache"], cache, strict=True))


def test_objects_that_could_run_code_cross_as_inert_stand_ins():
    """Does an object with its own __array__, __eq__ and __class__ (the forged array of issue
    22) or an object array become an Opaque, never itself?"""

    class Forged:
        __class__ = np.ndarray

        def __array__(self, dtype=None, copy=None):  # pragma: no cover - never called
            raise AssertionError("ran")

        def __eq__(self, other):  # pragma: no cover
            return True

    for value in (Forged(), np.array([object()], dtype=object)):
        got = _round_trip(value)
        assert isinstance(got, wire.Opaque), type(got)
        assert "cannot cross" in repr(got)


@pytest.mark.parametrize(
    "tag, why",
    [
        ({"A": 0, "dt": "|O", "sh": [1]}, "plain dtypes"),
        ({"A": 0, "dt": "<f8", "sh": [3]}, "bytes"),  # 8 bytes for 3 floats
        ({"A": 5, "dt": "<f8", "sh": [1]}, "not there"),
        ({"NT": "os:stat_result", "v": []}, "outside rnnlib"),
        ({"DC": "builtins:object", "v": {}}, "outside rnnlib"),
        ({"G": "Evil", "st": {}}, "bit generator"),
        ({"Q": 1}, "unknown tag"),
        ({"DT": "|O"}, "plain dtypes"),
        ({"PT": "eval"}, "a type"),
        (["untagged"], "untagged"),
    ],
)
def test_forged_tags_are_refused_with_a_reason(tag, why):
    """Is every tag that breaks the wire's rules refused, saying what it was?"""
    with pytest.raises(wire.WireError, match=why):
        wire.Decoder([b"\0" * 8], proxy=None).value(tag)


def test_nesting_is_capped():
    """Is a value nested deeper than the cap refused rather than recursed into?"""
    tag: object = 1
    for _ in range(wire.MAX_DEPTH + 5):
        tag = {"L": [tag]}
    with pytest.raises(wire.WireError, match="deeper"):
        wire.Decoder([], proxy=None).value(tag)


def test_a_frame_over_the_limit_is_refused_before_it_is_read():
    """Does a frame header announcing more than the limit end the read with a clear error?"""
    r, w = os.pipe()
    os.write(w, wire.FRAME_HEAD.pack(b"A", 10_000))
    with pytest.raises(wire.WireError, match="limit"):
        wire.read_frame(r, limit=100)
    os.close(r)
    os.close(w)


def test_exceptions_cross_as_the_nearest_plain_type():
    """Does a student's own exception class arrive as the builtin it derives from, named, and
    can the sender never choose a type to raise on the other side?"""

    class MyError(KeyError):
        pass

    message = wire.error_message(MyError("bad key"))
    assert message["type"] == "KeyError" and "MyError" in message["message"]
    with pytest.raises(KeyError):
        wire.raise_error(message)
    with pytest.raises(Exception, match="x") as info:
        wire.raise_error({"type": "SystemExit", "message": "x"})
    assert type(info.value) is Exception


class _Pair:
    """Two peers in one process, each serving in its own thread, joined by two pipes."""

    def __init__(self, answers: dict, checker_globals: dict | None = None):
        a_r, c_w = os.pipe()  # checker -> answers
        c_r, a_w = os.pipe()  # answers -> checker
        self.fds = [a_r, c_w, c_r, a_w]

        def answers_resolve(target):
            return answers[target["name"]]

        def checker_resolve(target):
            return lambda: (checker_globals or {})[target["global"]]

        self.checker = wire.Peer(c_r, c_w, checker_resolve)
        self.answers = wire.Peer(a_r, a_w, answers_resolve, layers=True)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            while True:
                header, buffers = self.answers.receive()
                self.answers.serve_call(header, buffers)
        except (EOFError, OSError):
            pass

    def remote(self, name: str):
        return wire.Remote(self.checker, {"name": name}, name)

    def close(self):
        """End the serving thread (EOF on its pipe) before any descriptor can be reused."""
        a_r, c_w, c_r, a_w = self.fds
        os.close(c_w)
        self.thread.join(timeout=10)
        for fd in (a_r, c_r, a_w):
            os.close(fd)


@pytest.fixture
def pair():
    made = []

    def make(answers, checker_globals=None):
        made.append(_Pair(answers, checker_globals))
        return made[-1]

    yield make
    for p in made:
        p.close()


def test_in_place_changes_travel_back(pair):
    """Does an answer that changes its input in place change the caller's array (so that
    "E must not change" and "x must be restored" are checked as in one process)?"""

    def scale(E):
        E *= 2
        return E.sum()

    def leave(E):
        return float(E.sum())

    p = pair({"scale": scale, "leave": leave})
    E = np.ones((2, 3))
    assert p.remote("scale")(E) == 12.0 and np.all(E == 2)
    before = E.copy()
    assert p.remote("leave")(E) == 12.0 and np.array_equal(E, before)


def test_a_view_of_an_input_comes_back_as_a_view(pair):
    """Is an answer that returns a view of its input seen as one (writing into it writes into
    the caller's array), and a copy seen as a copy?"""
    p = pair({"view": lambda x: x[1:], "copy": lambda x: x[1:].copy()})
    x = np.arange(4.0)
    view = p.remote("view")(x)
    view[0] = 99.0
    assert x[1] == 99.0
    copied = p.remote("copy")(x)
    copied[0] = -1.0
    assert x[1] == 99.0


def test_callbacks_run_where_they_were_defined(pair):
    """Does a function passed to an answer stay with the caller (its state, its call count),
    with its result (here a view of its argument) seen by the answer as in one process?"""
    calls = []

    def f(v):
        calls.append(1)
        return v  # a view of its argument, as in 04's numerical_gradient test

    def keeps_without_copy(fn, x):
        out = fn(x)
        x[0] += 1.0
        return out  # aliases x: changed by the line above, as in one process

    p = pair({"use": keeps_without_copy})
    x = np.zeros(3)
    got = p.remote("use")(f, x)
    assert calls == [1] and got[0] == 1.0 and x[0] == 1.0


def test_a_generator_advances_on_both_sides(pair):
    """After an answer draws from a generator it was passed, has the caller's generator moved
    on exactly as if the answer had run in the caller's process?"""
    p = pair({"draw": lambda rng: rng.random(3)})
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    first = p.remote("draw")(rng)
    assert np.array_equal(first, twin.random(3))
    assert rng.random() == twin.random()


def test_an_answer_can_read_a_global_of_the_checker_by_asking(pair):
    """Does a global the answers ask for arrive as data, and a missing one as NameError?"""
    state = {}

    def uses_global(name):
        try:
            return state["peer"].call({"global": name}, (), {}) + 1
        except KeyError:
            return "missing"

    p = pair({"g": uses_global}, checker_globals={"BOS": 41})
    state["peer"] = p.answers
    assert p.remote("g")("BOS") == 42
    assert p.remote("g")("EOS") == "missing"


def test_a_remote_function_offers_calls_only(pair):
    """Can a function across the boundary be called but not searched (no attribute of the
    other side's object reaches this one)?"""
    p = pair({"f": lambda: 1})
    fn = p.remote("f")
    with pytest.raises(AttributeError, match="across the grader's boundary"):
        _ = fn.__globals__
    assert fn() == 1
