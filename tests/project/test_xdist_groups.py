"""Does `--dist loadgroup` keep a group on one worker, as the heavy modules assume?

A whole-course autograde, a JupyterLab for the browser test and each notebook's wrong-answer
kernel are module fixtures in an `xdist_group`; if the group were split, each worker would build
them again (pytest 9 with pytest-xdist 3.8 does exactly that, silently).
"""

import os
import subprocess
import sys
import textwrap


def test_a_group_runs_its_module_fixture_once(tmp_path):
    """Run 7 grouped tests and 20 others on two workers: is the fixture built once?"""
    (tmp_path / "test_grouped.py").write_text(
        textwrap.dedent("""
        import os
        import pytest
        pytestmark = pytest.mark.xdist_group("heavy")

        @pytest.fixture(scope="module")
        def heavy():
            with open(os.environ["MARKS"], "a") as fh:
                fh.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")

        @pytest.mark.parametrize("i", range(7))
        def test_uses_heavy(heavy, i):
            pass
    """)
    )
    (tmp_path / "test_light.py").write_text(
        "import pytest\n\n@pytest.mark.parametrize('i', range(20))\ndef test_light(i):\n    pass\n"
    )
    marks = tmp_path / "marks.txt"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MARKS": str(marks)},
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert marks.read_text().split() == marks.read_text().split()[:1], (
        f"the group's module fixture ran on several workers: {marks.read_text().split()}"
    )
