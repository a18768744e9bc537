"""The course itself: its root and notebooks (`notebooks`), the release of course/ from
solutions/ (`release`, `make release`), and the one rule for putting a student's answers into
a notebook (`answers`). `notebooks` and `answers` import nothing else of autograder; `release`,
a command, runs nbgrader through autograder.engine."""
