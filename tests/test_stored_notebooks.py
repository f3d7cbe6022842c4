"""The stored notebooks do not depend on how the kernel happened to chunk a cell's printing."""
import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

sys.path.insert(0, str(ROOT / "tools"))          # execute_notebooks imports its neighbour slides.py
spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
execute_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_notebooks)


def test_consecutive_printing_of_one_stream_is_one_output_and_nothing_else_moves():
    outputs = [new_output("stream", name="stdout", text="a\n"), new_output("stream", name="stdout", text="b\n"),
               new_output("stream", name="stderr", text="warn\n"), new_output("stream", name="stdout", text="c\n"),
               new_output("display_data", data={"text/plain": "fig"}), new_output("stream", name="stdout", text="d\n"),
               new_output("stream", name="stdout", text="e")]
    merged = execute_notebooks.coalesce_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "warn\n"), ("stream", "stdout", "c\n"),
        ("display_data", None, None), ("stream", "stdout", "d\ne")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_notebooks_hold_each_stream_as_one_output(path):
    nb = nbformat.read(path, as_version=4)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for a, b in zip(cell.outputs, cell.outputs[1:]):
            assert not (a.output_type == b.output_type == "stream" and a.name == b.name), (
                f"{path.name}, cell {k}: two {a.name} outputs in a row; run tools/execute_notebooks.py on it")
