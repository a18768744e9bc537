"""Matplotlib helpers for the notebooks: each takes ``ax=None`` and returns the ``ax``.

matplotlib is imported inside the functions, so importing this package stays light.
One module per theme; add an explicit import line below for each public helper
(tests/library/test_rnnlib.py fails when one is missing).
"""
from rnnlib.plot.bptt import bptt_graph as bptt_graph
from rnnlib.plot.bptt import char_model_curve as char_model_curve
from rnnlib.plot.bptt import cost_curves as cost_curves
from rnnlib.plot.bptt import dependency_matrix as dependency_matrix
from rnnlib.plot.bptt import gradcheck_bars as gradcheck_bars
from rnnlib.plot.common import accuracy_table as accuracy_table
from rnnlib.plot.common import heatmap as heatmap
from rnnlib.plot.common import loss_curve as loss_curve
from rnnlib.plot.common import sequence_bars as sequence_bars
from rnnlib.plot.gated_cells import gate_heatmap as gate_heatmap
from rnnlib.plot.gated_cells import gate_traces as gate_traces
from rnnlib.plot.gated_cells import gradient_by_lag as gradient_by_lag
from rnnlib.plot.gated_cells import lstm_cell_diagram as lstm_cell_diagram
from rnnlib.plot.gradients import adding_results as adding_results
from rnnlib.plot.gradients import adding_sequence as adding_sequence
from rnnlib.plot.gradients import cliff as cliff
from rnnlib.plot.gradients import lag_norms as lag_norms
from rnnlib.plot.rnn_cell import embedding_lookup as embedding_lookup
from rnnlib.plot.rnn_cell import hidden_state_heatmap as hidden_state_heatmap
from rnnlib.plot.rnn_cell import input_at_step as input_at_step
from rnnlib.plot.rnn_cell import latch_diagram as latch_diagram
from rnnlib.plot.rnn_cell import unit_map as unit_map
from rnnlib.plot.rnn_cell import unit_response as unit_response
from rnnlib.plot.rnn_cell import unrolled_graph as unrolled_graph
from rnnlib.plot.sequences import accuracy_by_position as accuracy_by_position
from rnnlib.plot.sequences import motif_probabilities as motif_probabilities
from rnnlib.plot.sequences import motif_sequence as motif_sequence
from rnnlib.plot.sequences import padded_batch as padded_batch
from rnnlib.plot.sequences import sequence_matrix as sequence_matrix
from rnnlib.plot.topologies import forecast as forecast
from rnnlib.plot.topologies import four_topologies as four_topologies
from rnnlib.plot.topologies import temperature_bars as temperature_bars
from rnnlib.plot.topologies import topology as topology
