"""Every notebook, opened in JupyterLab in headless Chromium, as a learner and a lecturer use it.

For each notebook in notebooks/ (found by globbing: a new notebook needs no change here):
clear the stored outputs, Run > Run All Cells, wait until the kernel is idle; then
no cell may raise or write to stderr, and every cell must have run, in order; every
widget output must render as a widget; every slider must render (handle, track,
readout), and ArrowRight, End and Home on its noUi handle must move it and redraw
the figure (the PNG bytes in the image widget change), with the kernel idle again
within a bound and no "Could not redraw" in the view's status line. No console
error or uncaught page error may occur, apart from the listed benign ones
(browser_lab.IGNORED_CONSOLE). A screenshot per notebook goes to build/browser/.

Lecture mode, for every notebook too: after the sliders, the notebook is shown as a RISE slideshow
(the toolbar's slideshow button) beside it; every widget output must render there as a widget,
and where the notebook has sliders, the slides are walked through with the space bar (as a
lecturer does) to the first slide with a slider, which the keyboard then moves: the figure on
the slide redraws, through the notebook's one kernel, and the slide does not turn; the same for
ArrowDown on the live view's dropdown, if it has one. With the focus still on the slider, the
space bar then turns to the next slide.
"""
import time

import pytest

import browser_lab as bl

NOTEBOOKS = bl.notebook_paths()
KEYS = ("ArrowRight", "End", "Home")
SLIDE_KEYS = ("ArrowRight", "Home")      # moves of a slider on a slide
MAX_SLIDE_STEPS = 80                     # presses of the space bar before giving up on finding a slider


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebook found in {bl.NOTEBOOKS}"


def _with_console(message, recorder):
    failures = recorder.failures()
    if failures and "console error(s)" not in message:
        message += "\n\nBrowser console errors so far:\n" + recorder.report(failures)
    return message


def _check_console(recorder, where):
    failures = recorder.failures()
    assert not failures, (f"{where}: {len(failures)} console error(s) or uncaught page error(s) "
                          f"(see build/browser/):\n{recorder.report(failures)}")


def _run_notebook(nb, recorder, timings):
    """Open, Run All, check the outputs. Returns the state after the run."""
    t0 = time.monotonic()
    recorder.phase = "open"
    nb.open()
    t1 = time.monotonic()
    recorder.phase = "run"
    state = nb.run_all()
    timings.append(f"{nb.name}: open {t1 - t0:.1f} s, run all {time.monotonic() - t1:.1f} s")
    problems = bl.output_problems(state)
    assert not problems, f"{nb.name}: after Run All Cells:\n  " + "\n  ".join(problems)
    return state


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_its_sliders_redraw_and_it_presents_as_slides(notebook, lab_server, lab_page, timings):
    page, recorder = lab_page
    nb = bl.NotebookPage(page, lab_server, notebook.name)
    name = notebook.name
    screenshot = bl.ARTIFACTS / f"{notebook.stem}.png"
    try:
        state = _run_notebook(nb, recorder, timings)
        n_widgets = sum(out["widget"] for cell in state["cells"] for out in cell["outputs"])
        views = bl.check_widget_views(page, n_widgets, name)

        recorder.phase = "sliders"
        n_sliders, slowest = 0, (0.0, "")
        t0 = time.monotonic()
        for v, view in enumerate(views, 1):
            sliders = view.locator(".widget-slider")
            if not sliders.count():
                continue
            bl.check_figure_loaded(view, f"{name}: live view {v}")
            for s in range(sliders.count()):
                slider = sliders.nth(s)
                where = f"{name}, live view {v}, slider {s + 1}"
                info = bl.check_slider_rendered(slider, where)
                where = f"{where} '{info['label']}'"
                changed = 0
                for key in KEYS:
                    move = bl.move_slider(page, lab_server, view, slider, key, where)
                    changed += move["changed"]
                    if move["seconds"] > slowest[0]:
                        slowest = (move["seconds"], f"{where} {key} -> {move['after']['readout']}")
                assert changed >= 1, f"{where}: none of {KEYS} moved the slider"
                n_sliders += 1
        timings.append(f"{name}: {n_sliders} slider(s) moved {len(KEYS)} times each in "
                       f"{time.monotonic() - t0:.1f} s; slowest move {slowest[0]:.1f} s ({slowest[1]})")

        # moving the sliders must not have broken anything in the notebook either
        problems = [p for p in bl.output_problems(nb.state()) if "raised" in p or "stderr" in p]
        assert not problems, f"{name}: after moving the sliders:\n  " + "\n  ".join(problems)
        _check_console(recorder, name)
        nb.screenshot(bl.ARTIFACTS / f"{notebook.stem}.png")
        screenshot = bl.ARTIFACTS / f"{notebook.stem}.rise.png"

        recorder.phase = "rise"
        _check_slideshow(page, lab_server, recorder, name, n_widgets, n_sliders, timings)
        _check_console(recorder, f"{name} as a slideshow")
    except AssertionError as exc:
        raise AssertionError(_with_console(str(exc), recorder)) from None
    finally:
        nb.screenshot(screenshot)


def _slide(iframe):
    return iframe.evaluate("f => f.contentWindow.location.hash")


def _check_slideshow(page, lab_server, recorder, name, n_widgets, n_sliders, timings):
    """Open the notebook as a RISE slideshow, as a lecturer does, and check it (see the module's doc)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout   # here: a plain `make test` needs no playwright
    where = f"{name} as a RISE slideshow"
    t0 = time.monotonic()
    button = page.locator(".jp-NotebookPanel-toolbar [data-command='RISE:preview']")
    assert button.count() == 1, "no RISE slideshow button in the notebook toolbar (is jupyterlab-rise loaded?)"
    button.click()
    iframe = page.locator("iframe[src*='/rise/']")
    iframe.wait_for(state="attached", timeout=bl.PAGE_LOAD * 1000)
    frame = page.frame_locator("iframe[src*='/rise/']")
    frame.locator(".reveal .slides section.present").first.wait_for(timeout=bl.PAGE_LOAD * 1000)
    present = frame.locator(".reveal .slides section.present").last     # innermost (vertical) slide

    def widget_manager_failed():
        return any(bl.RISE_WIDGETS_FAILURE in e[2] for e in recorder.entries)

    def all_widgets_rendered():
        return widget_manager_failed() or frame.locator(bl.WIDGET_VIEW).count() == n_widgets
    try:
        bl.wait_until(all_widgets_rendered, bl.PAGE_LOAD, interval=0.5, message="")
    except AssertionError:
        pass    # reported below, with the count
    assert not widget_manager_failed(), (
        f"{where}: ipywidgets' widget manager did not load on the slideshow page "
        f"(\"{bl.RISE_WIDGETS_FAILURE}\"): is the winit-rise-widgets lab extension installed? "
        "(requirements.txt installs it from labextension/; `jupyter labextension list` shows it)")
    bl.check_widget_views(frame, n_widgets, where, visible=False)
    n_slides = frame.locator(".reveal .slides > section").count()
    assert n_slides >= 2, f"{where}: the deck has {n_slides} slide(s)"
    kernels = lab_server.kernels()
    assert len(kernels) == 1, f"{where}: the slideshow should use the notebook's kernel; {len(kernels)} running"
    if not n_sliders:
        timings.append(f"{where}: {n_slides} slides, {n_widgets} widget(s), in {time.monotonic() - t0:.1f} s")
        return

    # it opens at the title (the notebooks' RISE setting); the lecturer presses the space bar
    deck = frame.locator(".reveal")
    slide = None
    for _step in range(MAX_SLIDE_STEPS):
        handles = present.locator(".widget-slider .noUi-handle")
        if handles.count() and handles.first.is_visible():
            slide = _slide(iframe)
            break
        before = _slide(iframe)
        deck.press("Space")
        try:
            bl.wait_until(lambda: _slide(iframe) != before, 10, interval=0.2, message="")
        except AssertionError:
            break       # the last slide
    assert slide, (f"{where}: walked through the slides with the space bar, and none showed a slider; "
                   f"the last one ({_slide(iframe)}) showed: {present.inner_text()[:300]!r}")
    view = present.locator(bl.WIDGET_VIEW).filter(has=frame.locator(".widget-slider")).first
    bl.check_figure_loaded(view, f"{where}: the live view on slide {slide}")
    slider = view.locator(".widget-slider").first
    info = bl.check_slider_rendered(slider, f"{where}, slide {slide}")
    for key in SLIDE_KEYS:
        try:
            move = bl.move_slider(page, lab_server, view, slider, key, f"{where}, slide {slide}, '{info['label']}'")
        except PlaywrightTimeout:
            raise AssertionError(
                f"{where}: after {key} on the handle of '{info['label']}', the slider was no longer on the "
                f"slide shown ({slide} -> {_slide(iframe)}): the key turned the slide") from None
        assert move["changed"], f"{where}: {key} did not move '{info['label']}' on slide {slide}"
        assert _slide(iframe) == slide, (
            f"{where}: {key} on the handle of '{info['label']}' also turned the slide ({slide} -> "
            f"{_slide(iframe)}): the deck's navigation keys reach past the widget")
    # a dropdown on the slide takes its arrow keys too
    dropdowns = view.locator("select")
    if dropdowns.count():
        dropdown, img = dropdowns.first, view.locator("img").first
        choice, digest = dropdown.input_value(), bl.image_digest(img)
        dropdown.focus()
        page.keyboard.press("ArrowDown")
        bl.wait_until(lambda: dropdown.input_value() != choice, 10, interval=0.2,
                      message=f"{where}: ArrowDown on the focused dropdown to change its choice ({choice})")
        bl.wait_until(lambda: bl.image_digest(img) != digest, bl.FIGURE_CHANGE, interval=0.2,
                      message=f"{where}: a new figure after the dropdown's choice changed")
        bl.wait_kernel_idle(lab_server)
        assert _slide(iframe) == slide, (
            f"{where}: ArrowDown on the dropdown also turned the slide ({slide} -> {_slide(iframe)})")

    # with the focus still on the slider, the space bar still turns to the next slide (the lecturer
    # moves on without clicking elsewhere first), and leaves the slider where it was
    handle = slider.locator(".noUi-handle").first.element_handle()    # the same element after the turn
    handle.focus()
    value = handle.get_attribute("aria-valuenow")
    page.keyboard.press("Space")
    bl.wait_until(lambda: _slide(iframe) != slide, 10, interval=0.2,
                  message=f"{where}: the space bar, pressed with the focus on '{info['label']}', "
                          f"to turn from slide {slide} to the next")
    assert handle.get_attribute("aria-valuenow") == value, (
        f"{where}: the space bar on the handle of '{info['label']}' also moved the slider")
    timings.append(f"{where}: {n_slides} slides, {n_widgets} widget(s); '{info['label']}' moved on slide "
                   f"{slide}; {time.monotonic() - t0:.1f} s in all")
