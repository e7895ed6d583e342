"""The Voila server of ``mcwidgets serve``: Voila, plus plotly's widget bundle as a static file.

``python -m mcwidgets.voila_server NOTEBOOK [voila options]`` is ``python -m voila``
with one more route, ``<base_url>mcwidgets/static/plotly-widget.js``: the ES module of
plotly's ``FigureWidget`` (plotly's ``package_data/widgetbundle.js``, ~5 MB), served
with ETag and Last-Modified and ``Cache-Control: no-cache`` (the browser keeps it and
revalidates it: a 304 while plotly is not upgraded). It also sets
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

from .widgets.plotly_loader import ENV_PLOTLY_ESM

PLOTLY_ESM_PATH = "mcwidgets/static/plotly-widget.js"
PLOTLY_BUNDLE = "widgetbundle.js"


def plotly_bundle() -> Path:
    """plotly's widget bundle (the file ``go.FigureWidget._esm`` names), found without
    importing plotly (which is slow to import)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("plotly is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "package_data" / PLOTLY_BUNDLE


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
        route = url_path_join(self.server_url, "/" + PLOTLY_ESM_PATH.replace(".", r"\."))
        # first: Voila's last route (the notebook, "/(.*)") would take any path
        return [(route, PlotlyBundleHandler, {"bundle": str(plotly_bundle())}), *handlers]


def main(argv=None) -> None:
    os.environ[ENV_PLOTLY_ESM] = PLOTLY_ESM_PATH  # inherited by the kernels Voila starts
    DashboardVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
