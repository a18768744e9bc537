"""Language models and sampling (``rl.lm``): softmax with temperature, sampling and greedy
decoding, smoothed n-gram models (add-k, Kneser-Ney), and notebook 04's character RNN."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
