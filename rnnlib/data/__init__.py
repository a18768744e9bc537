"""Turning raw sequences into arrays (``rl.data``): one-hot, padding and masks (Keras
semantics), bag of words, vocabularies, windows, streams, batches, seeded splits, and the cache
folder where loaders keep what they build. Nothing here knows a particular data set."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
