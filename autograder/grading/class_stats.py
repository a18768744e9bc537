"""What a class got wrong: per assignment and exercise, from what the grader recorded.

    stats = collect(course_root)              # [AssignmentStats], one per graded assignment
    stats = collect(course_root, ["02_rnn_cell"], db_url="postgresql://...")

It reads the grader's state files (autograded/.rnn-grade/: each graded submission's status,
score, seconds and, per test, the points counted, the first line of the trusted re-check's
failure message and the likely mistake it named) and, from the gradebook (SQLite or
PostgreSQL, as nbgrader_config.py says), the students who sent nothing. Never a notebook, so
never a hidden test's source. class_report.py renders it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.engine import gradebook
from autograder.grading.state import graded_assignments, load_states

# how rnnlib.testing.checks ends a named mistake ("Likely mistake: forgot the bias b (...).")
_MATCH_NOTE = " (your result matches what that gives)."
NOT_GRADED = ("refused", "missing")  # rows with no grading to learn from


@dataclass
class ExerciseStats:
    exercise: str
    max_points: float
    points: list[float] = field(default_factory=list)  # one per graded submission
    failures: list[tuple[str, str, int]] = field(default_factory=list)  # (test, message, count)
    mistakes: list[tuple[str, int]] = field(default_factory=list)  # (named mistake, submissions)

    @property
    def mean(self) -> float:
        return mean(self.points)

    @property
    def full_share(self) -> float:
        return _share(self.points, lambda p: p >= self.max_points)

    @property
    def zero_share(self) -> float:
        return _share(self.points, lambda p: p == 0)


@dataclass
class AssignmentStats:
    assignment: str
    max_score: float
    scores: list[float]  # one per graded submission
    seconds: list[float]
    statuses: dict[str, int]
    exercises: list[ExerciseStats]
    missing: list[str]  # students the gradebook knows who sent nothing

    @property
    def graded(self) -> int:
        return len(self.scores)

    @property
    def mean_score(self) -> float:
        return mean(self.scores)

    @property
    def median_score(self) -> float:
        v = sorted(self.scores)
        mid = len(v) // 2
        return 0.0 if not v else v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2

    @property
    def mean_seconds(self) -> float:
        return mean(self.seconds)

    @property
    def max_seconds(self) -> float:
        return max(self.seconds, default=0.0)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _share(values, test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def mistake_labels(diagnosis: str) -> list[str]:
    """The mistakes a check named: "forgot the bias b / transposed Wh (your result matches
    what that gives)." -> ["forgot the bias b", "transposed Wh"]; a generic hint is one label."""
    text = diagnosis.strip()
    if text.endswith(_MATCH_NOTE):
        return [p.strip() for p in text[: -len(_MATCH_NOTE)].split(" / ") if p.strip()]
    return [text] if text else []


def assignment_stats(assignment: str, results, known_students) -> AssignmentStats:
    """The statistics of one assignment from its results (GradeResult, state.load_states) and
    the gradebook's students."""
    graded = [r for r in results if r.status not in NOT_GRADED]
    exercises: dict[str, ExerciseStats] = {}  # in the order of the tests
    named: dict[str, Counter] = {}  # exercise -> named mistake -> submissions
    failed: dict[str, Counter] = {}  # exercise -> (test, message) -> submissions
    for ex in dict.fromkeys(nbs.exercise_of(t["grade_id"]) for r in graded for t in r.tests):
        exercises[ex] = ExerciseStats(ex, 0.0)
    for r in graded:
        points, top, labels = Counter(), Counter(), {ex: set() for ex in exercises}
        for t in r.tests:
            ex = nbs.exercise_of(t["grade_id"])
            got, most = float(t["counted"]), float(t["max_score"])
            points[ex] += got
            top[ex] += most
            if got < most:
                labels[ex].update(mistake_labels(t.get("diagnosis", "")))
                failed.setdefault(ex, Counter())[(t["grade_id"], t["error"] or "failed")] += 1
        for ex, stats in exercises.items():
            stats.points.append(points[ex])
            stats.max_points = max(stats.max_points, top[ex])
            named.setdefault(ex, Counter()).update(labels[ex])
    for ex, stats in exercises.items():
        stats.mistakes = named.get(ex, Counter()).most_common()
        stats.failures = [(g, m, n) for (g, m), n in failed.get(ex, Counter()).most_common(5)]
    submitted = {r.student for r in results}
    return AssignmentStats(
        assignment=assignment,
        max_score=max((r.max_score for r in graded), default=0.0),
        scores=[r.score for r in graded],
        seconds=[r.seconds for r in graded],
        statuses=dict(Counter(r.status for r in results)),
        exercises=list(exercises.values()),
        missing=sorted(s for s in known_students if s not in submitted),
    )


def collect(
    course_root: Path, assignments: list[str] | None = None, db_url: str | None = None
) -> list[AssignmentStats]:
    """One AssignmentStats per assignment (default: every assignment the grader graded)."""
    root = Path(course_root)
    known = gradebook.students(db_url or gradebook.db_url(root))
    return [
        assignment_stats(aid, load_states(root, aid), known)
        for aid in (assignments or graded_assignments(root))
    ]
