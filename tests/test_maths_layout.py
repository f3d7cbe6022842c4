"""The layout of the package: the maths and the training use numpy only, never the figure libraries."""
import pkgutil
import subprocess
import sys

import winit_helpers.maths
import winit_helpers.training

FIGURE_LIBRARIES = ("matplotlib", "ipywidgets", "IPython")


def _modules(package):
    return [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]


def test_every_maths_and_training_module_is_found():
    assert {"activations", "gaussian", "init", "forward", "theory", "meanfield", "isometry"} <= \
        {name.rsplit(".", 1)[1] for name in _modules(winit_helpers.maths)}
    assert {"data", "networks", "trainer", "sweeps"} <= \
        {name.rsplit(".", 1)[1] for name in _modules(winit_helpers.training)}


def test_maths_and_training_import_no_figure_library():
    # a fresh interpreter: this test process itself may have imported matplotlib already
    names = _modules(winit_helpers.maths) + _modules(winit_helpers.training)
    code = ("import importlib, sys\n"
            f"for name in {names!r}:\n"
            "    importlib.import_module(name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FIGURE_LIBRARIES!r}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"a maths or training module imports a figure library: {out.strip()}"


def _sources():
    from pathlib import Path
    for package in (winit_helpers.maths, winit_helpers.training):
        for path in sorted(Path(package.__path__[0]).glob("*.py")):
            yield path.relative_to(Path(winit_helpers.__path__[0]).parent).as_posix(), path.read_text()


def test_each_constant_and_helper_is_written_once():
    # where each may appear, in the maths and training packages: everything else imports it
    once = {"default_rng(": "winit_helpers/maths/init.py", "1.7159": "winit_helpers/maths/activations.py",
            "sqrt(2.0)": "winit_helpers/maths/activations.py", "np.tanh(0.5 * x)": "winit_helpers/maths/activations.py",
            "np.exp(-0.5 * z * z)": "winit_helpers/maths/gaussian.py"}
    for needle, home in once.items():
        found = [name for name, text in _sources() if needle in text]
        assert found == [home], f"{needle!r} is written in {found}; keep it in {home} only and import it"
