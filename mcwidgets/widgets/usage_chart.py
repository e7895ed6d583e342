"""The usage chart: marketing contacts over time against the tier, live."""

from __future__ import annotations

from copy import deepcopy
from functools import lru_cache

import ipywidgets as widgets
import plotly.graph_objects as go

from .figures import usage_figure
from .panel_kit import Refreshing, html_widget
from .plotly_loader import loader_esm, served_path
from .resize import ResizeNudge

# No mode bar: its buttons ("Share chart...", zoom, pan, ...) were seven stops in the tab
# order for a chart that reads well as drawn (issue 15: accessibility).
PLOT_CONFIG = {"responsive": True, "displaylogo": False, "displayModeBar": False}


@lru_cache(maxsize=None)
def _served_figure_widget(path: str) -> type:
    """A ``FigureWidget`` whose ES module is a tiny loader of plotly's bundle served at
    ``path`` (``plotly_loader.py``), instead of the ~5 MB bundle itself."""
    return type("ServedFigureWidget", (go.FigureWidget,), {"_esm": loader_esm(path), "__module__": __name__})


def figure_widget(figure: go.Figure, environ=None) -> go.FigureWidget:
    """``figure`` as a FigureWidget: under ``mcwidgets serve`` one that loads plotly.js
    from the server (``$MCWIDGETS_PLOTLY_ESM``), elsewhere plotly's own."""
    path = served_path(environ)
    return go.FigureWidget(figure) if path is None else _served_figure_widget(path)(figure)


class UsageChart(Refreshing, widgets.VBox):
    """A ``FigureWidget`` built by :func:`usage_figure`, updated in place by :meth:`refresh`.

    ``width``: a fixed width in pixels; by default the chart follows its container
    (a :class:`ResizeNudge` resizes it when it becomes visible).
    """

    refresh_failure = "Could not refresh the chart"

    def __init__(self, app, *, width: int | None = None, history_days: int = 365, subscribe: bool = True,
                 report=None):
        self.app = app
        self.width = width
        self.history_days = history_days
        self.figure = figure_widget(self.build_figure(report))
        self.figure._config = PLOT_CONFIG
        self.figure.add_class("mcw-usage-figure")
        self.message = html_widget("mcw-chart-message")
        self.nudger = ResizeNudge()
        super().__init__([self.message, self.figure, self.nudger])
        self.add_class("mcw-chart")
        self.add_class("mcw-usage-chart")
        if subscribe:
            app.on_change(self._on_change)

    def build_figure(self, report=None) -> go.Figure:
        """The figure of the current figures (``status()`` applies due rollovers)."""
        report = report if report is not None else self.app.status()
        info = self.app.account()
        history = self.app.usage_history(self.history_days)
        return usage_figure(history, report, today=info.today, width=self.width, tz=info.timezone)

    def refresh(self, report=None) -> None:
        """Re-read status and history and update the figure in place (one batch)."""
        self.update_figure(self.build_figure(report))

    def update_figure(self, new: go.Figure) -> None:
        fw = self.figure
        with fw.batch_update():
            if [t.name for t in fw.data] != [t.name for t in new.data]:
                fw.data = []
                fw.add_traces(list(new.data))
            else:
                for old, fresh in zip(fw.data, new.data):
                    old.update(fresh.to_plotly_json(), overwrite=True)
            fw.update_layout(new.layout.to_plotly_json(), overwrite=True)
            if self.width is None:
                fw.layout.width = None
        # Views created from now on start from the widget state, not from the edit
        # messages sent before they existed (plotly does the same when displayed).
        fw._widget_layout = deepcopy(fw._layout_obj._props)
        fw._widget_data = deepcopy(fw._data)

    def on_show(self) -> None:
        """Called when the chart's tab is shown: resize it to its container."""
        self.nudger.nudge()

    def _on_change(self) -> None:
        self.safe_refresh()  # a view must not break the action that notified it
