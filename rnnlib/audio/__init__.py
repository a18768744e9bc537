"""Speech as data (``rl.audio``): eSpeak NG synthesis through the library and voices that the
``espeakng-loader`` wheel ships, resampling and noise at a chosen SNR, and the features a
recurrent keyword spotter reads (frames, log-mel spectrograms, MFCCs, per-utterance
normalisation). Introduced in notebook 08."""

from rnnlib._exports import exports

__getattr__, __dir__ = exports(__name__, __path__)
