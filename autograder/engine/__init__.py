"""How notebooks and nbgrader run: a notebook's kernel and its settings (`kernel`), the one way
to start `nbgrader` (`nbgrader_run`), the gradebook (`gradebook`), the snippets added to a
temporary course root's nbgrader_config.py (`config`), the course's nbgrader preprocessors
(`sanitize`, `feedback`) and commands that die with the grader (`orphans`). Imports only
autograder.course."""
