"""Exact weight transfer between rnnlib's parameters and Keras recurrent layers.

rnnlib uses Keras's layout and gate order, so the transfer is a rename, never a transpose:

    Keras ``kernel``            -> ``Wx``  (D, kH)
    Keras ``recurrent_kernel``  -> ``Wh``  (H, kH)
    Keras ``bias``              -> ``b``   (kH,), or (2, 3H) for a GRU with reset_after=True

with k = 1 (SimpleRNN), 4 (LSTM, gates i, f, c, o) or 3 (GRU, gates z, r, h).
Only layers whose forward pass rnnlib reproduces exactly are accepted; anything else
(another activation, ``go_backwards``, ``Bidirectional``, ...) raises ValueError saying why.
Dropout only acts during training, so a layer with dropout is accepted: rnnlib matches its
inference-time output. TensorFlow/Keras is imported inside the functions, never at import.
Introduced in notebooks 02 (SimpleRNN) and 06 (LSTM, GRU).
"""

from __future__ import annotations

import numpy as np

from rnnlib.testing.shapes import Dims, check_count, check_flag

_GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}
_CELLS = {"SimpleRNNCell": "simple_rnn", "LSTMCell": "lstm", "GRUCell": "gru"}


def count_params(
    cell: str, input_dim: int, units: int, reset_after: bool = True, use_bias: bool = True
) -> int:
    """Number of trainable parameters of a Keras recurrent layer, by arithmetic alone.

    cell: "simple_rnn", "lstm" or "gru"; input_dim: D; units: H.
    Each of the k gate blocks has D*H input weights, H*H recurrent weights and H biases;
    a GRU with reset_after=True has a second (recurrent) bias per block. Notebook 02.
    """
    if cell not in _GATES:
        raise ValueError(f"count_params: cell should be one of {sorted(_GATES)}, got {cell!r}")
    D = check_count("count_params", "input_dim", input_dim)
    H = check_count("count_params", "units", units)
    reset_after = check_flag("count_params", "reset_after", reset_after)
    use_bias = check_flag("count_params", "use_bias", use_bias)
    k = _GATES[cell]
    n_bias = 2 if (cell == "gru" and reset_after) else 1
    return k * (D * H + H * H) + (k * H * n_bias if use_bias else 0)


def layer_kind(layer) -> str:
    """ "simple_rnn", "lstm" or "gru" for a layer rnnlib can reproduce; ValueError otherwise."""
    return _kind(_check_layer(layer, "layer_kind"))


def params_from_keras(layer) -> dict[str, np.ndarray]:
    """Copies a built Keras SimpleRNN / LSTM / GRU layer's weights into rnnlib's names.

    layer: ``keras.layers.SimpleRNN``, ``LSTM``, ``GRU``, ``keras.layers.RNN`` wrapping one of
    their cells, or the cell itself. Returns ``{"Wx": (D, kH), "Wh": (H, kH), "b": ...}``
    (NumPy copies in the layer's dtype); a layer with ``use_bias=False`` gets a zero ``b``,
    which computes exactly the same thing. Notebooks 02 (SimpleRNN) and 06 (LSTM, GRU).
    """
    cell = _check_layer(layer, "params_from_keras")
    Wx = np.array(cell.kernel.numpy(), copy=True)  # (D, kH)
    Wh = np.array(cell.recurrent_kernel.numpy(), copy=True)  # (H, kH)
    if cell.use_bias:
        b = np.array(cell.bias.numpy(), copy=True)  # (kH,) or (2, 3H)
    else:
        b = np.zeros(_bias_shape(cell), Wx.dtype)
    return {"Wx": Wx, "Wh": Wh, "b": b}


def params_to_keras(params, layer):
    """Writes rnnlib parameters ``{"Wx", "Wh", "b"}`` into a built Keras layer; returns the layer.

    Shapes must match the layer exactly (build it first, e.g. ``layer.build((None, T, D))``);
    values are cast to the layer's weight dtype. A layer with ``use_bias=False`` accepts only
    an all-zero ``b``. Notebooks 02 (SimpleRNN) and 06 (LSTM, GRU).
    """
    cell = _check_layer(layer, "params_to_keras")
    missing = {"Wx", "Wh", "b"} - set(params)
    if missing:
        raise ValueError(
            f"params_to_keras: params is missing {sorted(missing)}; expected Wx, Wh, b"
        )
    k = _GATES[_kind(cell)]
    kH = f"{k}H" if k > 1 else "H"
    dims = Dims("params_to_keras")
    dims.array("the layer's kernel", np.empty(tuple(cell.kernel.shape)), f"D {kH}")  # binds D, H
    Wx = dims.array("Wx", params["Wx"], f"D {kH}")
    Wh = dims.array("Wh", params["Wh"], f"H {kH}")
    try:
        b = dims.array("b", params["b"], f"2 {kH}" if len(_bias_shape(cell)) == 2 else kH)
    except ValueError as err:
        if _kind(cell) != "gru":
            raise
        raise ValueError(
            f"{err} (this GRU has reset_after={cell.reset_after}: b is (2, 3H), input and "
            "recurrent bias, when reset_after=True, and (3H,) when reset_after=False)"
        ) from None
    if not cell.use_bias and np.any(b != 0):
        raise ValueError(
            "params_to_keras: the layer has use_bias=False, so it cannot hold a nonzero b; "
            "build the layer with use_bias=True or pass b = zeros"
        )
    dtype = np.dtype(str(cell.kernel.dtype))  # the layer's weight dtype, e.g. float32
    cell.kernel.assign(Wx.astype(dtype))
    cell.recurrent_kernel.assign(Wh.astype(dtype))
    if cell.use_bias:
        cell.bias.assign(b.astype(dtype))
    return layer


# --- checks -------------------------------------------------------------------------------


def _kind(cell) -> str:
    return _CELLS[type(cell).__name__]


def _bias_shape(cell) -> tuple[int, ...]:
    H = int(cell.units)
    kind = _kind(cell)
    if kind == "gru" and cell.reset_after:
        return (2, 3 * H)
    return (_GATES[kind] * H,)


def _check_layer(layer, where: str):
    """Returns the layer's cell if rnnlib reproduces the layer exactly, else raises ValueError."""
    import keras

    L = keras.layers
    name = type(layer).__name__
    if isinstance(layer, L.Bidirectional):
        raise ValueError(
            f"{where}: Bidirectional is not supported: transfer the forward direction "
            "(layer.forward_layer) on its own; the backward one runs with go_backwards=True, "
            "which rnnlib does not reproduce (reverse the inputs yourself instead)"
        )
    if isinstance(layer, L.RNN):
        cell = layer.cell
        if isinstance(cell, L.StackedRNNCells):
            raise ValueError(
                f"{where}: an RNN of stacked cells is not supported; transfer one cell at a time"
            )
        for flag, why in (
            ("go_backwards", "rnnlib runs forward in time; reverse the inputs yourself instead"),
            (
                "zero_output_for_mask",
                "rnnlib repeats the previous output at masked steps, as Keras does by default",
            ),
        ):
            if getattr(layer, flag, False):
                raise ValueError(f"{where}: {name} with {flag}=True is not supported: {why}")
        # unroll, stateful, return_sequences and return_state change nothing in the arithmetic
    elif isinstance(layer, (L.SimpleRNNCell, L.LSTMCell, L.GRUCell)):
        cell = layer
    else:
        raise ValueError(
            f"{where}: expected a keras.layers.SimpleRNN, LSTM or GRU layer (or its cell), "
            f"got {name}"
        )
    if type(cell).__name__ not in _CELLS or not isinstance(
        cell, (L.SimpleRNNCell, L.LSTMCell, L.GRUCell)
    ):
        raise ValueError(
            f"{where}: the layer's cell is a {type(cell).__name__}; only SimpleRNNCell, LSTMCell "
            "and GRUCell (not subclasses) are reproduced exactly"
        )
    if not (layer.built and cell.built):
        raise ValueError(
            f"{where}: the {name} layer has no weights yet: call it on an input or "
            "layer.build((None, T, D)) first"
        )
    kind = _kind(cell)
    wanted = {"activation": "tanh"}
    if kind != "simple_rnn":
        wanted["recurrent_activation"] = "sigmoid"
    for attr, expected in wanted.items():
        got = keras.activations.serialize(getattr(cell, attr))
        got = got if isinstance(got, str) else str(got)
        if got != expected:
            raise ValueError(
                f"{where}: {name} has {attr}={got!r}; rnnlib's {kind} uses {expected!r} only"
            )
    policy = getattr(cell, "dtype_policy", None)
    compute = getattr(policy, "compute_dtype", "float32")
    variable = getattr(policy, "variable_dtype", compute)
    if compute != variable or compute not in ("float32", "float64"):
        raise ValueError(
            f"{where}: {name} computes in {compute} with {variable} weights (mixed precision); "
            "rnnlib matches only float32 or float64 layers"
        )
    return cell
