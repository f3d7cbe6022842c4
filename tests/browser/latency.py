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

# Installed on the image before an input: resolves with every new image decoded after the input (a keydown, or a
# mouseup after a drag), as [ms since the input, the setting it shows, whether it is a first look]. The setting
# and the first look are read from the view's status line (`data-params`, `data-preview`), which the kernel sets
# before the image. A key press waits for the first image that is not a first look; a drag waits until no new
# image has come for `quiet` ms.
JS_WATCH = """(img, args) => {
  const [event, quiet, timeout] = args;
  const doc = img.ownerDocument, win = doc.defaultView;
  const view = img.closest('.winit-live-view');
  win.__winitLatency = new Promise(resolve => {
    let t0 = null, timer = null, src = img.src;
    const frames = [];
    const finish = () => { observer.disconnect(); resolve(t0 === null ? [] : frames); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(finish, quiet > 0 ? quiet : timeout); };
    doc.addEventListener(event, () => { t0 = win.performance.now(); arm(); }, {capture: true, once: true});
    const observer = new win.MutationObserver(async () => {
      if (img.src === src) return;
      src = img.src;
      const status = view ? view.querySelector('[data-params]') : null;
      const params = status ? status.getAttribute('data-params') : null;
      const preview = status ? status.hasAttribute('data-preview') : false;
      try { await img.decode(); } catch (e) { return; }     // replaced by a newer frame meanwhile
      if (t0 === null) return;
      frames.push([win.performance.now() - t0, params, preview]);
      if (quiet > 0) arm(); else if (!preview) { clearTimeout(timer); finish(); }
    });
    observer.observe(img, {attributes: true, attributeFilter: ['src']});
    setTimeout(finish, timeout + 60000);
  });
  return true;
}"""


def _result(img):
    return img.evaluate("img => img.ownerDocument.defaultView.__winitLatency")


def final_figure(frames):
    """(ms to the first image of the setting the input ended at, ms to its full figure): the setting is that of
    the last image (a view without `data-params` counts its last image as both); (None, None) when none came."""
    if not frames:
        return None, None
    setting = frames[-1][1]
    if setting is None:
        return frames[-1][0], frames[-1][0]
    mine = [(ms, preview) for ms, params, preview in frames if params == setting]
    full = [ms for ms, preview in mine if not preview]
    return mine[0][0], (full[0] if full else None)


def key_latency(page, server, img, handle, key, timeout_ms=20000):
    """(ms from pressing ``key`` on the focused slider handle to the new image decoded, ms to the full figure when
    the first was a first look); (None, None): no new image."""
    handle.focus()
    img.evaluate(JS_WATCH, ["keydown", 0, timeout_ms])
    page.keyboard.press(key)
    frames = _result(img)
    bl.wait_kernel_idle(server, settle=0.2)
    return (frames[0][0], final_figure(frames)[1]) if frames else (None, None)


def drag_latency(page, server, img, handle, track, steps=12, pause=0.03, quiet_ms=1500):
    """Drag the handle a third of the track in ``steps`` moves ``pause`` s apart; (ms from the release to the
    first image of the released position, ms to its full figure), (None, None) when none came."""
    box, t = handle.bounding_box(), track.bounding_box()
    if not box or not t:
        return None, None
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
    frames = _result(img)
    bl.wait_kernel_idle(server, settle=0.2)
    return final_figure(frames)


def drag_shown(readout, before, after):
    """What a drag left on the page: the slider's readout, and the setting the figure showed before and after it."""
    return {"readout": readout, "before": before, "after": after}


def drawn_before_release(row, field):
    """True when the drag brought no image after its release although the figure's setting changed during it: the
    slider redraws while it moves, and its last position was drawn before the release."""
    shown = row.get(field + "_shown")
    return row.get(field) is None and bool(shown) and shown["after"] is not None and shown["after"] != shown["before"]


def away_from_end(info, keys):
    """``keys`` with left and right swapped when the slider (``browser_lab.slider_info``) sits at its right end, so
    that every press moves it."""
    try:
        at_end = float(info["now"]) >= float(info["max"])
    except (TypeError, ValueError):
        return keys
    swap = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}
    return tuple(swap.get(k, k) for k in keys) if at_end else keys


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return statistics.median(values), p90


def write_results(rows, machine_note):
    """rows: dicts with notebook, view, slider, where ('laptop 1366x768' / 'slides 1920x1080'), keys and keys_full
    (ms lists; None for a press that brought no image), drag, drag_full, drag_paused, drag_paused_full (ms or None),
    and on the laptop drag_shown, drag_paused_shown (:func:`drag_shown`)."""
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(rows, indent=1))
    lines = ["# Live figures in a real browser", "",
             "Recorded by `make test-browser` (tests/browser/test_latency.py) in headless Chromium: the time from a key "
             "press on a slider's handle to the new image decoded on the page, and from the release of a drag to the "
             "first image of the released position. Recorded, never asserted: the numbers depend on the machine and "
             "its load. Targets on a quiet machine: key press median <= 100 ms and 90th percentile <= 150 ms; release "
             "to the released position's figure <= 150 ms. Each slider is dragged twice on the laptop: at once after "
             "its key presses (\"drag release\"), and again after a pause of a few seconds in which the view looks ahead "
             "(\"after a pause\"), each time a third of the track from where the handle is, towards the roomier side "
             "(for most sliders, the second drag goes back).", "",
             "Where the runs of a setting would take long (notebooks 2 and 3: a new width, or a depth where the runs "
             "change), a move from the page first draws a first look (the layers the runs reached in a moment, or "
             "fewer runs or inputs) with a status line that says so, and the full figure follows by itself. The columns \"full\" give the time to the full "
             "figure where it came after a first look (a dash: no later full figure; the first image was the full figure, "
             "or there was no drag or no image). A slider that "
             "redraws while it moves can have drawn its last position before the release: when no image came after "
             "the release although the figure's setting changed during the drag, the drag's cell says \"before\" "
             "(the slider's readout and the figure's setting before and after each drag are in "
             "build/browser/latency.json). *Key presses* counts the presses that brought a new image.", "",
             machine_note, "",
             "| notebook | slider | where | key presses | median (ms) | 90th pct (ms) | full, slowest (ms) "
             "| drag release (ms) | full (ms) | after a pause (ms) | full (ms) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    fmt = lambda v: "-" if v is None else f"{v:.0f}"      # noqa: E731

    def drag_cell(r, field):
        if drawn_before_release(r, field):
            return "before"
        return fmt(r.get(field))

    def later(first, full):                               # the full figure's time, where it came after a first look
        return None if first is None or full is None or full == first else full

    for r in rows:
        median, p90 = summary(r["keys"])
        fulls = [later(a, b) for a, b in zip(r["keys"], r.get("keys_full", r["keys"]))]
        fulls = [v for v in fulls if v is not None]
        moved = sum(1 for k in r["keys"] if k is not None)
        lines.append(f"| {r['notebook']} | {r['slider']} | {r['where']} | {moved} | {fmt(median)} "
                     f"| {fmt(p90)} | {fmt(max(fulls) if fulls else None)} | {drag_cell(r, 'drag')} "
                     f"| {fmt(later(r.get('drag'), r.get('drag_full')))} | {drag_cell(r, 'drag_paused')} "
                     f"| {fmt(later(r.get('drag_paused'), r.get('drag_paused_full')))} |")
    all_keys = [v for r in rows for v in r["keys"] if v is not None]
    if all_keys:
        median, p90 = summary(all_keys)
        met = sum(1 for r in rows if any(k is not None for k in r["keys"])
                  and summary(r["keys"])[0] <= 100 and summary(r["keys"])[1] <= 150)
        lines += ["", f"All key presses: {len(all_keys)}, median {median:.0f} ms, 90th percentile {p90:.0f} ms, "
                      f"slowest {max(all_keys):.0f} ms. Sliders whose presses meet both targets (median <= 100 ms, "
                      f"90th percentile <= 150 ms): {met} of {len(rows)}."]
    firsts = [later(a, b) for r in rows for a, b in zip(r["keys"], r.get("keys_full", r["keys"]))]
    firsts = [v for v in firsts if v is not None]
    if firsts:
        lines += [f"Key presses that drew a first look: {len(firsts)}; their full figure came after a median of "
                  f"{statistics.median(firsts):.0f} ms, the slowest after {max(firsts):.0f} ms."]
    for field, what in (("drag", "All drag releases"), ("drag_paused", "All drag releases after a pause")):
        drags = [r[field] for r in rows if r.get(field) is not None]
        before = sum(1 for r in rows if drawn_before_release(r, field))
        if drags:
            median, p90 = summary(drags)
            lines += [f"{what}: {len(drags)}, median {median:.0f} ms, 90th percentile {p90:.0f} ms, "
                      f"slowest {max(drags):.1f} ms; over 150 ms: {sum(1 for d in drags if d > 150)}"
                      + (f"; and {before} whose last position was drawn before the release." if before else ".")]
        elif before:
            lines += [f"{what}: none timed; {before} whose last position was drawn before the release."]
        fulls = [later(r.get(field), r.get(field + "_full")) for r in rows]
        fulls = [v for v in fulls if v is not None]
        if fulls:
            lines += [f"{what} that drew a first look: {len(fulls)}; the full figure came after a median of "
                      f"{statistics.median(fulls):.0f} ms, the slowest after {max(fulls):.0f} ms."]
    RESULTS_MD.write_text("\n".join(lines) + "\n")
    return RESULTS_MD
