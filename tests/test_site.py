"""The handouts: tools/build_site.py turns the executed notebooks into a static site that needs no network."""
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    pages = build_site.build(out, quiet=True)
    return out, pages


def notebook(path):
    return nbformat.read(path, as_version=4)


def test_a_page_per_notebook_and_an_index(site):
    out, pages = site
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        assert (out / f"{path.stem}.html").is_file(), path.name
    assert (out / "index.html").is_file()
    assert set(pages) == {f"{p.stem}.html" for p in NOTEBOOKS} | {"index.html"}


def test_index_lists_every_notebook_and_its_links_resolve(site):
    out, pages = site
    links = build_site.relative_links(pages["index.html"])
    assert links == [f"{p.stem}.html" for p in NOTEBOOKS]
    for target in links:
        assert (out / target).is_file(), target
    for path in NOTEBOOKS:        # with the notebook's title
        assert build_site.title_of(notebook(path), path.stem) in pages["index.html"].replace("&amp;", "&")


def test_links_between_pages_resolve(site):
    out, pages = site
    broken = [f"{name} -> {target} (is notebooks/{Path(target).stem}.ipynb missing?)"
              for name, body in pages.items() for target in build_site.relative_links(body)
              if not (out / target).is_file()]
    assert not broken, "links to pages that were not built:\n" + "\n".join(broken)
    for body in pages.values():
        assert ".ipynb" not in " ".join(build_site.relative_links(body))


def test_no_asset_comes_from_a_network(site):
    _, pages = site
    tag_urls = re.compile(r"""<(?:script|img)\b[^>]*\bsrc=["']([^"']*)["']|<link\b[^>]*\bhref=["']([^"']*)["']""")
    for name, body in pages.items():
        for match in tag_urls.finditer(body):
            url = match.group(1) or match.group(2)
            assert not re.match(r"^(https?:)?//", url), f"{name} fetches {url}"
        assert not build_site.remote_assets(body), name
        assert "require.min.js" not in body and "cdnjs" not in body, name


def test_figures_are_embedded(site):
    _, pages = site
    for path in NOTEBOOKS:
        n_figures = sum("image/png" in output.get("data", {}) for cell in notebook(path).cells
                        for output in cell.get("outputs", []))
        body = pages[f"{path.stem}.html"]
        assert len(re.findall(r'<img[^>]*src="data:image/png;base64,', body)) == n_figures, path.name
        assert not re.search(r'<img[^>]*src="(?!data:)', body), f"{path.name}: an image is not embedded"


def test_math_is_left_for_the_local_mathjax(site):
    out, pages = site
    assert (out / "mathjax" / "MathJax.js").is_file()
    assert (out / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
    assert (out / "mathjax" / "fonts" / "HTML-CSS" / "STIX-Web" / "woff").is_dir()
    for name, body in pages.items():
        assert '<script src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"></script>' in body, name
        assert body.count("MathJax.js") == 1, name
    body = pages["01_fan_in_variance.html"] if "01_fan_in_variance.html" in pages else pages["index.html"]
    assert re.search(r"\$[^$<]*\\(sqrt|text|mathrm)[^$<]*\$", body), "math delimiters are missing"


def test_live_views_become_a_note(site):
    _, pages = site
    for path in NOTEBOOKS:
        n_live = sum(build_site.WIDGET_MIME in output.get("data", {}) for cell in notebook(path).cells
                     for output in cell.get("outputs", []))
        body = pages[f"{path.stem}.html"]
        assert body.count(build_site.LIVE_NOTE) == n_live, path.name
        assert "application/vnd.jupyter.widget-view+json" not in body, path.name


@pytest.mark.parametrize("text, expected", [
    ("[Next](02_b.ipynb)", "[Next](02_b.html)"),
    ("see [this](01_a.ipynb#the-experiment).", "see [this](01_a.html#the-experiment)."),
    ("[web](https://example.org/x.ipynb)", "[web](https://example.org/x.ipynb)"),
    ('<a href="03_c.ipynb">3</a>', '<a href="03_c.html">3</a>'),
])
def test_rewrite_links(text, expected):
    assert build_site.rewrite_links(text) == expected


def test_a_network_asset_is_refused():
    assert build_site.remote_assets('<script src="https://cdn.example/x.js"></script>')
    assert build_site.remote_assets('<link rel="stylesheet" href="//fonts.example/f.css">')
    assert build_site.remote_assets("<style>@import url('https://fonts.example/f.css');</style>")
    assert not build_site.remote_assets('<a href="https://arxiv.org/abs/1502.01852">He et al. 2015</a>')
