# Cells of notebook 03, read by build_03.py (md / code / answer / test / written).
# ruff: noqa

md(r'''
# 03 · Many-to-one, one-to-many, many-to-many

Notebook 02 built the recurrent cell: it reads a sequence step by step and carries a hidden
state $h_t$. What you do with the states decides what the network computes. Read only the
last state and you get one answer per sequence; read every state and you get one answer per
step; feed each answer back in as the next input and the network writes a sequence of its
own. These arrangements are the **topologies** of recurrent networks, and each has a
signature you can read off the tensor shapes.

**Learning goals.** After this notebook you can

1. name the four topologies by their shapes: many-to-one `(N, T, D) -> (N, K)`, one-to-many
   `(N, D) -> (N, T, V)`, many-to-many of the same length `(N, T, D) -> (N, T, K)`, and
   encoder–decoder `(N, S) -> (N, T, V)` with $S \ne T$;
2. build each in Keras 3 from `GRU(..., return_sequences=..., return_state=...)`, `Dense`
   and `Embedding`, and say what every layer does to the shape;
3. write a sequence's probability as a product of next-step probabilities, explain why an
   n-gram table grows as $|V|^n$ and what a hidden state replaces it with;
4. sample from a model with a temperature, and decode greedily;
5. train a many-to-one forecaster on real data and compare it honestly with persistence and
   an autoregressive model;
6. train an encoder–decoder with **teacher forcing** and run it without.

**Notation.** As in the whole course: N batch, T time steps, D input features, H hidden
units, V vocabulary, K classes; rows are vectors, $x_t$ is (N, D), $h_t$ is (N, H). Equations
count steps from 1; arrays count from 0 (`x[:, t-1]` is $x_t$).

**Exercises.** Seven functions, graded by the test cells under them, and one short written
answer, graded by hand. Write your code where it says `# YOUR CODE HERE` (delete the
`raise NotImplementedError()` line), run the cell, then its test cell. More tests, with
fresh random inputs, run when the notebook is graded. Do not call rnnlib's (or Keras's)
versions of the functions you are asked to write: the graded tests check that you did not.
The models are tiny, so the notebook runs in about two minutes on a laptop CPU.
''')

code(r'''
import numpy as np
import matplotlib.pyplot as plt
import keras
import rnnlib as rl

rng = rl.training.set_seed(0)  # seeds Python, NumPy and Keras; rng is this notebook's generator
np.set_printoptions(precision=3, suppress=True)
''')

md(r'''
## 1. Four topologies, read off their shapes

The same recurrent layer serves every topology. What changes is which states are used and
where the inputs come from:
''')

code(r'''
rl.plot.four_topologies()
plt.tight_layout()
plt.show()
''')

md(r'''
| topology | example | input | output | Keras |
|---|---|---|---|---|
| many-to-one | sentiment of a review, next year's sunspots | (N, T, D) | (N, K) | `GRU(H)` (last state) → `Dense(K)` |
| one-to-many | generate a string, a melody, a caption from one vector | (N, D) or a start token | (N, T, V) | a next-step model whose output is fed back (section 4) |
| many-to-many, same length | tag every word (part of speech, named entities) | (N, T, D) | (N, T, K) | `GRU(H, return_sequences=True)` → `Dense(K)` |
| encoder–decoder | translate, reverse, summarise: lengths differ | (N, S) | (N, T, V) | encoder `GRU(return_state=True)`, its state starts a decoder `GRU(return_sequences=True)` |

In every topology the part that produces outputs is the same: the **same affine map at
every step** that needs an output, $y_t = h_t W_y + b_y$ with $W_y$ (H, K), and, for
classes, a softmax with the cross-entropy loss summed over the steps that count. Keras's
`Dense` does the first on a (N, T, H) input; rnnlib has it as
`rl.layers.temporal_affine_forward`, and the loss as `rl.layers.temporal_softmax_loss` (you
write their backward passes in notebook 04). They agree:
''')

code(r'''
N, T, H, K = 2, 5, 4, 3
states = rng.normal(size=(N, T, H)).astype("float32")       # (N, T, H): every h_t
dense = keras.layers.Dense(K)
logits_keras = keras.ops.convert_to_numpy(dense(states))      # (N, T, K): Dense acts on the last axis
Wy, by = dense.get_weights()                                  # (H, K), (K,)
logits_rl, _ = rl.layers.temporal_affine_forward(states, Wy, by)
print("Dense on (N, T, H) == temporal affine:", np.allclose(logits_keras, logits_rl, atol=1e-6),
      " shape", logits_rl.shape)

targets = rng.integers(0, K, size=(N, T))                     # (N, T) one class per step
mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], bool)     # sequence 1 has 2 real steps
loss_rl, _ = rl.layers.temporal_softmax_loss(logits_rl, targets, mask)   # summed over steps, / N
per_token = loss_rl / (mask.sum() / N)                                    # mean over real steps
keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
loss_k = float(keras_loss(targets, logits_rl, sample_weight=mask.astype("float32")))
print(f"rnnlib: {loss_rl:.4f} per sequence, {per_token:.4f} nats per real token")
print(f"Keras with sample_weight=mask: {loss_k:.4f} = sum / (N*T) = {loss_rl * N / (N * T):.4f}")
''')

md(r'''
Two conventions for one loss: rnnlib (like cs231n) sums over the real steps and divides by N;
Keras multiplies each step's loss by its weight and divides by **all** N·T steps, padded ones
included. Neither is the mean over real tokens, the number the course reports as "nats per
token": for that, divide the sum by `mask.sum()`. The optimum is the same; only the scale of
the gradient differs.

## 2. Many-to-one: one answer per sequence

A many-to-one network reads the whole sequence and answers once, from the last state $h_T$.
Notebook 01's motif detector was one, for classification: `GRU(16)` → `Dense(1, sigmoid)`,
(N, T, V) → (N, 1). Here is the same topology for **regression**: forecasting next year's
sunspot number from the previous 20 years.

The data are the yearly mean sunspot numbers 1700–2008, shipped with statsmodels. The
series is split **by time**: the models learn from 1700–1950 and are scored on 1951–2008.
A random split would let the model see 1960 while predicting 1959, which it never can in use.
''')

code(r'''
years, activity = rl.datasets.sunspots()          # (309,) each, 1700..2008
TRAIN_END = 1950
fig, ax = plt.subplots(figsize=(10, 3))
ax.plot(years, activity, color="black", linewidth=1)
ax.axvspan(TRAIN_END + 0.5, years[-1] + 0.5, color="#fde0c5", label="test years")
ax.set_xlabel("year"); ax.set_ylabel("sunspot number"); ax.legend()
ax.set_title("yearly sunspot numbers: an 11-year cycle of varying height")
plt.show()
print(f"{np.sum(years <= TRAIN_END)} training years, {np.sum(years > TRAIN_END)} test years")
''')

md(r'''
A many-to-one forecaster needs (input window, target) pairs: the window is the T values
before a year, the target that year's value. With a series $s_0, s_1, \dots$ and a window of
T, pair $i$ is

$$ X_i = (s_i, s_{i+1}, \dots, s_{i+T-1}), \qquad y_i = s_{i+T}. $$

### Exercise 1: `make_windows` (3 points)

Write `make_windows(series, window)`: from a 1-D series of length L, return

* `X` of shape **(L - window, window, 1)**: every window, with a feature axis of size 1 at
  the end, because a Keras RNN wants (batch, timesteps, features);
* `y` of shape **(L - window,)**: the value right after each window.

The target must never be inside its own window (that would be predicting a value you already
see). A series of length `window + 1` gives exactly one pair; a shorter one should raise a
`ValueError`.
''')

answer("make_windows", r'''
def make_windows(series, window):
    """Sliding windows for one-step-ahead forecasting.

    series: 1-D array, (L,)
    window: T, the number of past values in each input
    Returns X (L - T, T, 1), X[i, :, 0] = series[i : i + T], and y (L - T,), y[i] = series[i + T].
    """
    ### BEGIN SOLUTION
    series = np.asarray(series)
    L = len(series)
    if L <= window:
        raise ValueError(f"a series of length {L} has no (window, target) pair for window={window}")
    X = np.stack([series[i:i + window] for i in range(L - window)])  # (L - T, T)
    y = series[window:]                                             # (L - T,)
    return X[:, :, None], y.copy()
    ### END SOLUTION
''')

test("make_windows__values", 2, r'''
"""Does make_windows return X (L-T, T, 1) of past values and y (L-T,) of the value after each window?"""
_make_windows = rl.grading.guarded(make_windows, rl.data.windows)
_s = np.arange(10.0) ** 2                      # 0, 1, 4, 9, ...: every value different
_out = _make_windows(_s, 3)
assert isinstance(_out, tuple) and len(_out) == 2, "make_windows should return a tuple (X, y)"
_X, _y = _out
rl.checks.check_shape("X", _X, (7, 3, 1), hint="one window per target, with a feature axis of size 1 "
                      "at the end: X[:, :, None] or X.reshape(-1, window, 1)")
rl.checks.check_shape("y", _y, (7,))
_Xr, _yr = rl.data.windows(_s, 3)
rl.checks.check_close("X", _X, _Xr)
rl.checks.check_close("y", _y, _yr, diagnoses={
    "off by one: y[i] is the last value of its own window (the target leaks into the input)":
        _s[2:9],
    "off by one: y[i] is two steps after the window": np.r_[_s[4:], np.nan],
})
_X1, _y1 = _make_windows(np.array([1.0, 2.0, 3.0]), 2)   # length window + 1: exactly one pair
rl.checks.check_shape("X for a series of length window + 1", _X1, (1, 2, 1))
rl.checks.check_close("y for a series of length window + 1", _y1, [3.0])
print("make_windows: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_window_inputs(rng):
    L = int(rng.integers(3, 40))
    return {"series": rng.normal(size=L), "window": int(rng.integers(1, L))}

def _windows_reference(series, window):
    X, y = rl.data.windows(series, window)
    return X, y

rl.grading.check_against_reference(_make_windows, _windows_reference, _make_window_inputs,
                                   trials=8, seed=303)
### END HIDDEN TESTS
''')

test("make_windows__edges", 1, r'''
"""Does make_windows refuse a series too short for one pair, and keep the target out of its window?"""
_make_windows = rl.grading.guarded(make_windows, rl.data.windows)
try:
    _make_windows(np.arange(3.0), 3)
except ValueError:
    pass
else:
    raise AssertionError("make_windows(np.arange(3.0), 3) should raise ValueError: a series of "
                         "length 3 has no value after a window of 3")
_s = np.random.default_rng(4).permutation(50).astype(float)   # all values distinct
_X, _y = _make_windows(_s, 5)
assert not np.any(np.asarray(_X)[:, :, 0] == np.asarray(_y)[:, None]), (
    "some target y[i] also appears in its own window X[i]: the target must be the value after it")
print("make_windows: edge cases passed")

### BEGIN HIDDEN TESTS
_X, _y = _make_windows(_s, 49)
rl.checks.check_shape("X for window = L - 1", _X, (1, 49, 1))
rl.checks.check_close("y for window = L - 1", _y, _s[-1:])
_X, _y = _make_windows(list(_s[:8]), 1)   # a list works too, and window = 1
rl.checks.check_close("X with window = 1", _X, _s[:7, None, None])
### END HIDDEN TESTS
''')

md(r'''
### The baselines

Before any network, two forecasts that need no learning, or very little:

* **Persistence**: next year equals this year, $\hat s_t = s_{t-1}$. The baseline every
  forecast must beat.
* **AR(p)**, the classic autoregressive model: $\hat s_t = c + a_1 s_{t-1} + \dots + a_p s_{t-p}$,
  with the $p + 1$ coefficients fitted by least squares on the training years (statsmodels'
  `AutoReg`). Yule introduced it in 1927 on exactly this series; AR(9) is the order the
  time-series literature settled on for yearly sunspots.
''')

code(r'''
WINDOW = 20
X_all, y_all = rl.data.windows(activity, WINDOW)      # (289, 20, 1), (289,): targets 1720..2008
target_years = years[WINDOW:]
train, test_ = target_years <= TRAIN_END, target_years > TRAIN_END
test_idx = np.flatnonzero(years > TRAIN_END)          # indices of the test years in the series
n_train = int(np.sum(years <= TRAIN_END))

forecasts = {"persistence": rl.forecast.persistence(activity, test_idx)}
for p in (2, 9):
    forecasts[f"AR({p})"] = rl.forecast.ar_forecast(activity, p, n_train, test_idx)
baseline_mae = {name: rl.forecast.mae(f, activity[test_idx]) for name, f in forecasts.items()}
for name, value in baseline_mae.items():
    print(f"{name:12s} test MAE {value:5.1f}")
print("AR(9) coefficients (c, a1..a9):", rl.forecast.fit_ar(activity, 9, n_train).round(2))
''')

md(r'''
### Exercise 2: `build_forecaster` (2 points)

Build the many-to-one model: `(N, window, 1)` → `(N, 1)`.

* `keras.Input(shape=(window, 1))`, one `keras.layers.GRU(units)` that returns only its last
  state (the default, `return_sequences=False`), then `keras.layers.Dense(1)` with no
  activation: the output is a number, not a probability.
* Compile it with `optimizer=keras.optimizers.Adam(0.01)` and `loss="mse"`.
''')

answer("build_forecaster", r'''
def build_forecaster(window, units):
    """A compiled many-to-one GRU regressor.

    window: T, the length of each input sequence; units: H, the GRU's state size.
    Returns a keras.Model mapping (N, T, 1) to (N, 1), compiled with Adam(0.01) and MSE.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),      # (N, T, 1)
        keras.layers.GRU(units),             # (N, H): the last state h_T
        keras.layers.Dense(1),               # (N, 1): a real number
    ], name="forecaster")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model
    ### END SOLUTION
''')

test("build_forecaster__shapes", 2, r'''
"""Is the forecaster one GRU (last state only) and a linear Dense(1), mapping (N, T, 1) to (N, 1), compiled with MSE?"""
_model = build_forecaster(7, 5)
assert isinstance(_model, keras.Model), f"build_forecaster should return a keras.Model, got {type(_model).__name__}"
_out = keras.ops.convert_to_numpy(_model(np.zeros((3, 7, 1), "float32")))
rl.checks.check_shape("the model's output for 3 windows", _out, (3, 1),
                      hint="return_sequences=False (the default) keeps only the last state; then Dense(1)")
_grus = [l for l in _model.layers if isinstance(l, keras.layers.GRU)]
assert len(_grus) == 1 and _grus[0].units == 5, (
    f"expected one keras.layers.GRU with units=5, found {[(l.__class__.__name__, getattr(l, 'units', None)) for l in _model.layers]}")
_last = _model.layers[-1]
assert isinstance(_last, keras.layers.Dense) and _last.units == 1, "the last layer should be keras.layers.Dense(1)"
assert getattr(_last.activation, "__name__", "") == "linear", (
    f"the last layer's activation is {getattr(_last.activation, '__name__', _last.activation)}: "
    "a forecast is any real number, use no activation")
assert getattr(_model, "compiled", False), "the model is not compiled: call model.compile(...)"
_loss = _model.loss if isinstance(_model.loss, str) else getattr(_model.loss, "name", repr(_model.loss))
assert "mse" in str(_loss).lower() or "mean_squared" in str(_loss).lower(), f'the loss is {_loss!r}, expected "mse"'
print("build_forecaster: shapes and compilation correct")

### BEGIN HIDDEN TESTS
_m = build_forecaster(11, 3)
assert tuple(_m.input_shape) == (None, 11, 1), f"input shape {_m.input_shape}, expected (None, 11, 1)"
assert _m.count_params() in {3 * (1 * 3 + 3 * 3 + 2 * 3) + 3 + 1, 3 * (3 + 9 + 3) + 4}, (
    f"{_m.count_params()} parameters: one GRU(3) on 1 feature and one Dense(1), no extra layers")
_x = np.random.default_rng(5).normal(size=(4, 11, 1)).astype("float32")
assert not np.allclose(keras.ops.convert_to_numpy(_m(_x)), keras.ops.convert_to_numpy(_m(_x[:, ::-1])), atol=1e-7), \
    "the output does not depend on the order of the window"
### END HIDDEN TESTS
''')

md(r'''
### Training over several seeds

A network's result depends on its random initialisation, and with 231 training windows and
58 test years that dependence is not small. So we train the same model with three seeds and
report all three. The values are standardised (mean 0, standard deviation 1 on the training
years) for training and scaled back for scoring. The settings (a GRU with 8 units, 100
full-batch Adam steps) were chosen by `benchmarks/sunspots.py` on **validation** years
1921–1950 with models trained to 1920, never on the test years.

Each model trains in a few seconds and is saved with `rl.training.fit_or_load`; when the
notebook is graded, the saved models are loaded instead (submit the `artifacts/` folder).
''')

code(r'''
UNITS, STEPS, SEEDS = 8, 100, (0, 1, 2)
mu, sd = activity[years <= TRAIN_END].mean(), activity[years <= TRAIN_END].std()
X_std = ((X_all - mu) / sd).astype("float32")          # (289, 20, 1)
y_std = ((y_all - mu) / sd).astype("float32")          # (289,)

forecasters, gru_forecasts = {}, {}
with rl.training.Timer("training 3 forecasters"):
    for seed in SEEDS:
        rl.training.set_seed(seed)
        model = build_forecaster(WINDOW, UNITS)
        model, _ = rl.training.fit_or_load(
            model, f"artifacts/03_sunspots_seed{seed}.keras",
            lambda m: rl.forecast.fit_full_batch(m, X_std[train], y_std[train], STEPS))
        forecasters[seed] = model
        gru_forecasts[seed] = keras.ops.convert_to_numpy(model(X_std[test_]))[:, 0] * sd + mu   # (58,)
gru_mae = {seed: rl.forecast.mae(f, y_all[test_]) for seed, f in gru_forecasts.items()}
results = {name: {"test MAE 1951-2008": v} for name, v in baseline_mae.items()}
for seed, v in gru_mae.items():
    results[f"GRU({UNITS}), seed {seed}"] = {"test MAE 1951-2008": v}
print(f"{int(train.sum())} training windows; the GRU has {build_forecaster(WINDOW, UNITS).count_params()} "
      f"parameters, AR(9) has 10")
rl.plot.accuracy_table(results, digits=1, title="one-year-ahead forecasts (sunspot numbers)")
''')

code(r'''
ax = rl.plot.forecast(years[test_idx], activity[test_idx],
                      {"persistence": forecasts["persistence"], "AR(9)": forecasts["AR(9)"],
                       f"GRU({UNITS}), seed 0": gru_forecasts[0]},
                      title="test years: forecasts one year ahead")
plt.show()
''')

test("build_forecaster__beats_persistence", 2, r'''
"""Does every trained forecaster beat persistence on the test years (MAE below 25.0)?"""
assert forecasters, ("There are no trained forecasters: run the training cell above. When your "
                     "notebook is graded, the models your own run saved to artifacts/03_sunspots_seed*.keras "
                     "are loaded instead of retraining, so submit those files too.")
_persistence = rl.forecast.mae(rl.forecast.persistence(activity, test_idx), activity[test_idx])
for _seed, _model in forecasters.items():
    _pred = keras.ops.convert_to_numpy(_model(X_std[test_]))[:, 0] * sd + mu
    _mae = rl.forecast.mae(_pred, y_all[test_])
    assert _mae < _persistence, (f"the forecaster of seed {_seed} has a test MAE of {_mae:.1f}, "
                                 f"no better than persistence ({_persistence:.1f})")
print("every forecaster beats persistence")

### BEGIN HIDDEN TESTS
_maes = [rl.forecast.mae(keras.ops.convert_to_numpy(m(X_std[test_]))[:, 0] * sd + mu, y_all[test_])
         for m in forecasters.values()]
assert np.median(_maes) < 20.0, f"median test MAE {np.median(_maes):.1f}: expected below 20"
### END HIDDEN TESTS
''')

md(r'''
**What the table says, honestly.** The GRU beats persistence by a wide margin on every seed,
and it does about as well as AR(9): a little better on some seeds, a little worse on others
(`benchmarks/sunspots.py` repeats it over ten seeds). On 58 test years a difference of one
or two points of MAE is within the spread between seeds, so the fair summary is a **tie with
AR(9)**, bought with far more parameters and a random initialisation to worry about.

Why no clear win? AR(9) is a linear model with 10 numbers fitted exactly by least squares,
and the sunspot cycle is close to linear over a few cycles. The GRU has 27 times as many
parameters (printed above) and learns from 231 overlapping windows, about 21 solar cycles: not enough data
for its extra flexibility (the asymmetric rise and fall of a cycle, the link between a
cycle's height and length) to pay off over the variance it adds. Networks pull ahead when
there are many more independent examples: daily or monthly sunspot numbers over the same
centuries (tens of thousands of points), or many related series learned jointly. On one
short yearly series, the linear model is the one to beat, and it is hard to beat.

## 3. Generation: a sequence as a product of next-step probabilities

A **language model** assigns a probability to every sequence $x_1, \dots, x_T$ of tokens from
a vocabulary of size $|V|$. By the chain rule of probability, any such distribution is a
product of next-step distributions:

$$
p(x_1, \dots, x_T) = \prod_{t=1}^{T} p(x_t \mid x_1, \dots, x_{t-1}).
$$

So a model only ever has to answer one question: given the past, what comes next? It
generates by answering it, drawing $x_t$, appending it to the past and asking again. This is
the **one-to-many** topology: one start token in, a whole sequence out, each output fed back
as the next input.

**The n-gram answer** keeps only the last $n-1$ tokens of the past and stores a table of
next-token counts for every such context. There are $|V|^{n-1}$ possible contexts, each with
$|V|$ counts: the table grows as $|V|^n$. For characters ($|V| \approx 70$), a 5-gram table
has $70^5 \approx 1.7 \cdot 10^9$ cells, most of them never seen in training; and still
anything further back than 4 characters is invisible to it.

**The recurrent answer** compresses the whole past into a state of fixed size:

$$
h_t = f(h_{t-1}, x_t), \qquad p(x_{t+1} \mid x_1, \dots, x_t) = \operatorname{softmax}(h_t W_y + b_y).
$$

The number of parameters does not depend on how far back the model looks; what it keeps of
the past is *learned*, not fixed to the last $n-1$ tokens.

A language where this shows: strings of **balanced brackets**, such as `(()())`. Whether `)`
may come next depends on how many brackets are open, however long ago they were opened:
no fixed window can know that. The vocabulary has three symbols, `(`, `)`, and `$` marking
the start and the end of a string.
''')

code(r'''
words = rl.datasets.balanced_brackets(3000, max_length=16, p_open=0.47, seed=1)
chars = ["$", "(", ")"]                          # id 0 marks both the start and the end
V_br = len(chars)
print("examples:", words[:8])
print("lengths :", np.bincount([len(w) for w in words])[2::2], "strings of length 2, 4, ..., 16")

T_br = 17                                          # 16 characters + the end marker
X_br = np.zeros((len(words), T_br), np.int32)      # inputs:  $ ( ( ) )  ...
Y_br = np.zeros((len(words), T_br), np.int32)      # targets: ( ( ) ) $  ... (shifted by one)
M_br = np.zeros((len(words), T_br), bool)          # real steps
for i, w in enumerate(words):
    ids = [chars.index(c) for c in w]
    X_br[i, :len(ids) + 1] = [0] + ids
    Y_br[i, :len(ids) + 1] = ids + [0]
    M_br[i, :len(ids) + 1] = True
print("input ", X_br[1], "\ntarget", Y_br[1], "\nmask  ", M_br[1].astype(int))
''')

md(r'''
The training pairs are the sequence and itself shifted by one step: at every step the target
is the next character. Training therefore uses the **many-to-many** shape, (N, T) → (N, T, V),
with the mask keeping padded steps out of the loss. Only generation is one-to-many.

For generation, the model must also hand over its state, so that one step can continue
where the last one stopped. We build the layers once and wire them into two Keras models
that share the weights: `lm` for training on whole sequences, `lm_step` for one step at a
time with the state carried in and out (`return_state=True`, `initial_state=`).
''')

code(r'''
H_br = 16
rl.training.set_seed(0)
embed_br = keras.layers.Embedding(V_br, 4)
gru_br = keras.layers.GRU(H_br, return_sequences=True, return_state=True)
out_br = keras.layers.Dense(V_br)                                   # logits

tokens_in = keras.Input((None,), dtype="int32")                     # (N, T)
seq, _ = gru_br(embed_br(tokens_in))                                # (N, T, H); the state unused
lm = keras.Model(tokens_in, out_br(seq), name="bracket_lm")         # (N, T) -> (N, T, V)

state_in = keras.Input((H_br,))                                     # (N, H)
seq1, state_out = gru_br(embed_br(tokens_in), initial_state=state_in)
lm_step = keras.Model([tokens_in, state_in], [out_br(seq1), state_out], name="bracket_step")

lm.compile(optimizer=keras.optimizers.Adam(0.01),
           loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
with rl.training.Timer("training the bracket model"):
    lm, lm_history = rl.training.fit_or_load(
        lm, "artifacts/03_brackets.keras",
        lambda m: m.fit(X_br, Y_br, sample_weight=M_br.astype("float32"), epochs=10,
                        batch_size=128, verbose=0))
if rl.training.grading():   # the loaded model has its own layers: rewire the step model to them
    embed_br, gru_br, out_br = lm.layers[1], lm.layers[2], lm.layers[3]
    seq1, state_out = gru_br(embed_br(tokens_in), initial_state=state_in)
    lm_step = keras.Model([tokens_in, state_in], [out_br(seq1), state_out])
logits_all = keras.ops.convert_to_numpy(lm(X_br[:500]))
per_token = rl.layers.temporal_softmax_loss(logits_all, Y_br[:500], M_br[:500])[0] / (M_br[:500].sum() / 500)
print(f"training loss: {per_token:.3f} nats per character (uniform guessing: {np.log(V_br):.3f})")
''')

md(r'''
### Sampling with a temperature

At each step the model gives logits $z \in \mathbb{R}^{V}$. Generation draws the next token
from

$$ p_i = \frac{\exp(z_i / \tau)}{\sum_j \exp(z_j / \tau)}, $$

where the **temperature** $\tau > 0$ reshapes the distribution: $\tau = 1$ is the model's own,
$\tau < 1$ sharpens it towards the most likely token (safer, more repetitive), $\tau > 1$
flattens it towards uniform (more varied, more mistakes). As $\tau \to 0$ it becomes the
argmax: **greedy** decoding.

### Exercise 3: `sample` (3 points)

Write `sample(logits, temperature, rng)`:

* `logits` is (N, V); return an integer array of shape **(N,)**, one id per row drawn from
  $\operatorname{softmax}(z / \tau)$ of that row.
* `temperature == 0` means greedy: return the argmax of each row (no randomness).
* All randomness comes from `rng`, a `np.random.Generator` (for example `rng.random(...)`
  or `rng.choice(V, p=...)` per row): the same seed must give the same ids, and the
  notebook's global NumPy state must not be used.
* Subtract each row's maximum before `np.exp`, so that logits of 1000 do not overflow.

The tests check frequencies over many draws, not one exact sequence of draws: any correct
way of sampling passes.
''')

answer("sample", r'''
def sample(logits, temperature, rng):
    """Draws one id per row from softmax(logits / temperature).

    logits: (N, V) scores; temperature: >= 0 (0 means argmax); rng: np.random.Generator.
    Returns ids: integer array (N,).
    """
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return np.argmax(logits, axis=1)                          # (N,)
    z = logits / temperature                                      # (N, V)
    z = z - z.max(axis=1, keepdims=True)                          # stable: exp(z) <= 1
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)                             # (N, V) rows sum to 1
    cdf = np.cumsum(p, axis=1)                                    # (N, V)
    u = rng.random((len(p), 1))                                   # (N, 1) uniform in [0, 1)
    return np.minimum((u >= cdf).sum(axis=1), p.shape[1] - 1)     # (N,) first i with cdf_i > u
    ### END SOLUTION
''')

test("sample__distribution", 2, r'''
"""Do the draws of sample follow softmax(logits / temperature), row by row, for several temperatures?"""
_sample = rl.grading.guarded(sample, rl.sampling.sample, rl.sampling.softmax, "keras.random.categorical")
_z = np.log([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])          # (2, 4)
_ids = _sample(np.repeat(_z, 20000, axis=0), 1.0, np.random.default_rng(0))
rl.checks.check_shape("ids", _ids, (40000,), hint="one id per row of logits")
rl.checks.check_dtype("ids", _ids, "int")
_ids = np.asarray(_ids)
assert _ids.min() >= 0 and _ids.max() < 4, f"ids should lie in 0..3, got {_ids.min()}..{_ids.max()}"
for _row, _tau in [(0, 1.0), (1, 1.0)]:
    _freq = np.bincount(_ids[_row * 20000:(_row + 1) * 20000], minlength=4) / 20000
    rl.checks.check_close(f"frequencies of the ids drawn from row {_row} (temperature 1)", _freq,
                          rl.sampling.softmax(_z[_row], 1.0), atol=0.015, rtol=0, diagnoses={
        "sampled uniformly": np.full(4, 0.25),
        "always the argmax": np.eye(4)[_z[_row].argmax()],
        "sampled from row 0's distribution for every row": rl.sampling.softmax(_z[0], 1.0),
    })
_freq = np.bincount(np.asarray(_sample(np.repeat(_z[:1], 20000, axis=0), 0.5, np.random.default_rng(1))),
                    minlength=4) / 20000
rl.checks.check_close("frequencies at temperature 0.5", _freq, rl.sampling.softmax(_z[0], 0.5),
                      atol=0.015, rtol=0, diagnoses={
    "multiplied the logits by the temperature instead of dividing": rl.sampling.softmax(_z[0] * 0.5, 1.0),
    "ignored the temperature": rl.sampling.softmax(_z[0], 1.0),
})
print("sample: frequencies match softmax(logits / temperature)")

### BEGIN HIDDEN TESTS
_r = np.random.default_rng(2024)
for _ in range(3):
    _V = int(_r.integers(2, 9))
    _tau = float(_r.choice([0.3, 0.7, 1.5, 3.0]))
    _zz = _r.normal(scale=2.0, size=_V)
    _n = 30000
    _got = np.asarray(_sample(np.tile(_zz, (_n, 1)), _tau, np.random.default_rng(int(_r.integers(1e6)))))
    rl.checks.check_close(f"frequencies (V={_V}, temperature {_tau})", np.bincount(_got, minlength=_V) / _n,
                          rl.sampling.softmax(_zz, _tau), atol=0.015, rtol=0)
# every row has its own distribution: one-hot-like rows must give their own argmax
_zz = np.full((6, 5), -50.0)
_zz[np.arange(6), [4, 0, 3, 1, 2, 4]] = 50.0
rl.checks.check_close("ids of nearly one-hot rows", _sample(_zz, 1.0, np.random.default_rng(3)),
                      [4, 0, 3, 1, 2, 4], atol=0, rtol=0)
### END HIDDEN TESTS
''')

test("sample__greedy_and_rng", 1, r'''
"""Is temperature 0 the argmax, are huge logits safe, and does all randomness come from rng?"""
_sample = rl.grading.guarded(sample, rl.sampling.sample, rl.sampling.softmax, "keras.random.categorical")
_z = np.random.default_rng(5).normal(size=(50, 7))
rl.checks.check_close("sample(logits, 0, rng) (greedy)", _sample(_z, 0, np.random.default_rng(0)),
                      _z.argmax(axis=1), atol=0, rtol=0)
_big = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])
_ids = np.asarray(_sample(_big, 1.0, np.random.default_rng(0)))
assert _ids.shape == (2,) and _ids[0] == 0 and _ids[1] in (1, 2), (
    f"logits of 1000 gave ids {_ids}: subtract each row's maximum before np.exp (overflow gives nan)")
_tie = np.asarray(_sample(np.tile([[1000.0, 1000.0, -1000.0]], (4000, 1)), 1.0, np.random.default_rng(0)))
rl.checks.check_close("frequencies for logits [1000, 1000, -1000]", np.bincount(_tie, minlength=3) / 4000,
                      [0.5, 0.5, 0.0], atol=0.05, rtol=0, diagnoses={
    "no maximum subtracted: exp(1000) overflows to inf and the probabilities become nan": [1.0, 0.0, 0.0],
})
_a = _sample(_z, 1.0, np.random.default_rng(7))
_b = _sample(_z, 1.0, np.random.default_rng(7))
rl.checks.check_close("ids from two generators with the same seed", _a, _b, atol=0, rtol=0)
np.random.seed(1)
_c = np.asarray(_sample(_z, 1.0, np.random.default_rng(8)))
np.random.seed(2)
_d = np.asarray(_sample(_z, 1.0, np.random.default_rng(8)))
assert np.array_equal(_c, _d), ("the draws changed with np.random.seed although rng was the same: "
                                "draw from rng (rng.random, rng.choice), not from np.random")
print("sample: greedy, stable and reproducible")

### BEGIN HIDDEN TESTS
_e = [np.asarray(_sample(_z, 1.0, np.random.default_rng(s))) for s in range(4)]
assert any(not np.array_equal(_e[0], e) for e in _e[1:]), "different seeds always give the same ids: is rng used?"
rl.checks.check_close("greedy ids of float32 logits", _sample(_z.astype("float32"), 0.0, None), _z.argmax(axis=1),
                      atol=0, rtol=0)
### END HIDDEN TESTS
''')

md(r'''
### Generating: feed the output back

The generation loop is the one-to-many topology written out. Start from the start marker and
a zero state; at each step run **one** step of the model, sample the next character from its
logits, and feed that character back as the next input, with the state the step returned.
A string ends when the model emits `$`. (From here on the notebook uses rnnlib's reference
`rl.sampling.sample`, which computes what your `sample` computes.)
''')

code(r'''
def generate_brackets(n, temperature, rng, max_length=40):
    """n strings from the bracket model: one step at a time, each sample fed back."""
    token = np.zeros((n, 1), np.int32)                     # (N, 1): the start marker $
    state = np.zeros((n, H_br), "float32")                 # (N, H): h_0 = 0
    out, done = [[] for _ in range(n)], np.zeros(n, bool)
    for _ in range(max_length):
        logits, state = lm_step([token, state])            # (N, 1, V), (N, H)
        state = keras.ops.convert_to_numpy(state)          # carried to the next step
        nxt = rl.sampling.sample(keras.ops.convert_to_numpy(logits)[:, 0], temperature, rng)  # (N,)
        for i in np.flatnonzero(~done):
            if nxt[i] == 0:
                done[i] = True                             # $: this string is finished
            else:
                out[i].append(chars[nxt[i]])
        if done.all():
            break
        token = nxt[:, None].astype(np.int32)              # feed the sample back
    return ["".join(o) for o in out]

gen_rng = np.random.default_rng(1)
samples = {tau: generate_brackets(300, tau, gen_rng) for tau in (0.25, 0.5, 1.0, 1.5, 2.5)}
ngram_rows = {}
for n in (2, 3, 5):
    ngram = rl.sampling.NGramSampler(n).fit(words)
    gen = ngram.generate(300, np.random.default_rng(n))
    ngram_rows[f"{n}-gram"] = {"balanced": np.mean([rl.datasets.is_balanced(s) for s in gen]),
                               "contexts seen": str(len(ngram.table)),
                               "possible contexts": str((V_br + 1) ** (n - 1))}
rows = {f"GRU({H_br}), T = 1.0": {"balanced": np.mean([rl.datasets.is_balanced(s) for s in samples[1.0]]),
                                  "contexts seen": "-", "possible contexts": "any (state of 16 numbers)"}}
rows.update(ngram_rows)
print("GRU samples at T = 1:", samples[1.0][:10])
rl.plot.accuracy_table(rows, digits=3, title="share of 300 generated strings that are balanced")
''')

md(r'''
The recurrent model generates balanced strings almost always; the n-gram models, fitted to
the same 3,000 strings, cannot count, and close brackets that were never opened or leave
others open. Longer contexts help the n-gram only because most training strings are short
enough to fit in its window; its table keeps growing with $n$, while the GRU's state stays 16
numbers. (The GRU is not perfect either: deeply nested strings longer than those it was
trained on are where its counting breaks down.)

The widget shows what the temperature does: on the left the model's distribution of the
next character after the prefix `((`, reshaped by the temperature; on the right the strings
generated at that temperature and how many of them are balanced. It needs a live kernel.
''')

code(r'''
prefix = [0, 1, 1]                                          # $ ( (
logits_prefix = keras.ops.convert_to_numpy(lm(np.array([prefix], np.int32)))[0, -1]   # (V,)
rl.widgets.temperature_slider(logits_prefix, chars, samples, context="((",
                              score=rl.datasets.is_balanced, temperature=1.0)
''')

code(r'''
fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), sharey=True)
for ax, tau in zip(axes, (0.25, 1.0, 2.5)):
    share = np.mean([rl.datasets.is_balanced(s) for s in samples[tau]])
    rl.plot.temperature_bars(rl.sampling.softmax(logits_prefix, tau), chars, ax=ax,
                             title=f"T = {tau}: {share:.0%} balanced")
fig.suptitle("p(next character | '((') at three temperatures")
fig.tight_layout()
plt.show()
''')

md(r'''
### Written answer (3 points)

The 5-gram model above sees the last four characters. Give a balanced string of at most 16
characters whose next character a 5-gram model cannot predict correctly however much data it
has, explain why, and say what the GRU's state must hold to get it right. Then say how large
the n-gram's table would have to be to handle every string of up to 16 characters, and why
the GRU does not need to grow.
''')

written("brackets_answer", 3, r'''
*Model answer (for graders).*

Compare `((()))` and `(((()))`. Both end in the same four characters `()))`, so a 5-gram
model sees the same context and must give both the same next-character distribution. But
the first string is complete (the next symbol must be `$`), while the second still has one
bracket open (the next must be `)`). Whatever its counts, the 5-gram is wrong on one of them.

To decide, the model needs the **depth**: the number of open brackets, a count that can
depend on characters arbitrarily far back. The GRU can hold it in its state (a unit that goes
up on `(` and down on `)`), updated by the same weights at every step.

An n-gram that handles every string of up to 16 characters needs a context of 15 characters,
a table with up to $4^{15} \approx 10^9$ contexts (3 symbols plus the start marker), and
data for each. The GRU's state has a fixed size (16 numbers here): what it stores about the
past is learned and reused at every step, so its size does not grow with the length of the
context.
''')

md(r'''
## 4. Many-to-many of the same length: tagging every step

A **tagger** outputs one label per input step: parts of speech, named entities, or here a
task where the tag depends on the past, as it does for words ("*can*" is a verb after "I", a
noun after "a"). Every token gets the tag 1 if the same token already appeared earlier in its
sequence, else 0:
''')

code(r'''
X_tag, tags = rl.datasets.repeat_tagging(3000, length=10, vocab_size=7, seed=0)       # (3000, 10) each
X_tag_test, tags_test = rl.datasets.repeat_tagging(1000, length=10, vocab_size=7, seed=1)
for i in range(3):
    print("tokens", X_tag[i], "\ntags  ", tags[i], "\n")

# the non-neural baseline: the most frequent tag of each (token, position) pair in training
table = np.zeros((7, 10, 2))
np.add.at(table, (X_tag, np.arange(10)[None, :].repeat(len(X_tag), 0), tags), 1)
baseline_pred = table[X_tag_test, np.arange(10)[None, :]].argmax(axis=-1)             # (1000, 10)
tag_baseline = float(np.mean(baseline_pred == tags_test))
print(f"most frequent tag per (token, position): {tag_baseline:.3f} of test tags correct")
''')

md(r'''
The token and its position alone already get most tags right (printed above): late in a
sequence, most tokens have been seen before. Getting the rest right needs the set of tokens seen so far: a state.

### Exercise 4: `build_tagger` (3 points)

Build the same-length many-to-many model: integer ids `(N, T)` → tag probabilities
`(N, T, n_tags)`, for sequences of any length T.

* `keras.Input(shape=(None,), dtype="int32")`, then `keras.layers.Embedding(vocab_size, 8)`;
* one `keras.layers.GRU(units, return_sequences=True)`: every state, not just the last;
* `keras.layers.Dense(n_tags, activation="softmax")`, which acts on every step;
* compile with `optimizer=keras.optimizers.Adam(0.01)`,
  `loss="sparse_categorical_crossentropy"` (integer tags) and `metrics=["accuracy"]`.

A plain (forward) GRU, so that the tag at step t depends only on tokens up to t: the tests
check that.
''')

answer("build_tagger", r'''
def build_tagger(vocab_size, n_tags, units):
    """A compiled many-to-many (same length) GRU tagger.

    vocab_size: V token ids; n_tags: K tags; units: H, the GRU's state size.
    Returns a keras.Model mapping (N, T) int ids, any T, to (N, T, K) probabilities.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),              # (N, T)
        keras.layers.Embedding(vocab_size, 8),                   # (N, T, 8)
        keras.layers.GRU(units, return_sequences=True),          # (N, T, H): every state
        keras.layers.Dense(n_tags, activation="softmax"),        # (N, T, K)
    ], name="tagger")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
    ### END SOLUTION
''')

test("build_tagger__shapes", 2, r'''
"""Does the tagger map (N, T) ids of any length to (N, T, K) probabilities, step by step and causally?"""
_model = build_tagger(7, 3, 6)
assert isinstance(_model, keras.Model), f"build_tagger should return a keras.Model, got {type(_model).__name__}"
_r = np.random.default_rng(3)
for _T in (4, 11):
    _p = keras.ops.convert_to_numpy(_model(_r.integers(0, 7, size=(2, _T)).astype("int32")))
    rl.checks.check_shape(f"output for 2 sequences of {_T} steps", _p, (2, _T, 3),
                          hint="GRU(units, return_sequences=True) keeps a state per step; Dense(n_tags) acts on each")
    rl.checks.check_close("the sum of each step's probabilities", _p.sum(axis=-1), np.ones((2, _T)), atol=1e-5,
                          diagnoses={})
_x = _r.integers(1, 7, size=(3, 8)).astype("int32")
_x2 = _x.copy()
_x2[:, 5] = (_x2[:, 5] % 6) + 1
_p1, _p2 = (keras.ops.convert_to_numpy(_model(v)) for v in (_x, _x2))
rl.checks.check_close("tags before step 5 after changing token 5", _p2[:, :5], _p1[:, :5], atol=1e-6,
                      diagnoses={})
assert not np.allclose(_p2[:, 5:], _p1[:, 5:], atol=1e-7), "changing token 5 should change the tags from step 5 on"
assert getattr(_model, "compiled", False), "the model is not compiled: call model.compile(...)"
print("build_tagger: shapes correct, causal")

### BEGIN HIDDEN TESTS
_m = build_tagger(5, 4, 3)
_grus = [l for l in _m.layers if isinstance(l, keras.layers.GRU)]
assert len(_grus) == 1 and _grus[0].units == 3 and _grus[0].return_sequences, "one GRU(units, return_sequences=True)"
_p = keras.ops.convert_to_numpy(_m(np.random.default_rng(9).integers(0, 5, size=(4, 13)).astype("int32")))
rl.checks.check_shape("output (vocab 5, 4 tags, T = 13)", _p, (4, 13, 4))
### END HIDDEN TESTS
''')

md(r'''
Training takes a few seconds, so it runs again when the notebook is graded, with your
`build_tagger` and a fixed seed:
''')

code(r'''
rl.training.set_seed(0)
tagger = build_tagger(7, 2, 32)
with rl.training.Timer("training the tagger"):
    tag_history = tagger.fit(X_tag, tags, epochs=8, batch_size=128, verbose=0)
tag_pred = keras.ops.convert_to_numpy(tagger(X_tag_test)).argmax(axis=-1)       # (1000, 10)
tag_accuracy = float(np.mean(tag_pred == tags_test))
rl.plot.accuracy_table({"most frequent tag per (token, position)": {"test accuracy": tag_baseline},
                        "GRU(32) tagger": {"test accuracy": tag_accuracy}},
                       title="tagging: has this token appeared before?")
''')

test("build_tagger__trained", 1, r'''
"""Does the trained tagger beat the (token, position) table on held-out sequences?"""
_acc = float(np.mean(keras.ops.convert_to_numpy(tagger(X_tag_test)).argmax(axis=-1) == tags_test))
assert _acc > tag_baseline, (f"the tagger gets {_acc:.3f} of the test tags right, no better than the "
                             f"(token, position) table ({tag_baseline:.3f}): check build_tagger and rerun its training")
print(f"tagger: {_acc:.3f} vs {tag_baseline:.3f}")

### BEGIN HIDDEN TESTS
_Xh, _th = rl.datasets.repeat_tagging(500, length=10, vocab_size=7, seed=99)
_acc = float(np.mean(keras.ops.convert_to_numpy(tagger(_Xh)).argmax(axis=-1) == _th))
assert _acc > tag_baseline, f"on fresh sequences the tagger gets {_acc:.3f}"
### END HIDDEN TESTS
''')

md(r'''
The GRU does better than the table, but not perfectly in 8 epochs: remembering a set of up
to six tokens in 32 numbers takes longer to learn. What matters here is the shape: one
output per input step, from the state at that step.

## 5. Encoder–decoder: input and output of different lengths

Translation cannot be tagged step by step: the output has its own length and order. The
**encoder–decoder** (Sutskever, Vinyals & Le 2014; Cho et al. 2014) splits the job in two:

* the **encoder** reads the source (N, S) and keeps only its final state (N, H): a summary
  of the whole input;
* the **decoder** is a language model, like the bracket model, whose initial state is that
  summary: it generates the output one token at a time, feeding back each token, until it
  emits an end token.

Our task is to **reverse** a sequence of 2 to 6 symbols: `5 3 8` → `8 3 5 EOS`. Ids: 0 pads,
1 is BOS (begin), 2 is EOS (end), symbols are 3..8.
''')

code(r'''
PAD, BOS, EOS = rl.datasets.PAD, rl.datasets.BOS, rl.datasets.EOS
V_s2s = 9
src_train, tgt_train = rl.datasets.reverse_task(3000, 2, 6, n_symbols=6, seed=0)   # (3000, 6), (3000, 7)
src_test, tgt_test = rl.datasets.reverse_task(500, 2, 6, n_symbols=6, seed=1)
print("source", src_train[0], "\ntarget", tgt_train[0])
''')

md(r'''
**Teacher forcing.** During training the decoder's input at step t should be the previous
output token. Rather than feeding back its own (at first mostly wrong) guesses, we feed the
*correct* previous token: the target shifted right by one, with BOS in front. All T steps can
then run in one call, like the bracket model's training. At test time there is no target, and
the decoder must feed back its own predictions (section 5's decode loop).

### Exercise 5: `teacher_forcing_inputs` (2 points)

Given targets (N, T), return the decoder inputs (N, T): BOS at step 0, then `target[:, t-1]`
at step t. The last target token is never an input (nothing comes after it). Keep the dtype.
''')

answer("teacher_forcing_inputs", r'''
def teacher_forcing_inputs(target, bos):
    """Decoder inputs for teacher forcing: the targets shifted right, BOS first.

    target: (N, T) int ids; bos: the begin-of-sequence id.
    Returns (N, T): out[:, 0] = bos, out[:, t] = target[:, t - 1].
    """
    ### BEGIN SOLUTION
    target = np.asarray(target)
    out = np.empty_like(target)                 # (N, T), same dtype
    out[:, 0] = bos
    out[:, 1:] = target[:, :-1]
    return out
    ### END SOLUTION
''')

test("teacher_forcing_inputs__values", 2, r'''
"""Is the decoder input BOS followed by the targets shifted right by one step?"""
_tf = rl.grading.guarded(teacher_forcing_inputs)
_t = np.array([[5, 4, 3, 2, 0], [7, 2, 0, 0, 0]], np.int32)
_d = _tf(_t, 1)
rl.checks.check_shape("decoder input", _d, (2, 5), hint="the same shape as the targets")
rl.checks.check_dtype("decoder input", _d, "int")
rl.checks.check_close("decoder input", _d, [[1, 5, 4, 3, 2], [1, 7, 2, 0, 0]], atol=0, rtol=0, diagnoses={
    "no shift: the decoder would see the token it must predict": _t,
    "shifted left instead of right": np.c_[_t[:, 1:], [1, 1]],
    "BOS replaced the first target instead of shifting": np.c_[[1, 1], _t[:, 1:]],
})
rl.checks.check_close("decoder input for T = 1", _tf(np.array([[6], [3]]), 1), [[1], [1]], atol=0, rtol=0)
print("teacher_forcing_inputs: visible tests passed")

### BEGIN HIDDEN TESTS
_r = np.random.default_rng(77)
for _ in range(5):
    _N, _T = (int(v) for v in _r.integers(1, 9, size=2))
    _tt = _r.integers(0, 20, size=(_N, _T))
    _b = int(_r.integers(20, 30))
    _expected = np.concatenate([np.full((_N, 1), _b), _tt[:, :-1]], axis=1)
    rl.checks.check_close(f"decoder input (N={_N}, T={_T}, bos={_b})", _tf(_tt.copy(), _b), _expected, atol=0, rtol=0)
_before = _t.copy()
_tf(_t, 1)
rl.checks.check_close("the targets after the call (must not change)", _t, _before, atol=0, rtol=0)
### END HIDDEN TESTS
''')

md(r'''
### Exercise 6: `build_seq2seq` (3 points)

Build the training model of the encoder–decoder: inputs `[source (N, S), decoder_input (N, T)]`
(both int ids, any S and T), output next-token probabilities **(N, T, vocab_size)**.

* Encoder: `keras.layers.Embedding(vocab_size, 16, mask_zero=True)` (padding id 0 is
  skipped) and `keras.layers.GRU(units, return_state=True)`; keep its final state.
* Decoder: its own `keras.layers.Embedding(vocab_size, 16)`, a
  `keras.layers.GRU(units, return_sequences=True)` called with `initial_state=` the
  encoder's state, and `keras.layers.Dense(vocab_size, activation="softmax")`.
* Build it with the functional API: `keras.Model([source_in, decoder_in], probabilities)`,
  and compile with `keras.optimizers.Adam(0.01)` and `"sparse_categorical_crossentropy"`.
''')

answer("build_seq2seq", r'''
def build_seq2seq(vocab_size, units):
    """A compiled GRU encoder-decoder for teacher-forced training.

    vocab_size: V ids (0 = padding); units: H, the state size of both GRUs.
    Returns a keras.Model mapping [source (N, S), decoder_input (N, T)] to (N, T, V) probabilities.
    """
    ### BEGIN SOLUTION
    source_in = keras.Input(shape=(None,), dtype="int32", name="source")            # (N, S)
    decoder_in = keras.Input(shape=(None,), dtype="int32", name="decoder_input")    # (N, T)
    enc = keras.layers.Embedding(vocab_size, 16, mask_zero=True)(source_in)         # (N, S, 16)
    _, state = keras.layers.GRU(units, return_state=True)(enc)                      # (N, H)
    dec = keras.layers.Embedding(vocab_size, 16)(decoder_in)                         # (N, T, 16)
    dec = keras.layers.GRU(units, return_sequences=True)(dec, initial_state=state)   # (N, T, H)
    probs = keras.layers.Dense(vocab_size, activation="softmax")(dec)                # (N, T, V)
    model = keras.Model([source_in, decoder_in], probs, name="seq2seq")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model
    ### END SOLUTION
''')

test("build_seq2seq__shapes", 3, r'''
"""Does the encoder-decoder map [source (N, S), decoder input (N, T)] to (N, T, V), with the decoder causal and started from the source's summary?"""
_model = build_seq2seq(9, 8)
assert isinstance(_model, keras.Model), f"build_seq2seq should return a keras.Model, got {type(_model).__name__}"
_r = np.random.default_rng(4)
for _S, _T in [(5, 3), (2, 7)]:
    _p = keras.ops.convert_to_numpy(_model([_r.integers(3, 9, size=(2, _S)).astype("int32"),
                                            _r.integers(1, 9, size=(2, _T)).astype("int32")]))
    rl.checks.check_shape(f"output for sources of {_S} and decoder inputs of {_T} steps", _p, (2, _T, 9),
                          hint="the output follows the decoder input: one distribution per decoder step")
    rl.checks.check_close("the sum of each step's probabilities", _p.sum(axis=-1), np.ones((2, _T)), atol=1e-5,
                          diagnoses={})
_src = _r.integers(3, 9, size=(3, 5)).astype("int32")
_dec = _r.integers(1, 9, size=(3, 6)).astype("int32")
_dec2 = _dec.copy()
_dec2[:, 4] = (_dec2[:, 4] % 8) + 1
_p1, _p2 = (keras.ops.convert_to_numpy(_model([_src, d])) for d in (_dec, _dec2))
rl.checks.check_close("outputs before step 4 after changing decoder input 4", _p2[:, :4], _p1[:, :4],
                      atol=1e-6, diagnoses={})
_src2 = _src.copy()
_src2[:, 0] = (_src2[:, 0] - 2) % 6 + 3
_p3 = keras.ops.convert_to_numpy(_model([_src2, _dec]))
assert not np.allclose(_p3[:, 0], _p1[:, 0], atol=1e-7), (
    "the decoder's first output does not depend on the source: pass the encoder's final state as "
    "initial_state= of the decoder GRU")
assert getattr(_model, "compiled", False), "the model is not compiled: call model.compile(...)"
print("build_seq2seq: shapes correct, decoder causal and conditioned on the source")

### BEGIN HIDDEN TESTS
# padding (id 0) at the end of the source is masked: it must not change anything
_padded = np.concatenate([_src, np.zeros((3, 3), "int32")], axis=1)
rl.checks.check_close("outputs with the source post-padded by zeros",
                      keras.ops.convert_to_numpy(_model([_padded, _dec])), _p1, atol=1e-5,
                      diagnoses={})
_m = build_seq2seq(5, 3)
rl.checks.check_shape("output (V = 5)", keras.ops.convert_to_numpy(_m([np.ones((1, 4), "int32"), np.ones((1, 2), "int32")])), (1, 2, 5))
### END HIDDEN TESTS
''')

md(r'''
Training (the longest of the notebook; loaded from `artifacts/` when graded). The loss
counts the target steps up to and including EOS; the padding after it gets weight 0.
''')

code(r'''
dec_in_train = teacher_forcing_inputs(tgt_train, BOS)                     # (3000, 7)
weights = (np.cumsum(tgt_train == EOS, axis=1) - (tgt_train == EOS)) == 0   # (3000, 7): up to EOS
seq2seq = None  # stays None if training or loading fails, so that the graded cell can say so
rl.training.set_seed(0)
seq2seq_model = build_seq2seq(V_s2s, 48)
with rl.training.Timer("training the encoder-decoder"):
    seq2seq, s2s_history = rl.training.fit_or_load(
        seq2seq_model, "artifacts/03_seq2seq.keras",
        lambda m: m.fit([src_train, dec_in_train], tgt_train, sample_weight=weights.astype("float32"),
                        epochs=10, batch_size=128, verbose=0))
if s2s_history:
    rl.plot.loss_curve(s2s_history, title="encoder-decoder, teacher forcing")
    plt.show()
''')

md(r'''
### Exercise 7: `greedy_decode` (3 points)

At test time the decoder gets no targets. Write the loop that feeds its own predictions back:

1. start with a decoder input of one column of BOS, shape (N, 1);
2. call `model([source, decoder_input])` (it returns (N, t, V)); the prediction for the next
   token is the argmax of the **last** step, `[:, -1]`;
3. append the predictions as a new column of the decoder input and repeat.

Stop after `max_length` tokens, or as soon as every row has produced EOS. Return the
generated tokens (without BOS) as an integer array (N, L), L ≤ max_length, where each row
keeps its EOS and holds `PAD` (0) after it: a row that has finished only pads, whatever the
model predicts next.
''')

answer("greedy_decode", r'''
def greedy_decode(model, source, max_length, bos=1, eos=2):
    """Greedy decoding: feed back the most likely token until EOS.

    model: called as model([source, decoder_input]) -> (N, t, V) scores
    source: (N, S) int ids; max_length: the most tokens to generate
    Returns (N, L) int ids, L <= max_length: each row up to its EOS, then 0 (padding).
    """
    ### BEGIN SOLUTION
    source = np.asarray(source)
    N = len(source)
    decoder_input = np.full((N, 1), bos, dtype=np.int32)                  # (N, 1)
    done = np.zeros(N, dtype=bool)                                        # (N,)
    tokens = []
    for _ in range(max_length):
        scores = np.asarray(model([source, decoder_input]))              # (N, t, V)
        nxt = scores[:, -1].argmax(axis=-1)                              # (N,)
        nxt = np.where(done, 0, nxt)                                     # finished rows pad
        tokens.append(nxt)
        done = done | (nxt == eos)
        decoder_input = np.concatenate([decoder_input, nxt[:, None].astype(np.int32)], axis=1)
        if done.all():
            break
    return np.stack(tokens, axis=1) if tokens else np.zeros((N, 0), dtype=int)
    ### END SOLUTION
''')

test("greedy_decode__loop", 2, r'''
"""Does greedy_decode feed back its own argmax predictions, keep EOS, pad after it, and stop early?"""
_decode = rl.grading.guarded(greedy_decode, rl.sampling.greedy_decode)

class _Reverser:
    """A perfect fake model: at decoder step t it predicts the t-th token of the reversed source, then EOS."""
    def __init__(self):
        self.calls = 0
    def __call__(self, inputs):
        src, dec = (np.asarray(a) for a in inputs)
        self.calls += 1
        out = np.zeros(dec.shape + (12,))
        for n in range(len(src)):
            want = [s for s in src[n] if s != 0][::-1] + [2] + [5] * 20   # after EOS it babbles 5s
            out[n, -1, want[dec.shape[1] - 1]] = 1.0
        return out

_m = _Reverser()
_got = _decode(_m, np.array([[3, 4, 5, 0], [6, 7, 0, 0]]), 10)
rl.checks.check_dtype("decoded ids", _got, "int")
rl.checks.check_shape("decoded ids", _got, (2, 4), hint="stop when every row has produced EOS; "
                      "do not include BOS")
rl.checks.check_close("decoded ids", _got, [[5, 4, 3, 2], [7, 6, 2, 0]], atol=0, rtol=0, diagnoses={
    "kept decoding after EOS (a finished row should only pad with 0)": [[5, 4, 3, 2], [7, 6, 2, 5]],
    "included BOS": [[1, 5, 4, 3], [1, 7, 6, 2]],
})
assert _m.calls == 4, f"the model was called {_m.calls} times for 4 tokens: call it once per generated token"

def _count_up(inputs):
    """next = last decoder input + 3: only right if the loop feeds back its own predictions."""
    dec = np.asarray(inputs[1])
    out = np.zeros(dec.shape + (30,))
    out[np.arange(len(dec)), -1, (dec[:, -1] + 3) % 30] = 1.0
    return out

rl.checks.check_close("decoded ids of a counting model", _decode(_count_up, np.zeros((2, 3), int), 4, bos=1, eos=29),
                      [[4, 7, 10, 13]] * 2, atol=0, rtol=0, diagnoses={
    "fed BOS at every step instead of the previous prediction": [[4, 4, 4, 4]] * 2,
})
print("greedy_decode: visible tests passed")

### BEGIN HIDDEN TESTS
_r = np.random.default_rng(55)
for _ in range(3):
    _N, _S = int(_r.integers(1, 6)), int(_r.integers(2, 7))
    _src = _r.integers(3, 12, size=(_N, _S))
    _src[:, int(_r.integers(1, _S)):] *= (_r.random((_N, 1)) < 0.5)   # some rows padded
    _ml = int(_r.integers(2, 9))
    _expected = rl.sampling.greedy_decode(_Reverser(), _src, _ml)
    rl.checks.check_close(f"decoded ids (N={_N}, S={_S}, max_length={_ml})", _decode(_Reverser(), _src, _ml),
                          _expected, atol=0, rtol=0)
# a custom bos/eos is used
rl.checks.check_close("decoded ids with bos=7, eos=16", _decode(_count_up, np.zeros((1, 2), int), 5, bos=7, eos=16),
                      [[10, 13, 16]], atol=0, rtol=0)
### END HIDDEN TESTS
''')

test("greedy_decode__trained_model", 1, r'''
"""With the trained encoder-decoder, does greedy decoding reverse most held-out sequences exactly?"""
assert seq2seq is not None, (
    "There is no trained encoder-decoder: run the training cell above. When your notebook is graded, "
    "the model your own run saved to artifacts/03_seq2seq.keras is loaded instead of retraining, "
    "so submit that file too.")
_decode = rl.grading.guarded(greedy_decode, rl.sampling.greedy_decode)
_out = np.asarray(_decode(seq2seq, src_test[:200], 8))
_exact = np.mean([np.array_equal(_out[i, :list(t).index(EOS) + 1], t[:list(t).index(EOS) + 1])
                  for i, t in enumerate(tgt_test[:200])])
assert _exact >= 0.6, (f"only {_exact:.0%} of 200 held-out sequences are reversed exactly (expected >= 60%): "
                       "check greedy_decode (and build_seq2seq, then rerun its training)")
print(f"greedy decoding reverses {_exact:.0%} of 200 held-out sequences exactly")

### BEGIN HIDDEN TESTS
_out = np.asarray(_decode(seq2seq, src_test[200:], 8))
_exact = np.mean([np.array_equal(_out[i, :list(t).index(EOS) + 1], t[:list(t).index(EOS) + 1])
                  for i, t in enumerate(tgt_test[200:])])
assert _exact >= 0.6, f"{_exact:.0%} exact on 300 further held-out sequences"
### END HIDDEN TESTS
''')

md(r'''
The exact-match rate by source length, beside the baseline of copying the source unreversed
(a program that reverses is exact, of course: the point is that the network learned the rule
from 3,000 examples):
''')

code(r'''
decoded = rl.sampling.greedy_decode(seq2seq, src_test, 8)                 # (500, L)
lengths = (src_test != PAD).sum(axis=1)
def exact(pred, target):
    L = list(target).index(EOS) + 1
    return np.array_equal(np.r_[pred, np.zeros(8, int)][:L], target[:L])
model_ok = np.array([exact(decoded[i], tgt_test[i]) for i in range(len(src_test))])
copy_ok = np.array([exact(np.r_[src_test[i][src_test[i] != PAD], EOS], tgt_test[i]) for i in range(len(src_test))])
rows = {f"length {L} (n={np.sum(lengths == L)})": {"encoder-decoder": model_ok[lengths == L].mean(),
                                                    "copy unreversed": copy_ok[lengths == L].mean()}
        for L in range(2, 7)}
rows["all"] = {"encoder-decoder": model_ok.mean(), "copy unreversed": copy_ok.mean()}
for i in range(3):
    print("source", src_test[i][src_test[i] != PAD], "-> decoded", decoded[i])
rl.plot.accuracy_table(rows, digits=3, title="exact match on 500 held-out sequences", row_name="source")
''')

md(r'''
Longer sources are reversed less often: the encoder must squeeze the whole source into one
state of 48 numbers before the decoder writes a single token, and the first output token
(the last source token) is the most recent, while the last output token depends on the
oldest input. This bottleneck is why long-sentence translation added **attention** (Bahdanau
et al. 2015), which lets every decoder step look back at all encoder states; notebook 07
measures the difference.

## Summary

* The recurrent layer is the same in every topology; the shapes say which one you have:
  many-to-one `(N, T, D) -> (N, K)` reads the last state; same-length many-to-many
  `(N, T, D) -> (N, T, K)` reads every state (`return_sequences=True`); one-to-many feeds each
  output back as the next input; the encoder–decoder hands the encoder's final state
  (`return_state=True`) to a decoder as `initial_state=`.
* The output side is always a per-step affine map and a softmax cross-entropy over the real
  (unmasked) steps; Keras's weighted loss divides by all N·T steps, rnnlib's by N.
* On yearly sunspots a GRU beats persistence easily and only **ties** AR(9): 231 windows are
  too few for its flexibility to pay. Compare every network with such a baseline.
* A sequence model is a product of next-step distributions. An n-gram table grows as
  $|V|^n$ and sees only $n-1$ tokens; a hidden state of fixed size learns what to keep, and
  can count brackets no n-gram can.
* Temperature trades diversity for reliability: $\tau \to 0$ is greedy, $\tau > 1$ flattens.
* Encoder–decoders train with teacher forcing (the true previous token as input) and decode
  by feeding back their own predictions.

**Next.** Notebook 04 opens the training itself: backpropagation through time, the backward
passes of the temporal affine layer and the masked loss used here, and a character model
trained with your own gradients.
''')
