"""Regenerate `course/` from `solutions/` with nbgrader: `python -m autograder.course.release`.

`make release` runs this. For each assignment (default: every folder of solutions/ holding a
notebook) it runs the real `nbgrader generate_assignment` in a throwaway copy of the course
with a throwaway gradebook (the instructor's gradebook.db is never touched), normalises the
release notebooks (outputs cleared, stable metadata and cell ids, nbformat's layout) so an
unchanged source gives byte-identical files, copies the assignment's other files (data) as
generate_assignment does, and writes only what changed into course/. It prints every change.

    python -m autograder.course.release               all assignments; removes course/
                                                      folders whose source is gone
    python -m autograder.course.release 02_rnn_cell   one assignment
    python -m autograder.course.release --check       write nothing; exit 1 if course/ drifted
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.course import notebooks as nbs
from autograder.engine.nbgrader_run import NbgraderError, make_course_copy, run_nbgrader


def build_release(
    assignment_ids: list[str] | None = None, root: Path | None = None
) -> dict[str, bytes]:
    """The release files of the assignments, as {"NN_name/relative/path": bytes}."""
    root = Path(root or nbs.course_root())
    ids = assignment_ids if assignment_ids is not None else nbs.assignments(root)
    if not ids:
        return {}
    missing = [a for a in ids if not nbs.notebooks(root, nbs.SOURCE_DIR, a)]
    if missing:
        raise SystemExit(f"no source notebook for {', '.join(missing)} in {root / nbs.SOURCE_DIR}")
    with tempfile.TemporaryDirectory(prefix="rnn-release-") as tmp:
        staging = make_course_copy(Path(tmp) / "root", root, ids)
        db_url = f"sqlite:///{Path(tmp) / 'release-gradebook.db'}"
        # One nbgrader process for all assignments: "*" globs solutions/*/ in the staging copy,
        # which holds only the requested assignments.
        run_nbgrader(staging, "generate_assignment", "*", "--force", db_url=db_url)
        out: dict[str, bytes] = {}
        for aid in ids:
            released = staging / nbs.RELEASE_DIR / aid
            source = staging / nbs.SOURCE_DIR / aid
            for path in sorted(p for p in released.rglob("*") if p.is_file()):
                rel = path.relative_to(released)
                if path.suffix == ".ipynb":
                    # cell ids come from the source file (generate_assignment keeps cells 1:1)
                    ids_in_source = nbs.raw_cell_ids(source / rel)
                    nb = nbs.normalise(nbs.read(path), ids_in_source)
                    out[f"{aid}/{rel.as_posix()}"] = nbs.dumps(nb)
                else:
                    out[f"{aid}/{rel.as_posix()}"] = path.read_bytes()
        return out


def current_files(course_dir: Path, assignment_ids: list[str]) -> dict[str, bytes]:
    """The files now in course/ for these assignments, same keys as build_release."""
    # Only the files that belong to the course: a student's git-ignored work beside the
    # release (a model saved under artifacts/) is neither drift nor something to delete.
    out = {}
    for aid in assignment_ids:
        folder = course_dir / aid
        if folder.is_dir():
            for rel in nbs.assignment_files(folder):
                out[f"{aid}/{rel.as_posix()}"] = (folder / rel).read_bytes()
    return out


def diff(expected: dict[str, bytes], current: dict[str, bytes]) -> list[tuple[str, str]]:
    """[(change, "NN_name/path")] with change in {"added", "updated", "removed"}."""
    changes = []
    for rel in sorted(set(expected) | set(current)):
        if rel not in current:
            changes.append(("added", rel))
        elif rel not in expected:
            changes.append(("removed", rel))
        elif expected[rel] != current[rel]:
            changes.append(("updated", rel))
    return changes


def stale_assignments(course_dir: Path, source_ids: list[str]) -> list[str]:
    """Folders of course/ with no source assignment any more."""
    if not course_dir.is_dir():
        return []
    return sorted(
        d.name
        for d in course_dir.iterdir()
        if d.is_dir() and not d.name.startswith(".") and d.name not in source_ids
    )


def write(course_dir: Path, expected: dict[str, bytes], changes: list[tuple[str, str]]) -> None:
    for change, rel in changes:
        path = course_dir / rel
        if change == "removed":
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(expected[rel])
        path.chmod(0o644)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.course.release", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if course/ differs"
    )
    args = parser.parse_args(argv)

    root = nbs.course_root()
    course_dir = root / nbs.RELEASE_DIR
    all_ids = nbs.assignments(root)
    ids = args.assignments or all_ids
    try:
        expected = build_release(ids, root)
    except NbgraderError as err:
        print(err, file=sys.stderr)
        print("release failed: nothing in course/ was changed", file=sys.stderr)
        return 2
    changes = diff(expected, current_files(course_dir, ids))
    stale = [] if args.assignments else stale_assignments(course_dir, all_ids)

    for change, rel in changes:
        print(f"{change:8} {nbs.RELEASE_DIR}/{rel}")
    for aid in stale:
        print(f"{'removed':8} {nbs.RELEASE_DIR}/{aid}/ (no source in {nbs.SOURCE_DIR}/)")
    if not changes and not stale:
        print(f"{nbs.RELEASE_DIR}/ is up to date ({len(ids)} assignment(s), {len(expected)} files)")
        return 0
    if args.check:
        print("course/ has drifted from solutions/: run `make release` and commit course/")
        return 1
    write(course_dir, expected, changes)
    for aid in stale:
        shutil.rmtree(course_dir / aid)
    # remove folders emptied by removals
    for aid in ids:
        folder = course_dir / aid
        for d in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
