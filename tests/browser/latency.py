"""Measuring how live a live figure feels in a real browser: key press or release to the new image decoded.

Nothing here asserts a timing (they depend on the machine and its load); ``test_latency.py`` records
them in build/browser/latency.json and benchmarks/browser.md, which the README links.
"""
import json
import statistics
import time
from pathlib import Path

import browser_lab as bl

RESULTS_MD = bl.REPO / "benchmarks" / "browser.md"
RESULTS_JSON = bl.ARTIFACTS / "latency.json"

# Installed on the image before an input: resolves with the ms from the input (a keydown, or a mouseup after a
# drag) to the moment the next new image has decoded; for a drag, it waits until no new image has come for
# `quiet` ms and reports the last one (the figure of the released position).
JS_WATCH = """(img, args) => {
  const [event, quiet, timeout] = args;
  const doc = img.ownerDocument, win = doc.defaultView;
  win.__winitLatency = new Promise(resolve => {
    let t0 = null, last = null, timer = null, src = img.src;
    const finish = () => { observer.disconnect(); resolve(t0 === null || last === null ? null : last - t0); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(finish, quiet > 0 ? quiet : timeout); };
    doc.addEventListener(event, () => { t0 = win.performance.now(); arm(); }, {capture: true, once: true});
    const observer = new win.MutationObserver(async () => {
      if (img.src === src) return;
      src = img.src;
      try { await img.decode(); } catch (e) { return; }     // replaced by a newer frame meanwhile
      if (t0 === null) return;
      last = win.performance.now();
      if (quiet > 0) arm(); else { clearTimeout(timer); finish(); }
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
    setTimeout(finish, timeout + 60000);
  });
  return true;
}"""


def _result(img):
    return img.evaluate("img => img.ownerDocument.defaultView.__winitLatency")


def key_latency(page, server, img, handle, key, timeout_ms=20000):
    """ms from pressing ``key`` on the focused slider handle to the new image decoded (None: no new image)."""
    handle.focus()
    img.evaluate(JS_WATCH, ["keydown", 0, timeout_ms])
    page.keyboard.press(key)
    ms = _result(img)
    bl.wait_kernel_idle(server, settle=0.2)
    return ms


def drag_latency(page, server, img, handle, track, steps=12, pause=0.03, quiet_ms=1500):
    """Drag the handle a third of the track in ``steps`` moves ``pause`` s apart; ms from the release to the
    last new image (the released position's figure), or None when none came."""
    box, t = handle.bounding_box(), track.bounding_box()
    if not box or not t:
        return None
    x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    direction = 1 if x0 < t["x"] + t["width"] / 2 else -1
    distance = direction * t["width"] / 3
    img.evaluate(JS_WATCH, ["mouseup", quiet_ms, 20000])
    page.mouse.move(x0, y)
    page.mouse.down()
    for k in range(1, steps + 1):
        page.mouse.move(x0 + distance * k / steps, y)
        time.sleep(pause)
    page.mouse.up()
    ms = _result(img)
    bl.wait_kernel_idle(server, settle=0.2)
    return ms


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return statistics.median(values), p90


def write_results(rows, machine_note):
    """rows: dicts with notebook, view, slider, where ('laptop 1366x768' / 'slides 1920x1080'), keys (ms list),
    drag (ms or None)."""
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(rows, indent=1))
    lines = ["# Live figures in a real browser", "",
             "Recorded by `make test-browser` (tests/browser/test_latency.py) in headless Chromium: the time from a key "
             "press on a slider's handle to the new image decoded on the page, and from the release of a drag to the "
             "last new image (the figure of the released position). Recorded, never asserted: the numbers depend on "
             "the machine and its load. Targets on a quiet machine: key press median <= 100 ms and 90th percentile "
             "<= 150 ms; release to final figure <= 150 ms. Each slider is dragged twice on the laptop: at once after "
             "its key presses (\"drag release\"), and again, on from there, after a pause of a few seconds in which "
             "the view looks ahead (\"after a pause\").", "", machine_note, "",
             "| notebook | slider | where | key presses | median (ms) | 90th pct (ms) | drag release (ms) "
             "| after a pause (ms) |",
             "|---|---|---|---|---|---|---|---|"]
    fmt = lambda v: "-" if v is None else f"{v:.0f}"      # noqa: E731
    for r in rows:
        median, p90 = summary(r["keys"])
        lines.append(f"| {r['notebook']} | {r['slider']} | {r['where']} | {len(r['keys'])} | {fmt(median)} "
                     f"| {fmt(p90)} | {fmt(r.get('drag'))} | {fmt(r.get('drag_paused'))} |")
    all_keys = [v for r in rows for v in r["keys"] if v is not None]
    if all_keys:
        median, p90 = summary(all_keys)
        lines += ["", f"All key presses: {len(all_keys)}, median {median:.0f} ms, 90th percentile {p90:.0f} ms."]
    for field, what in (("drag", "All drag releases"), ("drag_paused", "All drag releases after a pause")):
        drags = [r[field] for r in rows if r.get(field) is not None]
        if drags:
            median, p90 = summary(drags)
            lines += [f"{what}: {len(drags)}, median {median:.0f} ms, 90th percentile {p90:.0f} ms, "
                      f"slowest {max(drags):.0f} ms."]
    RESULTS_MD.write_text("\n".join(lines) + "\n")
    return RESULTS_MD
