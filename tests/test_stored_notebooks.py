"""The stored notebooks: their outputs do not depend on how the kernel happened to chunk a cell's printing, and every
random number in them comes from the one SEED of their setup cell."""
import importlib.util
import re
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


#: a random number not drawn from the notebook's SEED: numpy's global generator, or a seed written as a number
_OTHER_RANDOMNESS = re.compile(r"np\.random\.(?!default_rng\b)\w+\s*\(|\bseed\s*=\s*\d|default_rng\(\s*\d|"
                               r"SeedSequence\(\s*\d|\brandom\.seed\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_random_number_in_a_notebook_comes_from_its_one_seed(path):
    """Notebook 0 tells the learner to change SEED and re-run: one ``SEED = ...`` line, in the setup cell, and no
    code that draws from another seed (a function's default ``seed=0`` would keep its numbers when SEED changes)."""
    nb = nbformat.read(path, as_version=4)
    code = [(k, cell.source) for k, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    setting = [(k, line) for k, source in code for line in source.splitlines() if re.match(r"\s*SEED\s*=", line)]
    assert len(setting) == 1 and setting[0][0] == code[0][0], f"{path.name}: SEED is set by {setting}"
    assert re.fullmatch(r"SEED = \d+\s*(#.*)?", setting[0][1]), setting[0][1]
    other = [(k, line.strip()) for k, source in code for line in source.splitlines()
             if _OTHER_RANDOMNESS.search(line.split("#")[0])]
    assert not other, f"{path.name}: random numbers that do not come from SEED: {other}"


def test_the_seed_check_finds_numpy_s_global_generator_and_seeds_written_as_numbers():
    caught = ["x = np.random.randn(3, 4)", "def f(seed=0):", "g = np.random.default_rng(1)", "np.random.seed(3)",
              "rng = np.random.default_rng(SeedSequence(5))"]
    passed = ["rng = np.random.default_rng(SEED)", "def f(seed=SEED):", "g = np.random.default_rng(SEED + k)",
              "# np.random.randn(3) in a comment", "view = explore(seed=SEED)"]
    assert all(_OTHER_RANDOMNESS.search(line.split("#")[0]) for line in caught)
    assert not any(_OTHER_RANDOMNESS.search(line.split("#")[0]) for line in passed)
