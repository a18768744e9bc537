"""What a person does in JupyterLab, as Playwright calls: open, run all, read outputs, slide.

Every wait polls a condition with a deadline and fails with a message that says what was
awaited and what the page showed instead. No fixed sleeps beyond short polls.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from .lab_server import LabServer

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
ERROR_TEXT = re.compile(r"Traceback|\b\w*(Error|Exception)\b|KeyboardInterrupt")
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def wait_for(
    condition: Callable[[], object],
    timeout: float,
    what: str,
    describe: Callable[[], str] | None = None,
    poll: float = 0.25,
):
    """Poll `condition` until it returns something truthy; its value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"; {describe()}" if describe else ""
            raise TimeoutError(f"waited {timeout:.0f} s for {what}{detail}")
        time.sleep(poll)


def open_notebook(page: Page, server: LabServer, path: str, timeout: float = 120) -> Locator:
    """Open `path` (relative to the lab root) and wait until its kernel is idle."""
    # ?reset: a fresh workspace, so tabs of earlier steps are not restored beside it.
    url = server.url(f"lab/tree/{path}?reset", token=True)
    page.goto(url, wait_until="domcontentloaded")
    notebook = page.locator(NOTEBOOK)
    notebook.locator(".jp-Cell").first.wait_for(state="visible", timeout=timeout * 1000)

    def kernel_state():
        return server.kernel_states().get(path)

    wait_for(
        lambda: kernel_state() == "idle",
        timeout,
        f"the kernel of {path} to start",
        lambda: f"kernel state {kernel_state()!r}; server log:\n{server.log_tail(15)}",
    )
    return notebook


def click_menu(page: Page, menu: str, item: str) -> None:
    """Click `menu` in the main menu bar, then its entry `item` (exact labels)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
    entry = page.locator(
        ".lm-Menu:not(.lm-mod-hidden) .lm-Menu-itemLabel",
        has_text=re.compile(rf"^{re.escape(item)}$"),
    )
    entry.first.click()


def prompts(notebook: Locator) -> list[str]:
    return [t.strip() for t in notebook.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]


def run_all(page: Page, server: LabServer, notebook: Locator, path: str, timeout: float) -> None:
    """Run → Run All Cells, then wait until nothing is queued and the kernel is idle."""
    click_menu(page, "Run", "Run All Cells")
    # The first prompt turns from "[ ]:" into "[*]:" and then "[1]:".
    wait_for(
        lambda: any(re.search(r"\[(\*|\d+)\]", p) for p in prompts(notebook)),
        30,
        "Run All Cells to start executing",
        lambda: f"prompts: {prompts(notebook)[:5]}",
    )

    def settled():
        busy = [p for p in prompts(notebook) if "*" in p]
        return not busy and server.kernel_states().get(path) == "idle"

    def describe():
        ps = prompts(notebook)
        return f"{sum('*' in p for p in ps)} of {len(ps)} cells still queued or running"

    wait_for(settled, timeout, f"all cells of {path} to finish", describe, poll=0.5)
    # Settled twice in a row, half a second apart: no cell was between two queue entries.
    wait_for(lambda: settled() and (time.sleep(0.5) or settled()), 30, "the kernel to stay idle")


@dataclass
class Outputs:
    images: int
    errors: list[str]
    warnings: list[str]
    tables: int = 0
    audio: int = 0  # <audio> players whose source holds sound (IPython.display.Audio)


def read_outputs(notebook: Locator) -> Outputs:
    """Count rendered images, HTML tables and audio players with a non-empty source, and split
    stderr outputs into errors and warnings."""
    images = notebook.locator(".jp-OutputArea-output img").evaluate_all(
        "els => els.filter(e => e.complete && e.naturalWidth > 0).length"
    )
    tables = notebook.locator(".jp-OutputArea-output table").count()  # text/html outputs
    audio = notebook.locator(".jp-OutputArea-output audio").evaluate_all(
        "els => els.filter(a => (a.currentSrc || a.querySelector('source')?.src || '')"
        ".length > 'data:audio/wav;base64,'.length).length"
    )
    errors, warnings = [], []
    for text in notebook.locator(STDERR).all_inner_texts():
        (errors if ERROR_TEXT.search(text) else warnings).append(text.strip())
    return Outputs(images, errors, warnings, tables, audio)


def save(page: Page, notebook: Locator) -> None:
    """Save with the keyboard, as a person would (Ctrl+S), and wait for the clean state."""
    notebook.locator(".jp-Cell").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    wait_for(
        lambda: (
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-mod-dirty").count() == 0
            and page.locator(".lm-TabBar-tab.lm-mod-current.jp-mod-dirty").count() == 0
        ),
        30,
        "the notebook to be saved",
    )


@dataclass(frozen=True)
class WidgetSpec:
    """Where a notebook's demo widget lives and what must change when it moves.

    container: CSS selector of the widget's root box (the first match is used).
    handle: selector, inside it, of the control to move with the keyboard.
    output: selector, inside it, of the elements whose images or text must change.
    """

    container: str = ".jp-OutputArea-output .widget-vbox:has(.widget-slider)"
    handle: str = ".widget-slider .noUi-handle"
    output: str = ".widget-output, .widget-image, .widget-html-content"
    key: str = "ArrowRight"
    presses: int = 1


def widget_signature(widget: Locator, spec: WidgetSpec) -> str:
    """The images (their src) and text shown by the widget's outputs, readouts excluded."""
    return widget.evaluate(
        """(root, selector) => {
            const parts = [];
            for (const el of root.querySelectorAll(selector)) {
                if (el.tagName === 'IMG') parts.push(el.src);
                for (const img of el.querySelectorAll('img')) parts.push(img.src);
                parts.push(el.innerText);
            }
            return parts.join('\\n');
        }""",
        spec.output,
    )


def widget_images(widget: Locator, spec: WidgetSpec) -> list[str]:
    """The src of every loaded image in the widget's outputs (the plots it shows)."""
    return (
        widget.locator(spec.output)
        .locator("img")
        .evaluate_all("els => els.filter(e => e.complete && e.naturalWidth > 0).map(e => e.src)")
    )


def move_widget(widget: Locator, spec: WidgetSpec, timeout: float) -> tuple[str, str]:
    """Press the arrow key on the widget's handle; wait until its output changes."""
    before = widget_signature(widget, spec)
    handle = widget.locator(spec.handle).first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(spec.presses):
        handle.press(spec.key)
    wait_for(
        lambda: (s := widget_signature(widget, spec)) != before and s,
        timeout,
        f"the widget's output to change after pressing {spec.key} on {spec.handle}",
        lambda: f"output still {before[:120]!r}",
    )

    def settled():  # an Output widget may clear first, then show the new figure
        first = widget_signature(widget, spec)
        time.sleep(0.5)
        second = widget_signature(widget, spec)
        return first == second and second != before and ("data:" in second) >= ("data:" in before)

    wait_for(settled, timeout, "the widget's new output to settle")
    return before, widget_signature(widget, spec)
