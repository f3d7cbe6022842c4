"""How live the live figures feel, in headless Chromium: recorded for every slider of every notebook.

On a laptop-sized window (1366x768), each notebook is opened and run; once each live view is on the screen and
drawn as wide as the page shows it (as a learner finds it), every slider of it
is stepped with the arrow keys (two presses right, two left, twice over, or left first at the slider's right end:
eight presses, so that its 90th percentile is not simply its slowest press) and dragged at once, then dragged again after a
pause of PAUSE_SECONDS (while the view looks ahead), and the time from the key press (or the release) to the new
image decoded is recorded. Then the same notebook is presented
as slides in a full 1920x1080 window (the projector), and every slider met on the way through the
deck is stepped again (right, left, twice over; left first at its right end). The figures go to benchmarks/browser.md (linked from the README) and
build/browser/latency.json. Only what must hold is asserted: every move brings a new image.

CI sets WINIT_LATENCY=0 to skip this measurement (its machine's numbers are thrown away with its clone, and the
notebook test already moves every slider); `make test-browser` on your machine records them.
"""
import os
import platform
import shutil
import time

import pytest

import browser_lab as bl
import latency

NOTEBOOKS = bl.notebook_paths()
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
KEYS = ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft") * 2
SLIDE_KEYS = ("ArrowRight", "ArrowLeft") * 2
MAX_SLIDES = 120
#: the second drag of each slider comes this long after the first: the view has looked ahead meanwhile
PAUSE_SECONDS = 3.0
ROWS = []


@pytest.fixture(scope="module")
def contexts(lab_browser):
    laptop = lab_browser.new_context(viewport=LAPTOP)
    projector = lab_browser.new_context(viewport=PROJECTOR)
    for context in (laptop, projector):
        context.set_default_timeout(60_000)
    yield laptop, projector
    laptop.close()
    projector.close()


@pytest.fixture(scope="module", autouse=True)
def results():
    load_start = bl.os.getloadavg()[0]
    yield ROWS
    if ROWS:
        note = (f"Measured on {platform.machine()} with {bl.os.cpu_count()} cores; the machine's load at the time "
                f"is not controlled (its load average over a minute: {load_start:.1f} at the start, "
                f"{bl.os.getloadavg()[0]:.1f} at the end).")
        latency.write_results(ROWS, note)


def _label(slider):
    return bl.slider_info(slider)["label"] or "slider"


def _live_views(scope):
    return [v for v in (scope.locator(bl.WIDGET_VIEW).nth(i) for i in range(scope.locator(bl.WIDGET_VIEW).count()))
            if v.locator(".widget-slider").count()]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_slider_answers_and_its_latency_is_recorded(notebook, lab_server, contexts):
    if os.environ.get("WINIT_LATENCY") == "0":
        pytest.skip("WINIT_LATENCY=0: latency not recorded in this run")
    laptop, projector = contexts
    page = laptop.new_page()
    nb = bl.NotebookPage(page, lab_server, notebook.name)
    try:
        nb.open()
        nb.run_all()
        views = _live_views(page)
        if not views:
            pytest.skip(f"{notebook.name} has no live view with a slider")
        for v, view in enumerate(views, 1):
            img = view.locator("img").first
            # as a learner finds it: on the screen, drawn as wide as the page shows it (the page reports the
            # width when the figure appears, and the kernel draws it again that wide)
            view.scroll_into_view_if_needed()
            bl.check_drawn_as_wide_as_shown(view, f"{notebook.name}, view {v}")
            bl.wait_kernel_idle(lab_server, settle=0.3)
            sliders = view.locator(".widget-slider")
            for s in range(sliders.count()):
                slider = sliders.nth(s)
                slider.scroll_into_view_if_needed()
                handle = slider.locator(".noUi-handle").first
                # wait until the slider has rendered its label and readout (the first one of a view can lag)
                label = bl.check_slider_rendered(slider, f"{notebook.name}, view {v}")["label"] or "slider"
                presses = [latency.key_latency(page, lab_server, img, handle, key)
                           for key in latency.away_from_end(bl.slider_info(slider), KEYS)]
                keys = [first for first, _ in presses]
                moved = [k for k in keys if k is not None]
                assert moved, f"{notebook.name}, view {v}, '{label}': no key press brought a new image"
                track = slider.locator(".noUi-target, .noUi-base").first
                shown = bl.status_params(view)
                drag, drag_full = latency.drag_latency(page, lab_server, img, handle, track)
                drag_shown = latency.drag_shown(bl.slider_info(slider)["readout"], shown, bl.status_params(view))
                time.sleep(PAUSE_SECONDS)        # as a lecturer looks at the figure before the next drag
                shown = bl.status_params(view)
                paused, paused_full = latency.drag_latency(page, lab_server, img, handle, track)
                paused_shown = latency.drag_shown(bl.slider_info(slider)["readout"], shown, bl.status_params(view))
                ROWS.append(dict(notebook=notebook.stem, view=v, slider=label, where="laptop 1366x768",
                                 keys=keys, keys_full=[full for _, full in presses], drag=drag, drag_full=drag_full,
                                 drag_paused=paused, drag_paused_full=paused_full,
                                 drag_shown=drag_shown, drag_paused_shown=paused_shown))
        # present it: the slideshow page, full screen on the projector
        page.locator(".jp-NotebookPanel-toolbar [data-command='RISE:preview']").click()
        iframe = page.locator("iframe[src*='/rise/']")
        iframe.wait_for(state="attached", timeout=bl.PAGE_LOAD * 1000)
        src = iframe.get_attribute("src")
    finally:
        page.close()
    try:
        _slides(notebook, lab_server, projector, src)
    finally:
        # presenting saved the notebook with this run's widget outputs into the server's copy; put the original
        # back, so a later test opens it as a learner would (no outputs of a kernel that is gone)
        shutil.copy(notebook, lab_server.root / notebook.name)


def _slides(notebook, lab_server, projector, src):
    page = projector.new_page()
    try:
        url = src if src.startswith("http") else lab_server.base_url.rstrip("/") + src
        url += ("&" if "?" in url else "?") + f"token={lab_server.token}"     # a new window: log in with the token
        page.goto(url, timeout=bl.PAGE_LOAD * 1000)
        page.locator(".reveal .slides section.present").first.wait_for(timeout=bl.PAGE_LOAD * 1000)
        present = page.locator(".reveal .slides section.present").last      # innermost (vertical) slide
        deck = page.locator(".reveal")
        seen = 0
        for _ in range(MAX_SLIDES):
            for view in _live_views(present):
                img = view.locator("img").first
                try:
                    bl.wait_until(lambda: img.evaluate("i => i.complete && i.naturalWidth > 0"), 60, message="")
                except AssertionError:
                    continue
                if view.locator(".widget-slider .noUi-handle").first.is_visible():
                    bl.check_drawn_as_wide_as_shown(view, f"{notebook.name} as slides, view {seen + 1}")
                    bl.wait_kernel_idle(lab_server, settle=0.3)
                sliders = view.locator(".widget-slider")
                for s in range(sliders.count()):
                    slider = sliders.nth(s)
                    handle = slider.locator(".noUi-handle").first
                    if not handle.is_visible():
                        continue
                    presses = [latency.key_latency(page, lab_server, img, handle, key)
                               for key in latency.away_from_end(bl.slider_info(slider), SLIDE_KEYS)]
                    ROWS.append(dict(notebook=notebook.stem, view=seen + 1, slider=_label(slider),
                                     where="slides 1920x1080", keys=[first for first, _ in presses],
                                     keys_full=[full for _, full in presses], drag=None))
                seen += 1
            before = page.evaluate("() => location.hash")
            deck.press("Space")
            try:
                bl.wait_until(lambda: page.evaluate("() => location.hash") != before, 10, interval=0.2, message="")
            except AssertionError:
                break           # the last slide
    except Exception:
        page.screenshot(path=str(bl.ARTIFACTS / f"{notebook.stem}.latency-slides.png"))
        print("slideshow page:", src)
        raise
    finally:
        page.close()
        lab_server.shutdown_kernels()
