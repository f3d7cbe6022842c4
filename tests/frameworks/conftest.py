"""The real frameworks (PyTorch, Keras 3 on its numpy backend, Flax with JAX on the CPU) against what the
course says they do.

These tests need their own environment (``make test-frameworks`` creates .venv-frameworks from
requirements-frameworks.txt and runs ``pytest -p no:nbval -o addopts="" tests/frameworks``). A plain
``pytest`` / ``make test`` / ``make test-unit`` does not collect this folder at all (a learner's ``.venv``
has no PyTorch), unless it is named on the command line or WINIT_FRAMEWORK_TESTS=1 is set.
"""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Keras 3 picks its backend when it is first imported; JAX must not look for a GPU.
os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("JAX_PLATFORMS", "cpu")


def _asked_for(config):
    if os.environ.get("WINIT_FRAMEWORK_TESTS") == "1":
        return True
    for arg in config.args:
        path = (Path(config.invocation_params.dir) / str(arg).split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if HERE in Path(collection_path).resolve().parents and not _asked_for(config):
        return True
    return None


def pytest_report_header(config):
    if not _asked_for(config):
        return None
    from importlib.metadata import PackageNotFoundError, version
    found = []
    for name in ("torch", "keras", "flax", "jax", "jaxlib", "numpy"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} MISSING")
    return ["frameworks checked: " + ", ".join(found) + f" (KERAS_BACKEND={os.environ['KERAS_BACKEND']})"]


def pytest_sessionstart(session):
    if not _asked_for(session.config):
        return
    import importlib.util
    missing = [name for name in ("torch", "keras", "flax", "jax") if importlib.util.find_spec(name) is None]
    if missing:
        import pytest
        pytest.exit(f"tests/frameworks needs {', '.join(missing)} (not in this environment). Run `make test-frameworks`, "
                    "which installs requirements-frameworks.txt into .venv-frameworks first.", returncode=1)
