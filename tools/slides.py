"""Lecture mode: set every cell's RISE slide type from the notebook's structure.

    python tools/slides.py notebooks/*.ipynb      # in place; outputs and execution counts untouched

The slide types are generated, never set by hand, so a notebook that changes
gets a fresh slide structure the next time this runs. The rules, in order
(the first that applies wins):

1. A cell that holds nothing but the navigation line is ``skip``.
2. The title cell (``# N. Title``) is the first ``slide``.
3. Code before the first ``## `` heading (the setup cell: imports and the seed) is ``skip``.
4. A ``## `` heading (anywhere in the cell) starts a ``slide``; a ``### `` heading, an exercise
   (``**Exercise ...**`` or ``**N.M**``) and the solutions (``**Solutions**``) start a ``subslide``.
   Exercises and solutions stay in the slideshow (as sub-slides, below their
   section, so the lecturer can skip them with the right arrow or show a
   solution after the room has tried it).
5. A check cell (``# Check ...`` on its first line, or nothing but ``assert``
   lines) is ``skip``: it proves the text's claims to a reader working alone;
   in a room the lecturer says the claim and moves a slider.
6. A live view (a cell calling ``explore_...``) goes on the slide of its
   heading (``-``) when the heading cell, with nothing but the heading, comes
   right before it; otherwise it gets a ``subslide`` of its own, so the sliders
   are never below the fold and the figure has the slide's height. The questions that follow a live view (``**Questions to try ...**``,
   ``**Try it**``) open a ``subslide`` of their own, so that the live view fills its
   slide whole (notebooks/rise.css fits it: controls, figure and status line);
   any other cell that follows a live view stays with it (``-``).
7. A figure-only cell (``# extra code ...``) is a ``fragment``: the slide
   shows the heading and the question first, the room predicts, and the next
   click reveals the figure. If the slide is already full, the figure opens
   a ``subslide`` instead.
8. Anything else continues the current slide (``-``). A long slide scrolls (``scroll``
   below) rather than being cut into a sub-slide that would open with half a section and
   no heading: every slide and sub-slide opens with its heading, an exercise's label, a
   figure or a live view (:func:`opening_problems` lists the cells that break this, e.g. a
   heading in the middle of a cell, whose first part would sit above it on the slide).

The same tool writes every notebook's navigation line (previous | contents | next, with titles),
at the top of its first cell and at the end of its last, from the list of numbered notebooks in its
folder (:func:`navigation_line`); a notebook is never linked by hand.

The notebook's ``rise`` metadata (:data:`RISE_SETTINGS`) asks for scrolling (a slide taller
than the screen scrolls rather than being cut), for the slideshow to start at the title, and
for the projector size: reveal.js lays a slide out at ``width`` x ``height`` CSS pixels and
scales it to the screen, at most 2 times (reveal's ``maxScale``), after a ``margin`` of 10%.
848 x 476 is the largest 16:9 size that a 1920 x 1080 screen still shows at twice its size
(reveal's frame there is 1071 px high: 0.9 x 1071 / 476 = 2.02), so JupyterLab's 14 px text
reaches 28 px and its 13 px code and widget labels 26 px. ``notebooks/rise.css`` gives the
slide frame this size (jupyterlab-rise's own style would stretch it to the whole window) and
lets a long slide scroll. The ``white`` theme uses a font shipped with jupyterlab-rise; its
default theme would ask a font CDN for News Cycle and Lato. ``auto_select`` is off: by default
jupyterlab-rise selects a slide's first code cell 450 ms after the slide turns, and the deck then
follows that selection, so two quick presses of the space bar bounced back to the first slide.
"""
import base64
import copy
import json
import math
import re
import struct
import sys
from pathlib import Path

import nbformat

SLIDE, SUBSLIDE, FRAGMENT, CONTINUE, SKIP = "slide", "subslide", "fragment", "-", "skip"

#: lines of text a projected slide holds (JupyterLab's 14 px text at about 20 px a line, 476 px high)
BUDGET = 23
#: characters in one line of a slide (wider lines wrap)
LINE_CHARS = 100
#: lines a live view takes: its controls, a figure about 400 px high and its status line
LIVE_VIEW_LINES = 26
#: what the notebook-level RISE settings default to
RISE_SETTINGS = {"scroll": True, "start_slideshow_at": "beginning",
                 "width": 848, "height": 476, "margin": 0.1, "center": False,
                 "theme": "white", "transition": "none", "auto_select": "none"}
#: the projector's screen, for which :data:`RISE_SETTINGS` is sized
PROJECTOR = (1920, 1080)

_LINK = re.compile(r"\[[^\]]*\]\([^)\s]*\.ipynb(#[^)\s]*)?\)")
_LIVE_CALL = re.compile(r"\bexplore_\w+\s*\(")
_EXERCISE = re.compile(r"^\*\*(exercise\b|\d+\.\d+\*\*)", re.IGNORECASE)
_SOLUTIONS = re.compile(r"^(\*\*|#+\s+)(worked\s+)?solutions?\b", re.IGNORECASE)
_QUESTIONS = re.compile(r"^(\*\*)?(questions to try|try it)\b", re.IGNORECASE)


def is_nav_line(line):
    """True for a navigation line: links to notebooks separated by ``|``, with optional ``<`` and ``>``."""
    links = _LINK.findall(line)
    return bool(links) and set(_LINK.sub("", line)) <= set("<>| \t")


def _content_lines(cell):
    """The cell's source lines without navigation lines and blank lines."""
    return [line for line in cell.source.splitlines() if line.strip() and not is_nav_line(line)]


def _wrapped(lines):
    return sum(max(1, math.ceil(len(line) / LINE_CHARS)) for line in lines)


def _png_height(data):
    """Height in pixels of a base64 PNG, read from its header (0 if it cannot be read)."""
    try:
        header = base64.b64decode(data[:44])
        return struct.unpack(">I", header[20:24])[0] if header[1:4] == b"PNG" else 0
    except (ValueError, struct.error):
        return 0


def cell_lines(cell):
    """About how many lines of a slide a cell fills: its source plus its outputs."""
    if cell.cell_type != "code":
        return _wrapped(_content_lines(cell)) + 1
    lines = _wrapped(cell.source.splitlines()) + 1
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            lines += _wrapped(output.get("text", "").splitlines())
        elif output.get("output_type") == "error":
            lines += 10
        data = output.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:
            lines += LIVE_VIEW_LINES
        elif "image/png" in data:
            lines += math.ceil(_png_height(data["image/png"]) / 22) or 18
        elif "text/html" in data or "text/markdown" in data:
            lines += 5
        elif "text/plain" in data and output.get("output_type") == "execute_result":
            lines += len(data["text/plain"].splitlines())
    return lines


def _first_line(cell):
    lines = _content_lines(cell)
    return lines[0].strip() if lines else ""


def _heading_level(cell):
    """The level of the cell's highest heading (1 for ``#``, 2 for ``##``, ...), 0 if it has none.

    A heading in the middle of a cell counts too: the cell opens the new section's slide.
    """
    if cell.cell_type != "markdown":
        return 0
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6})\s", cell.source, re.MULTILINE)]
    return min(levels) if levels else 0


def is_live_view(cell):
    return cell.cell_type == "code" and bool(_LIVE_CALL.search(cell.source))


def is_figure_code(cell):
    return cell.cell_type == "code" and cell.source.lstrip().lower().startswith("# extra code")


def is_check(cell):
    """A cell that checks the text's claims: ``# Check ...`` on its first line, or nothing but asserts."""
    if cell.cell_type != "code":
        return False
    code = [line.strip() for line in cell.source.splitlines() if line.strip()]
    if not code:
        return False
    statements = [line for line in code if not line.startswith("#")]
    return code[0].lower().startswith("# check") or (bool(statements) and all(
        line.startswith("assert") for line in statements))


def slide_types(cells):
    """The slide type of every cell, by the rules in this module's docstring."""
    types = [None] * len(cells)
    in_sections = False       # a "## " heading has been seen
    have_title = False
    start = None              # index of the cell that opened the current (sub)slide
    height = 0                # lines on the current (sub)slide so far
    previous = None           # index of the last cell shown (not skipped)
    after_live = False        # the previous shown cell is a live view

    def open_at(i, kind):
        nonlocal start, height
        types[i], start, height = kind, i, cell_lines(cells[i])

    for i, cell in enumerate(cells):
        level = _heading_level(cell)
        first = _first_line(cell)
        lines = cell_lines(cell)
        if cell.cell_type == "markdown" and not _content_lines(cell):
            types[i] = SKIP                                            # rule 1
            continue
        if cell.cell_type == "raw":
            types[i] = SKIP
            continue
        if not have_title and (level == 1 or cell.cell_type == "markdown"):
            open_at(i, SLIDE)                                          # rule 2
            have_title = True
        elif cell.cell_type == "code" and (not in_sections or not have_title):
            types[i] = SKIP                                            # rule 3
            continue
        elif level == 2 or level == 1:
            open_at(i, SLIDE)                                          # rule 4
        elif level >= 3 or (cell.cell_type == "markdown" and (_EXERCISE.match(first) or _SOLUTIONS.match(first))):
            open_at(i, SUBSLIDE)
        elif is_check(cell):
            types[i] = SKIP                                            # rule 5
            continue
        elif is_live_view(cell):                                       # rule 6
            if previous == start and cells[start].cell_type == "markdown" and len(_content_lines(cells[start])) == 1:
                types[i], height = CONTINUE, height + lines
            else:
                open_at(i, SUBSLIDE)
        elif after_live and cell.cell_type == "markdown" and _QUESTIONS.match(first):
            open_at(i, SUBSLIDE)                                       # rule 6: a live view's questions
        elif after_live:
            types[i], height = CONTINUE, height + lines
        elif is_figure_code(cell):                                     # rule 7
            if height + lines <= BUDGET:
                types[i], height = FRAGMENT, height + lines
            else:
                open_at(i, SUBSLIDE)
        else:
            types[i], height = CONTINUE, height + lines                # rule 8
        if level == 2:
            in_sections = True
        previous, after_live = i, is_live_view(cell)
    return types


def opens_properly(cell):
    """True when a cell can open a slide: it starts with a heading, an exercise's label or a live view's
    questions, or it draws a figure or a live view."""
    if cell.cell_type == "code":
        return is_live_view(cell) or is_figure_code(cell)
    first = _first_line(cell)
    return bool(re.match(r"#{1,6}\s", first) or _EXERCISE.match(first) or _SOLUTIONS.match(first)
                or _QUESTIONS.match(first))


def opening_problems(nb):
    """The cells that open a slide or sub-slide without their own heading or figure, as readable lines
    (empty when every slide opens properly). Reads the stored slide types."""
    problems = []
    for index, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind in (SLIDE, SUBSLIDE) and not opens_properly(cell):
            heading = re.search(r"^#{1,6}\s.*$", cell.source, re.MULTILINE)
            why = (f"its heading '{heading.group(0)[:50]}' is not on its first line: split the cell before it"
                   if heading else "it has no heading: give it one, or join it to the section above")
            problems.append(f"cell {index + 1} opens a {kind} with '{_first_line(cell)[:50]}': {why}")
    return problems


#: the start page: the contents every navigation line links to
CONTENTS = "00_start_here.ipynb"
#: how the navigation lines name the start page
CONTENTS_TITLE = "Start here"
_TITLE = re.compile(r"^#\s+(?:\d+\.\s+)?(.+?)\s*$", re.MULTILINE)


def course_notebooks(folder):
    """The course's notebooks in reading order: the numbered ``NN_*.ipynb`` files of ``folder``."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def notebook_title(nb, path):
    """The title a navigation line gives the notebook: its ``# N. Title`` heading (the start page: 'Start here')."""
    if Path(path).name == CONTENTS:
        return CONTENTS_TITLE
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _TITLE.search(cell.source)
            if match:
                return match.group(1)
    raise ValueError(f"{Path(path).name} has no '# N. Title' heading for its navigation line")


def navigation_line(names, titles, index):
    """``< [Previous: title](prev) | [Contents](00_start_here.ipynb) | [Next: title](next) >`` for notebook ``index``.

    ``names`` are the file names in reading order and ``titles`` their titles; the first
    notebook has no previous link and the last no next link.
    """
    parts = [f"[Contents]({CONTENTS})"]
    if index > 0:
        parts.insert(0, f"< [Previous: {titles[index - 1]}]({names[index - 1]})")
    if index < len(names) - 1:
        parts.append(f"[Next: {titles[index + 1]}]({names[index + 1]}) >")
    return " | ".join(parts)


def add_navigation(nb, line):
    """Put ``line`` first in the first cell and last in the last cell of ``nb`` (in place), replacing old ones."""
    first = nb.cells[0]
    lines = first.source.split("\n")
    if lines and is_nav_line(lines[0]):
        lines[0] = line
    else:
        lines[:0] = [line, ""]
    first.source = "\n".join(lines)
    last = nb.cells[-1]
    if last.cell_type != "markdown" or last is first:
        nb.cells.append(nbformat.v4.new_markdown_cell(line))
        return nb
    lines = last.source.rstrip("\n").split("\n")
    if is_nav_line(lines[-1]):
        lines[-1] = line
    else:
        lines += ["", line]
    last.source = "\n".join(lines)
    return nb


def navigation_for(path):
    """The navigation line of the notebook at ``path``, from the numbered notebooks beside it; None outside the course
    (a folder without the start page)."""
    path = Path(path)
    paths = course_notebooks(path.parent)
    if not (path.parent / CONTENTS).exists() or path.resolve() not in [p.resolve() for p in paths]:
        return None
    names = [p.name for p in paths]
    titles = [notebook_title(nbformat.read(p, as_version=4), p) for p in paths]
    return navigation_line(names, titles, names.index(path.name))


def prepare(nb, path):
    """Everything generated from a notebook's structure: its navigation line and its slide types (in place)."""
    line = navigation_for(path)
    if line is not None:
        add_navigation(nb, line)
    return add_slide_metadata(nb)


def add_slide_metadata(nb):
    """Set ``cell.metadata.slideshow.slide_type`` on every cell of ``nb`` (in place) and return ``nb``.

    Only metadata changes: sources, outputs and execution counts are left as they are.
    """
    for cell, kind in zip(nb.cells, slide_types(nb.cells)):
        slideshow = dict(cell.metadata.get("slideshow", {}))
        slideshow["slide_type"] = kind
        cell.metadata["slideshow"] = slideshow
    rise = dict(nb.metadata.get("rise", {}))
    rise.update(RISE_SETTINGS)
    nb.metadata["rise"] = rise
    return nb


def outline(nb):
    """The slide structure as text, one line per shown cell: for a quick look at the result."""
    marks = {SLIDE: "=", SUBSLIDE: "  -", FRAGMENT: "    +", CONTINUE: "     ", SKIP: None}
    rows = []
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", CONTINUE)
        if marks.get(kind) is None:
            continue
        rows.append(f"{marks[kind]} [{cell.cell_type[:4]}] {_first_line(cell)[:70] or cell.source[:70]}")
    return "\n".join(rows)


def apply(path):
    """Add the navigation line and the slide metadata to the notebook at ``path``; rewrite the file only if it
    changed. True if it did."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    before = json.dumps(nb, sort_keys=True)
    prepare(copy.deepcopy(nb), path)     # dry run first: a rule that raises must not leave half a file
    prepare(nb, path)
    if json.dumps(nb, sort_keys=True) == before:
        return False
    nbformat.write(nb, path)
    return True


def main(argv):
    show = "--outline" in argv
    paths = [a for a in argv if a != "--outline"]
    if not paths:
        print(__doc__.split("\n\n")[0].strip())
        print("usage: python tools/slides.py [--outline] NOTEBOOK.ipynb ...")
        return 2
    for path in paths:
        if show:
            print(f"=== {path}\n{outline(prepare(nbformat.read(path, as_version=4), path))}")
        else:
            print(f"{path}: {'navigation and slide metadata updated' if apply(path) else 'up to date'}")
            for problem in opening_problems(nbformat.read(path, as_version=4)):
                print(f"  warning: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
