"""Temperature slider for generated chorales (notebook 09): each move regenerates the
continuation at the new temperature, redraws its piano roll and replaces its audio player.

The widget holds no model logic: it calls ``generate(temperature) -> tokens (T, 4)``, given by
the notebook, and draws with :func:`rnnlib.plot.music.piano_roll` and
:func:`rnnlib.music.synthesize`; the audio plays in an ``ipywidgets.Audio`` player.
ipywidgets, matplotlib and IPython are imported inside.
"""

from __future__ import annotations


class ChoraleSampler:
    """A slider over temperatures; below it the piano roll and audio of ``generate(T)``.

    generate: ``f(temperature) -> tokens (T, 4)``; seed_steps: the given opening (shaded);
    steps_per_quarter, bpm, sample_rate: the grid, the tempo and the rate of the audio. The
    audio plays in an ``ipywidgets.Audio`` player (an ``<audio>`` element), whose WAV bytes
    travel as a binary buffer: an ``IPython.display.Audio`` inside the output area travels as
    base64 text in every output message, and made nbclient's runs stall. Display with
    ``display(sampler)``.
    """

    def __init__(
        self,
        generate,
        temperatures=(0.25, 0.5, 0.75, 1.0, 1.25, 1.5),
        value=1.0,
        seed_steps: int = 0,
        steps_per_quarter: int = 2,
        bpm: float = 80.0,
        sample_rate: int = 16000,
    ):
        import ipywidgets as widgets

        temps = [float(t) for t in temperatures]
        if not temps or min(temps) <= 0 or float(value) not in temps:
            raise ValueError(
                f"ChoraleSampler: value {value} should be one of the temperatures {temps}, all > 0"
            )
        self.generate, self.seed_steps = generate, int(seed_steps)
        self.steps_per_quarter, self.bpm, self.sample_rate = steps_per_quarter, bpm, sample_rate
        self.slider = widgets.SelectionSlider(
            options=[(f"{t:g}", t) for t in temps],
            value=float(value),
            description="temperature",
            continuous_update=False,
        )
        self.output = widgets.Output()
        self.player = widgets.Audio(format="wav", autoplay=False, loop=False)
        self.slider.observe(lambda change: self.draw(change["new"]), names="value")
        self.widget = widgets.VBox([self.slider, self.output, self.player])
        self.draw(float(value))

    def figure(self, tokens, temperature):
        """The piano roll of one continuation (the caller closes it)."""
        import matplotlib.pyplot as plt

        from rnnlib.plot.music import piano_roll

        fig, ax = plt.subplots(figsize=(11, 3.4))
        piano_roll(
            tokens,
            ax=ax,
            steps_per_quarter=self.steps_per_quarter,
            seed_steps=self.seed_steps,
            title=f"generated at temperature {temperature:g}",
        )
        fig.tight_layout()
        return fig

    def draw(self, temperature):
        """Generates at ``temperature`` and redraws the roll and the player."""
        import matplotlib.pyplot as plt
        from IPython.display import Audio, display

        from rnnlib.music.synth import synthesize

        self.temperature = float(temperature)
        self.tokens = self.generate(self.temperature)
        fig = self.figure(self.tokens, self.temperature)
        self.audio = synthesize(self.tokens, self.steps_per_quarter, self.bpm, self.sample_rate)
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)
        self.player.value = Audio(self.audio, rate=self.sample_rate).data  # WAV bytes

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
