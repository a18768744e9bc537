# ruff: noqa: E501  (the cells are notebook source, with the notebook's line lengths)
"""Builds solutions/04_bptt/04_bptt.ipynb from the cells below (work-in-progress helper).

    .venv/bin/python wip/04_bptt/build_04.py [out.ipynb]

The notebook is written normalised (outputs cleared, stable metadata and cell ids) with
autograder.notebooks, so the hygiene tests see what nbgrader will see.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from autograder import notebooks as nbs

CELLS: list = []


def md(src: str) -> None:
    CELLS.append(nbformat.v4.new_markdown_cell(src.strip("\n")))


def code(src: str) -> None:
    CELLS.append(nbformat.v4.new_code_cell(src.strip("\n")))


def answer(gid: str, src: str) -> None:
    cell = nbformat.v4.new_code_cell(src.strip("\n"))
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": gid, "locked": False,
                                 "schema_version": 3, "solution": True, "task": False}
    CELLS.append(cell)


def test(gid: str, points: int, src: str) -> None:
    cell = nbformat.v4.new_code_cell(src.strip("\n"))
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True,
                                 "points": points, "schema_version": 3, "solution": False,
                                 "task": False}
    CELLS.append(cell)


def written(gid: str, points: int, src: str) -> None:
    cell = nbformat.v4.new_markdown_cell(src.strip("\n"))
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": False,
                                 "points": points, "schema_version": 3, "solution": True,
                                 "task": False}
    CELLS.append(cell)


# =========================================================================== introduction
md(r"""
# 04 · Backpropagation through time

Notebook 02 ran the recurrent cell forward: $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$, step
after step, with the same weights at every step. To *train* it we need the gradient of a loss
with respect to those weights. Unrolled in time, an RNN is a deep feed-forward network whose
layers all share one set of weights, so the answer is ordinary backpropagation run over the
unrolled graph, from the last step back to the first: **backpropagation through time**
(BPTT).

In this notebook you write that backward pass in NumPy, check it against numerical
derivatives and against TensorFlow's automatic differentiation, cut it into windows
(truncated BPTT), and then use it to train a character-level language model on a real novel,
and compare it honestly with the counting models (n-grams) that were the state of the art
before neural networks.

**Learning goals.** After this notebook you can

1. draw the unrolled graph of an RNN and say which paths a gradient takes through it;
2. derive the backward pass of one step with the chain rule, and write it for a batch;
3. explain why the gradient of a shared weight is a **sum** over time steps, and find the bug
   when it is not;
4. check any backward pass with centred finite differences, and say why centred;
5. backpropagate through a masked sequence (padding) the way Keras does;
6. explain truncated BPTT: what it keeps (the state), what it drops (long gradient paths),
   and what it costs in time and memory;
7. train a character model with your own BPTT and compare it honestly with n-gram baselines.

**Notation** (as in notebooks 02 and 03). N batch, T time steps, D input features, H hidden
units, V vocabulary. Vectors are rows, $x_t$ is (N, D) and $h_t$ is (N, H). Formulas count
steps from 1 with initial state $h_0$; arrays count from 0, so `x[:, t]` is $x_{t+1}$ and
`h[:, t]` is $h_{t+1}$. For any quantity $z$, $\bar z = \partial L / \partial z$ is the
gradient of the scalar loss $L$ with respect to it, with the shape of $z$; in code it is
`dz`.

**Exercises.** Five functions, graded by the test cells under them, and one written answer,
graded by hand. Write your code where it says `# YOUR CODE HERE` (delete the
`raise NotImplementedError()` line), run the cell, then the test cell below it. More tests,
with fresh random inputs, run when the notebook is graded. Do not call rnnlib's own versions
of the functions you write (`rl.rnn.rnn_step_backward`, `rl.rnn.rnn_backward`,
`rl.gradcheck.numerical_gradient`, `rl.char_rnn.truncated_bptt`,
`rl.char_rnn.stream_loss`): the graded tests check that you did not.

**Time.** The notebook runs top to bottom in about two minutes on a laptop; most of it is
section 6, which trains the character model (it saves the result in `artifacts/`: submit
that folder with the notebook).
""")

code(r"""
import time

import matplotlib.pyplot as plt
import numpy as np
import rnnlib as rl

rng = rl.training.set_seed(0, with_keras=False)  # seeds Python and NumPy; rng is this notebook's generator
np.set_printoptions(precision=4, suppress=True)
""")

# =========================================================================== 1. unrolled graph
md(r"""
## 1. The unrolled graph, and the loss at every step

A model that predicts at every step (a character model predicts the next character at every
position) has a loss at every step, and the training loss is their mean:

$$
L = \frac{1}{T} \sum_{t=1}^{T} L_t, \qquad L_t = \ell(y_t, \text{target}_t).
$$

Draw the RNN unrolled over T steps and the gradient's paths back become visible (red):
""")

code(r"""
rl.plot.bptt_graph(steps=5)
plt.show()
""")

md(r"""
Two things are new compared with a feed-forward network.

* **A state has two consumers.** $h_t$ feeds the loss $L_t$ *and* the next step $h_{t+1}$.
  The chain rule adds the gradients of every path, so the gradient reaching $h_t$ is
  $$
  \bar h_t = \underbrace{\frac{\partial L}{\partial h_t}\Big|_{\text{direct}}}_{\text{from } L_t}
  + \underbrace{\bar h_{t+1}\,\frac{\partial h_{t+1}}{\partial h_t}}_{\text{from the future}},
  $$
  computed from $t = T$ down to $t = 1$: a backward loop over time. At $t = T$ there is no
  future, and $\bar h_0$ (what reaches the initial state) is what is left at the end.
* **One weight, many uses.** $W_h$ is used at every step. Think of it as T copies
  $W_h^{(1)}, \dots, W_h^{(T)}$ that happen to be equal; each copy gets its own gradient, and
  the gradient of the one shared matrix is their **sum**,
  $$
  \bar W_h = \sum_{t=1}^{T} \bar W_h^{(t)}, \qquad \text{and likewise } \bar W_x, \bar b.
  $$
  Forgetting the sum (keeping only one step's term) is the classic silent bug: every shape
  is right and the loss still goes down a little.
""")

# =========================================================================== 2. one step
md(r"""
## 2. Backward through one step

One step computes, for a batch,

$$
a_t = x_t W_x + h_{t-1} W_h + b \quad (N, H), \qquad h_t = \tanh(a_t).
$$

Given $\bar h_t$ (N, H), the gradient that reaches the step's output, the chain rule gives,
with $\odot$ the elementwise product and $\tanh'(a) = 1 - \tanh^2(a)$:

$$
\bar a_t = \bar h_t \odot (1 - h_t^2), \qquad
\bar x_t = \bar a_t W_x^\top, \qquad
\bar h_{t-1} = \bar a_t W_h^\top,
$$
$$
\bar W_x = x_t^\top \bar a_t, \qquad
\bar W_h = h_{t-1}^\top \bar a_t, \qquad
\bar b = \textstyle\sum_{n} \bar a_{t}[n, :].
$$

Check the shapes, they tell you where the transposes go: $\bar W_x$ must be (D, H) like $W_x$,
and $x_t^\top \bar a_t$ is (D, N)(N, H). The products over the batch also sum the gradients of
the N examples (each row of the batch uses the same weights: the same sharing argument as
over time). The derivative of tanh is taken at the step's *output* $h_t$, which the forward
pass saved.

rnnlib's reference forward step, `rl.rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)`, returns
`next_h` and a **cache**, a named tuple holding what the backward pass needs:
`cache.x`, `cache.prev_h`, `cache.Wx`, `cache.Wh`, `cache.next_h`.
""")

code(r"""
x_demo = rng.normal(size=(2, 3))              # (N, D)
h_demo = rng.normal(size=(2, 4))              # (N, H)
Wx_demo, Wh_demo, b_demo = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)) / 2, np.zeros(4)
next_h_demo, cache_demo = rl.rnn.rnn_step_forward(x_demo, h_demo, Wx_demo, Wh_demo, b_demo)
print(type(cache_demo).__name__, "fields:", cache_demo._fields)
print("cache.next_h is next_h:", np.array_equal(cache_demo.next_h, next_h_demo))
""")

md(r"""
### Exercise 1: `rnn_step_backward` (3 points)

Write the backward pass of one step. Given the upstream gradient `dnext_h` (N, H) and the
`cache` of `rl.rnn.rnn_step_forward`, return the five gradients **in the order of the forward's
inputs**: `dx` (N, D), `dprev_h` (N, H), `dWx` (D, H), `dWh` (H, H), `db` (H,).

* Use the derivative of tanh at `cache.next_h`, not at `cache.prev_h`.
* No loops: every line is one matrix product or one elementwise operation.
""")

answer("rnn_step_backward", r'''
def rnn_step_backward(dnext_h, cache):
    """Backward pass of one vanilla RNN step.

    dnext_h: upstream gradient of next_h, (N, H)
    cache: from rl.rnn.rnn_step_forward, with fields x (N, D), prev_h (N, H), Wx (D, H),
        Wh (H, H), next_h (N, H)
    Returns dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    ### BEGIN SOLUTION
    da = dnext_h * (1 - cache.next_h**2)  # (N, H) backprop through tanh
    dx = da @ cache.Wx.T  # (N, D)
    dprev_h = da @ cache.Wh.T  # (N, H)
    dWx = cache.x.T @ da  # (D, H)
    dWh = cache.prev_h.T @ da  # (H, H)
    db = da.sum(axis=0)  # (H,)
    return dx, dprev_h, dWx, dWh, db
    ### END SOLUTION
''')

test("rnn_step_backward__values", 2, r'''
"""Does rnn_step_backward return dx, dprev_h, dWx, dWh, db of the right shapes and values?"""
_rnn_step_backward = rl.grading.guarded(
    rnn_step_backward, rl.rnn.rnn_step_backward, rl.rnn.rnn_backward)
_rng = np.random.default_rng(41)
_N, _D, _H = 3, 4, 5  # all different, so a swapped axis shows as a wrong shape
_, _cache = rl.rnn.rnn_step_forward(_rng.normal(size=(_N, _D)), _rng.normal(size=(_N, _H)),
                                    _rng.normal(size=(_D, _H)) / 2, _rng.normal(size=(_H, _H)) / 2,
                                    _rng.normal(size=_H))
_dnext_h = _rng.normal(size=(_N, _H))
_expected = rl.rnn.rnn_step_backward(_dnext_h, _cache)
# what common mistakes give: the reference's backward with a wrong "da" or a wrong weight
_wrong_da = {"forgot the tanh derivative (used dnext_h as da)": _dnext_h,
             "took the tanh derivative at prev_h instead of next_h": _dnext_h * (1 - _cache.prev_h**2)}
_got = _rnn_step_backward(_dnext_h, _cache)
assert isinstance(_got, (tuple, list)) and len(_got) == 5, (
    f"rnn_step_backward should return 5 arrays (dx, dprev_h, dWx, dWh, db), got "
    f"{type(_got).__name__}{'' if not isinstance(_got, (tuple, list)) else f' of {len(_got)} items'}")
_names = ("dx", "dprev_h", "dWx", "dWh", "db")
_shapes = ((_N, _D), (_N, _H), (_D, _H), (_H, _H), (_H,))
for _k, (_name, _shape) in enumerate(zip(_names, _shapes)):
    rl.checks.check_shape(_name, _got[_k], _shape)
    rl.checks.check_dtype(_name, _got[_k], "float")
    _diagnoses = {label: [da @ _cache.Wx.T, da @ _cache.Wh.T, _cache.x.T @ da, _cache.prev_h.T @ da,
                          da.sum(axis=0)][_k] for label, da in _wrong_da.items()}
    _da = _dnext_h * (1 - _cache.next_h**2)
    if _name == "dprev_h":
        _diagnoses["multiplied by Wh instead of Wh.T"] = _da @ _cache.Wh
    if _name == "dWh":
        _diagnoses["transposed: da.T @ prev_h instead of prev_h.T @ da"] = _da.T @ _cache.prev_h
        _diagnoses["used next_h instead of prev_h"] = _cache.next_h.T @ _da
    if _name == "db":
        _diagnoses["averaged over the batch instead of summing"] = _da.mean(axis=0)
    rl.checks.check_close(_name, _got[_k], _expected[_k], diagnoses=_diagnoses)
print("rnn_step_backward: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_step_backward_inputs(rng):
    N, D, H = (int(v) for v in rng.integers(1, 7, size=3))
    _, cache = rl.rnn.rnn_step_forward(rng.normal(size=(N, D)), rng.uniform(-1, 1, size=(N, H)),
                                       rng.normal(size=(D, H)), rng.normal(size=(H, H)), rng.normal(size=H))
    return {"dnext_h": rng.normal(size=(N, H)), "cache": cache}

rl.grading.check_against_reference(_rnn_step_backward, rl.rnn.rnn_step_backward,
                                   _make_step_backward_inputs, trials=6, seed=4104)
### END HIDDEN TESTS
''')

test("rnn_step_backward__gradcheck", 1, r'''
"""Does rnn_step_backward pass a gradient check against centred differences (float64)?"""
_rnn_step_backward = rl.grading.guarded(
    rnn_step_backward, rl.rnn.rnn_step_backward, rl.rnn.rnn_backward)
_rng = np.random.default_rng(42)
_inputs = {"x": _rng.normal(size=(4, 3)), "prev_h": _rng.normal(size=(4, 6)),
           "Wx": _rng.normal(size=(3, 6)) / 2, "Wh": _rng.normal(size=(6, 6)) / 2, "b": _rng.normal(size=6)}
_dnext_h = _rng.normal(size=(4, 6))
_, _cache = rl.rnn.rnn_step_forward(**_inputs)
_grads = dict(zip(("x", "prev_h", "Wx", "Wh", "b"), _rnn_step_backward(_dnext_h, _cache)))
_report = rl.gradcheck.check_gradients(rl.rnn.rnn_step_forward, _inputs, _grads, _dnext_h)
print(_report)
assert _report.passed, f"the gradient check fails; worst: {_report.worst} (see the report above)"

### BEGIN HIDDEN TESTS
for _seed in (1, 2):
    _rng = np.random.default_rng(4200 + _seed)
    _N, _D, _H = (int(v) for v in _rng.integers(1, 6, size=3))
    _inputs = {"x": _rng.normal(size=(_N, _D)), "prev_h": _rng.normal(size=(_N, _H)),
               "Wx": _rng.normal(size=(_D, _H)), "Wh": _rng.normal(size=(_H, _H)), "b": _rng.normal(size=_H)}
    _dnext_h = _rng.normal(size=(_N, _H))
    _, _cache = rl.rnn.rnn_step_forward(**_inputs)
    _grads = dict(zip(("x", "prev_h", "Wx", "Wh", "b"), _rnn_step_backward(_dnext_h, _cache)))
    _report = rl.gradcheck.check_gradients(rl.rnn.rnn_step_forward, _inputs, _grads, _dnext_h)
    assert _report.passed, f"random shapes (N, D, H) = {(_N, _D, _H)}: {_report}"
### END HIDDEN TESTS
''')

# =========================================================================== 3. numerical gradient
md(r"""
## 3. Checking a gradient with finite differences

A backward pass has many places to go wrong silently (a transpose, a missing term of a sum),
and the forward output does not reveal any of them. The test is to compare with the
definition of the derivative. For a function $f$ with many outputs, compare the gradient of
the scalar $g(x) = \sum f(x) \odot \bar f$ (where $\bar f$ is any fixed upstream gradient)
one input entry at a time:

$$
\frac{\partial g}{\partial x_i} \approx \frac{g(x + h e_i) - g(x - h e_i)}{2h}
\qquad \text{(centred difference)},
$$

where $e_i$ is the unit vector of entry $i$. Why centred? Taylor's expansion
$g(x \pm h e_i) = g(x) \pm h g' + \tfrac{h^2}{2} g'' \pm \tfrac{h^3}{6} g''' + \dots$ shows that
the one-sided difference $(g(x + h e_i) - g(x))/h$ has an error of order $h$, while the centred
one cancels the $h^2$ terms and has an error of order $h^2$. With $h = 10^{-5}$ in float64 that
is about $10^{-10}$ instead of $10^{-5}$: a correct backward pass then agrees to a relative
error around $10^{-8}$ or better, and a wrong one is off by orders of magnitude. (Smaller $h$
is not better: the two values of $g$ become so close that rounding errors, about
$10^{-16}/h$, take over.)

Always check in **float64**: float32 has only 7 significant digits, and the rounding error
of the difference would hide bugs.
""")

md(r"""
### Exercise 2: `numerical_gradient` (3 points)

Write `numerical_gradient(f, x, df, h=1e-5)`: the centred-difference gradient of
`np.sum(f(x) * df)` with respect to every entry of `x`.

* `f` is a function of `x` alone that returns an array of any shape (or a number); `df` has
  the shape of `f(x)`.
* `x` may have any shape: loop over its entries with
  `for ix in np.ndindex(x.shape):` (which gives index tuples such as `(2, 0, 3)`).
* Change `x[ix]` **in place**, call `f(x)`, and **restore it** afterwards: `x` must hold its
  original values when your function returns (the test checks).
* `f` may return an array that it modifies later or a view of `x`: copy what it returns
  (`np.array(f(x), dtype=float)`) before you change `x` again.
* Return a float array shaped like `x`.
""")

answer("numerical_gradient", r'''
def numerical_gradient(f, x, df, h=1e-5):
    """Centred-difference gradient of np.sum(f(x) * df) with respect to x.

    f: a function of x alone, returning an array (any shape) or a number
    x: float array (any shape), changed in place during the check and restored
    df: upstream gradient, the shape of f(x)
    h: step size
    Returns grad: float array, the shape of x.
    """
    ### BEGIN SOLUTION
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64)  # a copy: f may return a view of x
        x[ix] = old - h
        minus = np.array(f(x), dtype=np.float64)
        x[ix] = old  # restore
        grad[ix] = np.sum((plus - minus) * df) / (2 * h)
    return grad
    ### END SOLUTION
''')

test("numerical_gradient__values", 2, r'''
"""Does numerical_gradient return the (centred) gradient of sum(f(x) * df), shaped like x?"""
_numerical_gradient = rl.grading.guarded(
    numerical_gradient, rl.gradcheck.numerical_gradient, rl.gradcheck.check_gradients)
_rng = np.random.default_rng(51)
_x = _rng.normal(size=(3, 4))
_df = _rng.normal(size=(3, 4))
_x_before = _x.copy()
_got = _numerical_gradient(lambda v: v**3, _x, _df)
rl.checks.check_shape("grad", _got, (3, 4), hint="the gradient has the shape of x")
rl.checks.check_dtype("grad", _got, "float")
_h = 1e-5
rl.checks.check_close("grad of sum(x**3 * df)", _got, 3 * _x_before**2 * _df, atol=1e-7, rtol=1e-6, diagnoses={
    "ignored df (the gradient of sum(f(x)))": 3 * _x_before**2,
    "divided by h instead of 2h": 2 * 3 * _x_before**2 * _df,
})
rl.checks.check_close("x after the call (it must be restored)", _x, _x_before, atol=0, rtol=0)
# a function with a different output shape: f(x) = x @ W, (2, 5) from x (2, 3)
_W = _rng.normal(size=(3, 5))
_x2, _df2 = _rng.normal(size=(2, 3)), _rng.normal(size=(2, 5))
rl.checks.check_close("grad of sum((x @ W) * df)", _numerical_gradient(lambda v: v @ _W, _x2, _df2),
                      _df2 @ _W.T, atol=1e-7)
print("numerical_gradient: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_ng_inputs(rng):
    shape = tuple(int(v) for v in rng.integers(1, 4, size=int(rng.integers(1, 4))))
    W = rng.normal(size=(shape[-1], 3))
    return {"f": lambda v: np.tanh(v @ W) + v.sum(), "x": rng.normal(size=shape),
            "df": rng.normal(size=shape[:-1] + (3,))}

rl.grading.check_against_reference(_numerical_gradient, rl.gradcheck.numerical_gradient, _make_ng_inputs,
                                   trials=5, seed=5105, atol=1e-8)
### END HIDDEN TESTS
''')

test("numerical_gradient__centred", 1, r'''
"""Is the difference centred (error of order h**2), and does it work for a 3-D x and a scalar f?"""
_numerical_gradient = rl.grading.guarded(
    numerical_gradient, rl.gradcheck.numerical_gradient, rl.gradcheck.check_gradients)
# for f = x**3 the centred difference is exactly 3x**2 + h**2; a one-sided one is 3x**2 + 3xh + h**2
_x = np.array([0.5, -1.0, 2.0])
_h = 1e-2
_got = _numerical_gradient(lambda v: v**3, _x, np.ones(3), h=_h)
rl.checks.check_close("grad of sum(x**3) with h = 0.01", _got, 3 * _x**2 + _h**2, atol=1e-9, rtol=0, diagnoses={
    "a one-sided difference (f(x + h) - f(x)) / h": 3 * _x**2 + 3 * _x * _h + _h**2,
    "a one-sided difference (f(x) - f(x - h)) / h": 3 * _x**2 - 3 * _x * _h + _h**2,
    "ignored the h argument (used 1e-5)": 3 * _x**2 + 1e-10,
})
# a 3-D x and a function that returns a number (df is then a number too)
_x3 = np.random.default_rng(52).normal(size=(2, 3, 2))
_got3 = _numerical_gradient(lambda v: float(np.sum(np.sin(v))), _x3, 1.0)
rl.checks.check_shape("grad for a 3-D x", _got3, (2, 3, 2))
rl.checks.check_close("grad of sum(sin(x))", _got3, np.cos(_x3), atol=1e-8)
print("numerical_gradient: visible property tests passed")

### BEGIN HIDDEN TESTS
# f returns a view of x: the two evaluations must not alias each other
_xv = np.random.default_rng(53).normal(size=(4,))
rl.checks.check_close("grad of sum(x * df) with f returning x itself",
                      _numerical_gradient(lambda v: v, _xv, np.arange(4.0)), np.arange(4.0), atol=1e-8)
# float32 x must come back as float32 with its values restored
_x32 = np.linspace(-1, 1, 5).astype(np.float32)
_before32 = _x32.copy()
_numerical_gradient(lambda v: v**2, _x32, np.ones(5), h=1e-2)
rl.checks.check_close("float32 x after the call", _x32, _before32, atol=0, rtol=0)
### END HIDDEN TESTS
''')

md(r"""
With `numerical_gradient` written, checking a backward pass is a loop over its inputs;
`rl.gradcheck.check_gradients(forward, inputs, grads, dout)` does exactly that (with rnnlib's
own numerical gradient) and reports the relative error $\max|a - n| / \max(|a|, |n|)$ of each.
Here your step backward is checked with **your** numerical gradient, input by input:
""")

code(r"""
inputs = {"x": rng.normal(size=(4, 3)), "prev_h": rng.normal(size=(4, 5)),
          "Wx": rng.normal(size=(3, 5)) / 2, "Wh": rng.normal(size=(5, 5)) / 2, "b": rng.normal(size=5)}
dnext_h = rng.normal(size=(4, 5))
_, cache = rl.rnn.rnn_step_forward(**inputs)
analytic = dict(zip(inputs, rnn_step_backward(dnext_h, cache)))

errors = {}
for name in inputs:
    def f(value, name=name):  # the forward step as a function of one input
        return rl.rnn.rnn_step_forward(**{**inputs, name: value})[0]
    numeric = numerical_gradient(f, inputs[name].copy(), dnext_h)
    errors[name] = rl.gradcheck.rel_error(analytic[name], numeric)
    print(f"{name:>6}: relative error {errors[name]:.1e}")
rl.plot.gradcheck_bars(errors)
plt.show()
""")

# =========================================================================== 4. sequence backward
md(r"""
## 4. The chain rule through time

For a whole sequence, the forward pass `rl.rnn.rnn_forward(x, h0, Wx, Wh, b, mask=None)`
returns the states `h` (N, T, H) and a cache with, among others,

| field | shape | meaning |
|---|---|---|
| `cache.x` | (N, T, D) | the inputs |
| `cache.prev_h` | (N, T, H) | the state *entering* each step: `prev_h[:, 0]` is $h_0$, `prev_h[:, t]` is $h_t$ |
| `cache.next_h` | (N, T, H) | what the cell computed at each step, $\tanh(a_t)$ |
| `cache.Wx`, `cache.Wh` | (D, H), (H, H) | the weights |
| `cache.mask` | (N, T) bool or None | the mask it was called with |

The backward pass gets `dh` (N, T, H), the gradient of the loss with respect to every output
(from the layers above), and walks back in time, carrying `dstate`, the gradient that reaches
the state from the steps after it (zero after the last step):

```
dstate = 0
for t = T-1 down to 0:
    dnext_h = dh[:, t] + dstate                       # both consumers of h_t
    (dx[:, t], dstate, dWx_t, dWh_t, db_t) = one step backward at step t
    dWx += dWx_t;  dWh += dWh_t;  db += db_t          # shared weights: sum over time
dh0 = dstate
```

The step's backward needs that step's `x`, `prev_h` and `next_h` (you may call your
`rnn_step_backward` with `rl.rnn.RNNStepCache(x, prev_h, Wx, Wh, next_h)` built from slices of the
sequence cache, or write the few lines again).

**A silent bug.** Use `cache.prev_h[:, t]` for the state entering step t. A tempting
shortcut is `cache.next_h[:, t - 1]` ("the previous step's output"): at t = 0 NumPy reads index
−1, the *last* step, instead of $h_0$. Every shape is right, the outputs of the forward pass are
untouched, and $\bar W_h$ is wrong by one term. Only a gradient check finds it:
""")

code(r"""
def rnn_backward_buggy(dh, cache):
    '''The sequence backward pass with the initial state's slot taken from the last step.'''
    N, T, H = dh.shape
    dx, dWx, dWh, db = np.zeros_like(cache.x), np.zeros_like(cache.Wx), np.zeros_like(cache.Wh), np.zeros(H)
    dstate = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = cache.next_h[:, t - 1]            # BUG at t = 0: next_h[:, -1] is the last step, not h0
        step = rl.rnn.RNNStepCache(cache.x[:, t], prev_h, cache.Wx, cache.Wh, cache.next_h[:, t])
        dx[:, t], dstate, dWx_t, dWh_t, db_t = rl.rnn.rnn_step_backward(dh[:, t] + dstate, step)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dstate, dWx, dWh, db

seq = {"x": rng.normal(size=(3, 6, 4)), "h0": rng.normal(size=(3, 5)),
       "Wx": rng.normal(size=(4, 5)) / 2, "Wh": rng.normal(size=(5, 5)) / 2, "b": rng.normal(size=5)}
dh_seq = rng.normal(size=(3, 6, 5))
_, seq_cache = rl.rnn.rnn_forward(**seq)
buggy = dict(zip(seq, rnn_backward_buggy(dh_seq, seq_cache)))
print("shapes all right:", all(buggy[k].shape == seq[k].shape for k in seq))
print(rl.gradcheck.check_gradients(rl.rnn.rnn_forward, seq, buggy, dh_seq))
""")

md(r"""
### Masks: steps that did not happen

A padded batch comes with a mask (N, T), `True` at real steps. Keras's rule (notebook 02),
which rnnlib's forward follows: at a masked step the cell's computation is **not used**, the
state is carried over unchanged, and the output repeats the previous output (zeros before
the first real step, whatever $h_0$ is):

$$
\text{real step: } h_t = \tanh(a_t),\ \text{out}_t = h_t; \qquad
\text{masked step: } h_t = h_{t-1},\ \text{out}_t = \text{out}_{t-1}\ (\text{out}_0 = 0).
$$

Backward, reverse each rule. Carry **two** gradients back through time: `dstate` (reaching
the state from later steps) and `dout` (reaching a repeated output from later masked steps).
At step t, per row n:

* **real step:** `dnext_h = dh[:, t] + dout + dstate`; do the step's backward with it (as
  without a mask); then `dstate` becomes the step's `dprev_h` and `dout` becomes 0;
* **masked step:** nothing is computed, so `dx[:, t]` and this step's weight gradients are
  0; `dstate` passes through unchanged, and `dout` collects `dh[:, t]` (the repeated output
  *is* the previous output).

At the end `dh0 = dstate`; what is left in `dout` belonged to the constant zeros before the
first real step and is dropped. Rows differ (one row may be masked where another is not):
use `np.where(mask[:, t, None], a, b)` to choose per row, and multiply by
`mask[:, t, None]` to zero the masked rows of the step's gradient. A fully masked row gives
zero gradients everywhere, `dh0` included: its outputs are the constant zeros.
""")

md(r"""
### Exercise 3: `rnn_backward` (5 points)

Write backpropagation through time for `rl.rnn.rnn_forward`: given `dh` (N, T, H) and the
sequence `cache`, return `dx` (N, T, D), `dh0` (N, H), `dWx` (D, H), `dWh` (H, H),
`db` (H,).

* Loop backwards over time, carry the gradient of the state, **sum** the weight gradients
  over steps.
* The state entering step t is `cache.prev_h[:, t]` (not `cache.next_h[:, t - 1]`).
* Handle `cache.mask` (None: every step is real) as described above: leading, middle and
  trailing masked steps and a fully masked row are all tested.
""")

answer("rnn_backward", r'''
def rnn_backward(dh, cache):
    """Backpropagation through time for rl.rnn.rnn_forward, with Keras's mask rule.

    dh: upstream gradient of every output, (N, T, H)
    cache: from rl.rnn.rnn_forward, with fields x (N, T, D), Wx (D, H), Wh (H, H),
        mask ((N, T) bool or None), prev_h (N, T, H), next_h (N, T, H)
    Returns dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    ### BEGIN SOLUTION
    N, T, H = cache.next_h.shape
    mask = np.ones((N, T), bool) if cache.mask is None else cache.mask
    dx = np.zeros(cache.x.shape, dtype=np.result_type(dh, cache.x))  # (N, T, D)
    dWx, dWh, db = np.zeros_like(cache.Wx), np.zeros_like(cache.Wh), np.zeros(H, dtype=dh.dtype)
    dstate = np.zeros((N, H), dtype=dh.dtype)  # gradient reaching the state from later steps
    dout = np.zeros((N, H), dtype=dh.dtype)  # gradient of a repeated output (masked steps)
    for t in reversed(range(T)):
        m = mask[:, t, None]  # (N, 1) True where step t is real
        dnext_h = (dh[:, t] + dout + dstate) * m  # (N, H) only real steps compute
        step = rl.rnn.RNNStepCache(cache.x[:, t], cache.prev_h[:, t], cache.Wx, cache.Wh,
                                   cache.next_h[:, t])
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dnext_h, step)
        dx[:, t] = dx_t
        dWx += dWx_t  # shared weights: sum over time
        dWh += dWh_t
        db += db_t
        dstate = np.where(m, dprev_h, dstate)  # a masked step passes its state gradient on
        dout = np.where(m, 0, dout + dh[:, t])  # a masked output is the previous output
    return dx, dstate, dWx, dWh, db
    ### END SOLUTION
''')

test("rnn_backward__values", 2, r'''
"""Does rnn_backward (no mask) return dx, dh0, dWx, dWh, db equal to the reference?"""
_rnn_backward = rl.grading.guarded(rnn_backward, rl.rnn.rnn_backward)
_rng = np.random.default_rng(61)
_N, _T, _D, _H = 2, 5, 3, 4  # all different, so a swapped axis shows as a wrong shape
_x, _h0 = _rng.normal(size=(_N, _T, _D)), _rng.normal(size=(_N, _H))
_Wx, _Wh, _b = _rng.normal(size=(_D, _H)) / 2, _rng.normal(size=(_H, _H)) / 2, _rng.normal(size=_H)
_, _cache = rl.rnn.rnn_forward(_x, _h0, _Wx, _Wh, _b)
_dh = _rng.normal(size=(_N, _T, _H))
_expected = rl.rnn.rnn_backward(_dh, _cache)
# what the silent bug gives: the state entering step 0 read from the last step
_bug = rl.rnn.rnn_backward(_dh, _cache._replace(prev_h=np.roll(_cache.next_h, 1, axis=1)))
# no gradient through the state: every step on its own
_da = _dh * (1 - _cache.next_h**2)
_no_chain = (_da @ _Wx.T, np.zeros((_N, _H)), np.einsum("ntd,nth->dh", _x, _da),
             np.einsum("ntg,nth->gh", _cache.prev_h, _da), _da.sum(axis=(0, 1)))
_got = _rnn_backward(_dh, _cache)
assert isinstance(_got, (tuple, list)) and len(_got) == 5, (
    f"rnn_backward should return 5 arrays (dx, dh0, dWx, dWh, db), got {type(_got).__name__}")
for _k, (_name, _shape) in enumerate(zip(("dx", "dh0", "dWx", "dWh", "db"),
                                         ((_N, _T, _D), (_N, _H), (_D, _H), (_H, _H), (_H,)))):
    rl.checks.check_shape(_name, _got[_k], _shape)
    rl.checks.check_dtype(_name, _got[_k], "float")
    rl.checks.check_close(_name, _got[_k], _expected[_k], diagnoses={
        "the state entering step 0 was read from the last step (next_h[:, t-1] at t = 0 is next_h[:, -1]), "
        "not from h0": _bug[_k],
        "no gradient from later steps through the state (dstate never added)": _no_chain[_k],
        "summed only the last step's contribution (the first step's in the loop)":
            rl.rnn.rnn_backward(_dh * (np.arange(_T) == _T - 1)[None, :, None], _cache)[_k],
    })
# T = 1: one step of BPTT is one step backward
_, _c1 = rl.rnn.rnn_forward(_x[:, :1], _h0, _Wx, _Wh, _b)
for _k, _g in enumerate(_rnn_backward(_dh[:, :1], _c1)):
    rl.checks.check_close(f"output [{_k}] for T = 1", _g, rl.rnn.rnn_backward(_dh[:, :1], _c1)[_k])
print("rnn_backward: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_seq_backward_inputs(rng):
    N, T, D, H = (int(v) for v in rng.integers(1, 7, size=4))
    _, cache = rl.rnn.rnn_forward(rng.normal(size=(N, T, D)), rng.uniform(-1, 1, size=(N, H)),
                                  rng.normal(size=(D, H)), rng.normal(size=(H, H)) / np.sqrt(H), rng.normal(size=H))
    return {"dh": rng.normal(size=(N, T, H)), "cache": cache}

rl.grading.check_against_reference(_rnn_backward, rl.rnn.rnn_backward, _make_seq_backward_inputs,
                                   trials=6, seed=6101)
### END HIDDEN TESTS
''')

test("rnn_backward__mask", 2, r'''
"""With a mask (leading, middle, trailing masked steps, a fully masked row), does rnn_backward
follow Keras's rule?"""
_rnn_backward = rl.grading.guarded(rnn_backward, rl.rnn.rnn_backward)
_rng = np.random.default_rng(62)
_N, _T, _D, _H = 4, 6, 3, 5
_mask = np.ones((_N, _T), bool)
_mask[0, :2] = False         # leading masked steps (pre-padding)
_mask[1, 2:4] = False        # masked steps in the middle
_mask[2, -2:] = False        # trailing masked steps (post-padding)
_mask[3] = False             # a fully masked row
_x, _h0 = _rng.normal(size=(_N, _T, _D)), _rng.normal(size=(_N, _H))
_Wx, _Wh, _b = _rng.normal(size=(_D, _H)) / 2, _rng.normal(size=(_H, _H)) / 2, _rng.normal(size=_H)
_, _cache = rl.rnn.rnn_forward(_x, _h0, _Wx, _Wh, _b, mask=_mask)
_dh = _rng.normal(size=(_N, _T, _H))
_expected = rl.rnn.rnn_backward(_dh, _cache)
_got = _rnn_backward(_dh, _cache)
assert isinstance(_got, (tuple, list)) and len(_got) == 5, (
    f"rnn_backward should return 5 arrays (dx, dh0, dWx, dWh, db), got {type(_got).__name__}")
_ignored = rl.rnn.rnn_backward(_dh, _cache._replace(mask=None))
for _k, _name in enumerate(("dx", "dh0", "dWx", "dWh", "db")):
    rl.checks.check_shape(_name, _got[_k], _expected[_k].shape)
    rl.checks.check_close(f"{_name} (masked)", _got[_k], _expected[_k], diagnoses={
        "ignored the mask (every step treated as real)": _ignored[_k],
    })
rl.checks.check_close("dx at masked steps", np.asarray(_got[0])[~_mask], np.zeros(((~_mask).sum(), _D)))
print("rnn_backward with a mask: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_masked_inputs(rng):
    N, T, D, H = (int(v) for v in rng.integers(1, 7, size=4))
    mask = rng.random((N, T)) < 0.6
    _, cache = rl.rnn.rnn_forward(rng.normal(size=(N, T, D)), rng.uniform(-1, 1, size=(N, H)),
                                  rng.normal(size=(D, H)), rng.normal(size=(H, H)) / np.sqrt(H),
                                  rng.normal(size=H), mask=mask)
    return {"dh": rng.normal(size=(N, T, H)), "cache": cache}

rl.grading.check_against_reference(_rnn_backward, rl.rnn.rnn_backward, _make_masked_inputs,
                                   trials=8, seed=6202)
### END HIDDEN TESTS
''')

test("rnn_backward__gradcheck", 1, r'''
"""Does rnn_backward pass a gradient check (float64, masked), and agree with TensorFlow's
GradientTape on a Keras SimpleRNN?"""
_rnn_backward = rl.grading.guarded(rnn_backward, rl.rnn.rnn_backward)
_rng = np.random.default_rng(63)
_mask = np.array([[True, True, False, True, True], [False, True, True, True, False]])
_inputs = {"x": _rng.normal(size=(2, 5, 3)), "h0": _rng.normal(size=(2, 4)),
           "Wx": _rng.normal(size=(3, 4)) / 2, "Wh": _rng.normal(size=(4, 4)) / 2, "b": _rng.normal(size=4)}
_dh = _rng.normal(size=(2, 5, 4))
_, _cache = rl.rnn.rnn_forward(**_inputs, mask=_mask)
_grads = dict(zip(_inputs, _rnn_backward(_dh, _cache)))
_report = rl.gradcheck.check_gradients(lambda **kw: rl.rnn.rnn_forward(**kw, mask=_mask), _inputs, _grads, _dh)
print(_report)
assert _report.passed, f"the gradient check fails; worst: {_report.worst} (see the report above)"

### BEGIN HIDDEN TESTS
import os as _os
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras as _keras
import tensorflow as _tf

for _seed in (1, 2, 3):
    _r = np.random.default_rng(6300 + _seed)
    _N, _T, _D, _H = (int(v) for v in _r.integers(1, 6, size=4))
    _p = {"Wx": _r.normal(size=(_D, _H)) / 2, "Wh": _r.normal(size=(_H, _H)) / 2, "b": _r.normal(size=_H)}
    _x, _h0, _dh = _r.normal(size=(_N, _T, _D)), _r.normal(size=(_N, _H)), _r.normal(size=(_N, _T, _H))
    _m = _r.random((_N, _T)) < 0.7
    _layer = _keras.layers.SimpleRNN(_H, return_sequences=True, dtype="float64")
    _layer.build((None, _T, _D))
    rl.keras_io.params_to_keras(_p, _layer)
    _xt, _h0t = _tf.constant(_x), _tf.constant(_h0)
    with _tf.GradientTape() as _tape:
        _tape.watch([_xt, _h0t])
        _loss = _tf.reduce_sum(_layer(_xt, initial_state=_h0t, mask=_tf.constant(_m)) * _dh)
    _tf_grads = _tape.gradient(_loss, [_xt, _h0t, _layer.cell.kernel, _layer.cell.recurrent_kernel,
                                       _layer.cell.bias])
    _, _c = rl.rnn.rnn_forward(_x, _h0, mask=_m, **_p)
    _mine = _rnn_backward(_dh, _c)
    for _k, _name in enumerate(("dx", "dh0", "dWx", "dWh", "db")):
        rl.checks.check_close(f"{_name} against tf.GradientTape (N, T, D, H = {(_N, _T, _D, _H)})",
                              _mine[_k], np.asarray(_tf_grads[_k]), atol=1e-8)
    _report = rl.gradcheck.check_gradients(
        lambda **kw: rl.rnn.rnn_forward(**kw, mask=_m), {"x": _x, "h0": _h0, **_p},
        dict(zip(("x", "h0", "Wx", "Wh", "b"), _mine)), _dh)
    assert _report.passed, str(_report)
### END HIDDEN TESTS
''')

md(r"""
### The same gradients from TensorFlow

Keras never writes a backward pass: `tf.GradientTape` records the forward computation and
differentiates it automatically (reverse-mode automatic differentiation, which *is*
backpropagation, applied to whatever graph was recorded, the unrolled loop included). With
the same weights in a Keras `SimpleRNN` (float64, masked), its gradients and yours agree to
rounding:
""")

code(r"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import tensorflow as tf

N_k, T_k, D_k, H_k = 3, 7, 4, 5
params_k = {"Wx": rng.normal(size=(D_k, H_k)) / 2, "Wh": rng.normal(size=(H_k, H_k)) / 2, "b": rng.normal(size=H_k)}
x_k, h0_k = rng.normal(size=(N_k, T_k, D_k)), rng.normal(size=(N_k, H_k))
mask_k = np.arange(T_k)[None, :] < np.array([[7], [4], [2]])   # (N, T) post-padded lengths 7, 4, 2
dh_k = rng.normal(size=(N_k, T_k, H_k))                         # any upstream gradient

layer = keras.layers.SimpleRNN(H_k, return_sequences=True, dtype="float64")
layer.build((None, T_k, D_k))
rl.keras_io.params_to_keras(params_k, layer)
x_t, h0_t = tf.constant(x_k), tf.constant(h0_k)
with tf.GradientTape() as tape:
    tape.watch([x_t, h0_t])
    out = layer(x_t, initial_state=h0_t, mask=tf.constant(mask_k))
    loss = tf.reduce_sum(out * dh_k)                            # so that dloss/dout = dh_k
tf_grads = tape.gradient(loss, [x_t, h0_t, layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias])

_, cache_k = rl.rnn.rnn_forward(x_k, h0_k, mask=mask_k, **params_k)
for name, mine, theirs in zip(("dx", "dh0", "dWx", "dWh", "db"), rnn_backward(dh_k, cache_k), tf_grads):
    print(f"{name:>4}: max |yours - TensorFlow| = {np.max(np.abs(mine - np.asarray(theirs))):.1e}")
""")

# =========================================================================== 5. truncated BPTT
md(r"""
## 5. How far back does the gradient reach?

Write the chain of states out: the gradient of the loss at step t with respect to an earlier
state $h_s$ is a product of one Jacobian per step in between,

$$
\frac{\partial L_t}{\partial h_s} = \frac{\partial L_t}{\partial h_t}
\prod_{k=s+1}^{t} \frac{\partial h_k}{\partial h_{k-1}}, \qquad
\frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}(1 - h_k^2)\, W_h^\top
\quad\text{(as a map of row vectors: } \bar h_{k-1} = (\bar h_k \odot (1 - h_k^2))\, W_h^\top).
$$

The matrix below measures $\|\partial L_t / \partial h_s\|$ for an RNN with random weights
(H = 32, an orthogonal $W_h$: Keras's default `recurrent_initializer`) on a random sequence, by running that product back
from every t. It is zero above the diagonal (the future does not change the past) and, in
this network, fades quickly with the distance $t - s$: each factor shrinks it
(notebook 05 is about exactly this). This is what every step of the backward loop
accumulates.
""")

code(r"""
T_dep, H_dep = 30, 32
q, r = np.linalg.qr(rng.normal(size=(H_dep, H_dep)))
Wh_dep = q * np.sign(np.diag(r))                      # (H, H) orthogonal: every singular value is 1
h_dep, cache_dep = rl.rnn.rnn_forward(0.5 * rng.normal(size=(1, T_dep, 8)), np.zeros((1, H_dep)),
                                      rng.normal(size=(8, H_dep)) / np.sqrt(8), Wh_dep, np.zeros(H_dep))
dep = np.zeros((T_dep, T_dep))                        # dep[t, s] = ||dL_t / dh_s||
for t in range(T_dep):
    g = np.ones((1, H_dep)) / np.sqrt(H_dep)          # dL_t / dh_t for L_t = mean of h_t's units
    dep[t, t] = np.linalg.norm(g)
    for s in range(t - 1, -1, -1):                    # one Jacobian per step back
        g = (g * (1 - h_dep[:, s + 1] ** 2)) @ Wh_dep.T
        dep[t, s] = np.linalg.norm(g)
rl.plot.dependency_matrix(dep)
plt.show()
print("||dL_29/dh_s|| for s = 29, 24, 19, 9, 0:", "  ".join(f"{v:.1e}" for v in dep[29, [29, 24, 19, 9, 0]]))
""")

md(r"""
### Truncated BPTT

Full BPTT over a long text (a novel is a single sequence of 100,000 characters) would keep the
activations of every step for the backward pass and update the weights once per pass over the
text. **Truncated BPTT** cuts the sequence into windows of k steps and, for each window:

1. runs forward from the state the previous window **ended** with (the state is carried, so
   the model still *sees* context older than k steps);
2. backpropagates only within the window: the state entering the window is treated as a
   constant, so no gradient flows into earlier windows (the paths greyed out below);
3. updates the weights.

Slide the window length: the left panel is the unrolled graph, the right one the matrix
above with the pairs (t, s) that truncation drops greyed out. Whatever the model needs to
remember across more than k steps, it can still carry in its state; but the gradient never
*tells* it to, so such dependencies are learned only when shorter-range ones happen to
teach them.
""")

code(r"""
rl.widgets.truncation_slider(dep, window=10)
""")

md(r"""
**Cost.** Per character, the time of forward + backward does not depend on k: every step is
computed once forward and once backward, whatever the windows. The memory does: the backward
pass needs the cached inputs and states of the whole window, $O(N k (D + 2H))$ numbers, and full
BPTT over a sequence of length T would need $O(N T (D + 2H))$. Measured with rnnlib's forward and
your backward (N = 32, D = 32, H = 128, float32, 400 characters per stream):
""")

code(r"""
def bptt_cost(window, N=32, D=32, H=128, T_total=400, repeats=2):
    '''Time per character of forward + your backward over T_total steps in windows, and the cache size.'''
    r = np.random.default_rng(0)
    x = r.normal(size=(N, T_total, D)).astype(np.float32)
    W = {"Wx": (r.normal(size=(D, H)) / np.sqrt(D)).astype(np.float32),
         "Wh": (r.normal(size=(H, H)) / np.sqrt(H)).astype(np.float32), "b": np.zeros(H, np.float32)}
    best = np.inf
    for _ in range(repeats):
        start, h = time.perf_counter(), np.zeros((N, H), np.float32)
        for s in range(0, T_total, window):
            out, cache = rl.rnn.rnn_forward(x[:, s:s + window], h, **W)
            rnn_backward(np.ones_like(out), cache)
            h = cache.h_last                              # carried; its gradient is dropped
        best = min(best, time.perf_counter() - start)
    cache_bytes = sum(a.nbytes for a in (cache.x, cache.prev_h, cache.next_h))  # one window's cache
    return 1e6 * best / (N * T_total), cache_bytes / 1e6

windows = [5, 10, 25, 50, 100, 200, 400]
costs = np.array([bptt_cost(k) for k in windows])     # (len(windows), 2): µs per character, MB
for k, (us, mb) in zip(windows, costs):
    print(f"window {k:3d}: {us:5.1f} µs per character, cache {mb:6.2f} MB")
rl.plot.cost_curves(windows, costs[:, 0], costs[:, 1])
plt.show()
""")

md(r"""
The time per character is flat (very short windows pay a little Python overhead per call)
and the memory grows linearly with k. A whole stream of 114,000 characters in one window would
need several gigabytes for a batch of 32. Truncation trades the range of the gradient for
memory and for more frequent updates.
""")

# =========================================================================== 6. the character model
md(r"""
## 6. A character language model

A **character model** reads text one character at a time and, at every step, predicts the
next one: $p(c_{t+1} \mid c_1, \dots, c_t)$, a softmax over the V characters. The model:

$$
e_t = E[c_t] \ (N, 32), \qquad h_t = \tanh(e_t W_x + h_{t-1} W_h + b) \ (N, 128), \qquad
\text{logits}_t = h_t W_y + b_y \ (N, V),
$$

an embedding table $E$ (V, 32) (notebook 02), your RNN, and a temporal affine layer; the loss
is the mean cross-entropy, in **nats per character** ($\ln 2 \approx 0.69$ nats are one bit). A
model that knows nothing scores $\ln V$; every nat below that is structure it has learned.

The text: Jane Austen's *Lady Susan*, an epistolary novel of 127,000 characters that ships with
the `music21` package (its language detector's English sample), so nothing is downloaded.
The last 10% is held out; the model never trains on it.
""")

code(r"""
text = rl.text.lady_susan()
chars = rl.text.char_vocab(text)                      # sorted distinct characters: id = position
V = len(chars)
ids = rl.text.encode(text, chars)                     # (127431,) int32
train_ids, held_ids = rl.text.split_last(ids, 0.1)    # the first 90% and the last 10%, in order
print(f"{len(text):,} characters, V = {V} symbols; train {len(train_ids):,}, held out {len(held_ids):,}")
print(f"uniform model: ln V = {np.log(V):.2f} nats per character")
print(repr(text[2000:2300]))
""")

md(r"""
### The baseline: n-gram models

Before neural networks, language models counted. An **n-gram model** predicts the next
character from the previous $n - 1$ only:
$p(c \mid \text{context}) = \text{count}(\text{context}, c) / \text{count}(\text{context})$,
with counts from the training text. Unseen combinations would get probability 0 (an
infinite loss), so counts are smoothed:

* **add-k**: $(\text{count}(\text{context}, c) + k) / (\text{count}(\text{context}) + kV)$;
* **Kneser–Ney** (interpolated): subtracts a discount $d$ from every seen count and gives
  the freed probability to a lower-order model, built from how many *different* contexts a
  character follows. It is the classic best smoothing for n-grams.

k and d are chosen on the last 10% of the *training* text (validation), then the model is
refit on all of it and scored on the held-out text. Longer contexts help until the counts
become too sparse: the table has up to $V^n$ entries ($67^6 \approx 9 \cdot 10^{10}$ for n = 6)
for a text of $10^5$ characters.
""")

code(r"""
fit_ids, val_ids = rl.text.split_last(train_ids, 0.1)    # validation: the end of the training part
baselines = {}
with rl.training.Timer("fitting the n-gram models"):
    for n in range(1, 7):
        add_k = rl.ngram.fit_add_k(fit_ids, val_ids, n, V)
        kn = rl.ngram.fit_kneser_ney(fit_ids, val_ids, n, V)
        baselines[n] = {
            "add-k": rl.ngram.AddK(n, V, add_k.k).fit(train_ids).loss(held_ids, context=train_ids),
            "Kneser-Ney": rl.ngram.KneserNey(n, V, kn.d).fit(train_ids).loss(held_ids, context=train_ids),
            "k": add_k.k, "d": kn.d}
print(" n   add-k (k)          Kneser-Ney (d)     held-out nats per character")
for n, b in baselines.items():
    print(f" {n}   {b['add-k']:.3f} (k={b['k']:<5g})   {b['Kneser-Ney']:.3f} (d={b['d']:g})")
best_add_k = min(baselines[n]["add-k"] for n in range(1, 5))
best_kn = min(b["Kneser-Ney"] for b in baselines.values())
print(f"best add-k, n <= 4: {best_add_k:.3f}   best Kneser-Ney, n <= 6: {best_kn:.3f}")
""")

md(r"""
Add-k peaks at n = 4 and then gets worse (its smoothing gives too much to unseen
characters in sparse contexts); Kneser–Ney keeps improving up to n = 6 and is a strong
baseline. Remember both numbers.
""")

# --------------------------------------------------------------------------- exercise 4
md(r"""
### Exercise 4: `truncated_bptt` (4 points)

The forward and backward pass of the whole model over **one window** is given:
`rl.char_rnn.window_loss_and_grads(params, x, y, h0, backward=rnn_backward)` takes the
parameter dict (`E`, `Wx`, `Wh`, `b`, `Wy`, `by`), input ids `x` (N, k), target ids `y`
(N, k) and the entering state `h0` (N, H), and returns `(loss, grads, h_last)`: the mean loss
of the window in nats per character, a dict of gradients with the keys of `params`, and the
state after the window. The RNN part of its backward pass is the function you pass as
`backward=`: pass **your** `rnn_backward`.

Write `truncated_bptt(params, x, y, h0, window)` for sequences of T steps:

* cut the T steps into windows of `window` steps (the last one may be shorter);
* run each window from the state the previous one ended with (the first from `h0`);
* return the mean loss over **all** N·T characters, the gradient of that loss, and the final
  state. A window of k steps holds k/T of the characters, so its loss and gradients count
  with weight k/T (not 1/number of windows: the last window may be shorter).
""")

answer("truncated_bptt", r'''
def truncated_bptt(params, x, y, h0, window):
    """Loss and gradients of the character model by truncated BPTT over windows.

    params: dict of arrays E (V, D), Wx (D, H), Wh (H, H), b (H,), Wy (H, V), by (V,)
    x, y: input and target character ids, (N, T)
    h0: state entering the first window, (N, H)
    window: steps per window (the last window may be shorter)
    Returns (loss, grads, h_last): the mean loss over all N*T characters (a float), a dict
    of gradients with the keys of params, and the state after the last step (N, H).
    """
    ### BEGIN SOLUTION
    T = x.shape[1]
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in params.items()}, h0
    for start in range(0, T, window):
        stop = min(start + window, T)
        w_loss, w_grads, h = rl.char_rnn.window_loss_and_grads(
            params, x[:, start:stop], y[:, start:stop], h, backward=rnn_backward)
        weight = (stop - start) / T  # this window's share of the characters
        loss += weight * w_loss
        for k in grads:
            grads[k] += weight * w_grads[k]
    return loss, grads, h
    ### END SOLUTION
''')

test("truncated_bptt__values", 2, r'''
"""Does truncated_bptt carry the state across windows, weigh windows by their length, and return
the loss, the gradients and the final state of the reference?"""
_truncated_bptt = rl.grading.guarded(truncated_bptt, rl.char_rnn.truncated_bptt, rl.rnn.rnn_backward)
_rng = np.random.default_rng(71)
_V, _D, _H, _N, _T = 6, 4, 5, 3, 7
_params = {k: v + 0.1 * _rng.normal(size=v.shape)
           for k, v in rl.char_rnn.init_params(_V, _D, _H, seed=1, dtype=np.float64).items()}
_x, _y = _rng.integers(0, _V, size=(_N, _T)), _rng.integers(0, _V, size=(_N, _T))
_h0 = _rng.uniform(-0.5, 0.5, size=(_N, _H))
_exp_loss, _exp_grads, _exp_h = rl.char_rnn.truncated_bptt(_params, _x, _y, _h0, 3)  # windows 3, 3, 1

def _wrong(carry=True, weigh=True, last_only=False):
    # what a mistaken loop over the windows 0:3, 3:6, 6:7 gives
    loss, grads, h = 0.0, {k: np.zeros_like(v) for k, v in _params.items()}, _h0
    for s, e in ((0, 3), (3, 6), (6, 7)):
        l, g, h_new = rl.char_rnn.window_loss_and_grads(_params, _x[:, s:e], _y[:, s:e], h if carry else _h0)
        w = (e - s) / _T if weigh else 1 / 3
        if last_only:
            loss, grads = l, g
        else:
            loss += w * l
            grads = {k: grads[k] + w * g[k] for k in grads}
        h = h_new
    return loss, grads, h

_mistakes = {"every window starts again from h0 (the state is not carried)": _wrong(carry=False),
             "windows averaged with equal weights (the last one is shorter)": _wrong(weigh=False),
             "kept only the last window's loss and gradients": _wrong(last_only=True)}
_got = _truncated_bptt(_params, _x, _y, _h0, 3)
assert isinstance(_got, (tuple, list)) and len(_got) == 3, (
    f"truncated_bptt should return (loss, grads, h_last), got {type(_got).__name__}")
_loss, _grads, _h_last = _got
assert isinstance(_grads, dict) and set(_grads) == set(_params), (
    f"grads should be a dict with the keys {sorted(_params)}, got {type(_grads).__name__}"
    f"{' with keys ' + str(sorted(_grads)) if isinstance(_grads, dict) else ''}")
rl.checks.check_close("h_last", _h_last, _exp_h,
                      diagnoses={k: m[2] for k, m in _mistakes.items()})
rl.checks.check_close("loss", _loss, _exp_loss, diagnoses={k: m[0] for k, m in _mistakes.items()})
for _k in rl.char_rnn.PARAM_NAMES:
    rl.checks.check_shape(f"grads[{_k!r}]", _grads[_k], _params[_k].shape)
    rl.checks.check_close(f"grads[{_k!r}]", _grads[_k], _exp_grads[_k],
                          diagnoses={k: m[1][_k] for k, m in _mistakes.items()})
print("truncated_bptt: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_tbptt_inputs(rng):
    V, D, H, N, T = (int(v) for v in rng.integers(2, 7, size=5))
    params = {k: v + 0.1 * rng.normal(size=v.shape)
              for k, v in rl.char_rnn.init_params(V, D, H, seed=int(rng.integers(100)), dtype=np.float64).items()}
    return {"params": params, "x": rng.integers(0, V, size=(N, T)), "y": rng.integers(0, V, size=(N, T)),
            "h0": rng.uniform(-1, 1, size=(N, H)), "window": int(rng.integers(1, T + 2))}

def _flat_tbptt(fn):
    def run(**kw):
        loss, grads, h = fn(**kw)
        return (np.asarray(loss, dtype=float), *(np.asarray(grads[k]) for k in rl.char_rnn.PARAM_NAMES), h)
    run.__name__ = "truncated_bptt"
    return run

rl.grading.check_against_reference(_flat_tbptt(_truncated_bptt), _flat_tbptt(rl.char_rnn.truncated_bptt),
                                   _make_tbptt_inputs, trials=6, seed=7107)
### END HIDDEN TESTS
''')

test("truncated_bptt__properties", 2, r'''
"""With one window is truncated_bptt full BPTT, is the final state the same for every window
length, and is the gradient checked against finite differences?"""
_truncated_bptt = rl.grading.guarded(truncated_bptt, rl.char_rnn.truncated_bptt, rl.rnn.rnn_backward)
_rng = np.random.default_rng(72)
_V, _D, _H, _N, _T = 5, 3, 4, 2, 6
_params = {k: v + 0.1 * _rng.normal(size=v.shape)
           for k, v in rl.char_rnn.init_params(_V, _D, _H, seed=2, dtype=np.float64).items()}
_x, _y = _rng.integers(0, _V, size=(_N, _T)), _rng.integers(0, _V, size=(_N, _T))
_h0 = _rng.uniform(-0.5, 0.5, size=(_N, _H))
_full_loss, _full_grads, _full_h = rl.char_rnn.window_loss_and_grads(_params, _x, _y, _h0)
# one window as long as the sequence (or longer) is full BPTT
for _window in (_T, _T + 4):
    _loss, _grads, _h = _truncated_bptt(_params, _x, _y, _h0, _window)
    rl.checks.check_close(f"loss with window {_window} >= T", _loss, _full_loss)
    rl.checks.check_close(f"grads['Wh'] with window {_window} >= T", _grads["Wh"], _full_grads["Wh"])
# the state is carried, so the forward pass (loss and final state) ignores the window length
for _window in (1, 2, 4):
    _loss, _grads, _h = _truncated_bptt(_params, _x, _y, _h0, _window)
    _start = (_T - 1) // _window * _window  # the last window, run from h0 instead of the carried state
    rl.checks.check_close(f"h_last with window {_window}", _h, _full_h, diagnoses={
        "the state is not carried (each window starts from h0)":
            rl.char_rnn.forward(_params, _x[:, _start:], _h0)[1]})
    rl.checks.check_close(f"loss with window {_window}", _loss, _full_loss)
# the output layer's gradients (Wy, by) do not pass through the recurrence: truncation leaves
# them exact, so they match finite differences of the full loss
_loss, _grads, _ = _truncated_bptt(_params, _x, _y, _h0, 2)
for _k in ("Wy", "by"):
    _num = rl.gradcheck.numerical_gradient(
        lambda v: np.array(rl.char_rnn.window_loss_and_grads({**_params, _k: v}, _x, _y, _h0)[0]),
        _params[_k].copy(), np.array(1.0))
    rl.checks.check_close(f"grads[{_k!r}] against finite differences", _grads[_k], _num, atol=1e-7)
print("truncated_bptt: visible property tests passed")

### BEGIN HIDDEN TESTS
# windows of 3 over T = 6: the recurrent gradient differs from full BPTT (truncation shows)
_loss, _grads, _ = _truncated_bptt(_params, _x, _y, _h0, 3)
_ref = rl.char_rnn.truncated_bptt(_params, _x, _y, _h0, 3)
for _k in rl.char_rnn.PARAM_NAMES:
    rl.checks.check_close(f"grads[{_k!r}] with windows of 3", _grads[_k], _ref[1][_k])
assert not np.allclose(_ref[1]["Wh"], _full_grads["Wh"])
# float32 parameters, as in training: the gradients stay float32
_p32 = {k: v.astype(np.float32) for k, v in _params.items()}
_, _g32, _h32 = _truncated_bptt(_p32, _x, _y, _h0.astype(np.float32), 4)
for _k in rl.char_rnn.PARAM_NAMES:
    rl.checks.check_dtype(f"grads[{_k!r}] (float32 params)", _g32[_k], "float")
### END HIDDEN TESTS
''')

# --------------------------------------------------------------------------- training
md(r"""
### Training the character model with your BPTT

Training streams the text the usual way for character models: the training text is cut into
32 parallel streams (rows), each step takes the next window of 50 characters from every
stream, so each window continues the previous one and the state is carried (your
`truncated_bptt` with one window per step); each pass over the text starts at a random offset
with a zero state. The optimiser is Adam (learning rate falling linearly from 3e-3 to 3e-4)
with gradients clipped to a global norm of 5 (`rl.optim`; why clipping is needed is the subject
of notebook 05). Every 250 steps the held-out text is scored as one stream, the state carried
through all of it.

This is the long cell (about a minute on a laptop). `rl.checkpoint.fit_or_load_params` saves
the trained parameters and history in `artifacts/04_char_rnn.npz`; when your notebook is
graded, the grader **loads that file** instead of training again, so submit it with the
notebook.
""")

code(r"""
STEPS = 2000                                          # one step = one window of 32 x 50 characters

def train_char_model():
    params = rl.char_rnn.init_params(V, D=32, H=128, seed=0)           # float32
    history = rl.char_rnn.train(
        params, train_ids, steps=STEPS, batch_size=32, window=50, lr=3e-3, lr_end=3e-4, clip=5.0,
        step_fn=lambda p, x, y, h: truncated_bptt(p, x, y, h, window=50),  # your BPTT
        held_out=held_ids, eval_every=250, seed=0, log=print)
    return params, history

char_params = None  # stays None if training or loading fails, so that the graded cells below can say so
with rl.training.Timer("training the character model"):
    char_params, char_history = rl.checkpoint.fit_or_load_params("artifacts/04_char_rnn.npz", train_char_model)
""")

code(r"""
if char_params is not None:
    rl.plot.char_model_curve(char_history, {"add-k 4-gram": baselines[4]["add-k"],
                                            "Kneser-Ney 4-gram": baselines[4]["Kneser-Ney"],
                                            f"Kneser-Ney {min(baselines, key=lambda n: baselines[n]['Kneser-Ney'])}-gram": best_kn})
    plt.ylim(1.2, 2.6)
    plt.show()
    final = char_history["held_out"][-1]
    print(f"RNN after {char_history['step'][-1]} steps: {final:.3f} nats per character held out "
          f"(training windows {char_history['loss'][-1]:.3f})")
    print(f"add-k n-grams, n = 1..4: " + " / ".join(f"{baselines[n]['add-k']:.2f}" for n in range(1, 5)))
    print(f"Kneser-Ney n-grams, n = 1..6: " + " / ".join(f"{baselines[n]['Kneser-Ney']:.2f}" for n in range(1, 7)))
    for kind in ("add-k", "Kneser-Ney"):
        beaten = [n for n in baselines if final < baselines[n][kind]]
        print(f"the RNN beats {kind} for n = {beaten}, not for n = {[n for n in baselines if n not in beaten]}")
""")

md(r"""
Samples from the trained model: start from a prompt (which sets the state), then repeatedly
draw the next character from the softmax and feed it back in (notebook 03's one-to-many
generation). Dividing the logits by a temperature below 1 makes the model more conservative.
""")

code(r"""
if char_params is not None:
    prompt = "My dear Alicia,"
    for temperature in (0.5, 0.8, 1.0):
        out = rl.char_rnn.sample(char_params, rl.text.encode(prompt, chars), 240, temperature, seed=1)
        print(f"--- temperature {temperature}\n{prompt}{rl.text.decode(out, chars)}\n")
""")

# --------------------------------------------------------------------------- exercise 5
md(r"""
### Exercise 5: `stream_loss` (3 points)

The held-out score above treats the held-out text as **one stream**: the state is carried
through all of it, so the model predicts every character with everything before it as
context, as it would when reading. Write that evaluation yourself.

`stream_loss(params, ids, chunk=2000)`: the mean loss, in nats per character, of predicting
`ids[1:]` from `ids[:-1]` (the first character has nothing to be predicted from), run as a
batch of one sequence, in chunks of at most `chunk` characters (memory: the forward cache of a
100,000-step sequence is large) **with the state carried from chunk to chunk**, starting
from a zero state.

* `rl.char_rnn.forward(params, x, h0)` runs the model on ids `x` (N, T) from state `h0` (N, H)
  and returns `(logits, h_last)`: logits (N, T, V) and the final state.
* The loss of one character is $-\log \operatorname{softmax}(\text{logits})[\text{target}]$;
  compute the log-softmax stably (subtract the row maximum), or use
  `rl.layers.temporal_softmax_loss(logits, y)`, which returns the loss **summed over time**
  and averaged over N (and a gradient you do not need).
* Average over all `len(ids) - 1` predictions: chunks count by their length.
""")

answer("stream_loss", r'''
def stream_loss(params, ids, chunk=2000):
    """Mean loss (nats per character) of predicting ids[1:] from ids[:-1] as one stream.

    params: the character model's parameter dict (E, Wx, Wh, b, Wy, by)
    ids: character ids, (L,) int
    chunk: at most this many predictions per forward call; the state is carried across
    Returns a float.
    """
    ### BEGIN SOLUTION
    H = params["Wh"].shape[0]
    h = np.zeros((1, H), dtype=params["Wh"].dtype)  # (1, H) a batch of one stream
    total = 0.0
    for start in range(0, len(ids) - 1, chunk):
        stop = min(start + chunk, len(ids) - 1)
        x = ids[None, start:stop]  # (1, T)
        y = ids[None, start + 1:stop + 1]  # (1, T) the next characters
        logits, h = rl.char_rnn.forward(params, x, h)  # (1, T, V), state carried
        z = logits - logits.max(axis=-1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))  # (1, T, V)
        total -= np.take_along_axis(log_p, y[..., None], axis=-1).sum()
    return float(total / (len(ids) - 1))
    ### END SOLUTION
''')

test("stream_loss__values", 2, r'''
"""Does stream_loss give the mean loss of ids[1:] given ids[:-1], with the state carried across
chunks?"""
_stream_loss = rl.grading.guarded(stream_loss, rl.char_rnn.stream_loss)
_rng = np.random.default_rng(81)
_params = rl.char_rnn.init_params(7, 4, 6, seed=3, dtype=np.float64)
_params = {k: v + 0.3 * _rng.normal(size=v.shape) for k, v in _params.items()}
_ids = _rng.integers(0, 7, size=23)
_expected = rl.char_rnn.stream_loss(_params, _ids, chunk=1000)

def _chunked(reset, weigh=True, shift=1):
    # what a mistaken evaluation with chunks of 5 gives
    h, losses, counts = np.zeros((1, 6)), [], []
    for s in range(0, len(_ids) - shift, 5):
        x, y = _ids[None, s:s + 5], _ids[None, s + shift:s + 5 + shift]
        x = x[:, :y.shape[1]]
        logits, h_new = rl.char_rnn.forward(_params, x, np.zeros((1, 6)) if reset else h)
        losses.append(rl.layers.temporal_softmax_loss(logits, y)[0] / y.shape[1])
        counts.append(y.shape[1])
        h = h_new
    return np.average(losses, weights=counts if weigh else None)

_got = _stream_loss(_params, _ids, chunk=5)
assert np.ndim(_got) == 0, f"stream_loss should return one number, got {type(_got).__name__} of shape {np.shape(_got)}"
rl.checks.check_close("stream_loss with chunks of 5", float(_got), _expected, diagnoses={
    "the state restarts from zero in every chunk (not carried)": _chunked(reset=True),
    "chunks averaged with equal weights (the last one is shorter)": _chunked(reset=False, weigh=False),
    "predicted each character from itself (targets not shifted by one)": _chunked(reset=False, shift=0),
})
rl.checks.check_close("stream_loss in one chunk", float(_stream_loss(_params, _ids, chunk=1000)), _expected)
print("stream_loss: visible tests passed")

### BEGIN HIDDEN TESTS
def _make_stream_inputs(rng):
    V, D, H = (int(v) for v in rng.integers(2, 8, size=3))
    params = {k: v + 0.3 * rng.normal(size=v.shape)
              for k, v in rl.char_rnn.init_params(V, D, H, seed=int(rng.integers(100)), dtype=np.float64).items()}
    return {"params": params, "ids": rng.integers(0, V, size=int(rng.integers(2, 40))),
            "chunk": int(rng.integers(1, 12))}

rl.grading.check_against_reference(_stream_loss, rl.char_rnn.stream_loss, _make_stream_inputs,
                                   trials=6, seed=8108)
### END HIDDEN TESTS
''')

test("stream_loss__char_model", 1, r'''
"""Does the character model trained with your BPTT beat the best add-k n-gram (n <= 4) on the
held-out text, scored with your stream_loss?"""
assert char_params is not None, (
    "There is no trained character model: run the training cell above. When your notebook is graded, "
    "the parameters your own run saved to artifacts/04_char_rnn.npz are loaded instead of training "
    "again, so submit that file with the notebook.")
_stream_loss = rl.grading.guarded(stream_loss, rl.char_rnn.stream_loss)
_held = _stream_loss(char_params, held_ids)
rl.checks.check_close("your stream_loss of the trained model", _held,
                      rl.char_rnn.stream_loss(char_params, held_ids), atol=1e-4)
assert _held < best_add_k, (
    f"the trained model scores {_held:.3f} nats per character held out, not below the best add-k "
    f"n-gram ({best_add_k:.3f}): check truncated_bptt and rnn_backward, then rerun the training cell")
print(f"your model: {_held:.3f} nats per character held out; best add-k n-gram (n <= 4): {best_add_k:.3f}")

### BEGIN HIDDEN TESTS
_rl_params = {k: np.asarray(char_params[k]) for k in rl.char_rnn.PARAM_NAMES}
assert _rl_params["Wh"].shape == (128, 128) and _rl_params["E"].shape == (V, 32), (
    "the saved model does not have the notebook's sizes (E (V, 32), Wh (128, 128))")
assert rl.char_rnn.stream_loss(_rl_params, held_ids) < best_add_k
### END HIDDEN TESTS
''')

md(r"""
### What the numbers say

The RNN, trained for well under a minute with your NumPy BPTT, beats every add-k n-gram and the
Kneser–Ney models up to n = 3 (the lines above list them). It does **not** beat the Kneser–Ney
4-, 5- and 6-grams. On a text this small, a well-smoothed table of every 3- to 5-character
context is a strong baseline: an epistolary novel repeats its names and phrases ("Lady Susan",
"Mr. Vernon", "my dear"), which long n-grams memorise exactly.

The curve shows the other limit: the training loss falls faster than the held-out loss, and
the gap widens. With 115,000 characters, a 38,000-parameter RNN starts to memorise its
training text, and training much longer without regularisation does not help: the held-out
loss levels off and then rises again (`benchmarks/char_model.py` measures it). What moves a neural
model past the best n-grams is more text, regularisation and gated cells (notebook 06), not
more steps. The RNN is already far smaller than the tables it competes with (38,000 numbers
against hundreds of thousands of counted contexts), and it assigns sensible probabilities to
contexts it has never seen, which no table can.
""")

md(r"""
### Written answer (2 points)

The model was trained with windows of 50 characters. (a) Can it use information from more
than 50 characters back when it predicts the next character? (b) Can training teach it a
dependency that spans more than 50 characters, for example closing a quotation mark opened
80 characters earlier? Explain both with what truncated BPTT carries across a window boundary
and what it does not.
""")

written("truncation_answer", 2, r"""
*Model answer (for graders).*

(a) Yes. The forward pass carries the state across window boundaries (each window starts from
the state the previous one ended with, and evaluation streams the whole text), so information
from any distance can be present in $h_t$ and be used for the prediction.

(b) Not directly. The gradient stops at the start of each window: the state entering a window
is treated as a constant, so no gradient term connects a loss to inputs more than 50 steps (at
most the window's length) back. Training never adjusts the weights to *store* something for
longer than that. A longer dependency can still be picked up indirectly, when what is stored
for shorter-range reasons (e.g. "inside a quotation" is useful at every step and refreshed
within each window) happens to persist; but there is no learning signal for it as such. Longer
windows (more memory), or architectures whose gradients survive longer (notebooks 05–06),
are what help.
""")

md(r"""
## Summary

* Unrolled in time, an RNN is a deep network with one set of weights. Backpropagation through
  time is backpropagation on that graph, run from the last step back to the first.
* A state has two consumers, the loss at its step and the next step: the gradient reaching it
  is the sum of both, $\bar h_t = \partial L_t/\partial h_t + \bar h_{t+1}\,\partial h_{t+1}/\partial h_t$.
* A shared weight gets a gradient from every step, and the gradient of the shared weight is
  their **sum**, $\bar W_h = \sum_t h_{t-1}^\top \bar a_t$. Bugs here (a missing term, the
  initial state read from the wrong slot) keep every shape right: only a gradient check finds them.
* Centred differences, $(g(x+h) - g(x-h))/2h$, have an error of order $h^2$; check in float64.
  Your gradients agree with finite differences and with TensorFlow's `GradientTape`.
* Masked steps compute nothing: the state's gradient passes through them unchanged and a
  repeated output's gradient goes to the step it repeats.
* Truncated BPTT carries the state forward but cuts the gradient at each window's start: the
  memory of the backward pass is that of one window, the time per character is unchanged,
  and no gradient spans more than a window.
* A character RNN trained with your NumPy BPTT on *Lady Susan* beats every add-k n-gram and
  Kneser–Ney up to 3-grams on held-out text; the 4- to 6-gram Kneser–Ney models stay ahead of
  this small, briefly trained model on this small text, and the notebook says so.

**Next.** Notebook 05 looks at the product of Jacobians of section 5 closely: why it vanishes
or explodes with the length of the path, what clipping (used in the training above) does
about explosion, and why a plain RNN has a short memory. Notebook 06 builds the gated cells
that fix it.
""")


def build(out: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = CELLS
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                          "file_extension": ".py", "mimetype": "text/x-python",
                          "name": "python", "pygments_lexer": "ipython3"},
    }
    nbs.normalise(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(nbs.dumps(nb))
    print(f"wrote {out} ({len(CELLS)} cells)")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else
          Path(__file__).resolve().parent / "04_bptt.ipynb")
