"""ipywidgets demos for the notebooks. They call plot helpers and hold no model logic.

ipywidgets is imported inside the functions. One module per demo; add an explicit
import line below for each public function (tests/library/test_rnnlib.py fails when one
is missing; a module's ``__all__``, when it has one, says which names are public).
"""
from rnnlib.widgets.gate_activations import gate_explorer as gate_explorer
from rnnlib.widgets.gradient_flow import gradient_flow_slider as gradient_flow_slider
from rnnlib.widgets.motif import MotifSlider as MotifSlider
from rnnlib.widgets.motif import motif_slider as motif_slider
from rnnlib.widgets.motif import motif_variants as motif_variants
from rnnlib.widgets.temperature import TemperatureSlider as TemperatureSlider
from rnnlib.widgets.temperature import temperature_slider as temperature_slider
from rnnlib.widgets.truncation import truncation_slider as truncation_slider
from rnnlib.widgets.unit_memory import UnitMemoryExplorer as UnitMemoryExplorer
from rnnlib.widgets.unit_memory import describe as describe
from rnnlib.widgets.unit_memory import pulse_input as pulse_input
from rnnlib.widgets.unit_memory import unit_memory_explorer as unit_memory_explorer
