"""Every figure a notebook draws with pyplot is clean: no label cut at the figure's edge, no two texts on top of each
other, no legend over the data (:func:`layout_checks.layout_problems`).

The live views' figures are checked while their sliders move (test_layout_views_*.py); the figures the notebooks draw
once, with their own arguments and often with code of their own, are checked here: each notebook's code runs in this
process (:func:`notebook_runner.run_notebook`), and every pyplot figure open at a ``plt.show()`` or at a cell's end is
checked. nbval runs the same cells in a kernel and compares their text; this test looks at what they draw.
"""
import json

import matplotlib.pyplot as plt
import pytest

from layout_checks import layout_problems
from notebook_runner import NOTEBOOKS, run_notebook

pytestmark = pytest.mark.drawing


def figures_drawn(path):
    """``(where, problems)`` for every pyplot figure the notebook's code cells draw, in order."""
    checked = []
    run_notebook(path, lambda where: checked.extend((where, layout_problems(plt.figure(n), where))
                                                    for n in plt.get_fignums()))
    return checked


def images_stored(path):
    """``{where: number of images}`` the stored notebook shows, per code cell that shows any."""
    stored = {}
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        n = sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if n:
            stored[f"{path.name}, cell {index}"] = n
    return stored


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:2] for p in NOTEBOOKS])
def test_every_figure_a_notebook_draws_is_clean(path):
    checked = figures_drawn(path)
    problems = [p for _, found in checked for p in found]
    assert not problems, "\n".join(problems)
    # the figures checked are the images the stored notebook shows, one for one, cell by cell
    drawn = {}
    for where, _ in checked:
        drawn[where] = drawn.get(where, 0) + 1
    assert drawn == images_stored(path)
