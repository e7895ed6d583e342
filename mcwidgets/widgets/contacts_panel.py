"""The Contacts tab: saved views, a FilterBuilder, the column choice, the "More" menu and the grid.

* Saved views: picking one in the dropdown loads its filter (into the FilterBuilder
  too), its sort and its columns; "Save view" stores the current filter, sort and
  columns under the name typed (replacing a view of that name) with ``app.save_view``.
* The FilterBuilder's ``filter`` drives the grid's (after ``debounce`` seconds, so
  typing does not page the database on every key; 0 applies it at once).
* The "More" menu and the confirmation dialog are :class:`BulkActions`.
* The list bar (``list_bar.ListBar``): lists made from the filter, filled and emptied
  from the grid's selection, renamed and deleted.
* The contact record (``contact_record.ContactRecord``), above the grid: a row opened
  with its "Open" button or a click.
* "Paste a filter or a HubSpot search body" (``paste_filter.PasteFilter``): the pasted
  filter in the builder and the grid; a body's ``sorts`` and ``properties`` become the
  grid's sort and columns, and what it ignores is said beside it.

Stable CSS classes: ``mcw-contacts``, ``mcw-views``, ``mcw-view-select``,
``mcw-view-name``, ``mcw-view-save``, ``mcw-view-message``, ``mcw-columns``, and
those of the FilterBuilder, the grid (``mcwg-*``) and BulkActions.
"""

from __future__ import annotations

import threading

import ipywidgets as widgets

from .background import in_background
from .bulk_actions import BulkActions
from .contact_record import ContactRecord
from .filter_builder import FilterBuilder
from .grid import DEFAULT_COLUMNS, DEFAULT_SORT, PICKER_LABELS, ContactGrid
from .list_bar import ListBar
from .paste_filter import PasteFilter
from .panel_kit import Markup, error_html, first_line, html, html_widget, log_failure, style

CHOOSE = ""  # the dropdown's "no view" entry
# a column tag (the filter's label of the property, domain.fields) -> the column
COLUMN_OF = {label: name for name, label in PICKER_LABELS.items()}

class ContactsPanel(widgets.VBox):
    """See the module docstring. ``debounce``: delay before a filter edit reaches the
    grid (and the FilterBuilder's count); ``export_dir``: see BulkActions."""

    def __init__(self, app, *, debounce: float = 0.3, export_dir=None):
        self.app = app
        self.debounce = debounce
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._applying = False  # loading a view: the builder's echo must not reload the grid

        self.grid = ContactGrid(app, background=in_background)  # rows at once, the count when it is in
        self.builder = FilterBuilder(app, debounce=debounce, background=in_background)  # countries off the loop
        self.actions = BulkActions(app, self.grid, export_dir=export_dir)
        # lists from the selection or the filter (re-read after other actions off the kernel's loop)
        self.lists = ListBar(app, self.grid, self.builder, background=in_background)
        self.record = ContactRecord(app)  # a row opened from the grid
        self.grid.on_open(self.record.show_contact)

        self.view_select = widgets.Dropdown(options=[("Choose a saved view…", CHOOSE)], value=CHOOSE,
                                            description="Saved view", layout=widgets.Layout(width="320px"))
        self.view_select.add_class("mcw-view-select")
        self.view_name = widgets.Text(placeholder="name of the view", layout=widgets.Layout(width="220px"))
        self.view_name.add_class("mcw-view-name")
        self.save_button = widgets.Button(description="Save view", tooltip="Save the filter, sort order and "
                                          "columns as a view (replaces a view of that name)",
                                          layout=widgets.Layout(width="auto"))
        self.save_button.add_class("mcw-view-save")
        self.view_message = widgets.HTML("")
        self.view_message.add_class("mcw-view-message")
        views = widgets.HBox([self.view_select, self.view_name, self.save_button, self.view_message])
        views.add_class("mcw-views")

        # the tags are the filter's property labels; _column_of maps them back
        picker = self.grid.picker_labels  # the built-ins' and the account's custom properties'
        self._column_of = {label: name for name, label in picker.items()}
        self.columns_input = widgets.TagsInput(value=[picker[c] for c in self.grid.columns],
                                               allowed_tags=[picker[c] for c in self.grid.all_columns],
                                               allow_duplicates=False,
                                               layout=widgets.Layout(width="100%"))
        self.columns_input.add_class("mcw-columns-input")
        columns = widgets.HBox([widgets.HTML(Markup('<span class="mcw-section-title">Columns</span>'),
                                             layout=widgets.Layout(width="70px")), self.columns_input])
        columns.add_class("mcw-columns")

        self.paste = PasteFilter(app, self.show_body, grid_columns=self.grid.all_columns,
                                 labels=self.grid.picker_labels)
        self.selection_note = html_widget("mcw-selection-note")  # why a selection was opened (savings planner)
        super().__init__([style(), views, widgets.HTML(Markup('<span class="mcw-section-title">Filter</span>')),
                          self.builder, self.paste,
                          columns, self.selection_note, self.actions.toolbar,
                          self.actions.dialog,  # the dialog opens where the menu is
                          self.lists, self.record, self.grid],
                         layout=widgets.Layout(width="100%", padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-contacts")

        self.builder.observe(self._on_builder_filter, names="filter")
        self.columns_input.observe(self._on_columns_input, names="value")
        self.grid.observe(self._on_grid_columns, names="columns")
        self.view_select.observe(self._on_view_selected, names="value")
        self.view_name.observe(self._on_view_name, names="value")
        self.save_button.on_click(lambda _b: self.save_view())
        app.on_change(self._on_app_change)  # the grid subscribes itself
        self.reload_views()

    def _on_app_change(self) -> None:
        """An action changed contacts: the filter's count may have changed too."""
        try:
            if self.builder.valid:
                self.builder.refresh_count()
        except Exception as e:  # a view must not break the action that notified it
            log_failure("recounting the filter failed", e)

    # ---- filter -> grid ----------------------------------------------------------------
    def _on_builder_filter(self, change) -> None:
        if self._applying:
            return
        self.selection_note.value = ""  # the user changed the filter: the note no longer applies
        if change["new"] != self.grid.filter:
            self.grid.expect_filter()  # nothing of the filter shown may be acted on meanwhile
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self.debounce <= 0:
                self._apply_filter(change["new"])
                return
            self._timer = threading.Timer(self.debounce, self._apply_filter, args=(change["new"],))
            self._timer.daemon = True
            self._timer.start()

    def _apply_filter(self, filter: dict) -> None:
        try:
            if filter == self.grid.filter:  # typed back to the filter shown: count it again
                self.grid.reload()
            else:
                self.grid.filter = filter
        except Exception as e:  # a background timer: log, the grid shows its own errors
            log_failure("applying the filter to the grid failed", e)

    # ---- columns ---------------------------------------------------------------------
    def _on_columns_input(self, change) -> None:
        chosen = [self._column_of[t] for t in change["new"] if t in self._column_of]
        if chosen and chosen != list(self.grid.columns):
            self.grid.columns = chosen

    def _on_grid_columns(self, change) -> None:
        tags = [self.grid.picker_labels[c] for c in change["new"]]
        if list(self.columns_input.value) != tags:
            self.columns_input.value = tags

    # ---- saved views -----------------------------------------------------------------
    def reload_views(self, select: str | None = None) -> None:
        try:
            names = [v.name for v in self.app.views()]
        except Exception as e:
            log_failure("could not read the saved views", e)
            self.view_message.value = error_html(f"Could not read the saved views: {first_line(e)}")
            names = []
        self._applying = True
        try:
            self.view_select.options = [("Choose a saved view…", CHOOSE)] + [(n, n) for n in names]
            self.view_select.value = select if select in names else CHOOSE
        finally:
            self._applying = False

    def _on_view_selected(self, change) -> None:
        if self._applying or not change["new"]:
            return
        self.load_view(change["new"])

    def load_view(self, name: str) -> None:
        """Show the view: its filter (in the builder too), sort and columns."""
        try:
            info = self.app.view(name)
        except Exception as e:
            self._view_failed("could not load the view", e, "Could not load the view")
            return
        sort = info.sort or {"column": DEFAULT_SORT, "descending": False}
        self._show(info.filter, sort=sort["column"], descending=sort["descending"],
                   columns=info.columns or list(DEFAULT_COLUMNS), view=name)
        self.view_name.value = name
        self.view_message.value = ""

    def show_selection(self, filter: dict, note=None) -> None:
        """The savings planner's review: ``filter`` in the builder and the grid, least recent
        activity first, every match selected (acting on it is the usual bulk action);
        ``note`` (HTML) says why, right above the grid's actions."""
        columns = list(self.grid.columns)
        columns += [c for c in ("last_activity_at", "hard_bounced", "unsubscribed") if c not in columns]
        self._show(filter, sort="last_activity_at", descending=False, columns=columns)
        self.grid.select_all_matching(when_counted=True)  # the count may still be on its way
        self.actions.close()
        self.selection_note.value = note or ""

    def show_body(self, filter: dict, sort: str | None, descending: bool | None, columns) -> None:
        """A pasted filter or search body (``PasteFilter``): its filter in the builder and the
        grid, its sort and columns when it has them (None keeps the grid's)."""
        self._show(filter, sort=sort, descending=descending, columns=columns)
        self.selection_note.value = ""

    def _show(self, filter: dict, *, sort, descending, columns, view: str = CHOOSE) -> None:
        """``filter`` in the builder and the grid at once, with this sort and these columns:
        the debounced apply of a typed filter is cancelled, and the builder's echo of the new
        filter does not reload the grid a second time (``_applying``)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        self._applying = True
        try:
            self.builder.filter = filter
            self.grid.configure(filter=dict(self.builder.filter), sort=sort, descending=descending, columns=columns)
            if self.view_select.value != view:
                self.view_select.value = view
        finally:
            self._applying = False

    _name_error = False  # the view message is the "type a name" error: typing a name clears it

    def _on_view_name(self, change) -> None:
        if self._name_error and (change["new"] or "").strip():
            self._name_error = False
            self.view_message.value = ""

    def save_view(self) -> None:
        self._name_error = False
        name = (self.view_name.value or self.view_select.value or "").strip()
        if not name:
            self.view_message.value = error_html("Type a name for the view.")
            self._name_error = True
            return
        if not self.builder.valid:
            self.view_message.value = error_html("Finish or fix the filter first.")
            return
        g = self.grid
        try:
            info = self.app.save_view(name, g.filter, sort={"column": g.sort, "descending": g.descending},
                                      columns=list(g.columns))
        except Exception as e:
            self._view_failed("saving the view failed", e, "Could not save the view")
            self._name_error = "needs a name" in str(e)  # the service's rule on the name
            return
        self.reload_views(select=info.name)
        self.view_message.value = html('<span class="mcw-ok">Saved view “{}”.</span>', info.name)

    def _view_failed(self, what: str, e: Exception, prefix: str) -> None:
        log_failure(what, e)
        self.view_message.value = error_html(f"{prefix}: {first_line(e)}")

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        super().close()


__all__ = ["ContactsPanel"]
