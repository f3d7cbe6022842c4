"""Helpers for the browser tests: an isolated JupyterLab server, Chromium, and a notebook page driver.

Nothing here is collected as a test; ``conftest.py`` builds fixtures from it and
``test_notebooks_in_browser.py`` uses them.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("WINIT_BROWSER_NOTEBOOKS", REPO / "notebooks")).resolve()
ARTIFACTS = REPO / "build" / "browser"

# Every bound, in seconds; the machine these run on is shared and slow, so they are generous.
SERVER_START = 120          # JupyterLab answering /api/status
PAGE_LOAD = 120             # the notebook open, its kernel started and idle
RUN_ALL = 600               # every cell executed after Run All Cells (training notebooks are slow)
FIGURE_CHANGE = 120         # a slider moved -> a new PNG in the image widget
KERNEL_IDLE = 120           # the kernel idle again after a slider move

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

INSTALL_HINT = (
    "make test-browser needs a Chromium (or Chrome) executable, and none was found.\n"
    "  Debian/Ubuntu:   sudo apt-get install chromium      (or run .ci/browser-setup.sh)\n"
    "  anything else:   install Chromium or Google Chrome, then\n"
    "                   export WINIT_CHROMIUM=/path/to/chrome\n"
    "(Playwright's own browser download, `playwright install`, is not needed.)")

# ---------------------------------------------------------------------------------------------
# Console messages that are not a defect of the course. Each entry: (regex on the message text,
# phase it may appear in or None for any, reason). Anything else logged with console.error, and
# every uncaught page error, fails the test.
IGNORED_CONSOLE = [
    (r"^RangeError: Maximum call stack size exceeded \(http://127\.0\.0\.1:\d+/static/rise/",
     "rise",
     "Thrown inside the design tokens of the web-components toolkit (@jupyter/web-components, FAST's "
     "DesignToken) that jupyterlab-rise 0.43 bundles into its slideshow page, and caught and logged there "
     "(FAST's token observer wraps the lookup in try/catch and calls console.error). It happens on every "
     "notebook, also one with no code cell and no widget, before any cell is shown; the slides, the "
     "widgets and the keyboard work (this test checks each), and the course's code is not on its stack."),
]
# What the slideshow page logs when ipywidgets' widget manager cannot load there (jupyterlab-rise's
# page has no @jupyterlab/console); the course's labextension/winit-rise-widgets prevents it.
RISE_WIDGETS_FAILURE = "Shared module @jupyterlab/console doesn't exist in shared scope"


def ignored_reason(text, phase):
    """The reason a console error is ignored, or None when it is a failure."""
    for pattern, only_phase, reason in IGNORED_CONSOLE:
        if (only_phase is None or only_phase == phase) and re.search(pattern, text):
            return reason
    return None


# ---------------------------------------------------------------------------------------------
def find_chromium():
    """Path of the Chromium to drive, or None. ``WINIT_CHROMIUM`` wins when set."""
    explicit = os.environ.get("WINIT_CHROMIUM")
    if explicit:
        return explicit if (os.path.isfile(explicit) and os.access(explicit, os.X_OK)) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                 "/Applications/Chromium.app/Contents/MacOS/Chromium"):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def notebook_paths():
    """Every notebook of the course, in reading order (a new notebook needs no change here)."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("."))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode())


class LabServer:
    """JupyterLab on 127.0.0.1 with a random token and its own config, data, runtime and workspace dirs.

    The lab extensions installed in the environment (ipywidgets' widget manager, jupyterlab-rise)
    live in ``sys.prefix/share/jupyter/labextensions``, which stays on Jupyter's data path: the
    isolation only replaces the *user* directories. The server serves a copy of the notebooks, so
    running cells (and RISE's save before a slideshow) never touches the repository.
    """

    def __init__(self, notebooks_dir=NOTEBOOKS, log_path=None):
        self.tmp = Path(tempfile.mkdtemp(prefix="winit-browser-"))
        self.root = self.tmp / "notebooks"
        shutil.copytree(notebooks_dir, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.token = secrets.token_hex(24)
        self.port = None
        self.proc = None
        self.log_path = Path(log_path or self.tmp / "jupyter-server.log")
        self.env = self._environment()

    def _environment(self):
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                         ("IPYTHONDIR", "ipython")]:
            (self.tmp / sub).mkdir()
            env[var] = str(self.tmp / sub)
        env.pop("JUPYTERLAB_SETTINGS_DIR", None)        # -> $JUPYTER_CONFIG_DIR/lab/user-settings
        env.pop("JUPYTER_PATH", None)                    # no extra data dirs from the caller
        env.pop("JUPYTER_CONFIG_PATH", None)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env.setdefault("OPENBLAS_NUM_THREADS", "1")      # steadier timings on a shared machine
        env["PYTHONUNBUFFERED"] = "1"
        # No news/announcements pop-up (it would cover the notebook and fetch from the internet).
        labconfig = self.tmp / "config" / "labconfig"
        labconfig.mkdir()
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        return env

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path, **query):
        query = {"token": self.token, **query}
        qs = "&".join(k if v is None else f"{k}={v}" for k, v in query.items())
        return f"{self.base_url}/{path.lstrip('/')}?{qs}"

    def api(self, path):
        return _get_json(self.url(f"api/{path}"))

    def start(self):
        for _attempt in range(3):
            self.port = _free_port()
            cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                   "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}",
                   f"--IdentityProvider.token={self.token}",
                   "--LabApp.expose_app_in_browser=True",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--ServerApp.shutdown_no_activity_timeout=3600"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
            log.close()
            deadline = time.monotonic() + SERVER_START
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    self.api("status")
                    return self
                except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                    time.sleep(0.5)
            if self.proc.poll() is None:
                self.stop()
                raise RuntimeError(f"JupyterLab did not answer within {SERVER_START} s; log: {self.log_path}")
            # it exited: most likely the port was taken between choosing and binding; try another
        raise RuntimeError(f"JupyterLab did not start; log: {self.log_path}\n{self.log_tail()}")

    def log_tail(self, n=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def kernels(self):
        return self.api("kernels")

    def shutdown_kernels(self):
        """Shut down every kernel (between notebooks, so that they do not compete for the 2 cores)."""
        for session in self.api("sessions"):
            req = urllib.request.Request(self.url(f"api/sessions/{session['id']}"), method="DELETE")
            try:
                urllib.request.urlopen(req, timeout=30).close()
            except (urllib.error.URLError, OSError):
                pass

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)     # the server and the kernels it started
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        if self.proc is not None:
            try:   # kernels may outlive a server killed mid-shutdown: they are in its process group
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait(timeout=20)
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# JavaScript run in the page. The lab is started with expose_app_in_browser, so window.jupyterapp
# is the application; the tests act through the UI (menus, toolbar, keyboard) and read state here.
JS_NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const outputs = [];
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const o = cell.model.outputs.get(i).toJSON();
      outputs.push({type: o.output_type, name: o.name || null, ename: o.ename || null,
                    evalue: o.evalue || null, text: (o.text ? [].concat(o.text).join('') : ''),
                    widget: !!(o.data && o.data['application/vnd.jupyter.widget-view+json'])});
    }
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    cells.push({index, count: cell.model.executionCount, outputs,
                prompt: prompt ? prompt.textContent.trim() : '',
                source: cell.model.sharedModel.getSource().slice(0, 120)});
  });
  return {kernel: kernel ? kernel.status : null, dirty: panel.context.model.dirty, cells};
}"""

JS_IMAGE_DIGEST = """async (img) => {
  if (!img.src) return 'no-src';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const buffer = await (await fetch(img.src)).arrayBuffer();
      const digest = await crypto.subtle.digest('SHA-256', buffer);
      return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('')
             + ':' + buffer.byteLength;
    } catch (e) {            // the blob URL was replaced (revoked) between reading src and fetching
      await new Promise(r => setTimeout(r, 100));
    }
  }
  return 'unreadable:' + img.src.slice(0, 40);
}"""


def image_digest(img_locator):
    """SHA-256 of the PNG bytes the image widget shows (its src is a fresh blob: URL on every update,
    so comparing src strings would not tell whether the figure itself changed)."""
    return img_locator.evaluate(JS_IMAGE_DIGEST)


def wait_until(predicate, timeout, interval=0.25, message="condition"):
    """Poll ``predicate`` until it returns a truthy value; raise AssertionError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


def wait_kernel_idle(server, timeout=KERNEL_IDLE, settle=0.3):
    """Every kernel of the server idle, twice in a row ``settle`` s apart (the server's own view of the
    kernel's iopub status, so it works for the lab page and the RISE page alike)."""
    def idle():
        states = [k["execution_state"] for k in server.kernels()]
        return bool(states) and all(s == "idle" for s in states)

    def settled():
        if not idle():
            return False
        time.sleep(settle)
        return idle()
    wait_until(settled, timeout, interval=0.2, message="the kernel to become idle")


JS_PANEL_READY = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.context || !panel.context.isReady || !panel.sessionContext) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!(kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected');
}"""


class Recorder:
    """Console errors and uncaught page errors of one page (its iframes included), with the phase of
    the test they happened in (``open``, ``run``, ``sliders``, ``rise``)."""

    def __init__(self, page):
        self.phase = "open"
        self.entries = []          # (phase, kind, text, url)
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.entries.append(
            (self.phase, "uncaught", f"{getattr(exc, 'name', '')}: {getattr(exc, 'message', exc)}\n"
             f"{(getattr(exc, 'stack', '') or '')[:1500]}", page.url)))

    def _console(self, page, msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
            self.entries.append((self.phase, "console.error", msg.text + where, page.url))

    def failures(self):
        return [e for e in self.entries if ignored_reason(e[2], e[0]) is None]

    def ignored(self):
        return [e for e in self.entries if ignored_reason(e[2], e[0]) is not None]

    def report(self, entries):
        return "\n".join(f"  [{phase}] {kind}: {text}" for phase, kind, text, _url in entries)


# ---------------------------------------------------------------------------------------------
# The projector: the slideshow at 1920 x 1080 must be readable from the back of a room. Sizes are what
# the screen shows (CSS px after reveal.js's scaling), measured on every slide.
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}
SCREENSHOTS = REPO / "build" / "screenshots"
MIN_BODY_PX = 28            # markdown text: paragraphs, lists, tables
MIN_SMALL_PX = 24           # code, outputs, slider labels, readouts, a live view's text lines, dropdowns
MIN_FIGURE_SHARE = 0.8      # a live figure's width over the slide's (or height over height)
#                             and every live view fits on its slide, whole (no scrolling to its status line)

GROUPS = {
    "body text": (".jp-RenderedMarkdown p, .jp-RenderedMarkdown li, .jp-RenderedMarkdown td, "
                  ".jp-RenderedMarkdown summary", MIN_BODY_PX),
    "code": (".jp-InputArea-editor .cm-line, .jp-OutputArea-output pre", MIN_SMALL_PX),
    "widget text": (".widget-label, .widget-readout, .widget-html-content, .widget-dropdown select, "
                    ".widget-toggle-button, .widget-button", MIN_SMALL_PX),
}

# One call per slide: the smallest on-screen font size of each group (with an example), every live
# figure's share of the slide, and what the slide opens with. Elements hidden by a fragment still count.
JS_SLIDE_SIZES = """(groups) => {
  const frame = document.querySelector('.reveal .slides');
  const box = frame.getBoundingClientRect();
  const scale = box.width / frame.offsetWidth;
  const shown = [...document.querySelectorAll('.reveal .slides section.present')];
  const slide = shown[shown.length - 1];
  const result = {scale, groups: {}, figures: [], opens: ''};
  if (!slide) return result;
  for (const [name, selector] of Object.entries(groups)) {
    let least = null;
    for (const el of slide.querySelectorAll(selector)) {
      if (!el.getClientRects().length || !el.textContent.trim()) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (least === null || px < least.px) least = {px, text: el.textContent.trim().slice(0, 60)};
    }
    result.groups[name] = least;
  }
  for (const img of slide.querySelectorAll('.jupyter-widgets img')) {
    const r = img.getBoundingClientRect();
    if (!img.naturalWidth || !r.width) continue;
    // the picture itself: on a slide the image box may be larger, the figure fitted inside it (object-fit)
    const aspect = img.naturalHeight / img.naturalWidth;
    const w = Math.min(r.width, r.height / aspect), h = Math.min(r.height, r.width * aspect);
    result.figures.push({width: w / box.width, height: h / box.height, natural: img.naturalWidth});
  }
  // how far each live view (controls, hint, figure, status line) reaches past the slide's edges, in CSS px
  result.views = [...slide.querySelectorAll('.winit-live-view')].filter(v => v.getClientRects().length).map(v => {
    const r = v.getBoundingClientRect();
    return {below: (r.bottom - box.bottom) / scale, above: (box.top - r.top) / scale};
  });
  const first = slide.querySelector('.jp-Cell');
  if (first) {
    const heading = [...first.querySelectorAll('.jp-RenderedMarkdown > *')].find(e => e.getClientRects().length);
    result.opens = first.classList.contains('jp-CodeCell') ? 'code: ' + first.innerText.trim().slice(0, 60)
      : (heading ? heading.tagName + ': ' + heading.textContent.trim().slice(0, 60) : '');
  }
  return result;
}"""

# Every slide as reveal.js numbers it: [horizontal index, number of vertical slides, fragments per slide]
JS_DECK = """() => [...document.querySelectorAll('.reveal .slides > section')].map(h => {
  const v = h.querySelectorAll(':scope > section');
  const parts = v.length ? [...v] : [h];
  return parts.map(s => s.querySelectorAll('.fragment').length);
})"""

JS_AT_SLIDE = """([h, v]) => {
  const hs = document.querySelectorAll('.reveal .slides > section');
  const top = hs[h];
  if (!top || !top.classList.contains('present')) return false;
  const vs = top.querySelectorAll(':scope > section');
  return !vs.length || (vs[v] && vs[v].classList.contains('present'));
}"""


def slide_size_problems(sizes, where):
    """What a slide's measured sizes break, as readable lines."""
    problems = []
    for name, (_selector, least) in GROUPS.items():
        found = sizes["groups"].get(name)
        if found and found["px"] < least - 0.05:
            problems.append(f"{where}: {name} at {found['px']:.1f} px on screen (at least {least}): "
                            f"'{found['text']}'")
    for k, fig in enumerate(sizes["figures"], 1):
        if max(fig["width"], fig["height"]) < MIN_FIGURE_SHARE:
            problems.append(f"{where}: live figure {k} covers {fig['width']:.0%} of the slide's width and "
                            f"{fig['height']:.0%} of its height (at least {MIN_FIGURE_SHARE:.0%} of one; "
                            f"its image is {fig['natural']} px wide)")
    for k, view in enumerate(sizes.get("views", []), 1):
        if view["below"] > 1 or view["above"] > 1:
            problems.append(f"{where}: live view {k} does not fit on the slide: it reaches {view['below']:.0f} px "
                            f"below its bottom edge and {view['above']:.0f} px above its top (slide px); the "
                            "lecturer would have to scroll to see its figure or status line")
    return problems


# Lab extensions the course needs: ipywidgets' widget manager (the sliders) and RISE (lecture mode).
REQUIRED_PLUGINS = ("@jupyter-widgets/jupyterlab-manager:plugin", "jupyterlab-rise:plugin")


class NotebookPage:
    """One notebook open in JupyterLab in one browser page."""

    def __init__(self, page, server, name):
        self.page, self.server, self.name = page, server, name

    def state(self):
        return self.page.evaluate(JS_NOTEBOOK_STATE)

    def open(self):
        self.page.goto(self.server.url(f"lab/tree/{self.name}", reset=None), timeout=PAGE_LOAD * 1000)
        self.page.wait_for_function(JS_PANEL_READY, timeout=PAGE_LOAD * 1000, polling=250)
        # the status bar agrees (the same indicator a learner sees)
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                    timeout=PAGE_LOAD * 1000)
        for plugin in REQUIRED_PLUGINS:
            active = self.page.evaluate("p => window.jupyterapp.hasPlugin(p) && window.jupyterapp.isPluginActivated(p)",
                                        plugin)
            assert active, (f"the lab extension plugin {plugin} is not active: is the isolation hiding "
                            f"{sys.prefix}/share/jupyter/labextensions? (server log: {self.server.log_path})")
        if self.page.locator(".jp-Dialog").count():
            raise AssertionError(f"{self.name}: a dialog is open after loading: "
                                 f"{self.page.locator('.jp-Dialog').first.inner_text()[:300]}")

    def menu(self, top, item):
        """Click ``top`` in the menu bar, then ``item`` in the menu it opens (as a learner would)."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()

    def run_all(self, timeout=RUN_ALL):
        """Clear the stored outputs, then Run > Run All Cells, and wait until the kernel is done.

        Returns the notebook state (every code cell with its execution count and outputs)."""
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        wait_until(lambda: all(c["count"] is None and not c["outputs"] for c in self.state()["cells"]),
                   30, message="the stored outputs to be cleared")
        self.menu("Run", "Run All Cells")

        def finished():
            st = self.state()
            started = any(c["count"] is not None for c in st["cells"]) or not st["cells"]
            busy = any(c["prompt"] == "[*]:" for c in st["cells"])
            return st if (started and not busy and st["kernel"] == "idle") else None

        def settled():
            st = finished()
            if not st:
                return None
            time.sleep(1.0)
            return finished()
        return wait_until(settled, timeout, interval=0.5, message=f"Run All Cells to finish in {self.name}")

    def screenshot(self, path):
        """Best effort (called on failure too: it must not hide the test's own error)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(path), timeout=30_000)
        except Exception as exc:  # noqa: BLE001 - a failed screenshot is reported, not raised
            print(f"screenshot {path} failed: {exc}", file=sys.stderr)


def output_problems(state):
    """Every error or stderr output, and every code cell that did not run, as readable lines."""
    problems = []
    for number, cell in enumerate(state["cells"], 1):
        head = f"code cell {number} (cell {cell['index'] + 1}, `{cell['source'].splitlines()[0] if cell['source'] else ''}`)"
        for out in cell["outputs"]:
            if out["type"] == "error":
                problems.append(f"{head}: raised {out['ename']}: {out['evalue']}")
            elif out["type"] == "stream" and out["name"] == "stderr":
                problems.append(f"{head}: wrote to stderr: {out['text'].strip()[:500]}")
        if cell["count"] is None:
            problems.append(f"{head}: did not run (Run All stopped before it)")
    counts = [c["count"] for c in state["cells"] if c["count"] is not None]
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"execution counts are not 1..{len(counts)} in order: {counts}")
    return problems


# An output area holding a rendered ipywidgets view (JupyterLab sets no data-mime-type on it).
WIDGET_VIEW = ".jp-OutputArea-output:has(> .jupyter-widgets)"


def check_widget_views(scope, expected, where, visible=True):
    """Every widget output rendered: as many widget views as the notebook has widget outputs, each
    non-empty and without ipywidgets' "Error displaying widget". Returns the view locators.

    ``visible=False`` for a slideshow, where the views on other slides are hidden: then each view's
    text is read without scrolling to it, and its size is not checked."""
    views = scope.locator(WIDGET_VIEW)
    n = views.count()
    assert n == expected, (f"{where}: {expected} widget output(s) in the notebook, but {n} rendered as "
                           "widgets (a widget that fails to render falls back to text)")
    result = []
    for i in range(n):
        view = views.nth(i)
        if visible:
            view.scroll_into_view_if_needed(timeout=30_000)
        text = view.inner_text(timeout=30_000) if visible else view.text_content(timeout=30_000)
        assert "Error displaying widget" not in text and "Error rendering" not in text, (
            f"{where}: widget view {i + 1} shows an error: {text[:300]}")
        if visible:
            box = view.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"{where}: widget view {i + 1} has no size"
        result.append(view)
    return result


def check_figure_loaded(view, where):
    """A live view with sliders shows its figure: an image widget whose PNG has loaded."""
    images = view.locator("img")
    assert images.count() >= 1, f"{where} has sliders but no figure (img)"
    assert images.first.evaluate("img => img.complete && img.naturalWidth > 0"), f"{where}: its figure did not load"


# A live figure's image as the page shows it: [its pixels' width, the width the figure is shown at in screen pixels]
# (on a slide the image's box may be taller than the figure, fitted inside it: object-fit)
JS_DRAWN_AND_SHOWN = """img => {
  const win = img.ownerDocument.defaultView, box = img.getBoundingClientRect();
  let width = box.width;
  if (img.naturalWidth && win.getComputedStyle(img).objectFit === 'contain')
    width = Math.min(width, box.height * img.naturalWidth / img.naturalHeight);
  return [img.naturalWidth, width * (win.devicePixelRatio || 1)];
}"""


def check_drawn_as_wide_as_shown(view, where, timeout=30):
    """The page tells the kernel how wide it shows a live figure (the lab extension), and the kernel draws it that
    wide (``Panel.show_at``): the image is at least as wide as it is shown, in screen pixels (never stretched), and
    at most a rounding step wider (no pixels drawn, sent and decoded only to be shrunk away)."""
    import math
    from winit_helpers.figures.base import SHOWN_MAX_PX, SHOWN_MIN_PX, SHOWN_SLACK, SHOWN_STEP_PX
    img = view.locator("img").first
    seen = []

    def drawn_as_shown():
        natural, shown = img.evaluate(JS_DRAWN_AND_SHOWN)
        seen[:] = [natural, shown]
        if not shown > 0:
            return False
        pixels = min(SHOWN_MAX_PX, max(SHOWN_MIN_PX, SHOWN_STEP_PX * math.ceil(shown / SHOWN_STEP_PX - 1e-6)))
        return min(shown, SHOWN_MAX_PX) - 0.5 <= natural <= SHOWN_SLACK * pixels
    try:
        wait_until(drawn_as_shown, timeout, interval=0.25, message="")
    except AssertionError:
        raise AssertionError(f"{where}: the live figure is {seen[0]} px wide and shown {seen[1]:.0f} screen px wide: "
                             "it should be drawn as wide as it is shown (rounded up to a multiple of "
                             f"{SHOWN_STEP_PX} px, within {SHOWN_MIN_PX} to {SHOWN_MAX_PX}, at most {SHOWN_SLACK} "
                             "times wider); is the lab extension labextension/winit-rise-widgets installed and up to "
                             "date?") from None
    return seen


def slider_info(slider):
    """Label, readout and the noUi handle's aria values of one ipywidgets slider."""
    handle = slider.locator(".noUi-handle").first
    return {
        "label": slider.locator(".widget-label").first.inner_text().strip() if slider.locator(".widget-label").count() else "",
        "readout": slider.locator(".widget-readout").first.inner_text().strip() if slider.locator(".widget-readout").count() else "",
        "now": handle.get_attribute("aria-valuenow"),
        "min": handle.get_attribute("aria-valuemin"),
        "max": handle.get_attribute("aria-valuemax"),
    }


def check_slider_rendered(slider, where):
    handle = slider.locator(".noUi-handle")
    assert handle.count() == 1, f"{where}: the slider has {handle.count()} noUi handles (expected 1)"
    slider.scroll_into_view_if_needed(timeout=30_000)
    assert handle.first.is_visible(), f"{where}: the slider handle is not visible"
    box = slider.locator(".noUi-target, .noUi-base").first.bounding_box()
    assert box and box["width"] > 20, f"{where}: the slider track is not drawn (box {box})"
    # the readout is filled in by the slider's view once it has rendered: allow it a moment
    def with_readout():
        info = slider_info(slider)
        return info if info["readout"] else None
    try:
        info = wait_until(with_readout, 10, interval=0.2, message="")
    except AssertionError:
        raise AssertionError(f"{where}: the slider shows no value (readout empty for 10 s)") from None
    assert info["now"] is not None and info["min"] is not None and info["max"] is not None, (
        f"{where}: the noUi handle has no aria values: {info}")
    return info


def status_text(view):
    html = view.locator(".widget-html")
    return html.last.inner_text().strip() if html.count() else ""


def status_params(view):
    """The setting the view's figure shows, from its status line's ``data-params`` (None without one)."""
    status = view.locator("[data-params]")
    return status.last.get_attribute("data-params") if status.count() else None


def move_slider(page, server, view, slider, key, where):
    """Focus the slider's noUi handle, press ``key``; wait for the new figure and an idle kernel.

    Returns a dict describing the move. Fails when the value does not move (unless it cannot:
    already at that end), when the figure's bytes do not change, when the kernel stays busy, or when
    the view's status line reports a failed redraw."""
    img = view.locator("img").first
    handle = slider.locator(".noUi-handle").first
    before = slider_info(slider)
    digest_before = image_digest(img)
    start = time.monotonic()
    handle.focus()
    page.keyboard.press(key)

    def moved():
        # aria-valuenow is rounded to 1 decimal (a log slider's exponent), so the readout counts too
        info = slider_info(slider)
        return info if (info["now"], info["readout"]) != (before["now"], before["readout"]) else None
    try:
        after = wait_until(moved, 10, interval=0.1, message="")
    except AssertionError:
        after = None
    if after is None:
        at_end = (key in ("ArrowRight", "End") and before["now"] == before["max"]) or \
                 (key == "Home" and before["now"] == before["min"])
        assert at_end, (
            f"{where}: {key} with the keyboard focus on the handle of '{before['label']}' did not move it "
            f"(value {before['readout']}, range {before['min']}..{before['max']})")
        wait_kernel_idle(server)
        return {"key": key, "changed": False, "seconds": time.monotonic() - start, "before": before,
                "after": slider_info(slider)}
    move = f"{key} moved '{before['label']}' from {before['readout']} to {after['readout']}"
    wait_until(lambda: image_digest(img) != digest_before or "Could not redraw" in status_text(view),
               FIGURE_CHANGE, interval=0.2, message=f"{where}: a new figure after {move}")
    wait_kernel_idle(server)
    seconds = time.monotonic() - start
    status = status_text(view)
    assert "Could not redraw" not in status, f"{where}: {move}, and the view reports: {status}"
    assert image_digest(img) != digest_before, f"{where}: {move}, but the figure did not change"
    after = slider_info(slider)
    if key == "End":
        assert after["now"] == after["max"], f"{where}: End did not move to the maximum: {after}"
    if key == "Home":
        assert after["now"] == after["min"], f"{where}: Home did not move to the minimum: {after}"
    return {"key": key, "changed": True, "seconds": seconds, "before": before, "after": after}
