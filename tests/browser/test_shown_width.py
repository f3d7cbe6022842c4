"""A live figure is drawn as wide as the page shows it, in screen pixels, on a screen with a device pixel ratio of 2.

The lab extension (labextension/winit-rise-widgets) reports the width each live figure is shown at, in CSS pixels
times devicePixelRatio, and the kernel draws it that wide (``Panel.show_at``). At a ratio of 1 the notebook test
checks it on every notebook, in JupyterLab and on a slide. Here the laptop's screen is a "retina" one: the figure,
about 934 CSS pixels wide, needs about 1870 pixels to be sharp, and gets them. After a move of a slider too.
"""
import browser_lab as bl

NOTEBOOK = "01_fan_in_variance.ipynb"


def test_on_a_screen_with_a_pixel_ratio_of_2_a_live_figure_is_drawn_twice_as_wide(lab_browser, lab_server):
    context = lab_browser.new_context(viewport=dict(bl.LAPTOP), device_scale_factor=2)
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        nb = bl.NotebookPage(page, lab_server, NOTEBOOK)
        nb.open()
        nb.run_all()
        view = page.locator(bl.WIDGET_VIEW).filter(has=page.locator(".widget-slider")).first
        view.scroll_into_view_if_needed()
        natural, shown = bl.check_drawn_as_wide_as_shown(view, f"{NOTEBOOK} at a device pixel ratio of 2")
        # wider than any frame drawn for a ratio of 1 (1600, the first frame's): the page counted the ratio in
        css = view.locator("img").first.evaluate("img => img.getBoundingClientRect().width")
        assert css > 900 and natural >= 2 * css - 0.5 and natural > 1600, (natural, shown, css)
        slider = view.locator(".widget-slider").first
        move = bl.move_slider(page, lab_server, view, slider, "ArrowRight", f"{NOTEBOOK} at a pixel ratio of 2")
        assert move["changed"]
        assert bl.check_drawn_as_wide_as_shown(view, f"{NOTEBOOK} at a pixel ratio of 2, after a move")[0] == natural
    finally:
        context.close()
        lab_server.shutdown_kernels()
