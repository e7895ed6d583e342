"""The Contacts tab's "Paste a filter or a HubSpot search body" box.

A filter's JSON (``{"filterGroups": [...]}``) or a body copied from HubSpot's CRM search
API (``filterGroups``, ``sorts``, ``properties``, ``limit``, ``after``, ``query``) is read
by ``domain.filters.parse_search_body`` with the account's schema (``app.schema()``):
its filter groups select, its ``sorts`` becomes the grid's sort and its ``properties``
the grid's columns; what is ignored (``limit``, ``after``, ``query``, a property that is
not a grid column) is said in the box's message. A plain filter keeps the grid's sort
and columns. Bad JSON or a bad body is a one-line message; the grid is left as it was.

``on_apply(filter, sort, descending, columns)`` shows the result (``ContactsPanel``):
``sort`` and ``descending`` are None when the body has no sort, ``columns`` None when
it has no properties.

Stable CSS classes: ``mcw-paste-filter``, ``mcw-paste-text``, ``mcw-paste-apply``,
``mcw-paste-message``.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..domain.errors import ValidationError
from ..domain.filters import parse_search_body
from .panel_kit import Markup, button, error_html, first_line, html, html_widget, join, log_failure

PLACEHOLDER = ('{"filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", '
               '"value": "lead"}]}], "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}], '
               '"properties": ["email", "firstname"]}')


class PasteFilter(widgets.VBox):
    def __init__(self, app, on_apply, *, grid_columns=(), labels=None):
        self.app, self.on_apply = app, on_apply
        self.grid_columns = tuple(grid_columns)  # the columns the grid can show
        self.labels = dict(labels or {})  # column -> its label, for the message
        self.text = widgets.Textarea(placeholder=PLACEHOLDER, description="Filter JSON",
                                     layout=widgets.Layout(flex="1 1 auto", width="auto", height="64px"))
        self.text.add_class("mcw-paste-text")
        self.apply_button = button("Apply", "mcw-paste-apply", tooltip="Show the contacts this filter or "
                                   "search body selects, with its sort and columns")
        self.apply_button.layout.flex = "0 0 auto"  # never squeezed by the text box
        self.apply_button.layout.min_width = "72px"
        self.apply_button.on_click(lambda _b: self.apply())
        self.message = html_widget("mcw-paste-message")
        title = widgets.HTML(Markup('<span class="mcw-section-title">Paste a filter or a HubSpot search body'
                                    "</span>"))
        super().__init__([title, widgets.HBox([self.text, self.apply_button],
                                              layout=widgets.Layout(width="100%", align_items="flex-start")),
                          self.message], layout=widgets.Layout(width="100%"))
        self.add_class("mcw-paste-filter")

    def apply(self) -> None:
        raw = (self.text.value or "").strip()
        if not raw:
            self.message.value = error_html("Paste a filter or a HubSpot search body first.")
            return
        try:
            body = parse_search_body(raw, self.app.schema())
        except Exception as e:  # a ValidationError: one line, the grid stays as it was
            if not isinstance(e, ValidationError):
                log_failure("reading the pasted filter failed", e)
            self.message.value = error_html(f"Not applied: {first_line(e)}")
            return
        columns = [c for c in body.columns if c in self.grid_columns] if self.grid_columns else list(body.columns)
        dropped = [c for c in body.columns if c not in columns]
        try:
            self.on_apply(body.filter.to_json(), body.sort, body.descending if body.sort else None,
                          columns or None)
        except Exception as e:
            log_failure("applying the pasted filter failed", e)
            self.message.value = error_html(f"Not applied: {first_line(e)}")
            return
        lines = []
        if body.sort:
            lines.append(html("Sorted by {}, {}.", self._label(body.sort),
                              "descending" if body.descending else "ascending"))
        if columns:
            lines.append(html("Columns: {}.", ", ".join(self._label(c) for c in columns)))
        notes = list(body.notes)
        if dropped:
            notes.append(f"ignored: {', '.join(dropped)} (not a grid column)")
        items = [html('<li class="mcw-paste-done">{}</li>', line) for line in lines]
        items += [html('<li class="mcw-paste-note">{}</li>', note) for note in notes]
        self.message.value = html('<div class="mcw-ok" role="status">Applied.{}</div>',
                                  html("<ul>{}</ul>", join(items)) if items else "")

    def _label(self, column: str) -> str:
        return self.labels.get(column, column)


__all__ = ["PasteFilter"]
