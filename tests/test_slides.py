"""Lecture mode: the slide structure tools/slides.py derives from a notebook."""
import base64
import copy
import importlib.util
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

spec = importlib.util.spec_from_file_location("slides", ROOT / "tools" / "slides.py")
slides = importlib.util.module_from_spec(spec)
spec.loader.exec_module(slides)

NAV = "< [Previous](00_a.ipynb) | [Contents](00_a.ipynb) | [Next](02_c.ipynb) >"


def png(height, width=1000):
    """A blank PNG of the given size, base64 encoded as a notebook stores it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"".join(b"\x00" + b"\xff" * width for _ in range(height)))
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return base64.b64encode(body).decode()


def code(source, count, *outputs):
    cell = new_code_cell(source, execution_count=count)
    cell.outputs = list(outputs)
    return cell


def stream(text):
    return new_output("stream", name="stdout", text=text)


def figure(height=400):
    return new_output("display_data", data={"image/png": png(height), "text/plain": "<Figure>"})


def live():
    return new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0},
        "text/plain": "[Live figure with controls: a. It needs a running kernel.]"})


def synthetic():
    """A small notebook with every kind of cell the rules name, and the slide type each must get."""
    cells_and_types = [
        (new_markdown_cell(f"{NAV}\n\n# 1. A title\n\n**You will learn**\n- one thing"), "slide"),
        (code("import numpy as np\nSEED = 0\nrng = np.random.default_rng(SEED)", 1), "skip"),
        (new_markdown_cell("## The experiment\n\nAdd up 1000 products."), "slide"),
        (code("y = rng.normal(size=1000).sum()\nprint(round(y))", 2, stream("31\n")), "-"),
        (code("# extra code: draws the figure below\nPanel.plot()", 3, figure(150)), "fragment"),
        (code("# Check: the claim holds for any seed\nassert True", 4), "skip"),
        (code("assert 1 < 2\nassert 2 < 3", 5), "skip"),
        (new_markdown_cell("### A closer look\n\nA sub-section."), "subslide"),
        (new_markdown_cell("## Try it yourself"), "slide"),
        (code("explore_thing(seed=SEED)", 6, live()), "-"),
        (new_markdown_cell("**Questions to try with the sliders**\n1. Where?"), "subslide"),
        (new_markdown_cell("## Another section\n\nSome text before the live view."), "slide"),
        (new_markdown_cell("More text, so the live view is not right below the heading."), "-"),
        (code("view = explore_other(seed=SEED)\nview", 7, live()), "subslide"),
        (code("# Check: the controls drive the figure\nassert view", 11), "skip"),
        (new_markdown_cell("**Try it**\n1. Move it."), "subslide"),
        (new_markdown_cell("A remark on the figure above, which stays with it."), "-"),
        (new_markdown_cell("## Try the third\n\nA heading with a sentence leaves the figure the slide's height."), "slide"),
        (code("view = explore_third(seed=SEED)\nview", 12, live()), "subslide"),
        (new_markdown_cell("Text that follows a live view but asks nothing stays with it."), "-"),
        (new_markdown_cell("## Exercises\n\n**Exercise 1.1.** Write f."), "slide"),
        (code("def f():\n    return ...\n\ncheck_f(f);", 8, stream("Not yet.\n")), "-"),
        (new_markdown_cell("**Exercise 1.2.** Write g."), "subslide"),
        (code("def g():\n    return ...", 9), "-"),
        (new_markdown_cell("**Solutions** (try first!)"), "subslide"),
        (code("def f():\n    return 1", 10, stream("Right.\n")), "-"),
        (new_markdown_cell(f"## Summary\n\n- one line\n\n{NAV}"), "slide"),
        (new_markdown_cell(NAV), "skip"),
    ]
    nb = new_notebook(cells=[cell for cell, _ in cells_and_types])
    return nb, [kind for _, kind in cells_and_types]


def types_of(nb):
    return [cell.metadata["slideshow"]["slide_type"] for cell in nb.cells]


def test_rules_on_a_synthetic_notebook():
    nb, expected = synthetic()
    slides.add_slide_metadata(nb)
    assert types_of(nb) == expected
    assert nb.metadata["rise"] == slides.RISE_SETTINGS
    assert slides.opening_problems(nb) == []


def test_only_metadata_changes_and_it_is_idempotent():
    nb, _ = synthetic()
    nb.cells[3].metadata["tags"] = ["keep-me"]
    before = copy.deepcopy(nb)
    slides.add_slide_metadata(nb)
    for old, new in zip(before.cells, nb.cells):
        assert new.source == old.source
        assert new.get("outputs") == old.get("outputs")
        assert new.get("execution_count") == old.get("execution_count")
    assert nb.cells[3].metadata["tags"] == ["keep-me"]
    once = copy.deepcopy(nb)
    slides.add_slide_metadata(nb)
    assert nb == once
    nbformat.validate(nb)


def test_a_long_section_scrolls_and_is_never_cut_into_a_headless_subslide():
    text = "\n".join(f"line {k} of a long explanation" for k in range(12))
    cells = [new_markdown_cell("# Title"), new_markdown_cell("## Long section\n\n" + text)]
    for k in range(4):
        cells.append(new_markdown_cell(f"Paragraph {k}:\n" + text))
        cells.append(code(f"x = {k}\nprint(x)", k + 1, stream(f"{k}\n")))
    cells.append(new_markdown_cell("### A closer look\n\nMore."))
    nb = slides.add_slide_metadata(new_notebook(cells=cells))
    kinds = types_of(nb)
    assert sum(slides.cell_lines(c) for c in cells[1:-1]) > 2 * slides.BUDGET      # the section is long
    assert kinds == ["slide", "slide"] + ["-"] * 8 + ["subslide"]
    assert nb.metadata["rise"]["scroll"] is True
    assert slides.opening_problems(nb) == []


def test_opening_problems_name_a_heading_in_the_middle_of_a_cell_and_a_headless_slide():
    nb = new_notebook(cells=[
        new_markdown_cell("# 1. Title"),
        new_markdown_cell("## Section\n\nText."),
        new_markdown_cell("The last words of the section.\n\n## Try it yourself\n\nMove the sliders."),
        code("explore_thing()", 1, live()),
    ])
    slides.add_slide_metadata(nb)
    assert types_of(nb)[2] == "slide"
    problems = slides.opening_problems(nb)
    assert len(problems) == 1 and problems[0].startswith("cell 3 opens a slide with 'The last words")
    assert "'## Try it yourself' is not on its first line: split the cell before it" in problems[0]
    nb.cells[2].metadata["slideshow"]["slide_type"] = "subslide"
    nb.cells[2].source = "Plain words."
    assert "it has no heading" in slides.opening_problems(nb)[0]
    for opener in ("### A heading", "**Exercise 2.1.** Write f.", "**Solutions** (try first!)"):
        nb.cells[2].source = opener
        assert slides.opening_problems(nb) == [], opener
    nb.cells[3].metadata["slideshow"]["slide_type"] = "subslide"      # a live view opens its sub-slide
    nb.cells[2].source = "## Fine"
    assert slides.opening_problems(nb) == []
    nb.cells[3].source = "x = 1"                                       # plain code does not
    assert "cell 4 opens a subslide with 'x = 1'" in slides.opening_problems(nb)[0]


def test_the_projector_size_is_scaled_twice_on_a_1920_screen_and_rise_css_agrees():
    """reveal.js scales a width x height slide by min(W (1 - margin) / width, H (1 - margin) / height), capped at
    2; its frame at 1920 x 1080 is 1071 px high (measured in Chromium). rise.css gives the frame that size."""
    rise = slides.RISE_SETTINGS
    frame_w, frame_h = slides.PROJECTOR[0], 1071
    scale = min(frame_w * (1 - rise["margin"]) / rise["width"], frame_h * (1 - rise["margin"]) / rise["height"], 2.0)
    assert scale == 2.0
    assert 14 * scale >= 28 and 13 * scale >= 24          # JupyterLab's text, code and widget labels
    assert abs(rise["width"] / rise["height"] - 16 / 9) < 0.01
    css = (ROOT / "notebooks" / "rise.css").read_text()
    assert f"width: {rise['width']}px !important" in css and f"height: {rise['height']}px !important" in css
    assert rise["theme"] == "white"        # its font ships with jupyterlab-rise; the default theme's fonts come from a CDN


def test_a_full_slide_puts_the_figure_on_a_subslide():
    nb = new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_markdown_cell("## Section\n\n" + "\n".join(["text"] * 25)),
        code("# extra code: draws the figure below\nplot()", 1, figure(400)),
    ])
    assert types_of(slides.add_slide_metadata(nb))[2] == "subslide"


def test_cli_updates_in_place_and_leaves_outputs(tmp_path):
    nb, expected = synthetic()
    path = tmp_path / "01_a.ipynb"
    nbformat.write(nb, path)
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "slides.py"), str(path)],
                         capture_output=True, text=True, check=True)
    assert "updated" in run.stdout
    after = nbformat.read(path, as_version=4)
    assert types_of(after) == expected
    assert [c.get("outputs") for c in after.cells] == [c.get("outputs") for c in nb.cells]
    stamp = path.stat().st_mtime_ns
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "slides.py"), str(path)],
                         capture_output=True, text=True, check=True)
    assert "up to date" in run.stdout and path.stat().st_mtime_ns == stamp


def check_structure(nb, name):
    """What every notebook's slideshow must have: a title slide, no empty slide, setup and nav skipped."""
    kinds = types_of(nb)
    shown = [(cell, kind) for cell, kind in zip(nb.cells, kinds) if kind != "skip"]
    assert shown and shown[0][1] == "slide", f"{name}: the first shown cell must start a slide"
    assert "\n# " in "\n" + shown[0][0].source, f"{name}: the first slide must hold the title"
    for cell, kind in shown:
        if kind in ("slide", "subslide"):
            assert cell.source.strip(), f"{name}: a {kind} starts with an empty cell"
    seen_section = False
    for cell, kind in zip(nb.cells, kinds):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            seen_section = True
        if cell.cell_type == "code" and not seen_section:
            assert kind == "skip", f"{name}: the setup cell must be skipped"
        if slides.is_live_view(cell) or slides.is_figure_code(cell):
            assert kind != "skip", f"{name}: a figure or live view must be on a slide"
        if cell.cell_type == "markdown" and all(slides.is_nav_line(line) for line in cell.source.splitlines()
                                                if line.strip()):
            assert kind == "skip", f"{name}: a navigation-only cell must be skipped"
    assert sum(kind == "slide" for kind in kinds) >= 3, f"{name}: fewer than 3 slides"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_gets_a_slide_structure(path):
    nb = slides.add_slide_metadata(nbformat.read(path, as_version=4))
    check_structure(nb, path.name)


def test_stored_slide_metadata_is_current():
    """Once slides.py has been applied, every notebook must carry what it generates (re-run it after a change)."""
    stored = {path: nbformat.read(path, as_version=4) for path in NOTEBOOKS}
    if not any("slideshow" in cell.metadata for nb in stored.values() for cell in nb.cells):
        pytest.skip("no notebook has slide metadata yet: run  python tools/slides.py notebooks/*.ipynb")
    stale = [path.name for path, nb in stored.items()
             if types_of(slides.add_slide_metadata(copy.deepcopy(nb))) !=
             [cell.metadata.get("slideshow", {}).get("slide_type") for cell in nb.cells]]
    assert not stale, f"slide metadata out of date in {stale}: run  python tools/slides.py notebooks/*.ipynb"


# ------------------------------------------------------------------ navigation lines
def test_navigation_line_links_previous_contents_and_next_with_titles():
    names, titles = ["00_start_here.ipynb", "01_b.ipynb", "02_c.ipynb"], ["Start here", "Bee", "Sea: a colon"]
    assert slides.navigation_line(names, titles, 0) == \
        "[Contents](00_start_here.ipynb) | [Next: Bee](01_b.ipynb) >"
    assert slides.navigation_line(names, titles, 1) == \
        "< [Previous: Start here](00_start_here.ipynb) | [Contents](00_start_here.ipynb) | [Next: Sea: a colon](02_c.ipynb) >"
    assert slides.navigation_line(names, titles, 2) == \
        "< [Previous: Bee](01_b.ipynb) | [Contents](00_start_here.ipynb)"
    assert all(slides.is_nav_line(slides.navigation_line(names, titles, i)) for i in range(3))


def test_titles_come_from_the_heading():
    nb = new_notebook(cells=[new_markdown_cell(NAV + "\n\n# 7. What frameworks do by default\n\nText")])
    assert slides.notebook_title(nb, "07_x.ipynb") == "What frameworks do by default"
    assert slides.notebook_title(nb, "00_start_here.ipynb") == "Start here"
    with pytest.raises(ValueError, match="no '# N. Title' heading"):
        slides.notebook_title(new_notebook(cells=[new_markdown_cell("text")]), "03_y.ipynb")


def test_add_navigation_replaces_inserts_and_is_idempotent():
    line = "< [Previous: A](00_a.ipynb) | [Contents](00_start_here.ipynb) | [Next: C](02_c.ipynb) >"
    nb = new_notebook(cells=[new_markdown_cell(NAV + "\n\n# 1. B"), code("x = 1", 1),
                             new_markdown_cell("## Summary\n\n- done\n\n" + NAV)])
    slides.add_navigation(nb, line)
    assert nb.cells[0].source == line + "\n\n# 1. B"
    assert nb.cells[-1].source == "## Summary\n\n- done\n\n" + line
    again = slides.add_navigation(copy.deepcopy(nb), line)
    assert [c.source for c in again.cells] == [c.source for c in nb.cells]
    bare = new_notebook(cells=[new_markdown_cell("# 1. B"), new_markdown_cell("## Summary")])
    slides.add_navigation(bare, line)
    assert bare.cells[0].source == line + "\n\n# 1. B" and bare.cells[1].source == "## Summary\n\n" + line
    ends_in_code = new_notebook(cells=[new_markdown_cell("# 1. B"), code("x = 1", 1)])
    slides.add_navigation(ends_in_code, line)
    assert len(ends_in_code.cells) == 3 and ends_in_code.cells[-1].source == line
    assert ends_in_code.cells[1].outputs == []


def test_navigation_is_generated_only_inside_the_course(tmp_path):
    for name in ("00_start_here.ipynb", "01_b.ipynb", "02_c.ipynb"):
        heading = "# Why?" if name.startswith("00") else f"# {int(name[:2])}. Title {name[3]}"
        nbformat.write(new_notebook(cells=[new_markdown_cell(heading)]), tmp_path / name)
    assert slides.navigation_for(tmp_path / "01_b.ipynb") == \
        "< [Previous: Start here](00_start_here.ipynb) | [Contents](00_start_here.ipynb) | [Next: Title c](02_c.ipynb) >"
    (tmp_path / "00_start_here.ipynb").unlink()
    assert slides.navigation_for(tmp_path / "01_b.ipynb") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_navigation_lines_are_current(path):
    """Each notebook starts and ends with the line generated from the notebook list (run tools/slides.py after a
    notebook is added, renamed or retitled)."""
    nb = nbformat.read(path, as_version=4)
    want = slides.navigation_for(path)
    first = nb.cells[0].source.split("\n")[0]
    last = nb.cells[-1].source.rstrip("\n").split("\n")[-1]
    assert first == want and last == want, \
        f"{path.name}: navigation out of date: run  python tools/slides.py notebooks/*.ipynb"


# Notebooks that still hold a section heading in the middle of a markdown cell (its first part would sit above
# the heading on the slide). Splitting those cells is a change to the notebooks' text; empty this set when done
# (strict: a notebook that is fixed makes its entry fail, so the set cannot go stale).
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_slide_opens_with_its_heading_or_figure(path):
    nb = slides.add_slide_metadata(nbformat.read(path, as_version=4))
    problems = slides.opening_problems(nb)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)
