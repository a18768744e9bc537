"""Is course/ exactly what `make release` produces from solutions/?"""

import pytest

from autograder.course import notebooks as nbs
from autograder.course import release

FIX = "run `make release` (python -m autograder.course.release) and commit course/"


def _gradebook_state(root):
    db = root / "gradebook.db"
    return db.stat().st_mtime_ns if db.exists() else None


@pytest.fixture(scope="module")
def regenerated(course_root):
    """The release files built now from solutions/, by the real nbgrader, in a temp dir."""
    before = _gradebook_state(course_root)
    files = release.build_release(nbs.assignments(course_root), course_root)
    assert _gradebook_state(course_root) == before, "the release touched the real gradebook.db"
    return files


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
def test_release_command_finds_nothing_to_change(course_root, regenerated, capsys):
    """Does a second release, through the command line, give the same bytes again (no
    timestamps, random ids or outputs) and say that course/ is up to date?"""
    code = release.main(["--check"])
    out = capsys.readouterr().out
    assert code == 0 and "up to date" in out, out


def test_student_work_beside_the_release_is_left_alone(tmp_path):
    """Is a git-ignored model a student saved in course/NN/artifacts/ neither drift nor deleted?"""
    import subprocess

    course = tmp_path / "course"
    (course / "01_x" / "artifacts").mkdir(parents=True)
    (course / "01_x" / "01_x.ipynb").write_text("{}")
    (course / "01_x" / "artifacts" / "gru.keras").write_text("a student's model")
    (tmp_path / ".gitignore").write_text("artifacts/\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)

    current = release.current_files(course, ["01_x"])
    assert sorted(current) == ["01_x/01_x.ipynb"]
    assert release.diff({"01_x/01_x.ipynb": b"{}"}, current) == []
