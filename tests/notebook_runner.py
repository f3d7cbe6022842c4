"""Run a notebook's code cells in this process (the Agg backend), top to bottom, and look at what they draw.

Used by test_notebook_figures.py (every figure clean) and test_notebook_seeds.py (every check holds with another SEED).
"""
import contextlib
import io
import json
import os
import re
from pathlib import Path

import matplotlib.pyplot as plt

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def run_notebook(path, on_figures, seed=None):
    """Run the notebook's code cells in this process, top to bottom; at every ``plt.show()`` and at each code cell's
    end, ``on_figures(where)`` sees the open pyplot figures, which are closed after it. ``seed``: run with
    ``SEED = seed`` in the setup cell instead of the notebook's own."""
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
            source = "".join(cell["source"])
            if seed is not None:
                source, n = re.subn(r"^SEED = \d+", f"SEED = {seed}", source, count=1, flags=re.M)
                seed = None if n else seed
            plt.show = lambda *args, where=where, **kwargs: (on_figures(where), plt.close("all"))
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, where, "exec"), namespace)
            on_figures(where)
            plt.close("all")
        assert seed is None, f"{path.name} sets no SEED to replace"
    finally:
        plt.show = show
        os.chdir(cwd)
        plt.close("all")
