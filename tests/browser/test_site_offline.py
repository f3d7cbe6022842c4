"""The handouts in a real browser with the network off: every page shows its figures and its math.

Builds the site (tools/build_site.py) into a temporary folder, opens every page
from disk in headless Chromium with the network switched off, and checks that
no request failed, every image decoded, MathJax typeset the math with its local
fonts, and a note stands where the notebook has a live view.

    python -m pytest -p no:nbval -o addopts="" tests/browser/test_site_offline.py

Screenshots of the first screen of each page go to build/browser/site/ for a look.
"""
import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser" / "site"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
INSTALL_HINT = ("this test needs Chromium and none was found.\n"
                "  Debian/Ubuntu (as root):  apt-get install -y chromium\n"
                "  elsewhere: install Chromium or Google Chrome and export WINIT_CHROMIUM=/path/to/it\n"
                "  and the Python package: python -m pip install playwright   (no `playwright install` needed)")
PAGE_TIMEOUT_MS = 120_000     # a shared, slow machine: MathJax on the longest page can take a while

spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


def chromium_path():
    explicit = os.environ.get("WINIT_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_site.build(out, quiet=True)
    return out


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing.\n" + INSTALL_HINT, pytrace=False)
    executable = chromium_path()
    if executable is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def has_math(site, name):
    """Whether a page has TeX to typeset: its notebook's markdown (or, for the index, the page) holds $...$."""
    notebook = ROOT / "notebooks" / name.replace(".html", ".ipynb")
    if notebook.exists():
        import nbformat
        text = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = (site / name).read_text(encoding="utf-8")
    return re.search(r"\$[^$\n]+\$", text) is not None


PAGES = [f"{p.stem}.html" for p in build_site.notebook_paths()] + ["index.html"]

# runs in the page once MathJax has finished: what a reader sees
REPORT_JS = """async () => {
  await new Promise(done => MathJax.Hub.Queue(done));
  await document.fonts.ready;
  const images = [...document.querySelectorAll('img')];
  const fonts = [...document.fonts].filter(f => f.family.includes('STIX'));
  return {
    images: images.length,
    broken: images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 60)),
    math: document.querySelectorAll('.MathJax').length,
    mathErrors: document.querySelectorAll('.MathJax .merror, .MathJax_Error, .mjx-merror').length,
    rawMath: [...document.querySelectorAll('.jp-MarkdownOutput')].filter(el => /\\$[^$\\s][^$]*\\\\[a-z]+[^$]*\\$/.test(el.innerText)).length,
    fontsLoaded: fonts.filter(f => f.status === 'loaded').length,
    fontsFailed: fonts.filter(f => f.status === 'error').length,
    notes: [...document.querySelectorAll('.winit-live-note')].filter(el => el.offsetHeight > 0).length,
    title: document.title,
  };
}"""


@pytest.mark.parametrize("name", PAGES)
def test_page_offline(site, browser, name):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_offline(True)
    outside, failed, errors = [], [], []

    def refuse(route):       # belt and braces: nothing may leave the machine, even if the page asked
        outside.append(route.request.url)
        route.abort()

    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                  else refuse(route))
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.on("requestfailed", lambda request: None if request.url.startswith("about:")   # an empty frame, no request
            else failed.append(f"{request.url[:100]}: {request.failure}"))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto((site / name).as_uri(), wait_until="load")
        page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.isReady === true")
        report = page.evaluate(REPORT_JS)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{Path(name).stem}.png"))
    finally:
        context.close()

    assert not outside, f"{name} asked the network for {outside}"
    assert not failed, f"{name}: failed requests {failed}"
    assert not errors, f"{name}: script errors {errors}"
    assert not report["broken"], f"{name}: images that did not load {report['broken']}"
    if name != "index.html":
        html = (site / name).read_text(encoding="utf-8")
        assert report["images"] == html.count("<img"), name
        assert report["notes"] == html.count(build_site.LIVE_NOTE), f"{name}: a live-view note is not visible"
    if has_math(site, name):
        assert report["math"] > 0, f"{name}: no math was typeset"
    assert report["mathErrors"] == 0, f"{name}: MathJax reported errors"
    assert report["rawMath"] == 0, f"{name}: TeX left untypeset"
    assert report["fontsFailed"] == 0, f"{name}: MathJax's fonts did not load {report}"
    if report["math"]:
        assert report["fontsLoaded"] > 0, f"{name}: math without MathJax's own fonts {report}"
    assert report["title"], name
