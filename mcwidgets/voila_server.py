"""The Voila server of ``mcwidgets serve``: Voila, plus plotly's widget bundle as a static file.

``python -m mcwidgets.voila_server NOTEBOOK [voila options]`` is ``python -m voila``
with one more route, ``<base_url>mcwidgets/static/plotly-widget.js``: the ES module of
plotly's ``FigureWidget`` (``static/plotly-basic-widget.js``, its front end over plotly.js's
basic bundle, 1.3 MB; with a plotly it was not built for, plotly's own ~5 MB
``package_data/widgetbundle.js``), served with ETag and Last-Modified and
``Cache-Control: no-cache`` (the browser keeps it and revalidates it: a 304 while the
file is unchanged). It also sets
``$MCWIDGETS_PLOTLY_ESM`` to that path, which its kernels inherit: their usage chart
then sends a tiny loader of this file instead of the whole bundle in its widget state
(``widgets/plotly_loader.py``), and the page template preloads it.

Voila loads this process's other mcwidgets class by name (``serve_kernels``); keep this
module free of mcwidgets' database and widget code (``plotly_loader`` imports nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado import web
from voila.app import Voila

from .widgets.plotly_loader import ENV_PLOTLY_ESM, plotly_major

PLOTLY_ESM_PATH = "mcwidgets/static/plotly-widget.js"
# plotly's FigureWidget front end over plotly.js's basic bundle (scatter, bar, pie: all the
# dashboard draws): 1.3 MB instead of 5 MB, ~1-2 s less for the browser to evaluate on
# every page. Built by js/plotly-basic-widget/build.sh from plotly.py's widget.ts, whose
# messages are those of plotly.py 6 and 7; any other plotly gets its own bundle.
BASIC_BUNDLE = Path(__file__).resolve().parent / "static" / "plotly-basic-widget.js"
BASIC_BUNDLE_PLOTLY_MAJORS = (6, 7)


def plotly_bundle() -> Path:
    """plotly's own widget bundle (the file ``go.FigureWidget._esm`` names), found
    without importing plotly (which is slow to import)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("plotly is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "package_data" / "widgetbundle.js"


def widget_bundle() -> Path | None:
    """The file served at :data:`PLOTLY_ESM_PATH`: the basic bundle for plotly 6 and 7,
    plotly's own for a later plotly, None when plotly's FigureWidget is no anywidget
    (plotly 5: the chart then stays plotly's own widget)."""
    if plotly_major() in BASIC_BUNDLE_PLOTLY_MAJORS and BASIC_BUNDLE.is_file():
        return BASIC_BUNDLE
    try:
        own = plotly_bundle()
    except RuntimeError:
        return None
    return own if own.is_file() else None


class PlotlyBundleHandler(web.StaticFileHandler):
    """The one file, whatever the route matched; revalidated on every use."""

    def initialize(self, bundle: str) -> None:
        bundle_path = Path(bundle)
        super().initialize(path=str(bundle_path.parent))
        self.bundle_name = bundle_path.name

    def get(self, include_body: bool = True):
        return super().get(self.bundle_name, include_body)

    def head(self):
        return self.get(include_body=False)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")  # keep it, ask again (ETag/Last-Modified: 304)

    def get_content_type(self) -> str:
        return "text/javascript; charset=utf-8"


class DashboardVoila(Voila):
    """Voila with the route of :data:`PLOTLY_ESM_PATH`."""

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        bundle = widget_bundle()
        if bundle is None:
            return handlers
        route = url_path_join(self.server_url, "/" + PLOTLY_ESM_PATH.replace(".", r"\."))
        # first: Voila's last route (the notebook, "/(.*)") would take any path
        return [(route, PlotlyBundleHandler, {"bundle": str(bundle)}), *handlers]


def main(argv=None) -> None:
    if widget_bundle() is not None:
        os.environ[ENV_PLOTLY_ESM] = PLOTLY_ESM_PATH  # inherited by the kernels Voila starts
    else:
        os.environ.pop(ENV_PLOTLY_ESM, None)
    DashboardVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
