"""Gradient-flow explorer for notebook 05: sliders over sigma_1 of W_h and the nonlinearity,
redrawing ||dh_T/dh_{T-k}|| against the lag k on a log scale beside the bound.

Holds no model logic: the norms come from ``profile(sigma1, activation)`` (default
:func:`rnnlib.dynamics.jacobians.lag_profile`) and the figure from
:func:`rnnlib.plot.gradients.lag_norms`. ipywidgets is imported inside the function.
"""

from __future__ import annotations

NONLINEARITIES = ("tanh", "sigmoid", "linear")


def gradient_flow_slider(
    sigma1: float = 1.0,
    activation: str = "tanh",
    *,
    profile=None,
    sigma_range=(0.25, 2.0),
    fit_lags: int = 30,
):
    """Returns a widget: a FloatSlider over sigma_1, a Dropdown over the nonlinearity, and a
    log-scale plot of the gradient norm against the lag with the bound (gamma sigma_1)^k.
    The title prints the measured slope (over the first ``fit_lags`` lags) beside the bound's.

    profile: ``profile(sigma1, activation) -> norms by lag`` (default
    ``rnnlib.dynamics.jacobians.lag_profile``). Introduced in notebook 05.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from rnnlib.dynamics import jacobians
    from rnnlib.plot import gradients as plots

    if activation not in NONLINEARITIES:
        raise ValueError(
            f"gradient_flow_slider: activation should be one of {NONLINEARITIES}, "
            f"got {activation!r}"
        )
    lo, hi = sigma_range
    if not 0 < lo <= sigma1 <= hi:
        raise ValueError(f"gradient_flow_slider: sigma1 should be in [{lo}, {hi}], got {sigma1}")
    profile = profile or jacobians.lag_profile

    slider = widgets.FloatSlider(
        value=float(sigma1),
        min=lo,
        max=hi,
        step=0.05,
        description="σ₁(W_h)",
        continuous_update=False,
        readout_format=".2f",
    )
    dropdown = widgets.Dropdown(options=list(NONLINEARITIES), value=activation, description="f")
    out = widgets.Output()

    def draw(*_):
        s, act = float(slider.value), dropdown.value
        norms = profile(s, act)
        gamma_sigma = jacobians.activation(act).gamma * s
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(7, 4))
            measured = jacobians.log10_slope(norms[: fit_lags + 1])
            plots.lag_norms(
                {f"{act}, σ₁ = {s:.2f}": norms},
                ax=ax,
                bounds={f"{act}, σ₁ = {s:.2f}": gamma_sigma},
                title=f"slope: measured {measured:+.3f}, bound "
                f"log10(γσ₁) = {jacobians.predicted_log10_slope(s, act):+.3f}"
                " decades/step",
            )
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    slider.observe(draw, names="value")
    dropdown.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox([slider, dropdown]), out])
