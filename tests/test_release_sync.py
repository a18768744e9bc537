"""Is course/ exactly what `make release` produces from solutions/?"""

import pytest

from autograder import notebooks as nbs
from autograder import release

FIX = "run `make release` (python -m autograder.release) and commit course/"


@pytest.fixture(scope="module")
def regenerated(course_root):
    """The release files built now from solutions/, by the real nbgrader, in a temp dir."""
    return release.build_release(nbs.assignments(course_root), course_root)


def test_every_assignment_has_a_release(course_root):
    """Does every assignment of solutions/ have its folder in course/, and nothing else?"""
    sources = nbs.assignments(course_root)
    released = nbs.assignments(course_root, nbs.RELEASE_DIR)
    assert released == sources, f"solutions/ has {sources}, course/ has {released}: {FIX}"
    stale = release.stale_assignments(course_root / nbs.RELEASE_DIR, sources)
    assert not stale, f"course/ holds {stale} with no source in solutions/: {FIX}"


@pytest.mark.xdist_group("nbgrader")
def test_course_matches_a_fresh_release(course_root, regenerated):
    """Is every file of course/ byte-identical to a fresh `make release`, with none missing?"""
    ids = nbs.assignments(course_root)
    current = release.current_files(course_root / nbs.RELEASE_DIR, ids)
    changes = release.diff(regenerated, current)
    what = {"added": "missing", "removed": "not produced by the release", "updated": "differs"}
    lines = [f"  course/{rel}: {what[change]}" for change, rel in changes]
    assert not changes, "course/ has drifted from solutions/:\n" + "\n".join(lines) + f"\n{FIX}"


@pytest.mark.xdist_group("nbgrader")
def test_release_is_reproducible(course_root, regenerated):
    """Does releasing twice give the same bytes (no timestamps, random ids, or outputs)?"""
    again = release.build_release(nbs.assignments(course_root), course_root)
    assert release.diff(regenerated, again) == []
