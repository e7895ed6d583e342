"""The usage chart's plotly.js, loaded from the dashboard server instead of the widget state.

plotly 7's ``go.FigureWidget`` is an anywidget whose ``_esm`` trait is the whole
plotly.js widget bundle (~5 MB): sent over the kernel websocket on every page,
JSON-parsed, then imported from a blob URL, with no HTTP cache, before any widget
of the page is shown. Under ``mcwidgets serve`` (``voila_server.py``) the server
serves that same file at ``$MCWIDGETS_PLOTLY_ESM`` (a path under its base URL,
with ETag/Last-Modified, revalidated: ``Cache-Control: no-cache``), and the page
preloads it (``<link rel="modulepreload">`` in the template) while the kernel
connects. The chart's ``_esm`` is then :func:`loader_esm`: a few hundred bytes that
import the preloaded module. Anywhere else (JupyterLab, nbval) the variable is not
set and the chart is a plain ``FigureWidget``.

No heavy imports here: the Voila server process and ``serve`` import from this module.
"""

from __future__ import annotations

import json
import os
import re

ENV_PLOTLY_ESM = "MCWIDGETS_PLOTLY_ESM"
_PATH = re.compile(r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")  # relative, no "..", no query

# The page's base URL: Voila's page config ({"baseUrl": "/prefix/"}), else "/". A blob
# module has no useful import.meta.url, so the URL is resolved against the document.
_LOADER = """\
const PATH = %s;
function baseUrl() {
  try {
    const el = document.getElementById("jupyter-config-data");
    const base = el && JSON.parse(el.textContent).baseUrl;
    if (base) return base.endsWith("/") ? base : base + "/";
  } catch (e) {}
  return "/";
}
const mod = await import(new URL(baseUrl() + PATH, document.baseURI).href);
export default mod.default;
"""


def plotly_major() -> int | None:
    """The installed plotly's major version (without importing plotly), None without one."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return int(version("plotly").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return None


def served_path(environ=None) -> str | None:
    """The bundle's path under the server's base URL when the dashboard server
    serves it (``$MCWIDGETS_PLOTLY_ESM``), else None. A malformed value is ignored."""
    value = (os.environ if environ is None else environ).get(ENV_PLOTLY_ESM, "").strip()
    if not value:
        return None
    value = value.lstrip("/")
    return value if _PATH.match(value) and ".." not in value.split("/") else None


def loader_esm(path: str) -> str:
    """The tiny ES module that imports plotly's widget bundle from ``path`` (relative
    to the page's base URL) and re-exports its anywidget definition."""
    return _LOADER % json.dumps(path)
