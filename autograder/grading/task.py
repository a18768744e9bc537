"""One grading task and its result, as plain data (a submission's files as bytes in, numbers
and strings out), so that any `concurrent.futures` executor can carry them: the local process
pool, or a cluster's."""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.course import notebooks as nbs
from autograder.grading.intake import Submission
from autograder.sandbox.limits import Limits

# Worst first: the status of a submission is the first that applies.
STATUSES = (
    "refused",  # intake refused it before grading (an unsafe id, a file over the caps)
    "missing",  # no notebook of the assignment in the submission
    "invalid-notebook",  # a file that does not parse as a notebook
    "tampered",  # a kernel hook, a shipped package, or the kernel's score not confirmed
    "memory",  # the memory limit was hit
    "timeout",  # a cell or the whole notebook ran out of time
    "crashed",  # the kernel died, or nbgrader could not grade it
    "sandbox-unavailable",  # graded, but without isolation on this platform
    "ok",
)


@dataclass(frozen=True)
class GradeTask:
    submission: Submission
    assignment: str
    template: str  # the template course root (see writer.make_template)
    limits: Limits = field(default_factory=Limits)
    isolate: bool = True  # False where the sandbox is unavailable (said in the status)
    warm: bool = True  # fork kernels and re-checks from a zygote where it works (sandbox/warm.py)
    work_root: str | None = None  # where temporary course roots go (default: the system's)


@dataclass
class TestScore:
    grade_id: str
    notebook: str
    max_score: float
    kernel: float | None  # what nbgrader's run in the student's kernel gave
    counted: float  # what counts: the kernel's points that the re-check confirmed
    error: str = ""  # the first line of the re-check's failure message
    diagnosis: str = ""  # the likely mistake that message named ("forgot the bias b"), if any


@dataclass
class GradeResult:
    student: str
    assignment: str
    status: str
    reason: str
    score: float
    max_score: float
    kernel_score: float | None
    manual_pending: float
    tests: list[dict] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    notebooks: dict[str, bytes] = field(default_factory=dict)  # autograded notebooks
    digest: str = ""
    seconds: float = 0.0
    sandboxed: bool = True

    def exercises(self) -> dict[str, tuple[float, float]]:
        """{exercise grade_id: (points, max)} from the tests `<exercise>__<aspect>`."""
        out: dict[str, tuple[float, float]] = {}
        for t in self.tests:
            ex = nbs.exercise_of(t["grade_id"])
            got, top = out.get(ex, (0.0, 0.0))
            out[ex] = (got + t["counted"], top + t["max_score"])
        return out
