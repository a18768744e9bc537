"""Does the course work in a real JupyterLab, seen through a real headless Chromium?

A temporary copy of the course (course/, solutions/, nbgrader_config.py) is served by
`jupyter lab` on 127.0.0.1 with a token; Playwright drives Debian's Chromium through it the
way a person would: menus, the keyboard, the widgets.

What "runs all cells" runs. A release notebook stops at its first exercise
(`raise NotImplementedError()`), so the test opens the untouched release notebook only to
see it render, and runs a *finished student's* copy: the release notebook with each answer
cell replaced by the solution's answer (markers stripped), matched by `grade_id`, saved
beside it as `<id>_finished.ipynb`. Hidden tests are not in it, exactly as for a student.

Screenshots of every step go to test-artifacts/browser/ (the paths are printed; a failing
step adds its FAILED-*.png and the server log's tail to the error), with the server log and
each page's console. With UPDATE_README_SCREENSHOT=1 the screenshot of README_WIDGET (01's
motif slider) also replaces docs/img/notebook-widget.png. $RNN_COURSE_ROOT (tests/conftest.py)
points the test at another course root.

The cases come from the assignments: every solutions/NN_name/NN_name.ipynb is run, each
widget its code cells call (`rl.widgets.<name>(...)`) is moved, and the page must render at
least one HTML table per code cell that shows a results table (`rl.plot.accuracy_table`).
A new notebook needs no edit here; a widget that WidgetSpec's defaults cannot drive gets an
entry in WIDGET_SPECS.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import nbformat
import pytest

from autograder.course.answers import fill_answers
from autograder.course.notebooks import course_root

from .lab_page import (
    WidgetSpec,
    click_menu,
    move_widget,
    open_notebook,
    read_outputs,
    run_all,
    save,
    wait_for,
    widget_images,
)
from .lab_server import LabServer, lab_environment, start_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
README_SCREENSHOT = REPO / "docs" / "img" / "notebook-widget.png"
# Debian's flags for a headless Chromium on a closed network (see tools/ensure-chromium.sh).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}
RUN_ALL_TIMEOUT = 420  # s: a notebook's 120 s budget, on a busy 2-core machine, plus the browser
WIDGET_TIMEOUT = 90  # s: one redraw of a matplotlib figure by the kernel


# How each widget is found and moved. Every widget in rnnlib.widgets so far is a VBox holding
# a slider and an Output that the kernel redraws, which WidgetSpec's defaults find; a widget
# that needs another control or selector gets an entry here (keyed by its function's name).
WIDGET_SPECS: dict[str, WidgetSpec] = {}
README_WIDGET = "motif_slider"  # its screenshot (notebook 01) is the README's
WIDGET_CALL = re.compile(r"\b(?:rl|rnnlib)\.widgets\.([A-Za-z_]\w*)\s*\(")
TABLE_CALL = re.compile(r"\b(?:rl|rnnlib)\.plot\.accuracy_table\s*\(")
AUDIO_CALL = re.compile(r"\bAudio\s*\(")  # IPython.display.Audio: a player in the output


@dataclass(frozen=True)
class Case:
    """One course notebook: its assignment id, the widgets it displays (rnnlib.widgets
    functions, in notebook order), how many of its code cells show a results table, and
    whether it plays audio (``Audio(...)`` in a code cell)."""

    assignment: str
    widgets: tuple[str, ...] = ()
    tables: int = 0
    audio: bool = False

    @property
    def release(self) -> str:
        return f"course/{self.assignment}/{self.assignment}.ipynb"

    @property
    def solution(self) -> str:
        return f"solutions/{self.assignment}/{self.assignment}.ipynb"

    @property
    def finished(self) -> str:
        return f"course/{self.assignment}/{self.assignment}_finished.ipynb"


def discover_cases(root: Path = REPO) -> list[Case]:
    """One case per assignment in solutions/ (a folder NN_name holding NN_name.ipynb), with
    the widgets its code cells call (``rl.widgets.<name>(...)``) and its table cells
    (``rl.plot.accuracy_table(...)``). A new notebook is covered without editing this file."""
    cases = []
    for folder in sorted((root / "solutions").iterdir()):
        notebook = folder / f"{folder.name}.ipynb"
        if not (re.fullmatch(r"\d\d_\w+", folder.name) and notebook.is_file()):
            continue
        code = [
            c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"
        ]
        widgets = tuple(name for source in code for name in WIDGET_CALL.findall(source))
        tables = sum(bool(TABLE_CALL.search(source)) for source in code)
        audio = any(AUDIO_CALL.search(source) for source in code)
        cases.append(Case(folder.name, widgets, tables, audio))
    return cases


CASES = discover_cases(course_root())
ASSIGNMENTS = [case.assignment for case in CASES]


# ---------------------------------------------------------------------------- the course copy


def finished_notebook(release: Path, solution: Path) -> nbformat.NotebookNode:
    """The release notebook with every answer cell filled in from the solution notebook."""
    return fill_answers(
        nbformat.read(release, as_version=4),
        nbformat.read(solution, as_version=4),
        keep_markers=False,
    )


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip(
            "Debian's Chromium is not installed and `make browser` (tools/ensure-chromium.sh)"
            " could not install it here (needs root and apt-get): run `apt-get install chromium`"
        )
    return path


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="module")
def lab_root(course_root, tmp_path_factory, chromium) -> Path:
    """A temporary course root: course/, solutions/, nbgrader_config.py, finished copies.

    Copied from the course root (the repository, or $RNN_COURSE_ROOT: tests/conftest.py).
    Asks for `chromium` first, so a machine without it skips before any server starts.
    """
    source = course_root
    root = tmp_path_factory.mktemp("lab") / "rnn-course"
    root.mkdir()
    missing = [c.release for c in CASES if not (source / c.release).is_file()]
    missing += [c.solution for c in CASES if not (source / c.solution).is_file()]
    if missing:
        pytest.fail(f"the browser test needs these notebooks, missing in {source}: {missing}")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", "artifacts")
    for name in ("course", "solutions"):
        shutil.copytree(source / name, root / name, ignore=ignore)
    shutil.copy2(source / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


@pytest.fixture(scope="module")
def lab_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jupyter-home")


@pytest.fixture(scope="module")
def exchange(lab_root, lab_home) -> Path:
    """A temporary nbgrader exchange holding the released assignments (for Assignment List).

    `nbgrader release_assignment` is the instructor's real command; the exchange root is set
    in the temporary JUPYTER_CONFIG_DIR, never in the course's own nbgrader_config.py.
    """
    exchange = lab_home / "exchange"
    exchange.mkdir()
    env = lab_environment(lab_home)
    config = Path(env["JUPYTER_CONFIG_DIR"]) / "nbgrader_config.py"
    config.write_text(f"c = get_config()  # noqa: F821\nc.Exchange.root = {str(exchange)!r}\n")
    for assignment in ASSIGNMENTS:
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", "release_assignment", assignment],
            cwd=lab_root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, (
            f"nbgrader release_assignment {assignment} failed:\n{done.stdout}\n{done.stderr}"
        )
    # A finished student's copy of each notebook, written after the release.
    for case in CASES:
        nb = finished_notebook(lab_root / case.release, lab_root / case.solution)
        nbformat.write(nb, lab_root / case.finished)
    return exchange


@pytest.fixture(scope="module")
def lab(lab_root, lab_home, exchange, artifacts) -> LabServer:
    server = start_lab(lab_root, lab_home, artifacts / "jupyter-lab.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, artifacts, request):
    """A fresh browser context per test; its console errors are kept as an artifact."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    try:
        yield page
    finally:
        name = re.sub(r"\W+", "-", request.node.name).strip("-")
        (artifacts / f"console-{name}.log").write_text("\n".join(console))
        context.close()


class Screenshots:
    def __init__(self, page, artifacts: Path, prefix: str):
        self.page, self.artifacts, self.prefix = page, artifacts, prefix

    def take(self, name: str, locator=None) -> Path:
        path = self.artifacts / f"{self.prefix}-{name}.png"
        (locator or self.page).screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path

    @contextlib.contextmanager
    def step(self, name: str, lab: LabServer | None = None):
        """Screenshot the page when the step fails, and add the server log to the error."""
        try:
            yield
        except Exception as error:
            with contextlib.suppress(Exception):
                error.add_note(f"screenshot of the page: {self.take(f'FAILED-{name}')}")
            if lab is not None:
                error.add_note(f"jupyter lab log ({lab.log_path}), last lines:\n{lab.log_tail()}")
            raise


# ---------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.assignment)
def test_student_runs_notebook_and_moves_widget(case, lab, page, artifacts, request):
    """Does a student who opens the notebook and runs it see plots, its results tables and no
    errors, and does moving each of its widgets change the widget's plot?"""
    shots = Screenshots(page, artifacts, case.assignment)
    request.addfinalizer(lab.shutdown_kernels)

    with shots.step("release", lab):
        notebook = open_notebook(page, lab, case.release)
        assert notebook.locator(".jp-MarkdownCell .jp-RenderedMarkdown").count() > 0, (
            f"{case.release}: no rendered markdown cell"
        )
        assert notebook.get_by_text("YOUR CODE HERE").count() > 0, (
            f"{case.release}: the release notebook shows no '# YOUR CODE HERE' exercise"
        )
        shots.take("1-release-opened")

    with shots.step("run-all", lab):
        notebook = open_notebook(page, lab, case.finished)
        started = time.monotonic()
        run_all(page, lab, notebook, case.finished, RUN_ALL_TIMEOUT)
        print(f"{case.finished}: Run All Cells took {time.monotonic() - started:.0f} s")
        outputs = read_outputs(notebook)
        shots.take("2-run-all")
        for warning in outputs.warnings:
            print(f"{case.finished}: stderr (not an error): {warning[:300]}")
        assert not outputs.errors, (
            f"{case.finished}: Run All Cells shows {len(outputs.errors)} error output(s); "
            f"the first:\n{outputs.errors[0][:2000]}"
        )
        assert outputs.images > 0, f"{case.finished}: Run All Cells rendered no plot image"
        assert outputs.audio > 0 or not case.audio, (
            f"{case.finished}: its code plays audio (IPython.display.Audio), but the page shows "
            "no <audio> player with a non-empty source"
        )
        assert outputs.tables >= case.tables, (
            f"{case.finished}: {case.tables} code cells show a results table "
            f"(rl.plot.accuracy_table), but the page rendered {outputs.tables} HTML tables"
        )
        save(page, notebook)
        saved = nbformat.read(lab.root / case.finished, as_version=4)
        cells = enumerate(saved.cells)
        code = {i: c for i, c in cells if c.cell_type == "code" and c.source.strip()}
        unrun = [i for i, c in code.items() if c.execution_count is None]
        errors = [o for c in code.values() for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{case.finished}: saved notebook has error outputs: {errors[0]}"
        assert not unrun, f"{case.finished}: cells {unrun} did not run"

    for k, name in enumerate(case.widgets, start=1):
        spec = WIDGET_SPECS.get(name, WidgetSpec())
        with shots.step(f"widget-{name}", lab):
            # The code cell that calls rl.widgets.<name>(...), and the widget in its output.
            calls = page.locator(".jp-InputArea-editor", has_text=f"widgets.{name}(")
            cell = notebook.locator(".jp-CodeCell", has=calls).first
            widget = cell.locator(spec.container).first
            widget.wait_for(state="visible", timeout=30_000)
            widget.scroll_into_view_if_needed()
            shots.take(f"3.{k}-{name}-before", cell)
            plots_before = widget_images(widget, spec)
            assert plots_before, f"{case.finished}: {name} shows no plot before it is moved"
            before, after = move_widget(widget, spec, WIDGET_TIMEOUT)
            assert before != after
            # Let the redraw finish: the readout text may change before the new figure arrives
            # (an Output widget clears, then shows it), so wait for a different image.
            unchanged = f"{case.finished}: moving {name} changed its text but not its plot"
            wait_for(
                partial(images_other_than, widget, spec, plots_before),
                60,
                f"the redrawn {name} figure",
                lambda why=unchanged: why,
            )
            path = shots.take(f"4.{k}-{name}-after", cell)
            if name == README_WIDGET:
                readme_png(path, artifacts / "readme-notebook-widget.png")


def images_other_than(widget, spec: WidgetSpec, old: list[str]) -> list[str]:
    """The widget's images if there are some and they differ from `old`, else []."""
    now = widget_images(widget, spec)
    return now if now and now != old else []


def readme_png(screenshot: Path, out: Path, max_width: int = 900) -> None:
    """A small copy of the widget screenshot for the README (palette PNG, < 150 KB)."""
    from PIL import Image

    with Image.open(screenshot) as image:
        image = image.convert("RGB")
        if image.width > max_width:
            height = round(image.height * max_width / image.width)
            image = image.resize((max_width, height), Image.LANCZOS)
        image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        image.save(out, optimize=True)
    print(f"README screenshot: {out} ({out.stat().st_size // 1024} KB)")
    if os.environ.get("UPDATE_README_SCREENSHOT") == "1":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(out, README_SCREENSHOT)
        print(f"README screenshot updated: {README_SCREENSHOT}")


def test_instructor_sees_formgrader_and_student_sees_assignment_list(lab, page, artifacts):
    """Does the formgrader list the course's assignments, and does the Assignment List
    extension render the released ones?"""
    shots = Screenshots(page, artifacts, "nbgrader")
    page.goto(lab.url("lab?reset", token=True), wait_until="domcontentloaded")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=120_000)

    with shots.step("formgrader", lab):
        click_menu(page, "Nbgrader", "Formgrader")
        formgrader = page.frame_locator("#formgrader iframe")
        for assignment in ASSIGNMENTS:
            formgrader.get_by_text(assignment, exact=True).first.wait_for(timeout=60_000)
        shots.take("5-formgrader")

    with shots.step("assignment-list", lab):
        click_menu(page, "Nbgrader", "Assignment List")
        panel = page.locator("#nbgrader-assignment-list")
        panel.wait_for(state="visible")
        released = panel.locator("#released_assignments_list")
        for assignment in ASSIGNMENTS:
            released.get_by_text(assignment, exact=True).first.wait_for(timeout=60_000)
        shots.take("6-assignment-list")


def test_instructor_reads_the_class_report(page, artifacts, tmp_path):
    """Does the class report (rnn-course report) render in a real browser, its plots loaded,
    a student's message shown as text?"""
    from grading.grading_helpers import CLASS_MESSAGE, record_class, synthetic_class

    from autograder.grading import class_report, class_stats

    url = record_class(tmp_path, synthetic_class(), others=["zoe"])
    out = tmp_path / "class-report.html"
    class_report.write_report(class_stats.collect(tmp_path, db_url=url), out)
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
    assert len(images) == 3 and all(done and width > 0 for done, width in images), images
    assert page.locator("h2").first.inner_text() == "02_rnn_cell"
    assert CLASS_MESSAGE.split(": ", 1)[1] in page.locator("body").inner_text()
    assert page.locator("script").count() == 0
    page.screenshot(path=str(artifacts / "class-report.png"), full_page=True)
