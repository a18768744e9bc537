# ruff: noqa: E501  (the notebook's cells are long strings; their lines follow the notebooks' width)
"""Writes notebook 05's source (solutions/05_gradients/05_gradients.ipynb, or the path given).

    .venv/bin/python wip/05_gradients/build_notebook.py [OUT]

The notebook is kept as this list of cells so that prose, code and tests are reviewed as
text; the written file is normalised like every source notebook (outputs cleared, stable ids).
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from autograder import notebooks as nbs  # noqa: E402

CELLS = []


def md(text):
    CELLS.append(nbformat.v4.new_markdown_cell(text.strip("\n")))


def code(text):
    CELLS.append(nbformat.v4.new_code_cell(text.strip("\n")))


def _meta(**kw):
    base = {"grade": False, "locked": False, "schema_version": 3, "solution": False,
            "task": False}
    base.update(kw)
    return {"nbgrader": base}


def answer(grade_id, text):
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    cell.metadata = _meta(grade_id=grade_id, solution=True)
    CELLS.append(cell)


def test(grade_id, points, text):
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    cell.metadata = _meta(grade_id=grade_id, grade=True, locked=True, points=points)
    CELLS.append(cell)


def written(grade_id, points, text):
    cell = nbformat.v4.new_markdown_cell(text.strip("\n"))
    cell.metadata = _meta(grade_id=grade_id, grade=True, solution=True, points=points)
    CELLS.append(cell)


# =============================================================================== intro
md(r"""
# 05 · Vanishing and exploding gradients

Notebook 04 trained a recurrent network with backpropagation through time (BPTT): the gradient
of a loss at step T flows back through every earlier step. This notebook looks at what
happens to it on the way. It is multiplied by one Jacobian matrix per step, and a product of
many matrices either shrinks towards zero or grows without bound. That single fact explains
why a plain RNN has a **short-term memory**, why its training sometimes jumps off a **cliff**,
and why every recurrent model is trained with **gradient clipping**.

**Learning goals.** After this notebook you can

1. write $\partial h_T / \partial h_t$ as a product of per-step Jacobians
   $\operatorname{diag}(f'(a_k))\,W_h^\top$ and compute its norm for every t;
2. state the condition $\sigma_1(W_h) < 1/\gamma$ (largest singular value of $W_h$; $\gamma = 1$
   for tanh, $1/4$ for the sigmoid) under which gradients must vanish, and predict from
   $\sigma_1$ the slope of the gradient norm against the lag on a log scale;
3. explain why $\sigma_1 > 1/\gamma$ is needed for exploding gradients but does not cause them
   by itself;
4. recognise an exploding gradient (a cliff in the loss) and clip by global norm exactly as
   `tf.clip_by_global_norm` does;
5. read the adding problem: a task that only a long memory solves, where a `SimpleRNN` learns
   short sequences and stays at the predict-the-mean baseline on long ones.

**Notation** (as in the whole course). N batch, T time steps, D input features, H hidden units.
Row vectors: $h_t = f(a_t)$ with $a_t = x_t W_x + h_{t-1} W_h + b$, $W_h$ of shape (H, H).
Formulas count steps from 1 and call the initial state $h_0$; arrays count from 0.
$\|A\|$ is the **spectral norm**, the largest singular value $\sigma_1(A)$
(`np.linalg.norm(A, ord=2)`); the **lag** of $h_t$ seen from $h_T$ is $T - t$.

**Exercises.** Two functions, graded by the test cells under them, and one written answer,
graded by hand. Write your code where it says `# YOUR CODE HERE` (delete the
`raise NotImplementedError()` line), run the cell, then the test cell below it. More tests,
with fresh random inputs, run when the notebook is graded. Do not call rnnlib's or
TensorFlow's versions of the functions you are asked to write: the graded tests check that.
""")

code(r"""
import json
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
import keras
import tensorflow as tf  # only for tf.GradientTape and tf.clip_by_global_norm, to compare with
import rnnlib as rl

rng = rl.training.set_seed(0)  # seeds Python, NumPy and Keras; rng is this notebook's generator
np.set_printoptions(precision=4, suppress=True)
""")

# =============================================================================== 1. jacobians
md(r"""
## 1. The gradient through time is a product of Jacobians

A loss $L$ computed from the last state $h_T$ reaches an earlier state $h_t$ only through the
states in between. By the chain rule, with row-vector gradients,

$$
\frac{\partial L}{\partial h_t} = \frac{\partial L}{\partial h_T}\,
\frac{\partial h_T}{\partial h_t},
\qquad
\frac{\partial h_T}{\partial h_t}
= \frac{\partial h_T}{\partial h_{T-1}}\,\frac{\partial h_{T-1}}{\partial h_{T-2}}\cdots
\frac{\partial h_{t+1}}{\partial h_t}
= \prod_{k=T}^{t+1} \frac{\partial h_k}{\partial h_{k-1}} .
$$

Each factor is the Jacobian of one step, an (H, H) matrix whose entry $(i, j)$ is
$\partial h_{k,i} / \partial h_{k-1,j}$. From $h_k = f(h_{k-1} W_h + x_k W_x + b)$:

$$
\frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}\big(f'(a_k)\big)\, W_h^\top,
\qquad f = \tanh:\ f'(a_k) = 1 - h_k^2 .
$$

(The transpose appears because our weights multiply row vectors from the right: unit $i$ of
$a_k$ is $\sum_j h_{k-1,j} (W_h)_{j i}$.) So the gradient that travels back $T - t$ steps is
multiplied by $T - t$ matrices, all containing the *same* $W_h$.

**The bound.** The spectral norm is submultiplicative, $\|AB\| \le \|A\|\,\|B\|$, the norm of a
diagonal matrix is its largest entry, and $\|W_h^\top\| = \sigma_1(W_h)$. With
$\gamma = \max_a |f'(a)|$ ($\gamma = 1$ for tanh, whose slope is 1 at 0; $\gamma = 1/4$ for the
sigmoid):

$$
\left\|\frac{\partial h_T}{\partial h_t}\right\|
\;\le\; \prod_{k=t+1}^{T} \big\|\operatorname{diag}(f'(a_k))\big\|\,\|W_h\|
\;\le\; \big(\gamma\, \sigma_1(W_h)\big)^{T-t}.
$$

If $\sigma_1(W_h) < 1/\gamma$, the gradient from $T - t$ steps back **must vanish**,
geometrically, at least as fast as $(\gamma\sigma_1)^{T-t}$: on a log scale, a line with
slope $\log_{10}(\gamma\sigma_1)$ decades per step (Bengio, Simard & Frasconi 1994; Pascanu,
Mikolov & Bengio 2013). The condition is *sufficient* for vanishing. For the gradient to
**explode**, $\sigma_1 > 1/\gamma$ is *necessary* (otherwise the bound holds it down), but not
sufficient: saturated units have $f' \approx 0$ and cut the product.

In one dimension it is just a power, $w^{T-t}$. A hundred steps back:
""")

code(r"""
for w in (0.9, 0.99, 1.0, 1.01, 1.1):
    print(f"w = {w:<5}  w^100 = {w ** 100:.3g}")
""")

md(r"""
A factor 10 % below 1 leaves $3 \cdot 10^{-5}$ of the gradient after 100 steps; 10 % above 1
multiplies it by 14,000. The same happens to matrices along their singular directions.

### Exercise 1: `jacobian_norms` (5 points)

Write `jacobian_norms(x, h0, Wx, Wh, b)` for a tanh RNN: for every sequence of the batch,
return $\|\partial h_T / \partial h_t\|$ for **every** $t = 0, 1, \dots, T$.

* Run the forward pass first and keep the states $h_1, \dots, h_T$ (each (N, H)): the step
  Jacobian $\operatorname{diag}(1 - h_k^2)\,W_h^\top$ needs them.
* Then walk backwards: start from the identity $J = \partial h_T / \partial h_T = I$ and
  multiply **on the right** by one step's Jacobian at a time,
  $J_{T,k-1} = J_{T,k}\,\operatorname{diag}(1 - h_k^2)\,W_h^\top$, for $k = T, \dots, 1$.
  For a batch, $J$ is an (N, H, H) array: `J * d[:, None, :]` scales its columns by the
  (N, H) array `d` (that is $J\,\operatorname{diag}(d)$ for every sequence), and `@ Wh.T`
  multiplies every matrix of the batch.
* Return an array **norms of shape (N, T + 1)** with `norms[:, t]` the *spectral* norm (largest
  singular value) of $\partial h_T / \partial h_t$ of each sequence:
  `np.linalg.norm(J, ord=2, axis=(1, 2))`. Index by t, not by lag: `norms[:, 0]` belongs to
  $h_0$, and `norms[:, T]` is 1.
* `T = 1` is allowed (one step: two norms per sequence).
""")

answer("jacobian_norms", r'''
def jacobian_norms(x, h0, Wx, Wh, b):
    """Spectral norm of dh_T/dh_t for every t = 0..T, for a tanh RNN and a batch.

    x: inputs, (N, T, D); h0: initial state, (N, H)
    Wx (D, H), Wh (H, H), b (H,): the weights, h_t = tanh(x_t Wx + h_{t-1} Wh + b)
    Returns norms, (N, T + 1): norms[n, t] = ||dh_T/dh_t|| of sequence n (largest singular
    value); norms[:, 0] belongs to h0 and norms[:, T] = 1.
    """
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = Wh.shape[0]
    states = []  # h_1 .. h_T, each (N, H)
    h = h0
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)  # (N, H)
        states.append(h)

    norms = np.ones((N, T + 1))
    J = np.tile(np.eye(H), (N, 1, 1))  # (N, H, H) dh_T/dh_T = I
    for k in range(T, 0, -1):
        d = 1 - states[k - 1] ** 2  # (N, H) tanh'(a_k)
        J = (J * d[:, None, :]) @ Wh.T  # (N, H, H) J diag(d) Wh^T = dh_T/dh_{k-1}
        norms[:, k - 1] = np.linalg.norm(J, ord=2, axis=(1, 2))
    return norms
    ### END SOLUTION
''')

test("jacobian_norms__values", 3, r'''
"""Does jacobian_norms return the (N, T+1) spectral norms of dh_T/dh_t, equal to finite differences?"""
_jacobian_norms = rl.grading.guarded(
    jacobian_norms, rl.jacobians.jacobian_norms, rl.jacobians.jacobian_products)
_rng = np.random.default_rng(5)
_N, _T, _D, _H = 2, 5, 3, 4  # all different, so a swapped axis shows as a wrong shape
_x, _h0 = _rng.normal(size=(_N, _T, _D)), _rng.uniform(-0.5, 0.5, size=(_N, _H))
_Wx, _Wh, _b = _rng.normal(size=(_D, _H)), _rng.normal(size=(_H, _H)), 0.1 * _rng.normal(size=_H)
_J = rl.jacobians.jacobian_products(_x, _h0, _Wx, _Wh, _b)  # (N, T+1, H, H) the right matrices
_expected = np.linalg.norm(_J, ord=2, axis=(2, 3))

_norms = _jacobian_norms(_x, _h0, _Wx, _Wh, _b)
rl.checks.check_shape("norms", _norms, (_N, _T + 1),
                      hint="one norm per sequence and per t = 0..T, h0 included: (N, T + 1)")
rl.checks.check_dtype("norms", _norms, "float")

def _wrong_products(step):
    """Norms of products built with a wrong step Jacobian step(h_k) (the forward is right)."""
    _h, _states = _h0, []
    for _t in range(_T):
        _h = np.tanh(_x[:, _t] @ _Wx + _h @ _Wh + _b)
        _states.append(_h)
    _P, _out = np.tile(np.eye(_H), (_N, 1, 1)), np.ones((_N, _T + 1))
    for _k in range(_T, 0, -1):
        _P = _P @ step(_states, _k)
        _out[:, _k - 1] = np.linalg.norm(_P, ord=2, axis=(1, 2))
    return _out

rl.checks.check_close("norms", _norms, _expected, diagnoses={
    "Frobenius norm instead of the spectral norm (use ord=2)": np.linalg.norm(_J, axis=(2, 3)),
    "indexed by lag (norms[:, k] = ||dh_T/dh_{T-k}||) instead of by t": _expected[:, ::-1],
    "used Wh instead of Wh.T in the step Jacobian": _wrong_products(
        lambda s, k: (1 - s[k - 1] ** 2)[:, :, None] * _Wh[None]),
    "forgot the tanh derivative (only powers of Wh.T)": _wrong_products(
        lambda s, k: np.tile(_Wh.T, (_N, 1, 1))),
    "tanh derivative of the wrong step (1 - h_{k-1}^2 instead of 1 - h_k^2)": _wrong_products(
        lambda s, k: (1 - (s[k - 2] if k >= 2 else _h0) ** 2)[:, :, None] * _Wh.T[None]),
})

# finite differences: nudge h_t, run the rest of the sequence, watch h_T
def _final_state(h, t):
    for _k in range(t, _T):
        h = np.tanh(_x[:, _k] @ _Wx + h @ _Wh + _b)
    return h

_t, _eps = 2, 1e-6
_h_t = _h0
for _k in range(_t):
    _h_t = np.tanh(_x[:, _k] @ _Wx + _h_t @ _Wh + _b)  # h_2
_J_fd = np.stack([(_final_state(_h_t + _eps * np.eye(_H)[_j], _t)
                   - _final_state(_h_t - _eps * np.eye(_H)[_j], _t)) / (2 * _eps)
                  for _j in range(_H)], axis=-1)  # (N, H, H) dh_T/dh_2
rl.checks.check_close("norms[:, 2] against finite differences",
                      np.asarray(_norms)[:, _t], np.linalg.norm(_J_fd, ord=2, axis=(1, 2)),
                      atol=1e-6)
print("jacobian_norms: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_inputs(rng):
    N, T, D, H = (int(v) for v in rng.integers(1, 6, size=4))
    return {"x": rng.normal(size=(N, T, D)), "h0": rng.uniform(-1, 1, size=(N, H)),
            "Wx": rng.normal(size=(D, H)), "Wh": 1.5 * rng.normal(size=(H, H)) / np.sqrt(H),
            "b": rng.normal(size=H)}

rl.grading.check_against_reference(_jacobian_norms, rl.jacobians.jacobian_norms, _make_inputs,
                                   trials=6, seed=505)
### END HIDDEN TESTS
''')

test("jacobian_norms__properties", 2, r'''
"""Is the last norm 1, does T = 1 work, does the sigma_1 bound hold, and does it match tf.GradientTape?"""
_jacobian_norms = rl.grading.guarded(
    jacobian_norms, rl.jacobians.jacobian_norms, rl.jacobians.jacobian_products)
_rng = np.random.default_rng(6)
_N, _T, _D, _H = 3, 8, 2, 5
_x, _h0 = _rng.normal(size=(_N, _T, _D)), np.zeros((_N, _H))
_Wx, _Wh, _b = _rng.normal(size=(_D, _H)), _rng.normal(size=(_H, _H)), np.zeros(_H)
_norms = _jacobian_norms(_x, _h0, _Wx, _Wh, _b)
rl.checks.check_shape("norms", _norms, (_N, _T + 1), hint="(N, T + 1): t = 0..T")
_norms = np.asarray(_norms)
rl.checks.check_close("norms[:, T] (dh_T/dh_T is the identity)", _norms[:, _T], np.ones(_N))
# the bound: ||dh_T/dh_t|| <= sigma_1(Wh)^(T - t) for tanh
_sigma1 = np.linalg.norm(_Wh, ord=2)
_bound = _sigma1 ** (_T - np.arange(_T + 1.0))
assert np.all(_norms <= _bound * (1 + 1e-9)), (
    "some norms exceed the bound sigma_1(Wh)^(T-t): is every step's Jacobian diag(1 - h_k^2) Wh.T?")
# T = 1: one step, norms[:, 0] = ||diag(1 - h_1^2) Wh.T||
_h1 = np.tanh(_x[:, 0] @ _Wx + _h0 @ _Wh + _b)
_one = _jacobian_norms(_x[:, :1], _h0, _Wx, _Wh, _b)
rl.checks.check_shape("norms for T = 1", _one, (_N, 2), hint="T = 1 gives two norms per sequence")
rl.checks.check_close("norms[:, 0] for T = 1", np.asarray(_one)[:, 0],
                      np.linalg.norm((1 - _h1 ** 2)[:, :, None] * _Wh.T[None], ord=2, axis=(1, 2)))
print("jacobian_norms: visible property tests passed")

### BEGIN HIDDEN TESTS
# against tf.GradientTape: the Jacobian of h_T with respect to h_t, for every t
_x2, _h02 = _rng.normal(size=(2, 6, 3)), _rng.uniform(-1, 1, size=(2, 4))
_Wx2, _Wh2, _b2 = _rng.normal(size=(3, 4)), _rng.normal(size=(4, 4)), _rng.normal(size=4)
_got = np.asarray(_jacobian_norms(_x2.copy(), _h02.copy(), _Wx2.copy(), _Wh2.copy(), _b2.copy()))
for _t in range(6):
    _h = tf.constant(_h02)
    for _k in range(_t):
        _h = tf.tanh(_x2[:, _k] @ _Wx2 + _h @ _Wh2 + _b2)
    with tf.GradientTape(persistent=True) as _tape:
        _tape.watch(_h)
        _hT = _h
        for _k in range(_t, 6):
            _hT = tf.tanh(_x2[:, _k] @ _Wx2 + _hT @ _Wh2 + _b2)
        _rows = [_hT[:, _i] for _i in range(4)]  # unit i of h_T, (N,) each
    _Jt = np.stack([_tape.gradient(_r, _h).numpy() for _r in _rows], axis=1)  # (N, H, H)
    del _tape
    rl.checks.check_close(f"norms[:, {_t}] against tf.GradientTape", _got[:, _t],
                          np.linalg.norm(_Jt, ord=2, axis=(1, 2)), atol=1e-8)
# a linear regime: zero inputs, h0 = 0, Wh = s Q (Q orthogonal): the norm is exactly s^(T - t)
_Q = rl.jacobians.recurrent_matrix(5, 0.8, seed=1)
_lin = np.asarray(_jacobian_norms(np.zeros((2, 7, 3)), np.zeros((2, 5)), _rng.normal(size=(3, 5)),
                                  _Q, np.zeros(5)))
rl.checks.check_close("norms of a linear regime (s^(T-t))", _lin,
                      np.tile(0.8 ** (7 - np.arange(8.0)), (2, 1)))
# a batch of one gives the same row
rl.checks.check_close("norms of a batch of one",
                      np.asarray(_jacobian_norms(_x[1:2], _h0[1:2], _Wx, _Wh, _b)), _norms[1:2])
### END HIDDEN TESTS
''')

md(r"""
## 2. Gradient norm against lag: the slope is set by σ₁

Now the reference `rl.jacobians.jacobian_norms` (it computes what your function computes) on
random networks whose recurrent kernel is $W_h = \sigma_1 Q$, with $Q$ a random orthogonal
matrix: every singular value of $W_h$ is then $\sigma_1$, and Keras's default recurrent
initialiser (`orthogonal`) is the case $\sigma_1 = 1$. `rl.jacobians.lag_profile` averages the
norms of 16 random sequences (a geometric mean, the right average on a log scale) and orders
them by lag. With small inputs the tanh units stay in their linear range, $f' \approx 1$, and
the bound is nearly reached: the measured slope should match $\log_{10}\sigma_1$.
""")

code(r"""
sigmas = (0.8, 0.9, 1.0, 1.1)
fit = slice(0, 31)  # fit the slope over lags 0..30
print(f"{'f':>7} {'sigma_1':>8} {'predicted slope':>16} {'measured slope':>15}   (decades per step)")
profiles = {}
for act in ("linear", "tanh"):
    for s in sigmas:
        norms = rl.jacobians.lag_profile(s, act, T=60, input_scale=0.05)  # (61,) by lag
        profiles[act, s] = norms
        print(f"{act:>7} {s:8.2f} {rl.jacobians.predicted_log10_slope(s, act):16.4f} "
              f"{rl.jacobians.log10_slope(norms[fit]):15.4f}")
""")

code(r"""
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
for ax, act in zip(axes, ("linear", "tanh")):
    rl.plot.lag_norms({f"σ₁ = {s}": profiles[act, s] for s in sigmas}, ax=ax,
                      bounds={f"σ₁ = {s}": s for s in sigmas}, ylim=(1e-4, 1e4),
                      title=f"{act} RNN, small inputs: solid measured, dashed (γσ₁)^k")
plt.tight_layout()
plt.show()
""")

md(r"""
On a log scale a geometric decay is a straight line. For the linear network the measured
slopes equal the predicted ones to four decimals: every step multiplies the norm by exactly
$\sigma_1$, so $\sigma_1 = 0.9$ loses a factor 10 every $1/0.0458 \approx 22$ steps and
$\sigma_1 = 1.1$ gains one every 24 steps. The tanh network with small inputs follows the bound
closely while $\sigma_1 < 1$ (the table: $-0.099$ against $-0.097$ at $\sigma_1 = 0.8$). At
$\sigma_1 \ge 1$ the state itself grows until the units leave their linear range, and the
measured slope drops below the bound.

Larger inputs push the tanh units into saturation, where $f' = 1 - h^2$ is small: each step
then multiplies by less than $\sigma_1$, and the norm falls faster than
$\log_{10}\sigma_1$ predicts. With inputs of scale 1 even $\sigma_1 = 1.5$ vanishes:
""")

code(r"""
print(f"{'sigma_1':>8} {'bound slope':>12} {'measured, inputs x0.05':>24} {'measured, inputs x1':>21}")
for s in (0.9, 1.0, 1.1, 1.5):
    small = rl.jacobians.log10_slope(rl.jacobians.lag_profile(s, "tanh", T=60, input_scale=0.05)[fit])
    large = rl.jacobians.log10_slope(rl.jacobians.lag_profile(s, "tanh", T=60, input_scale=1.0)[fit])
    print(f"{s:8.2f} {rl.jacobians.predicted_log10_slope(s, 'tanh'):12.4f} {small:24.4f} {large:21.4f}")
""")

md(r"""
**Try it.** The slider sets $\sigma_1(W_h)$, the menu the nonlinearity; the plot redraws the
gradient norm against the lag (inputs of scale 0.5), with the bound $(\gamma\sigma_1)^k$ dashed
and both slopes in the title. Things to look for:

* `sigmoid`: $\gamma = 1/4$, so even $\sigma_1 = 2$ vanishes: the bound's slope is
  $\log_{10}(0.5)$. A sigmoid RNN needs $\sigma_1 > 4$ before its gradients can grow at all.
* `tanh` with $\sigma_1 \ge 1.2$: the norm rises for a few steps, then saturation holds it down.
* `linear`: the measured line sits on the bound for every $\sigma_1$.

The widget needs a live kernel; the static figure below it shows three settings.
""")

code(r"""
rl.widgets.gradient_flow_slider(sigma1=1.0, activation="tanh")
""")

code(r"""
ax = rl.plot.lag_norms(
    {f"{act}, σ₁ = {s}": rl.jacobians.lag_profile(s, act) for act, s in
     (("tanh", 1.0), ("sigmoid", 2.0), ("tanh", 1.5))},
    bounds={"tanh, σ₁ = 1.0": 1.0, "sigmoid, σ₁ = 2.0": 0.5, "tanh, σ₁ = 1.5": 1.5},
    title="gradient norm against lag (inputs of scale 0.5)")
plt.show()
""")

md(r"""
### Written answer (3 points)

A tanh RNN has $\sigma_1(W_h) = 1.5$. (a) What does the bound
$\|\partial h_T/\partial h_t\| \le (\gamma\sigma_1)^{T-t}$ say about its gradients, and what
does it not say? (b) The widget shows its gradient norm staying near 1 or falling instead of
growing like $1.5^k$: explain why, from the step Jacobian
$\operatorname{diag}(1 - h_k^2)\,W_h^\top$. (c) Keras initialises `SimpleRNN`'s recurrent
kernel as an orthogonal matrix ($\sigma_1 = 1$): why is that a good starting point? Two or
three sentences each.
""")

written("sigma_answer", 3, r"""
*Model answer (for graders).*

(a) With $\gamma\sigma_1 = 1.5 > 1$ the bound only says the norm is at most $1.5^{T-t}$: it
allows explosion but does not force it. It guarantees vanishing only when $\gamma\sigma_1 < 1$;
$\sigma_1 > 1/\gamma$ is necessary for exploding, not sufficient.

(b) Each step multiplies by $\operatorname{diag}(1 - h_k^2)$ before $W_h^\top$. With
$\sigma_1 = 1.5$ the state is pushed towards $\pm 1$ (the units saturate), where
$1 - h_k^2 \ll 1$; the product of these factors with the $1.5$ of $W_h$ is below 1 per step
on average, so the norm does not grow (and can shrink). It also only reaches $1.5$ per step
along the top singular direction, and the product need not stay aligned with it.

(c) An orthogonal matrix has every singular value equal to 1: the bound is exactly 1 per step,
so the gradient neither vanishes because of $W_h$ nor can it explode; it decays only as much
as the tanh derivatives make it. That keeps a useful gradient over many more steps than a
kernel with $\sigma_1 < 1$ (at $\sigma_1 = 0.9$ it would lose a factor 10 every 22 steps
whatever the inputs), which is why a `SimpleRNN` with Keras's defaults learns the adding
problem at $T = 50$, and with patience at $T = 100$ (section 4).
""")

# =============================================================================== 3. cliffs
md(r"""
## 3. Exploding gradients: cliffs in the loss

When the gradient does explode, the loss surface has **cliffs**: regions where a tiny change of
a weight changes the loss a lot. Pascanu, Mikolov & Bengio (2013) show it with a one-unit RNN,
$x_t = w\,\sigma(x_{t-1}) + b$ from $x_0 = 0.5$, run for 50 steps, with loss
$(x_{50} - 0.7)^2$. Near $w \approx 4.8$ the unit's long-run behaviour flips between two
fixed points; the loss drops by 6 within a few thousandths of $w$, and its derivative, computed
by BPTT through the 50 steps, is thousands of times larger there than on the plateaus:
""")

code(r"""
w_grid = np.linspace(4.0, 6.0, 2001)
loss, grad = rl.cliffs.cliff_loss(w_grid)   # loss and d loss / dw at every w, (2001,) each
rl.plot.cliff(w_grid, loss, grad, title="loss of the 1-unit RNN (Pascanu et al. 2013) and |gradient|")
plt.show()
i_cliff = int(np.argmax(np.abs(grad)))
w_cliff = w_grid[i_cliff]
print(f"largest |gradient| {abs(grad[i_cliff]):,.0f} at w = {w_cliff:.3f}; "
      f"median |gradient| on the grid {np.median(np.abs(grad)):.2f}")
""")

md(r"""
A gradient step with a learning rate tuned for the plateaus ($\eta = 0.01$) taken at the edge
of the cliff moves $w$ by $\eta\,|\partial L/\partial w|$: dozens of units, far outside the
plotted region, undoing all earlier progress. **Gradient clipping** keeps the direction of the
gradient and caps its length. Clipping by *global norm* treats all parameters as one vector
$g = (g_1, \dots, g_P)$:

$$
\|g\| = \sqrt{\textstyle\sum_p \sum_{\text{entries}} g_p^2},
\qquad
g_p \leftarrow g_p \cdot \frac{c}{\max(\|g\|, c)} ,
$$

so nothing changes while $\|g\| \le c$, and above it every gradient is scaled by the same factor,
so that the clipped update has norm exactly $c$. One factor for all keeps the update's
direction; clipping each array on its own would not.
""")

code(r"""
eta, c = 0.01, 1.0
_, g = rl.cliffs.cliff_loss(w_cliff)
clipped, norm = rl.optim.clip_by_global_norm({"w": np.array(g)}, c)  # rnnlib's version, on a dict
g_clipped = clipped["w"]
print(f"at w = {w_cliff:.3f}: gradient {float(g):,.1f}")
print(f"  plain step   : w -> {w_cliff - eta * float(g):9.3f}")
print(f"  clipped (c={c}): w -> {w_cliff - eta * float(g_clipped):9.3f}")
""")

md(r"""
### Exercise 2: `clip_by_global_norm` (4 points)

Write `clip_by_global_norm(grads, max_norm)` with the behaviour of TensorFlow's
`tf.clip_by_global_norm(t_list, clip_norm)`:

* `grads` is a **list** of NumPy arrays of any shapes (one gradient per weight);
  `max_norm` is the threshold $c > 0$.
* Return a tuple `(clipped, global_norm)`: `clipped` a new list of arrays with the same shapes,
  each multiplied by $c / \max(\|g\|, c)$, and `global_norm` the norm $\|g\|$ of all entries of
  all arrays **before** clipping, as a Python float.
* Gradients whose global norm is already at most $c$ come back unchanged (not scaled up).
* Do not modify the input arrays in place.
""")

answer("clip_by_global_norm", r'''
def clip_by_global_norm(grads, max_norm):
    """Scales a list of gradients by one factor so that their global norm is at most max_norm.

    grads: list of arrays, any shapes; max_norm: the threshold c > 0
    Returns (clipped, global_norm): a new list of arrays shaped like grads, each times
    c / max(global_norm, c), and global_norm = sqrt(sum of all squared entries) before clipping.
    """
    ### BEGIN SOLUTION
    global_norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))
    scale = max_norm / max(global_norm, max_norm)  # 1 when the norm is small enough
    return [g * scale for g in grads], global_norm
    ### END SOLUTION
''')

test("clip_by_global_norm__matches_tensorflow", 2, r'''
"""Does clip_by_global_norm return what tf.clip_by_global_norm returns (clipped list and norm)?"""
_clip = rl.grading.guarded(clip_by_global_norm, rl.optim.clip_by_global_norm,
                           "tensorflow.clip_by_global_norm", "tensorflow.linalg.global_norm")
_rng = np.random.default_rng(11)
_grads = [3 * _rng.normal(size=(3, 4)), 3 * _rng.normal(size=(4,)), 3 * _rng.normal(size=(2, 2))]
_c = 2.0
_tf_clipped, _tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in _grads], _c)
_tf_clipped = [t.numpy() for t in _tf_clipped]

_out = _clip([g.copy() for g in _grads], _c)
assert isinstance(_out, tuple) and len(_out) == 2, (
    f"return a tuple (clipped, global_norm), got {type(_out).__name__}")
_clipped, _norm = _out
assert isinstance(_clipped, (list, tuple)) and len(_clipped) == len(_grads), (
    f"clipped should be a list of {len(_grads)} arrays, one per gradient, got {type(_clipped).__name__}")
rl.checks.check_close("global_norm (before clipping)", _norm, float(_tf_norm), diagnoses={
    "returned the norm after clipping": _c,
    "sum of squares without the square root": float(_tf_norm) ** 2,
    "sum of absolute values (L1) instead of the Euclidean norm": sum(np.abs(g).sum() for g in _grads),
})
for _i, (_got, _want, _g) in enumerate(zip(_clipped, _tf_clipped, _grads)):
    rl.checks.check_shape(f"clipped[{_i}]", _got, _g.shape, hint="each array keeps its shape")
    rl.checks.check_close(f"clipped[{_i}]", _got, _want, diagnoses={
        "clipped each array by its own norm (that is tf.clip_by_norm, not the global norm)":
            _g * _c / max(np.linalg.norm(_g), _c),
        "divided by the norm without multiplying by max_norm": _g / float(_tf_norm),
    })
print("clip_by_global_norm: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_inputs(rng):
    shapes = [tuple(int(s) for s in rng.integers(1, 5, size=rng.integers(1, 4)))
              for _ in range(int(rng.integers(1, 5)))]
    scale = float(rng.choice([0.01, 1.0, 10.0]))
    return {"grads": [scale * rng.normal(size=s) for s in shapes],
            "max_norm": float(rng.uniform(0.5, 3.0))}

def _tf_reference(grads, max_norm):
    clipped, norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    return [t.numpy() for t in clipped], float(norm)

for _trial in range(6):
    _inp = _make_inputs(np.random.default_rng(1000 + _trial))
    _exp_clipped, _exp_norm = _tf_reference(**_inp)
    _got_clipped, _got_norm = _clip([g.copy() for g in _inp["grads"]], _inp["max_norm"])
    rl.checks.check_close(f"global_norm (random trial {_trial + 1})", _got_norm, _exp_norm)
    assert len(_got_clipped) == len(_exp_clipped), "clipped should have one array per gradient"
    for _i, (_got, _want) in enumerate(zip(_got_clipped, _exp_clipped)):
        rl.checks.check_shape(f"clipped[{_i}] (random trial {_trial + 1})", _got, _want.shape)
        rl.checks.check_close(f"clipped[{_i}] (random trial {_trial + 1})", _got, _want)
### END HIDDEN TESTS
''')

test("clip_by_global_norm__properties", 2, r'''
"""Are small gradients left alone, the inputs unchanged, the direction kept and the norm capped?"""
_clip = rl.grading.guarded(clip_by_global_norm, rl.optim.clip_by_global_norm,
                           "tensorflow.clip_by_global_norm", "tensorflow.linalg.global_norm")
_rng = np.random.default_rng(12)
# small gradients (global norm 0.5 < 1): returned unchanged, not scaled up to the threshold
_small = [np.array([0.3, 0.0]), np.array([[0.4]])]
_clipped, _norm = _clip([g.copy() for g in _small], 1.0)
rl.checks.check_close("global_norm of [[0.3, 0], [[0.4]]]", _norm, 0.5)
for _i, (_got, _g) in enumerate(zip(_clipped, _small)):
    rl.checks.check_close(f"clipped[{_i}] when the norm is below max_norm (unchanged)", _got, _g,
                          diagnoses={"scaled up to max_norm": _g / 0.5})
# large gradients: inputs untouched, one factor for all, clipped norm = max_norm
_big = [10 * _rng.normal(size=(3, 3)), 10 * _rng.normal(size=5)]
_before = [g.copy() for g in _big]
_clipped, _norm = _clip(_big, 1.5)
for _i in range(2):
    rl.checks.check_close(f"grads[{_i}] after the call (it must not change)", _big[_i], _before[_i])
_after = np.sqrt(sum(np.sum(np.square(np.asarray(g))) for g in _clipped))
rl.checks.check_close("global norm of the clipped gradients", _after, 1.5)
print("clip_by_global_norm: visible property tests passed")

### BEGIN HIDDEN TESTS
# one factor for all: the ratio clipped / original is the same for every entry of every array
_ratios = np.concatenate([(np.asarray(c) / g).ravel() for c, g in zip(_clipped, _before)])
rl.checks.check_close("clipped / original for every entry (one common factor)", _ratios,
                      np.full(_ratios.shape, 1.5 / _norm))
# exactly at the threshold nothing changes; a single array works; float32 stays float32
_g = np.array([3.0, 4.0])
_c1, _n1 = _clip([_g.copy()], 5.0)
rl.checks.check_close("clip at exactly the threshold", _c1[0], _g)
rl.checks.check_close("global_norm of [3, 4]", _n1, 5.0)
_c32, _ = _clip([np.ones((2, 2), np.float32) * 10], 1.0)
rl.checks.check_close("float32 gradient clipped", np.asarray(_c32[0], dtype=np.float64),
                      np.full((2, 2), 0.5), atol=1e-6)
### END HIDDEN TESTS
''')

md(r"""
In Keras, clipping is an argument of the optimizer. Mind the difference:
`keras.optimizers.Adam(global_clipnorm=1.0)` clips by global norm, your function;
`Adam(clipnorm=1.0)` clips **each weight's gradient separately** to norm 1 (like
`tf.clip_by_norm` on every array), which can change the update's direction. Both stop a cliff
from throwing the weights away. The experiments below use `clipnorm=1.0`, the common
choice for the adding problem. Clipping does nothing against *vanishing* gradients: a
gradient that never reaches the early steps cannot be scaled back into existence.
""")

# =============================================================================== 4. adding
md(r"""
## 4. The adding problem: a test of long memory

Hochreiter & Schmidhuber (1997) designed the **adding problem** so that only a long memory
solves it. Each step carries two numbers: a value drawn from $U(0, 1)$ and a marker that is 1
at exactly two steps, one in each half of the sequence, and 0 elsewhere. The target is the
sum of the two marked values. (We use the form of Le, Jaitly & Hinton 2015,
`rl.datasets.adding_problem`.)
""")

code(r"""
X_show, y_show = rl.datasets.adding_problem(1, 40, seed=3)   # (1, 40, 2), (1,)
rl.plot.adding_sequence(X_show[0], y_show[0])
plt.show()
""")

md(r"""
A model that ignores the markers can do no better than always predicting the mean sum, 1.
Its mean squared error is the variance of a sum of two independent $U(0,1)$ values,
$2 \cdot \tfrac1{12} = \tfrac16 \approx 0.167$: the **baseline**. An MSE well below 0.167 means
the model found the marked values; an MSE near 0.167 means it learned nothing about them.
The first marker can be anywhere in the first half, so the network must keep a value for up
to T steps: the gradient that teaches it to do so is the product of up to T Jacobians.
""")

code(r"""
_, y_many = rl.datasets.adding_problem(100_000, 50, seed=1)
print(f"MSE of predicting the mean (1.0) on 100,000 sequences: {np.mean((y_many - 1.0) ** 2):.4f}"
      f"   theory: 1/6 = {rl.datasets.ADDING_PROBLEM_BASELINE_MSE:.4f}")
""")

md(r"""
**A short live run.** A `SimpleRNN(64)` with Keras's defaults (orthogonal recurrent kernel),
Adam (learning rate 0.003, `clipnorm=1`), trained on the *same number* of sequences and
epochs at T = 20 and at T = 200. It is the longest cell of the notebook and prints its time.
""")

code(r"""
def adding_model(T, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((T, 2)),
        keras.layers.SimpleRNN(64),        # (N, 64): the last state
        keras.layers.Dense(1),             # (N, 1): the predicted sum
    ])
    model.compile(optimizer=keras.optimizers.Adam(3e-3, clipnorm=1.0), loss="mse")
    return model

live = {}
with rl.training.Timer("training at T = 20 and T = 200"):
    for T_live in (20, 200):
        X_tr, y_tr = rl.datasets.adding_problem(4000, T_live, seed=0)
        X_te, y_te = rl.datasets.adding_problem(1000, T_live, seed=1)
        model = adding_model(T_live)
        model.fit(X_tr, y_tr, batch_size=32, epochs=5, verbose=0)
        live[T_live] = {"model": model, "X_test": X_te,
                        "mse": float(model.evaluate(X_te, y_te, verbose=0)),
                        "baseline": float(np.mean((y_te - y_tr.mean()) ** 2))}
print(f"{'T':>5} {'SimpleRNN MSE':>14} {'predict-the-mean MSE':>21}")
for T_live, r in live.items():
    print(f"{T_live:>5} {r['mse']:14.4f} {r['baseline']:21.4f}")
""")

md(r"""
At T = 20 the network is well on its way after 5 epochs; at T = 200 it has learned nothing yet.
A short run cannot say whether T = 200 only needs more time. The benchmark below trains much
longer (20,000 sequences, learning rate 0.001, 12 epochs at T = 50, 100 and 200, and 30 epochs
at T = 100); its results ship with the course in `adding_problem.json` and are read here, and
the commands it prints reproduce them (minutes to tens of minutes per length on two cores; the
seconds column was measured on a heavily shared machine, the load column says how shared).
""")

code(r"""
bench = json.loads(Path("adding_problem.json").read_text())
runs = [r for r in bench["runs"] if r["model"] == "simple_rnn"]
print(f"{'T':>5} {'SimpleRNN MSE':>14} {'predict-the-mean MSE':>21} {'epochs':>7} {'seconds':>8} {'load':>5}")
for r in runs:
    print(f"{r['T']:>5} {r['mse']:14.4f} {r['baseline_mse']:21.4f} {r['epochs']:>7} {r['train_seconds']:>8}"
          f" {r['load_average_1min']:>5}")
long_100 = next(r for r in runs if r["T"] == 100 and r["epochs"] == 30)
print("\nT = 100, held-out MSE after each of the 30 epochs:")
print(np.array(long_100["val_mse_per_epoch"]))
print("\nreproduce with:", *sorted({r["command"] for r in runs}), sep="\n  ")
print("machine:", bench["machine"]["cpu"], f"({bench['machine']['logical_cores']} cores),",
      "Keras", bench["machine"]["keras"])
rl.plot.adding_results([r for r in runs if r["epochs"] == 12],
                       title="adding problem: SimpleRNN after 12 epochs of 20,000 sequences")
plt.show()
""")

md(r"""
Read the table with the per-epoch curve. At T = 50 the network leaves the baseline in the
third epoch and ends at 0.016. At T = 100 it sits on the baseline (0.17) for 12 epochs (the
12-epoch run stops there, at 0.169), leaves it in epoch 13 and reaches 0.009 after 30: the
signal from the first marker is there, but so weak that finding it takes thousands of updates.
At T = 200 it stays at the baseline for all 12 epochs (0.174 against 0.175); we did not measure
whether it leaves later. The longer the sequence, the longer the plateau: the gradient that
would teach the network to keep the first marked value shrinks with every step between it and
the output.
""")

md(r"""
## 5. Why: the gradient that never arrives

The T = 200 network above is a tanh RNN like any other: read its weights out of Keras and
compute $\|\partial h_T/\partial h_t\|$ on test sequences with the reference
`rl.jacobians.jacobian_norms`, once with the weights it started from (the same seed, before
training) and once with the trained weights. The first marker sits somewhere in the first 100
steps: whatever the loss says about it has to travel back over 100 to 200 steps.
""")

code(r"""
X_probe = live[200]["X_test"][:16].astype(np.float64)             # (16, 200, 2)

def gradient_flow(rnn_layer):
    # the typical ||dh_T/dh_(T-k)|| by lag k (geometric mean over X_probe), and sigma_1(W_h)
    params = {k: v.astype(np.float64) for k, v in rl.keras_io.params_from_keras(rnn_layer).items()}
    norms = rl.jacobians.jacobian_norms(X_probe, np.zeros((16, 64)), **params)   # (16, 201)
    with np.errstate(divide="ignore"):                                  # an underflow is log 0
        by_lag = np.exp(np.log(norms[:, ::-1]).mean(axis=0))            # (201,)
    return by_lag, float(np.linalg.norm(params["Wh"], ord=2))

flows = {"before training": gradient_flow(adding_model(200, seed=0).layers[0]),
         "after training": gradient_flow(live[200]["model"].layers[0])}
print(f"{'T = 200 network':>16} {'sigma_1(W_h)':>13} {'bound slope':>12} {'measured slope':>15}"
      f" {'norm at lag 100':>16} {'at lag 199':>11}")
for name, (by_lag, s1) in flows.items():
    print(f"{name:>16} {s1:13.3f} {np.log10(s1):+12.4f} {rl.jacobians.log10_slope(by_lag[:101]):+15.4f}"
          f" {by_lag[100]:16.2e} {by_lag[199]:11.2e}")
rl.plot.lag_norms({name: f[0] for name, f in flows.items()},
                  bounds={name: f[1] for name, f in flows.items()}, ylim=(1e-12, 1e6),
                  title="gradient flow of the T = 200 SimpleRNN (slopes over lags 0..100)")
plt.show()
""")

md(r"""
Before training, the orthogonal initialisation makes $\sigma_1(W_h) = 1$: the bound allows a
gradient that neither grows nor shrinks, and the tanh derivatives alone decide how fast it
fades. Training makes $\sigma_1$ larger than 1 (the bound would now allow explosion), yet the
measured norm still falls by orders of magnitude over the first hundred steps: saturated
units, $1 - h_k^2 \ll 1$, cut the product long before $\sigma_1$ could make it grow. The bound
is far from tight here; what it does say is that no setting of $\sigma_1 \le 1$ could help.

Whatever the loss says about the first marked value arrives at the early steps many orders
of magnitude weaker than what it says about the last few steps: the network learns only what
depends on the recent past. That is the **short-term memory** of a plain RNN. At T = 50
(the benchmark) the product is still large enough to learn from within a few epochs; at
T = 100 only after 12 epochs on the plateau; at T = 200 not within 12.

Notebook 06 changes the cell itself: the LSTM and GRU add a path through time whose Jacobian
is a gate value close to 1 that the network controls, and they solve the adding problem at
lengths where the `SimpleRNN` stays at the baseline.
""")

md(r"""
## Summary

* Backpropagation through time multiplies the gradient by one Jacobian per step:
  $\partial h_T/\partial h_t = \prod_k \operatorname{diag}(f'(a_k))\,W_h^\top$, a product of
  $T - t$ matrices that share $W_h$.
* Its norm is bounded by $(\gamma\,\sigma_1(W_h))^{T-t}$, with $\sigma_1$ the largest singular
  value and $\gamma = 1$ for tanh, $1/4$ for the sigmoid. $\sigma_1 < 1/\gamma$ forces the
  gradient to **vanish** geometrically: a straight line of slope $\log_{10}(\gamma\sigma_1)$ on a
  log scale, which the measured norms follow when the units are unsaturated and fall below
  when they saturate. $\sigma_1 > 1/\gamma$ is necessary for **exploding** gradients, not
  sufficient.
* Exploding gradients show as **cliffs** in the loss, where one step can throw the weights far
  away. **Clipping by global norm** scales all gradients by one factor
  $c/\max(\|g\|, c)$: same direction, length at most $c$ (`tf.clip_by_global_norm`,
  Keras's `global_clipnorm`; `clipnorm` clips each weight on its own).
* On the **adding problem** (baseline MSE 1/6 ≈ 0.167) a `SimpleRNN` with Keras's orthogonal
  initialisation learns T = 20 in seconds and T = 50 in a few epochs; at T = 100 it sits on the
  baseline for 12 epochs before it finds the first marker (MSE 0.009 after 30), and at T = 200
  it stays at the baseline for all 12 epochs measured: the gradient from the first marker is
  orders of magnitude smaller when it arrives.

**Next.** Notebook 06: gates, the LSTM and the GRU, and their gradient flow.
""")


def main(out=None):
    out = Path(out) if out else ROOT / "solutions" / "05_gradients" / "05_gradients.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = CELLS
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                          "file_extension": ".py", "mimetype": "text/x-python",
                          "name": "python", "pygments_lexer": "ipython3"},
    }
    for cell in nb.cells:
        cell.pop("id", None)  # nbformat's ids are random; normalise derives stable ones
    nbs.normalise(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(nbs.dumps(nb))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
