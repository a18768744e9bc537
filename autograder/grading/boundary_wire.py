"""The wire between the re-check's checker and the student's answers: plain data, never pickle.

The trusted re-check runs in two sandboxed processes (recheck.py): the *checker*
(recheck_runner.py: the master's cells, the tests, the references) and the *answers*
(answers_runner.py: the student's definitions). They never share memory; a call of a student
function from a test cell becomes a message, and so does every callback the student's code
makes into a function the test passed it. This module is both sides' half of that wire.

Frames: one kind byte, a 4-byte big-endian length, the payload. A payload is a 4-byte header
length, a JSON header, then the raw bytes of the arrays it names. Values are tagged:

    null, bools, numbers, strings  as JSON          {"L": [...]} list, {"T": [...]} tuple
    {"D": [[k, v], ...]} dict                        {"A": i, "dt": "<f8", "sh": [...]} ndarray
    {"V": i, ...} a view of the i-th array the call sent (an answer returning its input)
    {"S": ...} NumPy scalar  {"C": [re, im]}  {"B": i} bytes   {"TF": array} a TensorFlow tensor
    {"G": name, "st": state} np.random.Generator (its state travels back after the call)
    {"NT"/"DC": "module:qualname", ...} an rnnlib NamedTuple or dataclass (rnnlib types only)
    {"K": i} a Keras model as a .keras file, loaded with safe_mode=True
    {"KL": config, "bc": build config, "w": [arrays]} a Keras layer
    {"F": handle, "m": [...]} a callable that stays where it is: calling it is a message
    {"X": type name, "r": repr} anything else: an opaque stand-in that runs nothing

Nothing decoded can run code of the side that sent it: the decoder builds only NumPy arrays of
plain dtypes, builtin containers, rnnlib's own types, Keras objects from configs in safe mode,
and proxies whose only behaviour is to send a message. Array arguments that the callee changed
in place travel back and are written into the caller's arrays, so "x must be restored" and
"E must not change" mean what they mean in one process.

This file runs inside the sandboxes as text (recheck.py prepends it to each runner): standard
library at the top, NumPy imported when first needed, nothing of autograder or rnnlib.
"""

import json
import os
import struct

MAX_FRAME = 256 << 20  # a frame larger than this ends the re-check (recheck.py enforces it too)
MAX_DEPTH = 64  # nesting of containers in one value
FRAME_HEAD = struct.Struct("!cI")
# exceptions that cross as themselves; any other becomes the first of these in its MRO
PLAIN_ERRORS = (
    "AssertionError",
    "AttributeError",
    "FloatingPointError",
    "IndexError",
    "KeyError",
    "LookupError",
    "MemoryError",
    "NameError",
    "NotImplementedError",
    "OverflowError",
    "RecursionError",
    "RuntimeError",
    "StopIteration",
    "TimeoutError",
    "TypeError",
    "UnboundLocalError",
    "ValueError",
    "ZeroDivisionError",
    "ArithmeticError",
    "Exception",
)
ARRAY_KINDS = "biufcUS"  # bool, ints, unsigned, floats, complex, fixed-width str and bytes
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
PROXY_METHODS = ("predict",)  # besides calling: what a callable that stays behind offers
BUILTIN_TYPES = (bool, int, float, complex, str, bytes)  # as dtype= arguments


class WireError(Exception):
    """A frame or a value that breaks the wire's rules (size, shape, dtype, tag)."""


# ---- frames ----------------------------------------------------------------------------------


def write_frame(fd: int, kind: bytes, payload: bytes) -> None:
    write_frame_raw(fd, FRAME_HEAD.pack(kind, len(payload)) + payload)


def write_frame_raw(fd: int, data: bytes) -> None:
    """All of `data` on `fd` (os.write may take less at a time)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the wire")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, limit: int = MAX_FRAME) -> tuple[bytes, bytes]:
    kind, size = FRAME_HEAD.unpack(read_exact(fd, FRAME_HEAD.size))
    if size > limit:
        raise WireError(f"a frame of {size} bytes (the limit is {limit})")
    return kind, read_exact(fd, size)


def pack(header: dict, buffers: list) -> bytes:
    """The payload: header JSON (with each buffer's offset and size) and the buffers."""
    offsets, at = [], 0
    for buf in buffers:
        offsets.append([at, len(buf)])
        at += len(buf)
    head = json.dumps({**header, "buffers": offsets}).encode()
    return struct.pack("!I", len(head)) + head + b"".join(bytes(b) for b in buffers)


def unpack(payload: bytes) -> tuple[dict, list]:
    if len(payload) < 4:
        raise WireError("a payload without a header")
    (size,) = struct.unpack("!I", payload[:4])
    if size > len(payload) - 4:
        raise WireError("a header longer than its payload")
    header = json.loads(payload[4 : 4 + size].decode("utf-8"))
    if not isinstance(header, dict):
        raise WireError("a header that is not an object")
    body = memoryview(payload)[4 + size :]
    buffers = []
    for item in header.get("buffers") or []:
        if not (isinstance(item, list) and len(item) == 2 and all(_natural(v) for v in item)):
            raise WireError("a malformed buffer entry")
        start, n = item
        if start + n > len(body):
            raise WireError("a buffer beyond the payload")
        buffers.append(body[start : start + n])
    return header, buffers


def _natural(v) -> bool:
    return type(v) is int and v >= 0


# ---- values ----------------------------------------------------------------------------------


class Opaque:
    """What an object of a type that cannot cross becomes: it has a name and nothing else."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name[:100], text[:200]

    def __repr__(self) -> str:
        return f"<{self.type_name} that cannot cross the grader's boundary: {self.text}>"


class Encoder:
    """Turns one call's (or one reply's) values into tags and buffers.

    `arrays` lists the NumPy arrays sent, in order (the callee's copy-back and views refer to
    them by index); `generators` the np.random.Generator objects; `export(obj)` gives a
    callable that stays on this side a handle (the side's `Peer`)."""

    def __init__(self, export, keras_bytes=None, views_of=()):
        self.export, self.keras_bytes = export, keras_bytes
        self.views_of = list(views_of)  # arrays a returned array may be a view of
        self.buffers: list = []
        self.arrays: list = []
        self.generators: list = []

    def value(self, obj, depth: int = 0):
        import numpy as np

        if depth > MAX_DEPTH:
            raise WireError(f"a value nested deeper than {MAX_DEPTH}")
        if obj is None or type(obj) in (bool, int, float, str):
            return obj
        # by the real type, never isinstance: an object can claim any __class__
        kind = type(obj)
        if issubclass(kind, np.ndarray):
            return self._array(obj)
        if issubclass(kind, np.generic):
            if obj.dtype.kind not in ARRAY_KINDS:
                return self._opaque(obj)
            tag = self._array(np.asarray(obj), track=False)
            return {"S": tag}
        for base in (bool, int, float, str):  # subclasses (IntEnum, ...): as the builtin
            if issubclass(kind, base):
                return base(obj)
        if issubclass(kind, complex):
            return {"C": [obj.real, obj.imag]}
        if issubclass(kind, (bytes, bytearray)):
            self.buffers.append(bytes(obj))
            return {"B": len(self.buffers) - 1}
        if issubclass(kind, np.dtype) or (issubclass(kind, type) and issubclass(obj, np.generic)):
            dtype = np.dtype(obj)
            if dtype.kind not in ARRAY_KINDS or dtype.fields is not None:
                return self._opaque(obj)
            return {"DT": dtype.str, "type": issubclass(kind, type)}
        if any(obj is t for t in BUILTIN_TYPES):
            return {"PT": obj.__name__}
        if issubclass(kind, np.random.Generator):
            name = type(obj.bit_generator).__name__
            if name not in BIT_GENERATORS:
                return self._opaque(obj)
            self.generators.append(obj)
            return {"G": name, "st": obj.bit_generator.state}
        named = _rnnlib_type(type(obj))
        if named and issubclass(kind, tuple) and hasattr(obj, "_fields"):
            return {"NT": named, "v": [self.value(v, depth + 1) for v in obj]}
        if named and hasattr(type(obj), "__dataclass_fields__"):
            fields = {k: self.value(getattr(obj, k), depth + 1) for k in obj.__dataclass_fields__}
            return {"DC": named, "v": fields}
        if issubclass(kind, list):
            return {"L": [self.value(v, depth + 1) for v in obj]}
        if issubclass(kind, tuple):
            return {"T": [self.value(v, depth + 1) for v in obj]}
        if issubclass(kind, dict):
            return {
                "D": [[self.value(k, depth + 1), self.value(v, depth + 1)] for k, v in obj.items()]
            }
        keras = _keras_kind(obj)
        if keras == "tensor":
            return {"TF": self._array(np.asarray(obj), track=False)}
        if keras == "model" and self.keras_bytes is not None:
            data = self.keras_bytes(obj)
            if data is not None:
                self.buffers.append(data)
                return {"K": len(self.buffers) - 1}
        if keras == "layer":
            return self._layer(obj)
        if callable(obj):
            methods = [m for m in PROXY_METHODS if callable(getattr(obj, m, None))]
            return {
                "F": self.export(obj),
                "m": methods,
                "n": str(getattr(obj, "__name__", ""))[:80],
            }
        return self._opaque(obj)

    def _array(self, a, track: bool = True):
        import numpy as np

        if a.dtype.kind not in ARRAY_KINDS or a.dtype.fields is not None:
            return self._opaque(a)
        if track:
            view = self._view_of(a)
            if view is not None:
                return view
            self.arrays.append(a)
        self.buffers.append(np.ascontiguousarray(a).tobytes())
        tag = {"A": len(self.buffers) - 1, "dt": a.dtype.str, "sh": list(a.shape)}
        if track:
            tag["i"] = len(self.arrays) - 1
        return tag

    def _view_of(self, a):
        """A tag saying `a` is a view of the i-th array the other side sent (or None)."""
        import numpy as np

        for i, base in enumerate(self.views_of):
            if not isinstance(base, np.ndarray) or not base.flags.c_contiguous or not base.size:
                continue
            if a.size and np.shares_memory(a, base):
                offset = a.__array_interface__["data"][0] - base.__array_interface__["data"][0]
                tag = self._array(a, track=False)  # the values too, for a receiver that cannot view
                return {"V": i, "off": offset, "st": list(a.strides), "data": tag}
        return None

    def _layer(self, layer):
        import keras

        weights = [self._array(w, track=False) for w in layer.get_weights()]
        config = json.loads(json.dumps(keras.layers.serialize(layer), default=str))
        return {"KL": config, "bc": layer.get_build_config(), "w": weights}

    def _opaque(self, obj):
        try:
            text = repr(obj)
        except Exception:  # noqa: BLE001 - a repr that raises is still an opaque object
            text = "?"
        return {"X": type(obj).__qualname__, "r": text[:200]}


class Decoder:
    """Tags and buffers back to values, building nothing that can run the sender's code."""

    def __init__(self, buffers, proxy, keras_load=None, views_of=(), layers=False):
        self.buffers, self.proxy, self.keras_load = buffers, proxy, keras_load
        self.layers = layers  # build Keras layers from configs (only from the checker)
        self.views_of = list(views_of)
        self.arrays: list = []  # the arrays decoded, by the sender's index (for copy-back)
        self.generators: list = []

    def value(self, tag, depth: int = 0):
        import numpy as np

        if depth > MAX_DEPTH:
            raise WireError(f"a value nested deeper than {MAX_DEPTH}")
        if tag is None or type(tag) in (bool, int, float, str):
            return tag
        if not isinstance(tag, dict) or len(tag) < 1:
            raise WireError(f"an untagged value of type {type(tag).__name__}")
        if "A" in tag:
            return self._array(tag)
        if "V" in tag:
            return self._view(tag)
        if "S" in tag:
            return self._array(tag["S"], track=False)[()]
        if "L" in tag:
            return [self.value(v, depth + 1) for v in _list(tag["L"])]
        if "T" in tag:
            return tuple(self.value(v, depth + 1) for v in _list(tag["T"]))
        if "D" in tag:
            out = {}
            for pair in _list(tag["D"]):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise WireError("a malformed dict entry")
                key = self.value(pair[0], depth + 1)
                try:
                    out[key] = self.value(pair[1], depth + 1)
                except TypeError as error:  # an unhashable key
                    raise WireError(f"a dict key that cannot be a key: {error}") from None
            return out
        if "DT" in tag:
            dtype = np.dtype(str(tag["DT"]))
            if dtype.kind not in ARRAY_KINDS or dtype.fields is not None:
                raise WireError(f"a dtype {dtype} (plain dtypes only)")
            return dtype.type if tag.get("type") else dtype
        if "PT" in tag:
            named = {t.__name__: t for t in BUILTIN_TYPES}
            if tag["PT"] not in named:
                raise WireError(f"a type {str(tag['PT'])[:40]!r}")
            return named[tag["PT"]]
        if "C" in tag:
            re_, im = _list(tag["C"])
            return complex(float(re_), float(im))
        if "B" in tag:
            return bytes(self._buffer(tag["B"]))
        if "G" in tag:
            if tag["G"] not in BIT_GENERATORS:
                raise WireError(f"an unknown bit generator {tag['G']!r}")
            bits = getattr(np.random, tag["G"])()
            try:
                bits.state = tag["st"]
            except (TypeError, ValueError, KeyError) as error:
                raise WireError(f"a generator state that does not fit: {error}") from None
            gen = np.random.Generator(bits)
            self.generators.append(gen)
            return gen
        if "NT" in tag or "DC" in tag:
            return self._rnnlib(tag, depth)
        if "TF" in tag:
            import tensorflow as tf

            return tf.convert_to_tensor(self._array(tag["TF"], track=False))
        if "K" in tag:
            if self.keras_load is None:
                raise WireError("a Keras model where none can be loaded")
            return self.keras_load(bytes(self._buffer(tag["K"])))
        if "KL" in tag:
            if not self.layers:
                return Opaque("Keras layer", "layers cross only towards the answers")
            return self._layer(tag)
        if "F" in tag:
            handle = tag["F"]
            if type(handle) is not int:
                raise WireError("a malformed handle")
            methods = [m for m in _list(tag.get("m", [])) if m in PROXY_METHODS]
            return self.proxy(handle, methods, str(tag.get("n", ""))[:80])
        if "X" in tag:
            return Opaque(str(tag["X"]), str(tag.get("r", "")))
        raise WireError(f"an unknown tag {sorted(tag)[:3]}")

    def _buffer(self, index):
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise WireError("a value names a buffer that is not there")
        return self.buffers[index]

    def _array(self, tag, track: bool = True):
        import numpy as np

        try:
            dtype = np.dtype(str(tag["dt"]))
        except (TypeError, ValueError) as error:
            raise WireError(f"an unknown dtype: {error}") from None
        shape = tag.get("sh")
        if dtype.kind not in ARRAY_KINDS or dtype.fields is not None:
            raise WireError(f"an array of dtype {dtype} (plain dtypes only)")
        if not isinstance(shape, list) or len(shape) > 32 or not all(_natural(s) for s in shape):
            raise WireError("a malformed array shape")
        data = self._buffer(tag["A"])
        count = 1
        for s in shape:
            count *= s
        if count * dtype.itemsize != len(data):
            raise WireError(
                f"an array of shape {tuple(shape)} and dtype {dtype} in {len(data)} bytes"
            )
        array = np.frombuffer(data, dtype=dtype).reshape(shape).copy()  # writable, owned
        if track:
            self.arrays.append(array)
        return array

    def _view(self, tag):
        import numpy as np

        index, data = tag["V"], tag.get("data")
        values = self._array(data, track=False)
        if type(index) is not int or not 0 <= index < len(self.views_of):
            raise WireError("a view of an array that was not sent")
        base = self.views_of[index]
        offset, strides = tag.get("off"), tag.get("st")
        ok = (
            isinstance(base, np.ndarray)
            and base.flags.c_contiguous
            and _natural(offset)
            and isinstance(strides, list)
            and len(strides) == values.ndim
            and all(type(s) is int for s in strides)
        )
        if ok:
            try:
                view = np.ndarray(
                    values.shape,
                    values.dtype,
                    buffer=base,
                    offset=offset,
                    strides=tuple(strides),
                )
            except (TypeError, ValueError):
                return values
            # a view the sender describes must hold the values it sent, or it is not one
            if np.array_equal(view, values, equal_nan=values.dtype.kind in "fc"):
                return view
        return values

    def _rnnlib(self, tag, depth):
        import importlib

        name = str(tag.get("NT") or tag.get("DC"))
        module, _, qualname = name.partition(":")
        if not (module == "rnnlib" or module.startswith("rnnlib.")) or "<" in qualname:
            raise WireError(f"a type outside rnnlib: {name}")
        cls = importlib.import_module(module)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        if not isinstance(cls, type):
            raise WireError(f"{name} is not a type")
        if "NT" in tag:
            if not (issubclass(cls, tuple) and hasattr(cls, "_fields")):
                raise WireError(f"{name} is not a NamedTuple")
            return cls(*[self.value(v, depth + 1) for v in _list(tag["v"])])
        if not hasattr(cls, "__dataclass_fields__") or not isinstance(tag.get("v"), dict):
            raise WireError(f"{name} is not a dataclass")
        fields = {str(k): self.value(v, depth + 1) for k, v in tag["v"].items()}
        return cls(**fields)

    def _layer(self, tag):
        import keras

        layer = keras.layers.deserialize(tag["KL"])
        if tag.get("bc"):
            layer.build_from_config(tag["bc"])
        weights = [self._array(w, track=False) for w in _list(tag.get("w", []))]
        if weights:
            layer.set_weights(weights)
        return layer


def _list(value) -> list:
    if not isinstance(value, list):
        raise WireError("a malformed container")
    return value


def _rnnlib_type(cls) -> str:
    module = getattr(cls, "__module__", "") or ""
    if module == "rnnlib" or module.startswith("rnnlib."):
        return f"{module}:{cls.__qualname__}"
    return ""


def _keras_kind(obj) -> str:
    """'tensor', 'model', 'layer' or '' for an object of TensorFlow or Keras."""
    module = type(obj).__module__ or ""
    if not module.startswith(("keras", "tensorflow")):
        return ""
    import keras

    if isinstance(obj, keras.Model):
        return "model"
    if isinstance(obj, keras.layers.Layer):
        return "layer"
    if hasattr(obj, "numpy") and hasattr(obj, "dtype") and hasattr(obj, "shape"):
        return "tensor"
    return ""


def error_message(exc: BaseException) -> dict:
    """An exception as plain data: the nearest plain type in its MRO, and its message."""
    plain = "Exception"
    for cls in type(exc).__mro__:
        if cls.__name__ in PLAIN_ERRORS and cls.__module__ == "builtins":
            plain = cls.__name__
            break
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a str() that raises still says which type it was
        text = ""
    if plain != type(exc).__name__:
        text = f"{type(exc).__name__}: {text}"
    return {"type": plain, "message": text[:4000]}


def raise_error(error: dict) -> None:
    """Raise the plain exception an error message names (never a type the sender chose)."""
    import builtins

    name = error.get("type") if isinstance(error, dict) else None
    cls = getattr(builtins, name) if name in PLAIN_ERRORS else Exception
    message = str(error.get("message", "")) if isinstance(error, dict) else ""
    raise cls(message)


# ---- one side of a conversation ---------------------------------------------------------------


class Peer:
    """One side of the wire. `call(target, args, kwargs)` asks the other side to run something
    and waits, serving the other side's own calls (callbacks) meanwhile; `serve_call(header,
    buffers)` runs one call the other side asked for and replies.

    resolve(target) -> the local callable a call names; keras_bytes/keras_load move models."""

    def __init__(
        self, rfd, wfd, resolve, kind=b"A", keras_bytes=None, keras_load=None, layers=False
    ):
        self.rfd, self.wfd, self.kind = rfd, wfd, kind
        self.resolve, self.keras_bytes, self.keras_load = resolve, keras_bytes, keras_load
        self.layers = layers
        self.exported: dict = {}  # handle -> a local callable the other side may call
        self.depth = 0  # calls of this side still waiting for their reply
        self.replied = True  # the last call got its reply (False: it was cut off)

    def export(self, fn) -> int:
        handle = len(self.exported) + 1
        self.exported[handle] = fn
        return handle

    def proxy(self, handle, methods, name):
        return Remote(self, {"handle": handle}, name, methods)

    def local(self, target):
        """The callable a call names: a handle this side exported, or what `resolve` finds;
        with "method", that method of it."""
        if not isinstance(target, dict):
            raise WireError("a call without a target")
        if "handle" in target:
            fn = self.exported.get(target["handle"]) if type(target["handle"]) is int else None
            if fn is None:
                raise RuntimeError("a function handed across the boundary is no longer there")
        else:
            fn = self.resolve(target)
        method = target.get("method")
        if method is not None:
            if method not in PROXY_METHODS:
                raise WireError(f"a method {str(method)[:40]!r} that cannot be called across")
            fn = getattr(fn, method)
        return fn

    def _encoder(self, views_of=()):
        return Encoder(self.export, self.keras_bytes, views_of)

    def _decoder(self, buffers, views_of=()):
        return Decoder(buffers, self.proxy, self.keras_load, views_of, self.layers)

    def send(self, header: dict, buffers=()) -> None:
        write_frame(self.wfd, self.kind, pack(header, list(buffers)))

    def receive(self) -> tuple[dict, list]:
        _, payload = read_frame(self.rfd)
        return unpack(payload)

    def call(self, target: dict, args: tuple, kwargs: dict, extra: dict | None = None):
        enc = self._encoder()
        header = {
            **(extra or {}),
            "op": "call",
            "target": target,
            "args": enc.value(list(args)),
            "kwargs": enc.value(dict(kwargs)),
        }
        self.replied = False
        self.send(header, enc.buffers)
        self.depth += 1
        try:
            while True:
                reply, buffers = self.receive()
                op = reply.get("op")
                if op == "call":
                    self.serve_call(reply, buffers)
                    continue
                if op not in ("return", "raise"):
                    raise WireError(f"an unexpected message {op!r}")
                self.replied = True  # the conversation is in step, whatever the value
                dec = self._decoder(buffers, views_of=enc.arrays)
                self._write_back(enc, dec, reply)
                if op == "raise":
                    raise_error(reply.get("error"))
                return dec.value(reply.get("value"))
        finally:
            self.depth -= 1

    @staticmethod
    def _write_back(enc: Encoder, dec: Decoder, reply: dict) -> None:
        """Arrays the callee changed in place, and generators it drew from, changed here too."""
        import numpy as np

        for item in reply.get("changed") or []:
            if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is int):
                continue
            index, tag = item
            if not 0 <= index < len(enc.arrays):
                continue
            target, new = enc.arrays[index], dec.value(tag)
            if isinstance(new, np.ndarray) and new.shape == target.shape and target.flags.writeable:
                target[...] = new.astype(target.dtype, copy=False)
        for item in reply.get("generators") or []:
            if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is int):
                continue
            index, state = item
            if 0 <= index < len(enc.generators):
                try:
                    enc.generators[index].bit_generator.state = state
                except (TypeError, ValueError, KeyError):
                    pass

    def serve_call(self, header: dict, buffers) -> None:
        """Run the call `header` asks for and send its reply (a value or an error)."""
        import numpy as np

        dec = self._decoder(buffers)
        try:
            fn = self.local(header.get("target"))
            args = dec.value(header.get("args"))
            kwargs = dec.value(header.get("kwargs"))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise WireError("a call without an argument list")
            before = [a.copy() for a in dec.arrays]
            value = fn(*args, **{str(k): v for k, v in kwargs.items()})
            enc = self._encoder(views_of=dec.arrays)
            reply = {"op": "return", "value": enc.value(value)}
        except BaseException as exc:  # noqa: BLE001 - the other side reports it as a failure
            enc, before, value = self._encoder(), [], None
            reply = {"op": "raise", "error": error_message(exc)}
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                reply["error"]["type"] = "RuntimeError"
        changed = []
        for i, (now, old) in enumerate(zip(dec.arrays, before, strict=False)):  # none on error
            same = now.shape == old.shape and np.array_equal(
                now, old, equal_nan=now.dtype.kind in "fc"
            )
            if not same:
                changed.append([i, enc._array(now, track=False)])
        reply["changed"] = changed
        reply["generators"] = [[i, g.bit_generator.state] for i, g in enumerate(dec.generators)]
        self.send(reply, enc.buffers)


class Remote:
    """A function on the other side of the wire: calling it is a message, nothing more."""

    __rnn_boundary__ = True

    def __init__(self, peer: Peer, target: dict, name: str = "", methods=()):
        self._peer, self._target = peer, dict(target)
        self.__name__ = self.__qualname__ = name or "remote function"
        self._methods = tuple(methods)

    def __call__(self, *args, **kwargs):
        return self._peer.call(self._target, args, kwargs)

    def __getattr__(self, name):
        if name in self.__dict__.get("_methods", ()):
            target = {**self._target, "method": name}
            return Remote(self._peer, target, f"{self.__name__}.{name}")
        raise AttributeError(
            f"{self.__name__!r} was passed across the grader's boundary as a function: it can "
            f"be called{' or used as ' + ', '.join(self._methods) if self._methods else ''}, "
            f"not read as .{name}"
        )

    def with_references(self, names):
        """This function, each of whose calls runs with `names` blocked (rnnlib's guard)."""
        return Remote(self._peer, {**self._target, "blocked": sorted(names)}, self.__name__)

    def __repr__(self) -> str:
        return f"<function {self.__name__} (across the grader's boundary)>"
