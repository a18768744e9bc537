"""Matplotlib helpers for the notebooks: each takes ``ax=None`` and returns the ``ax``.

matplotlib is imported inside the functions, so importing this package stays light.
One module per theme; add an explicit import line below for each public helper.
"""
