"""Every notebook, opened in JupyterLab in headless Chromium, as a learner and a lecturer use it.

For each notebook in notebooks/ (found by globbing: a new notebook needs no change here):
clear the stored outputs, Run > Run All Cells, wait until the kernel is idle; then
no cell may raise or write to stderr, and every cell must have run, in order; every
widget output must render as a widget; every slider must render (handle, track,
readout), and ArrowRight, End and Home on its noUi handle must move it and redraw
the figure (the image bytes in the image widget change), with the kernel idle again
within a bound and no "Could not redraw" in the view's status line; each live figure
is drawn as wide as the page shows it, in screen pixels (the lab extension reports it). This part runs at a
laptop's size (1366 x 768); each live view's screenshot goes to build/screenshots/laptop/.

Lecture mode, for every notebook too: the notebook is saved and its slideshow (jupyterlab-rise's
page, as the slideshow panel's full-screen view shows it) opens at a projector's size, 1920 x 1080,
on the notebook's one kernel. Every widget output must render there as a widget. Every slide is
shown in turn (with its fragments), measured in one call and photographed
(build/screenshots/projector/): body text at least 28 px on screen, code, outputs, slider labels,
readouts and a live view's text lines at least 24 px, and every live figure at least 80% of the
slide's width (or height). Where the notebook has sliders, the first slide with a slider is shown
and the keyboard moves it: the figure redraws (drawn as wide as the slide shows it) and the slide does not turn; the same for ArrowDown
on the live view's dropdown, if it has one; with the focus still on the slider, the space bar
turns to the next slide. The overview (W) must show every slide (build/screenshots/projector/
NN/overview.png).

No console error or uncaught page error may occur on either page, apart from the listed upstream
ones (browser_lab.IGNORED_CONSOLE, each with why it is harmless), and no request may go to any host
but the local server.
"""
import time

import pytest

import browser_lab as bl

NOTEBOOKS = bl.notebook_paths()
KEYS = ("ArrowRight", "End", "Home")
SLIDE_KEYS = ("End", "Home")            # moves of a slider on a slide (from wherever the notebook left it: a
#                                          log slider's first step from its minimum can round to the same whole number)


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


def _check_requests(context, where):
    foreign = sorted(set(context.foreign_requests))
    assert not foreign, (f"{where}: requests to hosts other than the local server (the course must work "
                         f"offline):\n  " + "\n  ".join(foreign))


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
            bl.check_drawn_as_wide_as_shown(view, f"{name}: live view {v}")
            view.scroll_into_view_if_needed()
            view.screenshot(path=str(bl.SCREENSHOTS / "laptop" / f"{notebook.stem}_view{v}.png"))
        timings.append(f"{name}: {n_sliders} slider(s) moved {len(KEYS)} times each in "
                       f"{time.monotonic() - t0:.1f} s; slowest move {slowest[0]:.1f} s ({slowest[1]})")

        # moving the sliders must not have broken anything in the notebook either
        problems = [p for p in bl.output_problems(nb.state()) if "raised" in p or "stderr" in p]
        assert not problems, f"{name}: after moving the sliders:\n  " + "\n  ".join(problems)
        _check_console(recorder, name)
        _check_requests(page.context, name)
        nb.screenshot(bl.ARTIFACTS / f"{notebook.stem}.png")

        recorder.phase = "rise"
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        bl.wait_until(lambda: not nb.state()["dirty"], 60, message=f"{name} to be saved")
        rise = page.context.new_page()
        rise.set_viewport_size(dict(bl.PROJECTOR))
        rise_recorder = bl.Recorder(rise)
        rise_recorder.phase = "rise"
        screenshot = bl.ARTIFACTS / f"{notebook.stem}.rise.png"
        try:
            _check_slideshow(rise, lab_server, rise_recorder, name, n_widgets, n_sliders, timings)
            _check_console(rise_recorder, f"{name} as a slideshow")
        except AssertionError as exc:
            raise AssertionError(_with_console(str(exc), rise_recorder)) from None
        finally:
            bl.NotebookPage(rise, lab_server, name).screenshot(screenshot)
        _check_console(recorder, f"{name} (the notebook's page, while it was presented)")
        _check_requests(page.context, f"{name} as a slideshow")
    except AssertionError as exc:
        raise AssertionError(_with_console(str(exc), recorder)) from None
    finally:
        if not screenshot.name.endswith(".rise.png"):
            nb.screenshot(screenshot)


def _slide(page):
    return page.evaluate("() => location.hash")


def _walk_slides(page, name, timings):
    """Show every slide with its fragments; measure and photograph each. Returns the size problems."""
    shots = bl.SCREENSHOTS / "projector" / name.removesuffix(".ipynb")
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    selectors = {group: selector for group, (selector, _least) in bl.GROUPS.items()}
    deck = page.evaluate(bl.JS_DECK)
    problems, opens, t0 = [], [], time.monotonic()
    for h, verticals in enumerate(deck):
        for v, fragments in enumerate(verticals):
            page.evaluate("t => { location.hash = t; }", f"#/{h}/{v}")
            page.wait_for_function(bl.JS_AT_SLIDE, arg=[h, v], timeout=10_000, polling=50)
            if fragments:      # as after the last click on this slide: every fragment shown
                page.evaluate("""() => [...document.querySelectorAll('.reveal .slides section.present')].pop()
                                 .querySelectorAll('.fragment').forEach(f => f.classList.add('visible'))""")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            sizes = page.evaluate(bl.JS_SLIDE_SIZES, selectors)
            assert abs(sizes["scale"] - 2) < 0.01, (
                f"{name}: reveal.js scales the slides {sizes['scale']:.3f} times at 1920 x 1080, not twice: "
                "is the notebook's 'rise' metadata current (python tools/slides.py) and notebooks/rise.css served?")
            problems += bl.slide_size_problems(sizes, f"{name} slide {h}/{v}")
            least = ", ".join(f"{g} {f['px']:.1f} px" for g, f in sizes["groups"].items() if f)
            figures = ", ".join(f"figure {f['width']:.0%} x {f['height']:.0%}" for f in sizes["figures"])
            opens.append(f"{h}/{v}: opens with {sizes['opens']!r}; smallest: {least}; {figures}")
            page.screenshot(path=str(shots / f"{h:02d}_{v}.png"))
    n = sum(len(vs) for vs in deck)
    timings.append(f"{name}: {n} slides measured and photographed in {time.monotonic() - t0:.1f} s")
    (shots / "slides.txt").write_text("\n".join(opens) + "\n")
    return problems, n


def _check_overview(page, name, n_slides):
    """W shows the overview; every slide's tile must show its content (not a blank tile)."""
    shots = bl.SCREENSHOTS / "projector" / name.removesuffix(".ipynb")
    page.evaluate("() => { location.hash = '#/0/0'; }")
    page.locator(".reveal").click(position={"x": 5, "y": 5})
    page.keyboard.press("w")
    page.wait_for_selector(".reveal.overview", timeout=10_000)
    page.evaluate("() => new Promise(r => setTimeout(r, 300))")
    page.screenshot(path=str(shots / "overview.png"))
    # a tile is shown when the point at its centre belongs to it (a clipped tile is neither painted nor hit)
    tiles = page.evaluate("""() => {
      const out = [];
      document.querySelectorAll('.reveal .slides > section').forEach((h, i) => {
        const parts = h.querySelectorAll(':scope > section');
        [...(parts.length ? parts : [h])].forEach((s, j) => {
          const r = s.getBoundingClientRect();
          const x = r.left + r.width / 2, y = r.top + r.height / 2;
          if (!r.width || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return;   // not laid out, or off the screen
          const hit = document.elementFromPoint(x, y);
          out.push([`${i}/${j}`, !!hit && s.contains(hit)]);
        });
      });
      return out;
    }""")
    blank = [tile for tile, shown in tiles if not shown]
    page.keyboard.press("w")
    page.wait_for_selector(".reveal:not(.overview)", timeout=10_000)
    assert len(tiles) >= min(n_slides, 2), f"{name}: the overview (W) shows {len(tiles)} tile(s) on the screen"
    assert not blank, (f"{name}: in the overview (W), {len(blank)} of the {len(tiles)} tiles on the screen are "
                       f"blank: {blank}")


def _check_slideshow(page, lab_server, recorder, name, n_widgets, n_sliders, timings):
    """Open the notebook's slideshow at a projector's size and check it (see the module's doc)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout   # here: a plain `make test` needs no playwright
    where = f"{name} as a RISE slideshow"
    t0 = time.monotonic()
    page.goto(lab_server.url(f"rise/{name}"), timeout=bl.PAGE_LOAD * 1000)
    page.locator(".reveal .slides section.present").first.wait_for(timeout=bl.PAGE_LOAD * 1000)
    present = page.locator(".reveal .slides section.present").last     # innermost (vertical) slide

    def widget_manager_failed():
        return any(bl.RISE_WIDGETS_FAILURE in e[2] for e in recorder.entries)

    def all_widgets_rendered():
        return widget_manager_failed() or page.locator(bl.WIDGET_VIEW).count() == n_widgets
    try:
        bl.wait_until(all_widgets_rendered, bl.PAGE_LOAD, interval=0.5, message="")
    except AssertionError:
        pass    # reported below, with the count
    assert not widget_manager_failed(), (
        f"{where}: ipywidgets' widget manager did not load on the slideshow page "
        f"(\"{bl.RISE_WIDGETS_FAILURE}\"): is the winit-rise-widgets lab extension installed? "
        "(requirements.txt installs it from labextension/; `jupyter labextension list` shows it)")
    bl.check_widget_views(page, n_widgets, where, visible=False)
    if n_widgets:     # the live figures' images loaded (they are measured)
        bl.wait_until(lambda: page.evaluate(
            "() => [...document.querySelectorAll('.jupyter-widgets img')].every(i => i.complete && i.naturalWidth)"),
            bl.FIGURE_CHANGE, message=f"{where}: the live figures' images to load")
    kernels = lab_server.kernels()
    assert len(kernels) == 1, f"{where}: the slideshow should use the notebook's kernel; {len(kernels)} running"

    problems, n_slides = _walk_slides(page, name, timings)
    assert n_slides >= 2, f"{where}: the deck has {n_slides} slide(s)"
    assert not problems, f"{where}: too small for a projector at 1920 x 1080:\n  " + "\n  ".join(problems)
    _check_overview(page, name, n_slides)
    if not n_sliders:
        timings.append(f"{where}: {n_slides} slides, {n_widgets} widget(s), in {time.monotonic() - t0:.1f} s")
        return

    # the first slide with a slider, as the lecturer reaches it
    slide = None
    for h, verticals in enumerate(page.evaluate(bl.JS_DECK)):
        for v in range(len(verticals)):
            page.evaluate("t => { location.hash = t; }", f"#/{h}/{v}")
            page.wait_for_function(bl.JS_AT_SLIDE, arg=[h, v], timeout=10_000, polling=50)
            handles = present.locator(".widget-slider .noUi-handle")
            if handles.count() and handles.first.is_visible():
                slide = _slide(page)
                break
        if slide:
            break
    assert slide, f"{where}: no slide shows a slider"
    view = present.locator(bl.WIDGET_VIEW).filter(has=page.locator(".widget-slider")).first
    bl.check_figure_loaded(view, f"{where}: the live view on slide {slide}")
    slider = view.locator(".widget-slider").first
    info = bl.check_slider_rendered(slider, f"{where}, slide {slide}")
    for key in SLIDE_KEYS:
        try:
            move = bl.move_slider(page, lab_server, view, slider, key, f"{where}, slide {slide}, '{info['label']}'")
        except PlaywrightTimeout:
            raise AssertionError(
                f"{where}: after {key} on the handle of '{info['label']}', the slider was no longer on the "
                f"slide shown ({slide} -> {_slide(page)}): the key turned the slide") from None
        assert move["changed"], f"{where}: {key} did not move '{info['label']}' on slide {slide}"
        assert _slide(page) == slide, (
            f"{where}: {key} on the handle of '{info['label']}' also turned the slide ({slide} -> "
            f"{_slide(page)}): the deck's navigation keys reach past the widget")
    bl.check_drawn_as_wide_as_shown(view, f"{where}: the live view on slide {slide}")
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
        assert _slide(page) == slide, (
            f"{where}: ArrowDown on the dropdown also turned the slide ({slide} -> {_slide(page)})")

    # with the focus still on the slider, the space bar still turns to the next slide (the lecturer
    # moves on without clicking elsewhere first), and leaves the slider where it was
    handle = slider.locator(".noUi-handle").first.element_handle()    # the same element after the turn
    handle.focus()
    value = handle.get_attribute("aria-valuenow")
    page.keyboard.press("Space")
    bl.wait_until(lambda: _slide(page) != slide, 10, interval=0.2,
                  message=f"{where}: the space bar, pressed with the focus on '{info['label']}', "
                          f"to turn from slide {slide} to the next")
    assert handle.get_attribute("aria-valuenow") == value, (
        f"{where}: the space bar on the handle of '{info['label']}' also moved the slider")
    timings.append(f"{where}: {n_slides} slides, {n_widgets} widget(s); '{info['label']}' moved on slide "
                   f"{slide}; {time.monotonic() - t0:.1f} s in all")
