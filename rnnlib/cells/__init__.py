"""Reference maths: NumPy recurrent cells and the layers around them (``rl.cells``).

Batch-major ``(N, T, D)``, row-vector weights in Keras's layout and gate order (LSTM i,f,c,o;
GRU z,r,h), ``*_forward``/``*_backward`` pairs with named-tuple caches; initialisers; the exact
weight transfer to and from Keras layers. What belongs here: a computation a notebook derives
and a test compares with Keras or with a numerical gradient."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
