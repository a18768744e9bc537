"""Do the README and the design notes keep up with the course?"""

from pathlib import Path

import pytest

from autograder.course import notebooks as nbs

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = nbs.assignments(ROOT)


@pytest.mark.parametrize("doc", ["README.md", "docs/course-map.md"])
def test_every_notebook_is_on_the_course_map(doc):
    """Does the course map name every notebook of solutions/?"""
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = [aid for aid in ASSIGNMENTS if aid not in text]
    assert not missing, f"{doc} does not mention {missing}: add them to its course map"


def test_design_notes_link_to_pages_that_exist():
    """Does every relative link of docs/README.md and CONTRIBUTING.md lead to a file?"""
    import re

    for doc in (ROOT / "docs" / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "README.md"):
        for target in re.findall(r"\]\(([^)#:]+)\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
