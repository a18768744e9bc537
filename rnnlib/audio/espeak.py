"""eSpeak NG speech synthesis in memory, through ctypes (notebook 08).

The ``espeakng-loader`` wheel ships ``libespeak-ng`` and its voice data; nothing is installed
system-wide and nothing is downloaded. eSpeak speaks at 22,050 Hz in 16-bit PCM. A voice is a
language (``"en"``, ``"en-us"``, ``"en-gb-scotland"``, ...) plus a *variant* from the data's
``voices/!v`` folder (``"m3"``, ``"klatt4"``, ``"whisper"``, ...): ``voice="en-us+m3"``.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import numpy as np

# espeak_AUDIO_OUTPUT: AUDIO_OUTPUT_SYNCHRONOUS hands every chunk to the callback, no device
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
# espeak_PARAMETER
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_EE_OK = 0

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class EspeakError(RuntimeError):
    """eSpeak NG cannot be loaded or refuses a request; the message says what is missing."""


class _Engine:
    """One initialised libespeak-ng (the library keeps global state: one per process)."""

    def __init__(self):
        self.lib, self.data_path = _load_library()
        rate = self.lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS,
            0,
            str(Path(self.data_path).parent).encode(),
            _INITIALIZE_DONT_EXIT,
        )
        if rate <= 0:
            raise EspeakError(
                f"espeak_Initialize failed (returned {rate}) with the voice data "
                f"at '{self.data_path}': the espeakng-loader install is damaged; "
                "reinstall it with `pip install --force-reinstall espeakng-loader`"
            )
        self.sample_rate = int(rate)
        self.chunks: list[np.ndarray] = []
        self.callback = _SYNTH_CALLBACK(self._collect)  # kept referenced: C holds the pointer
        self.lib.espeak_SetSynthCallback(self.callback)
        self.lock = threading.Lock()
        self.variants = frozenset(espeak_variants())
        # eSpeak keeps state from one utterance to the next; a few words in a few voices first
        # put it in the same place in every process, so that the same requests in the same
        # order give the same samples (tests/library/audio/test_espeak.py). One variant,
        # Demonic, reads state nothing has written and is never repeatable (datasets.keywords).
        for voice in ("en", "en+klatt", "en+whisper", "en"):
            self.synth("one two three", voice, 175, 50, 50)

    def _collect(self, wav, numsamples, events):
        if numsamples > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        return 0  # 0 = go on synthesising

    def synth(self, text: str, voice: str, rate: int, pitch: int, pitch_range: int) -> np.ndarray:
        variant = voice.split("+", 1)[1] if "+" in voice else None
        with self.lock:
            # eSpeak falls back to the plain language for an unknown variant: refuse it here
            if (
                variant is not None and variant not in self.variants
            ) or self.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                raise EspeakError(
                    f"eSpeak NG has no voice '{voice}': see "
                    "rl.audio.espeak_variants() for the variants and use "
                    "'language+variant', e.g. 'en-us+m3'"
                )
            for param, value in ((_RATE, rate), (_PITCH, pitch), (_RANGE, pitch_range)):
                self.lib.espeak_SetParameter(param, int(value), 0)
            self.chunks = []
            data = text.encode("utf-8")
            err = self.lib.espeak_Synth(
                data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            if err != _EE_OK:
                raise EspeakError(f"espeak_Synth failed with error {err} on {text!r}")
            self.lib.espeak_Synchronize()
            chunks, self.chunks = self.chunks, []
        if not chunks:
            return np.zeros(0, np.int16)
        return np.concatenate(chunks).astype(np.int16, copy=False)


_ENGINE: _Engine | None = None


def _load_library():
    """``(ctypes library, path of espeak-ng-data)`` from the espeakng-loader wheel."""
    try:
        import espeakng_loader
    except ImportError as e:
        raise EspeakError(
            "speech synthesis needs the Python package 'espeakng-loader' (it ships "
            "libespeak-ng and its voices): "
            "`pip install 'espeakng-loader>=0.2.4,<0.3'` or `make setup`"
        ) from e
    lib_path = Path(espeakng_loader.get_library_path())
    if not lib_path.exists():
        raise EspeakError(
            f"espeakng-loader is installed but its library '{lib_path}' is missing "
            "(a wheel for another platform?); reinstall espeakng-loader"
        )
    try:
        data_path = espeakng_loader.get_data_path()
    except RuntimeError as e:
        raise EspeakError(f"espeakng-loader's voice data is missing: {e}") from e
    try:
        lib = ctypes.CDLL(str(lib_path))
    except OSError as e:
        raise EspeakError(f"cannot load the eSpeak NG library '{lib_path}': {e}") from e
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    return lib, data_path


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


def espeak_sample_rate() -> int:
    """The rate eSpeak NG speaks at, in Hz (22,050)."""
    return _engine().sample_rate


def espeak_variants() -> list[str]:
    """The voice variants the wheel ships (``voices/!v``), sorted: ``["Alex", ..., "m1", ...]``."""
    _, data_path = _load_library()
    return sorted(p.name for p in (Path(data_path) / "voices" / "!v").iterdir() if p.is_file())


def synthesize(
    text: str, voice: str = "en", *, rate: int = 175, pitch: int = 50, pitch_range: int = 50
) -> np.ndarray:
    """``text`` spoken by eSpeak NG: 16-bit PCM at :func:`espeak_sample_rate`, ``(S,)`` int16.

    voice: ``"language"`` or ``"language+variant"`` (``"en-us+m3"``). rate: words per minute
    (80-450). pitch, pitch_range: 0-100 (eSpeak's scale; 50 is the voice's own).
    """
    return _engine().synth(text, voice, rate, pitch, pitch_range)
