"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

    python tools/execute_notebooks.py                      # every notebook in notebooks/
    python tools/execute_notebooks.py notebooks/02_*.ipynb # some of them

The stored outputs are what the strict nbval test compares a re-run against, so
run this after every change to a notebook (``make notebooks`` does it for all).
Navigation lines and slide types for lecture mode are generated from the notebook's
headings (tools/slides.py).
Widget state is not stored (the live figures need a kernel anyway), and neither
are per-cell timings, so a re-run that changes nothing leaves the file unchanged.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from slides import prepare   # noqa: E402  (navigation lines and RISE slide types, from the notebook's structure)

ROOT = Path(__file__).resolve().parents[1]


def execute(path, timeout=600):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:          # drop leftovers from an interactive session
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)          # left by a conversion from a text file, if any
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    prepare(nb, path)
    nbformat.write(nb, path)


def coalesce_streams(outputs):
    """Consecutive printed outputs of one stream as one output: the kernel may send a cell's printing in one
    message or in several, as it happens, and the stored notebook should not depend on that."""
    merged = []
    for out in outputs:
        if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == out.name):
            merged[-1].text += out.text
        else:
            merged.append(out)
    return merged


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path.name} ...", flush=True)
        execute(path)
