"""The dashboard's Voila template, rendered by Jinja with Voila's own template paths
(no server, no kernel): the branded loading screen replaces Voila's "Running ..."."""

import re

import jinja2
import pytest
from voila.paths import _default_root_dirs, collect_template_paths

from mcwidgets import serve


class _Passthrough(dict):
    """nbconvert's filters (highlighting, ANSI colours, ...) are not under test: any
    filter name compiles, the missing ones return their input."""

    def __contains__(self, name):
        return True

    def get(self, name, default=None):
        return self[name]

    def __missing__(self, name):
        return lambda value, *args, **kwargs: value


@pytest.fixture(scope="module")
def page() -> str:
    roots = [str(serve.TEMPLATES_ROOT)] + _default_root_dirs()
    paths = collect_template_paths(["voila", "nbconvert"], serve.TEMPLATE, root_dirs=roots)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths), extensions=["jinja2.ext.do"])
    env.filters = _Passthrough(env.filters)
    resources = {"base_url": "/", "theme": "light", "metadata": {"name": "dashboard"}, "inlining": {"css": []},
                 **{name: (lambda *a: "") for name in ("include_css", "include_js", "include_url",
                                                        "include_lab_theme")}}
    return env.get_template("index.html.j2").render(
        nb={"cells": [], "metadata": {}}, resources=resources, page_config={}, main_js="main.js",
        kernel_start=lambda nb: "kernel-id", cell_generator=lambda nb, kernel_id: [])


def loading_screen(page: str) -> str:
    match = re.search(r'<div id="loading".*?<h2 id="loading_text">.*?</h2>\s*</div>', page, re.S)
    assert match, page
    return match.group(0)


def test_the_loading_screen_names_the_product_and_what_it_does(page):
    screen = loading_screen(page)
    assert '<h1 class="mcw-loading-product">Marketing contacts</h1>' in screen
    assert "mcwidgets" in screen
    assert '<h2 id="loading_text">Starting the dashboard…</h2>' in screen
    assert 'role="status"' in screen
    assert "Running" not in page and 'class="spinner"' not in page  # Voila's text and logo are gone
    assert page.count('id="loading"') == 1 and page.count('id="loading_text"') == 1


def test_while_the_notebook_runs_it_says_it_loads_the_contacts(page):
    # Voila calls voila_process(i, n) before each cell; ours replaces "Executing i of n"
    helpers = page.index("window.voila_process = window.update_loading_text")
    ours = page.index("window.voila_process = function")
    assert ours > helpers
    assert "Loading your contacts…" in page[ours:ours + 300]
    # Voila's finish (remove #loading, show the cells) is still wired
    assert "window.voila_finish = window.display_cells" in page
    assert page.index('id="loading"') < page.index('id="rendered_cells"')


def test_the_page_loads_nothing_from_the_internet(page):
    assert "cdn.jsdelivr.net" not in page
    assert not re.search(r'(src|href)="https?://', page)
