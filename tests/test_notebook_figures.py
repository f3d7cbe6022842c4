"""Every figure a notebook draws with pyplot is clean: no label cut at the figure's edge, no two texts on top of each
other, no legend over the data (:func:`layout_checks.layout_problems`).

The live views' figures are checked while their sliders move (test_layout_views_*.py); the figures the notebooks draw
once, with their own arguments and often with code of their own, are checked here. Each notebook's code runs in this
process, top to bottom, with the Agg backend; every pyplot figure open at a ``plt.show()`` or at a cell's end is
checked and closed. nbval runs the same cells in a kernel and compares their text; this test looks at what they draw.
"""
import contextlib
import io
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from layout_checks import layout_problems

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.drawing


def figures_drawn(path):
    """``(where, problems)`` for every pyplot figure the notebook's code cells draw, in order."""
    checked = []

    def check(where):
        for number in plt.get_fignums():
            checked.append((where, layout_problems(plt.figure(number), where)))
        plt.close("all")

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace = {"__name__": "__main__"}
    show = plt.show
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            where = f"{path.name}, cell {index}"
            plt.show = lambda *args, where=where, **kwargs: check(where)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile("".join(cell["source"]), where, "exec"), namespace)
            check(where)
    finally:
        plt.show = show
        os.chdir(cwd)
        plt.close("all")
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
