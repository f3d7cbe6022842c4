"""Live figures: a panel redrawn in place, shown as an image in an image widget, with controls above it.

A :class:`LiveView` puts controls (:func:`int_slider`, :func:`log_slider`,
:func:`dropdown`) above a :class:`~winit_helpers.figures.base.Panel`'s image and
calls the panel's ``update`` whenever a control moves. The plot logic stays in the
panel, a plain function of its parameters; the view only wires it up.

Each frame redraws only what moved (:meth:`~winit_helpers.figures.base.Panel.frame`) and is sent as
a JPEG drawn as wide as the page shows it, in screen pixels: the page says how wide (the lab extension writes it
into the view's hidden :attr:`LiveView.shown_px`), and until it does, at the largest size a figure is shown.

While the learner looks at a frame, the view prepares the settings one step away (a slider's arrow key, a
drop-down list's next or previous choice) in a background thread (:meth:`LiveView.look_ahead`, for panels with a ``prepare`` method): the next key press finds its
simulation done. Then it prepares the settings further away that the panel names (``further``: the depths where a
drag would need new runs). Any redraw stops that work first, keeping what it finished.

Rendering into an ``Image`` widget (rather than an ``Output`` widget) keeps the
notebook's stored outputs identical on every re-run, so nbval checks them.

Every function that builds a view is registered in :data:`VIEWS` with
:func:`register_view`; the benchmark and the tests walk that registry
(:func:`all_views`), so a new view is measured and tested with no further change.
"""
import asyncio
import importlib
import math
import pkgutil
import threading
import time
import traceback

import ipywidgets as widgets

from ..figures.base import LIVE_DPI

#: every interactive view of the course: name -> function that builds it
VIEWS = {}


def register_view(build):
    """Decorator: record ``build`` (a function returning a :class:`LiveView`) in :data:`VIEWS`."""
    VIEWS[build.__name__] = build
    return build


def all_views():
    """Import every module of ``winit_helpers`` (which registers its views) and return :data:`VIEWS`, sorted by name."""
    import winit_helpers
    for module in pkgutil.walk_packages(winit_helpers.__path__, "winit_helpers."):
        importlib.import_module(module.name)
    return dict(sorted(VIEWS.items()))


class LiveView:
    """Controls above a panel's image; moving a control redraws the image.

    ``controls`` maps each ``update`` parameter to an ipywidgets control.
    ``fixed`` holds parameters that no control changes (a seed, a sample size).
    After every redraw, ``result`` holds what the panel returned, ``seconds``
    how long the redraw took, and ``error`` the message of a failed redraw (None
    when it worked).
    """

    def __init__(self, panel, controls, fixed=None):
        self.panel, self.controls, self.fixed = panel, dict(controls), dict(fixed or {})
        # the image fills the width it is given, up to its first frame's width (on a slide, notebooks/rise.css fits
        # it to the slide instead): its width on the page never depends on its pixels. The figure is then drawn as
        # wide as that (shown_px, below)
        width, height = (round(size * LIVE_DPI) for size in panel.fig.get_size_inches())
        self.image = widgets.Image(format="jpeg", layout=widgets.Layout(width="100%", max_width=f"{width}px"))
        self.image.add_class("winit-live-figure")
        self.status = widgets.HTML()
        self.status.add_class("winit-live-status")
        self.hint = widgets.HTML(self.hint_text(), layout=widgets.Layout(margin="0 0 0 4px"))
        self.hint.add_class("winit-live-hint")
        #: the width the page shows the image at, in screen pixels: written by the page (the lab extension in
        #: labextension/, on every page, when the image appears or its size changes), never shown; the figure is
        #: then drawn that wide (Panel.show_at). Without a page (a test, nbval) it stays empty.
        self.shown_px = widgets.Text(layout=widgets.Layout(display="none"))
        self.shown_px.add_class("winit-shown-px")
        self.shown_px.observe(self._on_shown, names="value")
        self.result, self.seconds, self.error = None, None, None
        #: the last error of a look-ahead (None when it worked): the redraw at that setting shows it to the learner
        self.look_ahead_error = None
        self._pending = False        # a redraw asked for by the browser and not yet drawn
        self._last_move = None       # (control name, +1 or -1): the slider moved last, and which way
        self._drawn_at = -math.inf   # when the last redraw ended (time.perf_counter)
        #: how many slider moves from the browser were folded into a later redraw (a fast drag)
        self.coalesced = 0
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        # the controls wrap onto more rows when the window is narrow, rather than squeezing the sliders
        controls_box = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([controls_box, self.hint, self.image, self.status, self.shown_px])
        self.widget.add_class("winit-live-view")
        if height > TALL * width:      # on a slide, a tall figure goes beside its controls (notebooks/rise.css)
            self.widget.add_class("winit-live-tall")
        self.refresh()

    @property
    def params(self):
        """The current value of every parameter, as ``update`` receives them."""
        return {**self.fixed, **{name: control.value for name, control in self.controls.items()}}

    def refresh(self, preview=False):
        """Recompute and redraw with the controls' current values.

        ``preview=True`` (a move from the browser) lets a panel that can (``allow_preview``) draw a quick first
        look when the setting's full figure would take long; ``result.preview`` then says so, and the view
        draws the full figure when it is ready (:meth:`look_ahead` with ``current=True``).
        """
        start = time.perf_counter()
        stop_look_ahead()                # the panel's caches are this thread's again, with what it finished
        can_preview = hasattr(self.panel, "allow_preview")
        params = self.params
        try:
            if can_preview:
                self.panel.allow_preview = preview
            self.result = self.panel.update(**params)
            frame = self.panel.frame()
            self.error = None
            message = getattr(self.result, "message", "")
            # the status first, then the image: a page that shows the image already has its words
            self.status.value = self.status_html(message, params, getattr(self.result, "preview", False))
            self.image.value = frame
        except Exception as exc:
            self._could_not_redraw(exc)
        finally:
            if can_preview:
                self.panel.allow_preview = False
        self._drawn_at = time.perf_counter()
        self.seconds = self._drawn_at - start

    @staticmethod
    def status_html(message, params, preview=False):
        """The status line: the message, with the setting it belongs to (``data-params``: a page, or a test in a
        browser, tells which setting's figure it is looking at) and ``data-preview`` on a first look."""
        return (f"<span style='font-size:110%' data-params='{_params_key(params)}'"
                f"{' data-preview' if preview else ''}>{message}</span>")

    def hint_text(self):
        """One short line: arrow keys step a slider, a number readout can be typed into, which sliders redraw on release."""
        text = "Click a slider and use the arrow keys to step it"
        sliders = [c for c in self.controls.values() if isinstance(c, _SLIDERS)]
        typed = [c for c in sliders if isinstance(c, _TYPED)]        # a step slider's readout is a label
        if typed and len(typed) == len(sliders):
            text += ", or type a value into its number readout"
        elif typed:
            text += f", or type a value into the number readout of {' or '.join(c.description for c in typed)}"
        text += "."
        late = [c.description for c in self.controls.values() if getattr(c, "continuous_update", True) is False]
        if late:
            text += f" {' and '.join(late)}: redraws when you let go (heavier to compute)."
        return f"<span style='color:#555'>{text}</span>"

    # --- looking ahead: the settings one step away, prepared while the learner looks -----------------

    def neighbours(self):
        """The settings one step away (a slider's arrow key, a drop-down list's next or previous choice), as
        ``update`` parameters, the likeliest next first: the control moved last, on in the direction it went and
        then back, then every other control, up then down."""
        order = list(self.controls)
        directions = {name: (1, -1) for name in order}
        if self._last_move is not None and self._last_move[0] in self.controls:
            name, sign = self._last_move
            order.remove(name)
            order.insert(0, name)
            directions[name] = (sign, -sign)
        params, out = self.params, []
        for name in order:
            if getattr(self.controls[name], "disabled", False):      # a disabled control does not move
                continue
            for sign in directions[name]:
                value = step_value(self.controls[name], sign)
                if value is not None:
                    out.append({**params, name: value})
        return out

    def further(self):
        """Settings further away, which the panel names (``panel.further(params, ranges)``, given each integer
        slider's ends): for the depth figures, the depths where a drag would need new runs. Prepared after the
        neighbours; none for a panel without ``further``."""
        further = getattr(self.panel, "further", None)
        if further is None:
            return []
        ranges = {name: (c.min, c.max) for name, c in self.controls.items() if isinstance(c, widgets.IntSlider)}
        return further(self.params, ranges)

    def look_ahead(self, wait=False, current=False):
        """Prepare the panel for :meth:`neighbours`, then :meth:`further`, in a background thread
        (``panel.prepare``), one setting after the other, until done or stopped (:func:`stop_look_ahead`, which
        every redraw calls first). Only one look-ahead runs at a time in a kernel. ``wait=True`` returns when it
        is done. Does nothing for a panel without ``prepare``.

        ``current=True`` (after a preview): prepare the setting shown first; once it is ready, the full figure is
        drawn (on the kernel's event loop, which then looks ahead again; with no loop running, as in a test, the
        caller redraws).
        """
        prepare = getattr(self.panel, "prepare", None)
        if prepare is None:
            return
        stop_look_ahead()
        stop, settings = threading.Event(), self.neighbours() + self.further()
        shown = self.params
        loop = _running_loop()

        def work():
            try:
                if current:
                    prepare(stop, **shown)
                    if loop is not None and not stop.is_set():
                        loop.call_soon_threadsafe(self._prepared, shown)
                        return             # that redraw looks ahead again, from the full figure
                for params in settings:
                    if stop.is_set():
                        break
                    prepare(stop, **params)
                self.look_ahead_error = None
            except Exception as exc:      # the redraw at that setting, if the learner goes there, reports it
                self.look_ahead_error = f"{type(exc).__name__}: {exc}"

        thread = threading.Thread(target=work, name="winit-look-ahead", daemon=True)
        _LOOK_AHEAD.update(thread=thread, stop=stop)
        thread.start()
        if wait:
            thread.join()

    def _look_ahead_if_quiet(self):
        if not self._pending:            # a move came in meanwhile: its redraw starts the next look-ahead
            self.look_ahead()

    def _prepared(self, shown):
        """The runs of the setting shown after a preview are ready: draw its full figure, unless the learner
        has moved on meanwhile (that move's redraw is on its way)."""
        if not self._pending and self.params == shown:
            self._deferred_refresh()

    def _on_change(self, change):
        control = change["owner"]
        old, new = change.get("old"), change.get("new")
        if isinstance(control, (widgets.SelectionSlider, widgets.Dropdown)):
            values = _option_values(control)
            old, new = (values.index(v) if v in values else None for v in (old, new))
        if isinstance(old, (int, float)) and isinstance(new, (int, float)) and new != old:
            self._last_move = (next(n for n, c in self.controls.items() if c is control), 1 if new > old else -1)
        if change["name"] in getattr(control, "_property_lock", {}):      # the move came from the browser
            loop = _running_loop()
            if loop is not None:
                # a drag sends a value every few ms; drawing each in turn would queue them, and the last
                # position's figure would arrive late. Draw a moment later instead, with the controls'
                # values at that time: moves that arrived meanwhile are folded into that one redraw.
                # A move after a quiet spell (a key press, a drag's first step) is drawn at the loop's next turn.
                if self._pending:
                    self.coalesced += 1
                else:
                    self._pending = True
                    if time.perf_counter() - self._drawn_at > QUIET_SECONDS:
                        loop.call_soon(self._deferred_refresh)
                    else:
                        loop.call_later(COALESCE_SECONDS, self._deferred_refresh)
                return
        self.refresh()                    # set from code (a notebook cell, a test): draw now

    def _on_shown(self, change):
        """The page shows the image at another width: draw the figure that wide (a size the page could not
        measure, such as an empty or garbled value, is ignored: the figure stays as it was). Only the size
        changed: the figure is drawn again as it is, nothing is computed again (a training run goes on)."""
        try:
            shown = float(change["new"])
            changed = self.panel.show_at(shown)
        except (TypeError, ValueError):
            return
        if not changed:
            return
        loop = _running_loop()
        if loop is None:
            self._redraw_as_it_is()
        else:
            loop.call_soon(self._redraw_as_it_is)

    def _redraw_as_it_is(self):
        """The figure as it is, drawn again (at a new size); the last good frame stays if that fails."""
        if self._pending:                 # a move came in meanwhile: its redraw draws it
            return
        try:
            self.image.value = self.panel.frame()
        except Exception as exc:
            self._could_not_redraw(exc)

    def _could_not_redraw(self, exc):
        """Say what went wrong where the learner looks; the last good figure stays."""
        self.error = f"{type(exc).__name__}: {exc}"
        self.status.value = f"<span style='color:#b00020'>Could not redraw: {self.error}</span>"
        traceback.print_exc()

    def _deferred_refresh(self):
        self._pending = False
        self.refresh(preview=True)
        if getattr(self.panel, "prepare", None) is None:
            return
        if getattr(self.result, "preview", False):
            self.look_ahead(current=True)      # the full figure's runs, at once; then it is drawn
        else:
            # the browser shows the frame first; then the settings one step away are prepared
            asyncio.get_running_loop().call_later(LOOK_AHEAD_SECONDS, self._look_ahead_if_quiet)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        names = ", ".join(self.controls)
        bundle["text/plain"] = (f"[Live figure with controls: {names}. It needs a running kernel: "
                                "open this notebook in JupyterLab and run it to move them.]")
        return bundle


#: a figure higher than this share of its width is tall: on a slide it stands beside its controls, not below
TALL = 0.5

#: how long after a frame from a browser move the view waits before it looks ahead: the page decodes and paints
#: the frame meanwhile, with the machine's cores to itself
LOOK_AHEAD_SECONDS = 0.12
#: the look-ahead running in this kernel, if any (one at a time: it shares the cores with the redraws)
_LOOK_AHEAD = {"thread": None, "stop": None}


def _running_loop():
    """The event loop running in this thread (the kernel's, while it handles a message from the page), or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _params_key(params):
    """The settings a frame shows, as one short string (in the status line's ``data-params``: a page, or a test
    in a browser, tells which setting's figure it is looking at)."""
    return ";".join(f"{name}={value!r}" for name, value in sorted(params.items())).replace("'", "")


def stop_look_ahead():
    """Stop the look-ahead in progress, if any, after the layer it is on, and wait for it."""
    thread, stop = _LOOK_AHEAD["thread"], _LOOK_AHEAD["stop"]
    if thread is not None:
        stop.set()
        thread.join()
        _LOOK_AHEAD.update(thread=None, stop=None)


def _option_values(control):
    """The values of a selection's options, in their order (options given as values or as (label, value) pairs)."""
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def step_value(control, sign):
    """The value one step up (``sign`` 1) or down (-1) from a control's, as its arrow keys give it (on a
    drop-down list, the next or previous choice); None at the end of its range, or for another control."""
    if isinstance(control, (widgets.SelectionSlider, widgets.Dropdown)):
        values = _option_values(control)
        at = values.index(control.value) + sign
        return values[at] if 0 <= at < len(values) else None
    if isinstance(control, widgets.FloatLogSlider):
        exponent = math.log(control.value, control.base) + sign * control.step
        if not control.min - 1e-9 <= exponent <= control.max + 1e-9:
            return None
        return control.base ** exponent
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        value = control.value + sign * control.step
        if isinstance(control, widgets.FloatSlider):
            value = round(value, 10)
        return value if control.min <= value <= control.max else None
    return None

#: how long a redraw asked for by the browser waits for further moves of the same drag ...
COALESCE_SECONDS = 0.005
#: ... unless the last redraw ended longer ago than this: then nothing is queued behind it, and it draws at once
QUIET_SECONDS = 0.1

#: sliders, and those whose number readout takes a typed value
_SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.SelectionSlider)
_TYPED = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)

#: every control keeps at least this width, so a narrow or zoomed window wraps them instead of squeezing them
CONTROL_LAYOUT = {"min_width": "300px"}


def int_slider(description, value, lo, hi, step=1, continuous=True):
    """An integer slider with a readable label."""
    return widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                             continuous_update=continuous, style={"description_width": "initial"},
                             layout=widgets.Layout(**CONTROL_LAYOUT))


def log_slider(description, value, lo, hi, continuous=True, digits=3, step=0.01):
    """A slider that moves on a log10 scale from about ``lo`` to about ``hi`` (both > 0).

    The ends are rounded outwards to whole steps of the exponent, so that the
    slider's grid (which a browser snaps to) passes through round values such as 1.
    """
    lo_exp = math.floor(round(math.log10(lo) / step, 6)) * step
    hi_exp = math.ceil(round(math.log10(hi) / step, 6)) * step
    return widgets.FloatLogSlider(value=value, base=10, min=round(lo_exp, 6), max=round(hi_exp, 6), step=step,
                                  description=description, readout_format=f".{digits}g",
                                  continuous_update=continuous, style={"description_width": "initial"},
                                  layout=widgets.Layout(**CONTROL_LAYOUT))


def steps_slider(description, steps, value, continuous=True):
    """A slider over a list of values (arrow keys move one step, and every step changes the value)."""
    if value not in steps:
        raise ValueError(f"{description}: the start value {value!r} must be one of the steps {list(steps)}")
    return widgets.SelectionSlider(options=list(steps), value=value, description=description,
                                   continuous_update=continuous, style={"description_width": "initial"},
                                   layout=widgets.Layout(**CONTROL_LAYOUT))


def dropdown(description, options, value=None):
    """A drop-down list of choices."""
    return widgets.Dropdown(options=options, value=value if value is not None else options[0],
                            description=description, style={"description_width": "initial"},
                            layout=widgets.Layout(**CONTROL_LAYOUT))
