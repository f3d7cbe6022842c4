"""The course's lab extension, labextension/winit-rise-widgets: declared as JupyterLab expects, installed
in this environment, and the installed copy up to date with the source.

What it does on a slideshow page is tested where it happens, in a real browser (tests/browser: every
notebook as a RISE slideshow, a slider moved on a slide)."""
import json
from pathlib import Path

from jupyter_core.paths import jupyter_path
from jupyterlab_server.config import get_federated_extensions

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "labextension" / "winit-rise-widgets"
REINSTALL = "reinstall it: python -m pip install ./labextension   (make setup does it)"


def source_files():
    return sorted(p.relative_to(SOURCE) for p in SOURCE.rglob("*") if p.is_file())


def test_package_json_declares_a_loadable_federated_extension():
    pkg = json.loads((SOURCE / "package.json").read_text())
    assert pkg["name"] == SOURCE.name
    build = pkg["jupyterlab"]["_build"]
    assert (SOURCE / build["load"]).is_file(), f"package.json loads {build['load']}, which is missing"
    # it only joins the page's module registry: no plugin, mime renderer or style for the page to ask for
    assert set(build) == {"load"}, f"unexpected entries in jupyterlab._build: {sorted(set(build) - {'load'})}"
    entry = (SOURCE / build["load"]).read_text()
    assert "window._JUPYTERLAB[NAME] = container" in entry and f"var NAME = '{pkg['name']}'" in entry, (
        "remoteEntry.js must register its container under the package's name")


def test_jupyterlab_finds_it_installed_and_the_installed_copy_is_up_to_date():
    found = get_federated_extensions(jupyter_path("labextensions"))
    assert SOURCE.name in found, f"JupyterLab does not find the lab extension {SOURCE.name}: {REINSTALL}"
    installed = Path(found[SOURCE.name]["ext_path"])
    for rel in source_files():
        copy = installed / rel
        assert copy.is_file(), f"{rel} is not installed in {installed}: {REINSTALL}"
        assert copy.read_bytes() == (SOURCE / rel).read_bytes(), (
            f"{copy} differs from labextension/winit-rise-widgets/{rel}: {REINSTALL}")
    assert found[SOURCE.name]["install"]["packageName"] == "winit-rise-widgets"
