"""Tests for the chorale temperature slider (rnnlib.widgets.chorale_sampler), headless."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib as rl  # noqa: E402


def _generate(temperature):
    tokens = np.full((8, 4), rl.music.HOLD)
    tokens[0] = [rl.music.pitch_token(p) for p in (72, 64, 55, 48)]
    tokens[4, 0] = rl.music.pitch_token(72 + int(temperature * 2))
    return tokens


def test_moving_the_slider_regenerates_and_plays():
    """Does a new temperature call generate again and show a roll and an audio player?"""
    calls = []
    sampler = rl.widgets.ChoraleSampler(
        lambda t: calls.append(t) or _generate(t),
        temperatures=(0.5, 1.0),
        value=1.0,
        seed_steps=2,
        sample_rate=8000,
    )
    assert calls == [1.0] and sampler.audio.dtype == np.float32 and sampler.audio.any()
    sampler.slider.value = 0.5  # what a user's drag does
    assert calls == [1.0, 0.5] and sampler.temperature == 0.5
    assert np.array_equal(sampler.tokens, _generate(0.5))
    assert sampler.player.value[:4] == b"RIFF" and sampler.player.format == "wav"
    fig = sampler.figure(sampler.tokens, 0.5)
    assert "temperature 0.5" in fig.axes[0].get_title()


def test_bad_temperatures_are_refused():
    """Is a start value that is not on the slider an error?"""
    with pytest.raises(ValueError, match="one of the temperatures"):
        rl.widgets.ChoraleSampler(_generate, temperatures=(0.5, 1.0), value=2.0)
