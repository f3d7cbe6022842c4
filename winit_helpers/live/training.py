"""The live view of notebook 6: train a deep ReLU network while you watch.

Pick the initialisation, the depth and a scale, press *Train*, and the loss curve of
:class:`~winit_helpers.figures.training.TrainingPanel` grows, chunk by chunk, until the budget of
steps is used or you press *Stop*.  Training runs as an asyncio task that yields to the kernel
between chunks, so the kernel still hears the Stop button.
"""
import asyncio

import ipywidgets as widgets

from .._checks import check_positive_int
from ..figures.training import TrainingPanel
from ..training import DEEP_INITS
from .core import LiveView, dropdown, int_slider, log_slider, register_view


class TrainingView(LiveView):
    """A :class:`LiveView` of a :class:`TrainingPanel` with a Train/Stop button and a progress bar.

    Moving a control builds a new network (it does not train).  The button starts
    an asyncio task that trains ``chunk`` steps at a time and yields to the kernel
    between chunks, so a second click (or :meth:`stop`) ends it.  :meth:`run`
    trains synchronously, for tests and for scripts.
    """

    def __init__(self, panel, controls, fixed=None, chunk=10):
        self.chunk = check_positive_int("chunk", chunk)
        self.button = widgets.Button(description="Train", icon="play", button_style="success")
        self.progress = widgets.IntProgress(value=0, min=0, max=panel.budget, description="steps",
                                            style={"description_width": "initial"})
        self.task, self._stop = None, False
        super().__init__(panel, controls, fixed)
        self.button.on_click(self._on_click)
        at = self.widget.children.index(self.image)          # the button row goes above the figure
        self.widget.children = (self.widget.children[:at] + (widgets.HBox([self.button, self.progress]),)
                                + self.widget.children[at:])

    @property
    def running(self):
        return self.task is not None and not self.task.done()

    def refresh(self, preview=False):
        if getattr(self, "task", None) is not None:
            self.stop()
        super().refresh(preview=preview)
        self.progress.value = 0

    def _show(self, result):
        self.result = result
        self.image.value = self.panel.frame()
        self.status.value = self.status_html(result.message, self.params)
        self.progress.value = int(self.panel.trainer.step_count)

    def run(self, steps=None):
        """Train synchronously for ``steps`` steps (default: the rest of the budget), redrawing after every chunk."""
        steps = self.panel.budget if steps is None else check_positive_int("steps", steps)
        target = min(self.panel.trainer.step_count + steps, self.panel.budget)
        while self.panel.trainer.step_count < target:
            self._show(self.panel.train_chunk(min(self.chunk, target - self.panel.trainer.step_count)))
        return self.result

    async def _train(self):
        try:
            while not self._stop and not self.panel.finished:
                self._show(self.panel.train_chunk(self.chunk))
                await asyncio.sleep(0.02)      # let the kernel read messages (a Stop click) between chunks
        finally:
            self.button.description, self.button.icon, self.button.button_style = "Train", "play", "success"

    def start(self):
        """Start training in the background (in a running event loop, as in Jupyter); returns the task."""
        if self.running:
            return self.task
        if self.panel.finished:
            self.refresh()            # the budget is used up: start again from a fresh network
        self._stop = False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:          # no event loop (a plain script): train here and now
            self.run()
            return None
        self.button.description, self.button.icon, self.button.button_style = "Stop", "stop", "danger"
        self.task = loop.create_task(self._train())
        return self.task

    def stop(self):
        """Ask a background run to stop after its current chunk."""
        self._stop = True

    def _on_click(self, _button):
        if self.running:
            self.stop()
        else:
            self.start()


@register_view
def explore_training(seed=0, width=64, steps=300):
    """Pick the initialisation, the depth and a scale of a deep ReLU network; press Train to watch it learn (or not)."""
    controls = {
        "init": dropdown("init", list(DEEP_INITS)),
        "depth": int_slider("depth (ReLU layers)", 30, 1, 50, continuous=False),
        "scale": log_slider("scale x init's std", 1.0, 0.25, 4.0, continuous=False),
    }
    return TrainingView(TrainingPanel(width=width, steps=steps), controls, fixed={"seed": seed})
