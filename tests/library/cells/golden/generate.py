"""Regenerates the golden fixtures: random-weight Keras layers, their outputs and gradients.

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python tests/library/cells/golden/generate.py

Writes one small ``<cell>.npz`` per layer next to this file, holding the inputs (x, h0, c0,
mask), the weights in rnnlib's names (Wx, Wh, b), the layer's outputs at every step, its
final states, and the gradients of ``sum(h * dh)`` from ``tf.GradientTape``. Random weights
(not constant ones) make a swapped gate or a transposed matrix show. tests/test_golden.py
checks rnnlib against these files without importing TensorFlow.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
N, T, D, H = 3, 7, 4, 5
MASK = np.array(
    [
        [0, 0, 1, 1, 1, 1, 1],  # leading masked steps
        [1, 1, 1, 0, 0, 1, 1],  # middle
        [1, 1, 1, 1, 1, 0, 0],  # trailing
    ],
    bool,
)
CELLS = {  # file name -> (Keras class name, extra layer arguments)
    "simple_rnn": ("SimpleRNN", {}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {"reset_after": True}),
    "gru_reset_before": ("GRU", {"reset_after": False}),
}


def generate(name: str, seed: int) -> dict[str, np.ndarray]:
    import keras
    import tensorflow as tf

    from rnnlib.cells import keras_io

    class_name, kwargs = CELLS[name]
    rng = np.random.default_rng(seed)
    layer = getattr(keras.layers, class_name)(H, return_sequences=True, return_state=True, **kwargs)
    layer.build((None, T, D))
    shapes = {k: v.shape for k, v in keras_io.params_from_keras(layer).items()}
    params = {k: (rng.standard_normal(s) * 0.5).astype(np.float32) for k, s in shapes.items()}
    keras_io.params_to_keras(params, layer)

    x = rng.standard_normal((N, T, D)).astype(np.float32)  # (N, T, D)
    h0 = rng.standard_normal((N, H)).astype(np.float32)  # (N, H)
    c0 = rng.standard_normal((N, H)).astype(np.float32)  # (N, H), used by the LSTM only
    dh = rng.standard_normal((N, T, H)).astype(np.float32)  # (N, T, H) upstream gradient
    x_t, h0_t, c0_t = (tf.constant(v) for v in (x, h0, c0))
    with tf.GradientTape() as tape:
        tape.watch([x_t, h0_t])
        state = [h0_t, c0_t] if class_name == "LSTM" else [h0_t]
        h, *states = layer(x_t, initial_state=state, mask=tf.constant(MASK))
        loss = tf.reduce_sum(h * dh)
    cell = layer.cell
    grads = tape.gradient(loss, [x_t, h0_t, cell.kernel, cell.recurrent_kernel, cell.bias])
    out = dict(x=x, h0=h0, c0=c0, mask=MASK, dh=dh, **params, h=h.numpy())
    out["h_last"] = states[0].numpy()  # (N, H) final state
    if class_name == "LSTM":
        out["c_last"] = states[1].numpy()  # (N, H)
    for key, g in zip(["dx", "dh0", "dWx", "dWh", "db"], grads, strict=True):
        out[key] = g.numpy()
    out["versions"] = np.array([f"keras {keras.__version__}", f"tensorflow {tf.__version__}"])
    return out


def main() -> None:
    for seed, name in enumerate(CELLS):
        arrays = generate(name, seed)
        path = HERE / f"{name}.npz"
        np.savez_compressed(path, **arrays)
        print(f"wrote {path.name} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
