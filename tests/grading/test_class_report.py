"""Does `rnn-course report` count what a class got wrong, from what the grader recorded
(grading/class_stats.py, grading/class_report.py)?"""

from __future__ import annotations

import re
import subprocess
import sys

from grading_helpers import CLASS_MESSAGE, record_class, synthetic_class

from autograder.grading import class_report, class_stats

AID = "02_rnn_cell"


def test_the_counts_equal_the_class_mix(tmp_path):
    """Are the named mistakes counted per submission (a message naming two counts for both),
    the shares at full marks and zero right, and the students who sent nothing listed?"""
    url = record_class(tmp_path, synthetic_class(), others=["zoe", "yann"])
    (stats,) = class_stats.collect(tmp_path, db_url=url)
    assert stats.graded == 32 and stats.missing == ["yann", "zoe"]
    step, count = stats.exercises
    assert step.exercise == "rnn_step_forward" and count.exercise == "count_params"
    assert dict(step.mistakes) == {"transposed Wh": 12, "forgot the bias b": 9}
    assert (step.full_share, step.zero_share) == (14 / 32, 18 / 32)
    assert count.failures == [("count_params__matches_keras", CLASS_MESSAGE, 3)]
    assert stats.scores.count(5.0) == 14 and stats.max_score == 5.0
    summary = class_report.render_markdown([stats])
    assert "transposed Wh: 12 of 32 (38 %)" in summary
    assert "forgot the bias b: 9 of 32 (28 %)" in summary
    assert "sent nothing: yann, zoe" in summary


def test_the_page_is_self_contained_and_escapes_what_students_wrote(tmp_path):
    """Does the page embed its plots as images (one per assignment and per exercise), load
    nothing from elsewhere, and show a student's message as text, never as markup?"""
    url = record_class(tmp_path, synthetic_class())
    out = tmp_path / "class-report.html"
    class_report.write_report(class_stats.collect(tmp_path, db_url=url), out)
    page = out.read_text()
    assert len(re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)) == 3
    assert not re.search(r"(src|href)=\"(https?:|//)", page) and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_command_writes_both_files_for_a_course_root(tmp_path):
    """Does `rnn-course report --root` write the page and the summary, and refuse a folder that
    is not a course root with a clear message?"""
    from autograder.course import notebooks as nbs

    root = tmp_path / "course"
    (root / nbs.SOURCE_DIR / AID).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_url = 'sqlite:///"
        + str(root / "gradebook.db")
        + "'\n"
    )
    record_class(root, synthetic_class()[:4])
    out = tmp_path / "r.html"
    run = [sys.executable, "-m", "autograder.cli", "report", "--out", str(out)]
    done = subprocess.run([*run, "--root", str(root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 assignments, 4 graded submissions" in done.stdout
    assert out.exists() and out.with_suffix(".md").exists()
    refused = subprocess.run([*run, "--root", str(tmp_path)], capture_output=True, text=True)
    assert refused.returncode == 2 and "not a course root" in refused.stderr
