"""One module per data set (``rl.datasets``): seeded generators whose output is right by
definition (motif detection, the adding problem, the copy task, ...) and offline loaders of data
that packages ship (sunspots, *Lady Susan*, ...), with the cache of :mod:`rnnlib.data.cache`.
Nothing here downloads at import or without a checksum."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
