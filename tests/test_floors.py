"""The floors: tools/floors.py pins every direct requirement at its lower bound for `make test-floors`.

The generated constraints are checked against an independent reading of requirements.txt with
`packaging` (the library pip itself uses), and the floors of pyproject.toml against those of
requirements.txt.
"""
import importlib.util
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
PYPROJECT = ROOT / "pyproject.toml"

spec = importlib.util.spec_from_file_location("floors", ROOT / "tools" / "floors.py")
floors = importlib.util.module_from_spec(spec)
spec.loader.exec_module(floors)


def _named_requirements(path):
    """Every named requirement of a requirements file, read with packaging (comments, options, paths skipped)."""
    out = []
    for line in Path(path).read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith(("-", ".", "/")):
            out.append(Requirement(text))
    return out


def _floor(requirement):
    """The version of the `>=` (or `~=`) clause of a packaging Requirement, or None."""
    found = [s.version for s in requirement.specifier if s.operator in (">=", "~=")]
    assert len(found) <= 1, requirement
    return found[0] if found else None


def _constraints(text):
    """Constraint lines -> {normalised name: (pinned version, marker text or None)}."""
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (pin,) = list(requirement.specifier)
            assert pin.operator == "==", line
            out[re.sub(r"[-_.]+", "-", requirement.name).lower()] = (
                pin.version, str(requirement.marker) if requirement.marker else None)
    return out


def _write(tmp_path, text, name="requirements.txt"):
    path = tmp_path / name
    path.write_text(text)
    return path


# --- the real files -------------------------------------------------------------------------------

def test_every_direct_requirement_is_pinned_at_its_floor():
    expected = {re.sub(r"[-_.]+", "-", r.name).lower(): _floor(r) for r in _named_requirements(REQUIREMENTS)}
    assert len(expected) >= 10  # numpy, matplotlib, ipywidgets, jupyterlab, ipykernel, pytest, ...
    pinned = _constraints(floors.constraints_text(floors.read_requirements(REQUIREMENTS)))
    assert {name: version for name, (version, _) in pinned.items()} == {
        name: floor for name, floor in expected.items() if floor is not None}


def test_every_named_requirement_has_a_floor_that_its_own_specifier_admits():
    for requirement in _named_requirements(REQUIREMENTS):
        floor = _floor(requirement)
        if floor is None:  # a cap on a package that is not a direct dependency: must say so with '<'
            assert all(s.operator in ("<", "<=", "!=") for s in requirement.specifier), requirement
            continue
        assert Version(floor) in requirement.specifier, requirement


def test_installed_versions_keep_the_promise():
    """In .venv-floors (make test-floors) every direct requirement is installed at exactly its floor;
    in any other environment (make test) at a version its requirement admits."""
    at_floors = Path(sys.prefix).name == ".venv-floors"
    checked = 0
    for requirement in _named_requirements(REQUIREMENTS):
        try:
            installed = Version(version(requirement.name))
        except PackageNotFoundError:
            pytest.fail(f"{requirement.name} is required but not installed; run make setup (or make test-floors)")
        floor = _floor(requirement)
        if at_floors and floor is not None:
            assert installed == Version(floor), (requirement.name, str(installed))
        assert installed in requirement.specifier, (requirement.name, str(installed))
        checked += 1
    assert checked >= 10


def test_pyproject_floors_equal_the_requirements_floors():
    floors.check_pyproject(floors.read_requirements(REQUIREMENTS), PYPROJECT)  # raises if they differ
    required = {r.name: _floor(r) for r in _named_requirements(REQUIREMENTS)}
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    assert dependencies, "pyproject.toml lists the helpers' own dependencies"
    for text in dependencies:
        requirement = Requirement(text)
        assert _floor(requirement) == required[requirement.name], text


def test_readme_names_the_oldest_python_that_pyproject_admits():
    requires = tomllib.loads(PYPROJECT.read_text())["project"]["requires-python"]
    oldest = re.fullmatch(r">=\s*(3\.\d+)", requires).group(1)
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"Python (3\.\d+) or newer", readme) == [oldest]
    # and the Python running the tests (the one `make test` and `make test-floors` use) is admitted
    assert SpecifierSet(requires).contains(f"{sys.version_info.major}.{sys.version_info.minor}")


def test_readme_names_the_floors_that_requirements_declare():
    readme = (ROOT / "README.md").read_text()
    listed = re.search(r"lower\s+bound\s+in\s+\[requirements\.txt\]\(requirements\.txt\)\s+\(([^)]*)\)", readme).group(1)
    named = dict(item.split() for item in re.split(r",\s*", listed) if item != "...")
    assert len(named) >= 5
    required = {r.name.lower(): _floor(r) for r in _named_requirements(REQUIREMENTS)}
    assert {name.lower(): version for name, version in named.items()} == {
        name.lower(): required[name.lower()] for name in named}


def test_command_line_writes_the_file(tmp_path):
    out = tmp_path / "constraints.txt"
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "floors.py"), str(REQUIREMENTS),
                          "--pyproject", str(PYPROJECT), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert out.read_text() == floors.constraints_text(floors.read_requirements(REQUIREMENTS))
    assert "numpy==" in out.read_text()


# --- the parser on small files --------------------------------------------------------------------

def test_floors_caps_markers_extras_comments_and_local_paths(tmp_path):
    path = _write(tmp_path, "\n".join([
        "# a comment line",
        "-e .                      # the package itself",
        "./labextension            # a local build",
        "",
        "numpy >= 1.24             # comment with >= 9 inside",
        "Jupyter_Server-MathJax>=0.2.6",
        "pyparsing < 3.3           # a cap only: not pinned",
        "foo[bar] >= 2.1, < 3      # extras and a cap",
        "baz ~= 1.4.2",
        'tomli >= 2.0 ; python_version < "3.11"',
    ]))
    text = floors.constraints_text(floors.read_requirements(path))
    assert _constraints(text) == {
        "numpy": ("1.24", None),
        "jupyter-server-mathjax": ("0.2.6", None),
        "foo": ("2.1", None),
        "baz": ("1.4.2", None),
        "tomli": ("2.0", 'python_version < "3.11"'),
    }
    assert "pyparsing" not in text and "[bar]" not in text


@pytest.mark.parametrize("line, message", [
    ("numpy", "has no version bound"),
    ("numpy  # a comment", "has no version bound"),
    ("numpy > 1.24", "is not a lower bound"),
    ("numpy == 1.24", "is not a lower bound"),
    ("numpy >= 1.24, >= 1.25", "two lower bounds"),
    ("numpy >= 1.*", "wildcard"),
    ("numpy >= ", "cannot read the version clause"),
])
def test_requirements_without_a_usable_floor_are_refused(tmp_path, line, message):
    path = _write(tmp_path, line + "\n")
    with pytest.raises(floors.FloorsError, match=message):
        floors.read_requirements(path)


def test_a_package_required_twice_is_refused(tmp_path):
    path = _write(tmp_path, "numpy >= 1.24\nNumPy>=1.26\n")
    with pytest.raises(floors.FloorsError, match="already required on line 1"):
        floors.read_requirements(path)


def test_pyproject_disagreeing_with_requirements_is_refused(tmp_path):
    requirements = floors.read_requirements(_write(tmp_path, "numpy >= 1.24\nmatplotlib >= 3.10.7\n"))
    good = _write(tmp_path, '[project]\ndependencies = ["numpy>=1.24", "matplotlib >= 3.10.7"]\n', "good.toml")
    floors.check_pyproject(requirements, good)
    lower = _write(tmp_path, '[project]\ndependencies = ["numpy>=1.24", "matplotlib>=3.7"]\n', "lower.toml")
    with pytest.raises(floors.FloorsError, match="matplotlib: floor 3.7 in .*3.10.7 in requirements.txt"):
        floors.check_pyproject(requirements, lower)
    extra = _write(tmp_path, '[project]\ndependencies = ["scipy>=1.10"]\n', "extra.toml")
    with pytest.raises(floors.FloorsError, match="scipy is in .* but not in requirements.txt"):
        floors.check_pyproject(requirements, extra)


def test_command_line_error_says_what_to_change(tmp_path):
    path = _write(tmp_path, "numpy\n")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "floors.py"), str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "numpy has no version bound; give it a tested lower bound" in run.stderr


def test_matplotlibs_floor_is_the_minor_release_the_drawing_tests_see():
    """`make test-floors` leaves out the tests marked `drawing` because they see matplotlib alone and its floor is
    the same minor release as every version the requirement admits (so the pixels are matplotlib's pinned ones)."""
    (mpl,) = [r for r in _named_requirements(REQUIREMENTS) if r.name == "matplotlib"]
    floor = Version(_floor(mpl))
    caps = [Version(s.version) for s in mpl.specifier if s.operator == "<"]
    assert caps and caps[0] <= Version(f"{floor.major}.{floor.minor + 1}"), (
        f"matplotlib {mpl.specifier} admits minor releases above its floor {floor}: run the drawing tests at the "
        "floors too (drop -m 'not drawing' from make test-floors) or cap matplotlib below the next minor release")
    installed = Version(version("matplotlib"))
    assert (installed.major, installed.minor) == (floor.major, floor.minor), installed
    assert '-m "not drawing"' in (ROOT / "Makefile").read_text()
