"""Build the handouts: a static web site from the executed notebooks, readable offline.

    python tools/build_site.py                    # every notebook -> build/site (make html)
    python tools/build_site.py --out DIR NB ...   # some notebooks, somewhere else

One page per notebook (``NN_name.html``) and an ``index.html`` listing them all.
Nothing is executed: the pages show the outputs stored in the notebooks. Links
between notebooks point to the pages, every figure is embedded in its page, the
math is rendered by the copy of MathJax 2 (from the jupyter_server_mathjax package)
in ``mathjax/``, with its STIX web fonts, and no page asks any network for anything. A live view (sliders) has
no kernel here, so the page shows a note in its place; the static figure drawn
above it in the notebook is on the page.
"""
import argparse
import html
import re
import shutil
import sys
from pathlib import Path

import jupyter_server_mathjax
import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbformat.v4 import new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LIVE_NOTE = "Live version: open this notebook in JupyterLab to move the sliders."
MATHJAX_SOURCE = Path(jupyter_server_mathjax.__file__).parent / "static"
COURSE_TITLE = "Why divide the initial weights by sqrt(fan_in)?"

TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  TeX: {extensions: ["text-macros.js"],   // \\_ inside \\text{...}, as JupyterLab renders it
        equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  tex2jax: {inlineMath: [["$", "$"], ["\\(", "\\)"]], displayMath: [["$$", "$$"], ["\\[", "\\]"]],
            processEscapes: true, processEnvironments: true},
  MMLorHTML: {prefer: "HTML"},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true}},
  displayAlign: "center",
  messageStyle: "none"
});
</script>
<script src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"></script>
{%- endblock html_head_js_mathjax -%}
{% block extra_css %}
<style type="text/css">
  main { max-width: 1240px; margin: 0 auto; padding: 0 1em 3em; }
  .winit-live-note { border-left: 4px solid #0072B2; background: #eef5fb; padding: 0.6em 1em;
                     margin: 0.4em 0; font-size: 1.05em; }
  .winit-live-note .controls { color: #555; font-size: 0.92em; }
  .jp-RenderedImage img { max-width: 100%; height: auto; }
  /* MathJax's hidden copy of each formula for screen readers would otherwise ask for fonts it does not ship */
  .MJX_Assistive_MathML, .MJX_Assistive_MathML * { font-family: serif !important; }
  @media print { main { max-width: none; } .winit-live-note { break-inside: avoid; } }
</style>
{% endblock extra_css %}
"""

_MD_LINK = re.compile(r"(\]\(\s*)(?!\w+://)([^)\s#]+)\.ipynb((?:#[^)\s]*)?\s*\))")
_HTML_LINK = re.compile(r"""(href=["'])(?!\w+://)([^"'#]+)\.ipynb((?:#[^"']*)?["'])""")
_CONTROLS = re.compile(r"controls: ([^.]+)\.")
# an asset a page would fetch: <script src>, <link href>, <img src>, CSS url(...) and @import
_REMOTE_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def notebook_paths(folder=ROOT / "notebooks"):
    """The course's notebooks in reading order."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def page_name(path):
    return Path(path).stem + ".html"


def rewrite_links(text):
    """Links to ``X.ipynb`` (optionally with ``#anchor``) point to ``X.html``; web links stay."""
    return _HTML_LINK.sub(r"\1\2.html\3", _MD_LINK.sub(r"\1\2.html\3", text))


def live_note(output):
    """The note a page shows where the notebook shows a live view."""
    text = output.get("data", {}).get("text/plain", "")
    match = _CONTROLS.search(text if isinstance(text, str) else "".join(text))
    controls = f"<br><span class='controls'>Its controls: {html.escape(match.group(1))}.</span>" if match else ""
    return f"<div class='winit-live-note'><strong>{LIVE_NOTE}</strong>{controls}</div>"


def prepare(nb):
    """The notebook as a page shows it: links to pages, a note for every live view, no widget state."""
    nb = nbformat.from_dict(nb)      # a copy
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source)
        for output in cell.get("outputs", []):
            if WIDGET_MIME in output.get("data", {}):
                output["data"] = {"text/html": live_note(output)}
                output.setdefault("metadata", {})
    return nb


def title_of(nb, fallback):
    """The notebook's ``# `` title, without its number."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"^\d+\.\s*", "", line[2:].strip())
    return fallback


def summary_of(nb):
    """The first "You will learn" line of a notebook, or else the first sentence after its title."""
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        return ""
    lines = [line.strip() for line in nb.cells[0].source.splitlines()]
    bullet = re.compile(r"^([-*]|\d+\.)\s+")
    for k, line in enumerate(lines):
        if re.match(r"^\**you will learn", line, re.IGNORECASE):
            item = []
            for text in lines[k + 1:]:
                if bullet.match(text) and item or (item and not text):
                    break                         # the first item ends at the next one or at a blank line
                if bullet.match(text) or item:
                    item.append(bullet.sub("", text))
            if item:
                return " ".join(item).rstrip(";.,:") + "."
    after_title = False
    for line in lines:
        if line.startswith("# "):
            after_title = True
        elif after_title and line and not line.startswith("#"):
            return line
    return ""


def index_notebook(entries):
    """The index page as a notebook of one markdown cell: one row per notebook."""
    rows = "\n".join(f"| {number} | [{title}]({page}) | {summary} |" for number, title, page, summary in entries)
    text = f"""# {COURSE_TITLE}

*The course's notebooks as web pages: every figure and every printed number as a run of the notebook
produced them. They work without Python and without a network. The live figures, whose sliders need
a running kernel, are in the notebooks: open them in JupyterLab (`make lab`).*

| # | Notebook | You will learn |
|---|---|---|
{rows}
"""
    return new_notebook(cells=[new_markdown_cell(text)], metadata={"title": COURSE_TITLE})


def make_exporter():
    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"winit_site.html.j2": TEMPLATE})],
                        template_file="winit_site.html.j2", embed_images=True, theme="light")


def remote_assets(page_html):
    """Every place where a page would fetch something from a network (should be none)."""
    return [m.group(0) for m in _REMOTE_ASSET.finditer(page_html)]


def relative_links(page_html):
    """The targets of a page's links to other files of the site (not web links, not in-page anchors)."""
    targets = re.findall(r"""<a\b[^>]*\bhref=["']([^"']+)["']""", page_html)
    return [t.split("#")[0] for t in targets
            if not re.match(r"^(\w+:|#|//)", t) and t.split("#")[0]]


def copy_mathjax(out):
    target = out / "mathjax"
    if not (target / "MathJax.js").exists():
        shutil.copytree(MATHJAX_SOURCE, target, dirs_exist_ok=True)


def build(out=ROOT / "build" / "site", paths=None, quiet=False):
    """Write the site into ``out``; return {page name: html}. Raises if a page would fetch from a network."""
    out = Path(out)
    paths = [Path(p) for p in (paths or notebook_paths())]
    if not paths:
        raise SystemExit("no notebooks to build: expected notebooks/NN_name.ipynb files")
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    exporter = make_exporter()
    pages, entries = {}, []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        title = title_of(nb, path.stem)
        body, _ = exporter.from_notebook_node(prepare(nb), resources={"metadata": {"name": title}})
        pages[page_name(path)] = body
        number = path.name[:2].lstrip("0") or "0"
        entries.append((number, title, page_name(path), summary_of(nb)))
    body, _ = exporter.from_notebook_node(index_notebook(entries), resources={"metadata": {"name": COURSE_TITLE}})
    pages["index.html"] = body
    for name, body in pages.items():
        found = remote_assets(body)
        if found:
            raise RuntimeError(f"{name} would fetch from a network: {found[:3]}")
        (out / name).write_text(body, encoding="utf-8")
    broken = sorted({(name, target) for name, body in pages.items() for target in relative_links(body)
                     if not (out / target).exists()})
    if not quiet:
        for name, target in broken:
            print(f"warning: {name} links to {target}, which is not in the site "
                  f"(notebooks/{Path(target).stem}.ipynb does not exist)", file=sys.stderr)
        print(f"{len(pages)} pages in {out} (open {out / 'index.html'})")
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to convert (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--out", default=str(ROOT / "build" / "site"), help="where to write the site")
    args = parser.parse_args(argv)
    build(Path(args.out), args.notebooks or None)


if __name__ == "__main__":
    main()
