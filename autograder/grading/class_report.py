"""`rnn-course report`: one self-contained HTML page (and a Markdown summary) of what a class
got wrong, from class_stats.collect().

    write_report(stats, Path("class-report.html"))   # and class-report.md beside it

Per assignment: the score distribution, statuses, students who sent nothing and time per
submission; per exercise: the mean, the share at full marks and at zero, a histogram, the named
mistakes counted across the class ("transposed Wh: 31 %"), the tests most often failed with
the first line of their message. Plots are matplotlib PNGs embedded as data URIs: no network,
no JavaScript. Every student-supplied string (ids, messages) is escaped.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from autograder.grading.class_stats import AssignmentStats, ExerciseStats
from autograder.grading.report import md

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; }
ul { margin: 0; padding-left: 1.2em; }
"""


def _histogram_png(values: list[float], top: float, title: str, small: bool = False) -> str:
    """A histogram of `values` on [0, top], as a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = (2.6, 1.4) if small else (6.0, 2.6)
    fig, ax = plt.subplots(figsize=size, dpi=90)
    whole = float(top).is_integer() and 0 < top <= 40
    # one bar per whole point where points are whole, else 20 bars over [0, top]
    edges = [k - 0.5 for k in range(int(top) + 2)] if whole else 20
    ax.hist(values, bins=edges, range=None if whole else (0, max(top, 1e-9)), color="#4c72b0")
    ax.set_xlim(-0.5, top + 0.5) if whole else ax.set_xlim(0, max(top, 1e-9))
    if whole:
        ax.xaxis.get_major_locator().set_params(integer=True)
    if not small:
        ax.set_xlabel("points")
        ax.set_ylabel("submissions")
        ax.set_title(title)
    ax.tick_params(labelsize=7 if small else 9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(png: str, alt: str) -> str:
    return f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def mistake_lines(ex: ExerciseStats, graded: int) -> list[str]:
    """'transposed Wh: 9 of 30 (30 %)' for each mistake the checks named, most common first."""
    return [f"{label}: {n} of {graded} ({_pct(n / graded)})" for label, n in ex.mistakes]


def _exercise_row(ex: ExerciseStats, graded: int) -> str:
    e = html.escape
    mistakes = "".join(f"<li>{e(line)}</li>" for line in mistake_lines(ex, graded)) or "<li>—</li>"
    failures = (
        "".join(f"<li>{n}× <code>{e(gid)}</code>: {e(msg)}</li>" for gid, msg, n in ex.failures)
        or "<li>—</li>"
    )
    hist = _img(_histogram_png(ex.points, ex.max_points, ex.exercise, small=True), ex.exercise)
    return (
        f"<tr><td><code>{e(ex.exercise)}</code></td>"
        f'<td class="num">{ex.mean:.2f} / {ex.max_points:g}</td>'
        f'<td class="num">{_pct(ex.full_share)}</td><td class="num">{_pct(ex.zero_share)}</td>'
        f"<td>{hist}</td><td><ul>{mistakes}</ul></td><td><ul>{failures}</ul></td></tr>"
    )


def _assignment_html(a: AssignmentStats) -> str:
    e = html.escape
    statuses = ", ".join(f"{e(k)} {v}" for k, v in sorted(a.statuses.items()))
    missing = ", ".join(e(s) for s in a.missing) or "none"
    hist = _img(_histogram_png(a.scores, a.max_score, f"{a.assignment}: scores"), "scores")
    rows = "".join(_exercise_row(ex, a.graded) for ex in a.exercises)
    return f"""
<h2>{e(a.assignment)}</h2>
<table>
<tr><th>graded submissions</th><td class="num">{a.graded}</td></tr>
<tr><th>mean / median score</th><td class="num">{a.mean_score:.2f} / {a.median_score:.2f}
 of {a.max_score:g}</td></tr>
<tr><th>statuses</th><td>{statuses}</td></tr>
<tr><th>sent nothing</th><td>{missing}</td></tr>
<tr><th>seconds per submission (mean / max)</th>
<td class="num">{a.mean_seconds:.1f} / {a.max_seconds:.1f}</td></tr>
</table>
{hist}
<table>
<tr><th>exercise</th><th>mean</th><th>full marks</th><th>zero</th><th>points</th>
<th>named mistakes (share of graded submissions)</th><th>tests most often failed</th></tr>
{rows}
</table>"""


def render_html(stats: list[AssignmentStats]) -> str:
    body = "".join(_assignment_html(a) for a in stats) or "<p>No graded submissions yet.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Class report</title><style>{_STYLE}</style></head>"
        f"<body><h1>Class report</h1>{body}</body></html>\n"
    )


def render_markdown(stats: list[AssignmentStats]) -> str:
    lines = ["# Class report", ""]
    for a in stats:
        lines += [
            f"## {md(a.assignment)}",
            "",
            f"- graded submissions: {a.graded}; mean {a.mean_score:.2f}, median "
            f"{a.median_score:.2f} of {a.max_score:g}",
            "- statuses: " + ", ".join(f"{md(k)} {v}" for k, v in sorted(a.statuses.items())),
            "- sent nothing: " + (", ".join(md(s) for s in a.missing) or "none"),
            f"- seconds per submission: mean {a.mean_seconds:.1f}, max {a.max_seconds:.1f}",
            "",
            "| exercise | mean | full marks | zero | named mistakes |",
            "|---|---|---|---|---|",
        ]
        for ex in a.exercises:
            named = "; ".join(md(line) for line in mistake_lines(ex, a.graded)) or "—"
            lines.append(
                f"| `{md(ex.exercise)}` | {ex.mean:.2f} / {ex.max_points:g} | "
                f"{_pct(ex.full_share)} | {_pct(ex.zero_share)} | {named} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def write_report(stats: list[AssignmentStats], out_html: Path) -> Path:
    """Write the HTML page and, beside it, the Markdown summary (same name, .md); returns the
    summary's path."""
    out_html = Path(out_html)
    out_html.write_text(render_html(stats), encoding="utf-8")
    summary = out_html.with_suffix(".md")
    summary.write_text(render_markdown(stats), encoding="utf-8")
    return summary
