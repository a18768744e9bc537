"""Music as tokens (``rl.music``): four-voice chorales on a fixed time grid with explicit rests
and holds, its exact inverse back to music21 scores, transposition, piano rolls, MIDI files,
audio synthesised in NumPy, and the next-step model and metrics of notebook 09."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
