"""Where a submission's code runs: what it may use (`limits`), its cgroups (`cgroups`), the
bubblewrap sandbox (`bwrap`), a Jupyter kernel inside it (`kernel_manager`) and nbgrader's Execute
with that kernel (`nbgrader_execute`); the warm sandbox: the zygote a grading worker starts
(`warm`), the zygote itself (`zygote`), how its children isolate themselves (`isolation`) and
the program that asks it (`warm_client`). Imports only autograder.engine.

Nothing here is imported by this package's __init__: the zygote (`python -m
autograder.sandbox.zygote`) loads only the standard library before its preloads.
"""
