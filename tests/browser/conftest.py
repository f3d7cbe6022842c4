"""Fixtures for the browser tests: one isolated JupyterLab server per session, one headless Chromium per
test module.

These tests run only when asked for by path (``make test-browser`` runs
``pytest -p no:nbval -o addopts="" tests/browser``, or name a file or test inside
tests/browser). A plain ``pytest`` / ``make test`` / ``make test-unit`` collects
tests/ through testpaths and deselects them, so the fast suites need no browser.
Set WINIT_BROWSER_TESTS=1 to include them in any run.

A missing Chromium is an error, never a skip (locally and in CI alike): the
session stops at once with what to install.
"""
import os
import time
from pathlib import Path

import pytest

import browser_lab as bl

HERE = Path(__file__).resolve().parent


def _asked_for(config):
    if os.environ.get("WINIT_BROWSER_TESTS") == "1":
        return True
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        path = (Path(config.invocation_params.dir) / path).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    if not mine:
        return
    if not _asked_for(config):
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
        return
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.exit("The browser tests need the Python package playwright:\n"
                    "  python -m pip install -r requirements.txt   (make setup does it)", returncode=1)
    if bl.find_chromium() is None:
        where = (f"WINIT_CHROMIUM={os.environ['WINIT_CHROMIUM']} is not an executable file.\n"
                 if os.environ.get("WINIT_CHROMIUM") else "")
        pytest.exit(where + bl.INSTALL_HINT, returncode=1)


def pytest_report_header(config):
    if _asked_for(config):
        return [f"browser tests: chromium={bl.find_chromium()}, notebooks={bl.NOTEBOOKS}, "
                f"artifacts={bl.ARTIFACTS}"]
    return None


@pytest.fixture(scope="session")
def lab_server():
    """JupyterLab started for this session (isolated, random token), stopped at the end even on failure."""
    bl.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = bl.ARTIFACTS / "jupyter-server.log"
    log.write_text("")
    (bl.ARTIFACTS / "timings.txt").write_text("")
    server = bl.LabServer(log_path=log)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture(scope="module")
def lab_browser():
    """Headless Chromium through Playwright's sync API. Module scope: only one sync Playwright may run at
    a time in a process, and other modules in this folder start their own."""
    from playwright.sync_api import Error as PlaywrightError, sync_playwright
    executable = bl.find_chromium()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=bl.CHROMIUM_ARGS,
                                                  timeout=120_000)
        except PlaywrightError as exc:
            pytest.exit(f"Chromium at {executable} did not start: {exc}\n\n{bl.INSTALL_HINT}", returncode=1)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab_context(lab_browser, lab_server):
    """One browser context per module, so that JupyterLab's static files come from the HTTP cache. Its pages
    open at a laptop's size (1366 x 768); the slideshow's page is set to the projector's. Every request to a
    host other than the local server is noted in ``context.foreign_requests`` (the course must work offline:
    nothing may ask the network, e.g. for a font)."""
    context = lab_browser.new_context(viewport=dict(bl.LAPTOP))
    context.set_default_timeout(60_000)
    context.foreign_requests = []
    local = (lab_server.base_url + "/", "data:", "blob:", "about:")

    def note(request):
        if not request.url.startswith(local):
            context.foreign_requests.append(request.url)
    context.on("request", note)
    yield context
    context.close()


@pytest.fixture
def lab_page(lab_context, lab_server):
    """A new page recording its console errors; closed, and every kernel shut down, after the test (with the
    pages the test opened beside it, e.g. the slideshow)."""
    page = lab_context.new_page()
    recorder = bl.Recorder(page)
    yield page, recorder
    try:
        for other in list(lab_context.pages):
            other.close()
    finally:
        lab_server.shutdown_kernels()


@pytest.fixture
def timings():
    """Where a test notes how long its steps took; printed with -v -s and kept in build/browser/timings.txt."""
    notes = []
    start = time.monotonic()
    yield notes
    with open(bl.ARTIFACTS / "timings.txt", "a") as out:
        for line in notes:
            out.write(line + "\n")
        out.write(f"  total {time.monotonic() - start:.1f} s\n")
