"""FilterBuilder: edit a contact filter as OR-groups of AND-rows, with its sentence and count.

Each row is a ``FilterRow`` (``filter_row``).

``builder.filter`` (a traitlet) is the filter JSON of ``domain.filters``: setting it
loads the rows, editing the rows updates it. While the rows are incomplete or
invalid, ``builder.valid`` is False, ``builder.filter`` keeps the last valid value
and an error line says what is wrong; nothing is raised.

The live count of matching contacts is debounced (``debounce`` seconds, counted in a
background thread so typing never waits for the database); ``debounce=0`` counts
synchronously, and ``refresh_count()`` counts now (tests, after a data change).

Stable CSS classes for browser tests: ``mcw-fb`` (root), ``mcw-fb-group``,
``mcw-fb-row``, ``mcw-fb-property``, ``mcw-fb-operator``, ``mcw-fb-value`` (and
``mcw-fb-value-<kind>``), ``mcw-fb-add-row``, ``mcw-fb-remove-row``,
``mcw-fb-add-group``, ``mcw-fb-remove-group``, ``mcw-fb-or``, ``mcw-fb-error``,
``mcw-fb-sentence``, ``mcw-fb-count`` (its number in ``[data-value]``).
"""

from __future__ import annotations

import threading

import ipywidgets as widgets
import traitlets

from ..domain.filters import MAX_FILTERS_PER_GROUP, MAX_GROUPS, describe_filter
from . import filter_model as fm
from .background import Runner, inline
from .filter_row import FilterRow, _cls  # FilterRow re-exported: callers import it from here
from .grid import _schema_of
from .known_values import known_values_of
from .panel_kit import html, log_failure, num, replace_children, style


class FilterBuilder(widgets.VBox):
    """Edit a filter; see the module docstring.

    ``app``: the App (``count``, ``lists``, ``account``, ``now``).
    ``empty_text``: the sentence when there are no groups (default: "All contacts"
    with the total count); a caller for which "no conditions" selects nothing (the
    wizard) passes its own text, and no count is shown then.
    """

    filter = traitlets.Dict()
    valid = traitlets.Bool(True)
    count = traitlets.Int(None, allow_none=True)  # contacts matching ``filter``; None while counting

    def __init__(self, app, value: dict | None = None, *, debounce: float = 0.3,
                 empty_text: str | None = None, max_groups: int = MAX_GROUPS, background: Runner | None = None):
        self.app = app
        # the countries offered are read once per App with this runner (``known_values``)
        self._background: Runner = background or inline
        # The property list and operators offer the account's custom properties too.
        self.fm = fm.Model(_schema_of(app))
        self.debounce = debounce
        self.empty_text = empty_text
        self.max_groups = max_groups
        self.groups: list[list[FilterRow]] = []
        self._list_names: list[str] | None = None
        self._tz: str | None = None
        self._loading = False
        self._timer: threading.Timer | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self.count_error: str | None = None

        self.groups_box = _cls(widgets.VBox(), "mcw-fb-groups")
        self.add_group_button = _cls(widgets.Button(description="+ OR group", tooltip="Add a group of "
                                                    "conditions; a contact matching any group matches"),
                                     "mcw-fb-add-group")
        self.add_group_button.on_click(lambda _b: self.add_group())
        self.error = _cls(widgets.HTML(""), "mcw-fb-error")
        self.sentence = _cls(widgets.HTML(""), "mcw-fb-sentence")
        self.count_html = _cls(widgets.HTML(""), "mcw-fb-count")
        super().__init__([style(), self.groups_box, self.add_group_button, self.error, self.sentence,
                          self.count_html], layout=widgets.Layout(width="100%"))
        self.add_class("mcw-fb")
        self.filter = {"filterGroups": []}
        self.observe(self._on_filter_set, names="filter")
        if value:
            self.filter = value  # validated, loaded into rows, counted (observers below)
        if not self.groups:
            self._render()
            self._show_valid()
        if hasattr(app, "on_change"):
            app.on_change(self.lists_changed)  # a list made, renamed or deleted elsewhere

    # ---- the App side --------------------------------------------------------------
    def list_names(self) -> list[str]:
        """Names of the existing lists (read once; ``reload_lists()`` to read again)."""
        if self._list_names is None:
            try:
                self._list_names = list(self.app.list_names())  # names only: no member is counted
            except Exception as e:  # a view must still open; the row says there are no lists
                log_failure("could not read the lists", e)
                self._list_names = []
        return self._list_names

    def reload_lists(self) -> None:
        """Read the lists again when next needed (the known values of choice properties are
        kept per App until the data changes: ``widgets.known_values``)."""
        self._list_names = None

    def known_values(self, prop: str) -> list[str]:
        """The values present for ``prop`` (``app.known_values``, read once per App with the
        builder's runner, see ``widgets.known_values``). [] while they are read or when they
        cannot be read: the row falls back to free text (``values_loading`` tells which)."""
        try:
            known = known_values_of(self.app).get(prop, self._background, self._known_values_in)
        except Exception as e:
            log_failure(f"could not read the known values of {prop}", e)
            return []
        return [] if known is None else known

    def values_loading(self, prop: str) -> bool:
        """Whether the values of ``prop`` are still being read (the row says so)."""
        return known_values_of(self.app).is_loading(prop)

    def _known_values_in(self, prop: str) -> None:
        """The values of ``prop`` are in: the rows waiting for them offer them now."""
        for row in self.rows:
            row.known_values_in(prop)

    def lists_changed(self) -> None:
        """The lists may have changed (``app.on_change``): read them again when next needed,
        and give the list rows shown the new names at once (a row's own choice stays)."""
        self._list_names = None
        rows = [r for r in self.rows if r.kind == fm.LIST_ONE and r.inputs]
        if not rows:
            return
        try:
            for row in rows:
                row.set_list_names(self.list_names())
        except Exception as e:  # a view must not break the action that notified it
            log_failure("could not show the new lists in the filter", e)

    def _timezone(self) -> str:
        if self._tz is None:
            self._tz = self.app.account().timezone
        return self._tz

    def describe(self, filter: dict) -> str:
        """The filter in words, relative dates with their exact local dates."""
        if not filter.get("filterGroups") and self.empty_text is not None:
            return self.empty_text
        return describe_filter(filter, now=self.app.now(), tz=self._timezone(), schema=self.fm.schema)

    # ---- structure ----------------------------------------------------------------
    def add_group(self, conditions: list[dict] | None = None) -> list[FilterRow]:
        """Add an OR group (with one new row unless ``conditions`` are given)."""
        if len(self.groups) >= self.max_groups:
            return []
        rows = [FilterRow(self, c) for c in (conditions or [None])]
        self.groups.append(rows)
        if not self._loading:
            self._render()
            self._rows_changed()
        return rows

    def add_row(self, group: int, condition: dict | None = None) -> FilterRow | None:
        """Add an AND row to group ``group`` (0-based)."""
        rows = self.groups[group]
        if len(rows) >= MAX_FILTERS_PER_GROUP:
            return None
        row = FilterRow(self, condition)
        rows.append(row)
        self._render()
        self._rows_changed()
        return row

    def remove_group(self, group: int) -> None:
        del self.groups[group]
        self._render()
        self._rows_changed()

    def _remove_row(self, row: FilterRow) -> None:
        for g, rows in enumerate(self.groups):
            if row in rows:
                rows.remove(row)
                if not rows:  # an empty AND group would mean "everyone": drop it
                    del self.groups[g]
                break
        self._render()
        self._rows_changed()

    def clear(self) -> None:
        """No conditions."""
        self.groups = []
        self._render()
        self._rows_changed()

    @property
    def rows(self) -> list[FilterRow]:
        return [row for rows in self.groups for row in rows]

    def _render(self) -> None:
        boxes: list[widgets.Widget] = []
        several = len(self.groups) > 1
        for g, rows in enumerate(self.groups):
            if g:
                boxes.append(_cls(widgets.HTML("OR"), "mcw-fb-or"))
            title = _cls(widgets.HTML(f"Group {g + 1}: all of" if several or len(rows) > 1
                                      else f"Group {g + 1}"), "mcw-fb-group-title")
            remove = _cls(widgets.Button(description="Remove group", tooltip="Remove this group",
                                         layout=widgets.Layout(width="auto")), "mcw-fb-remove-group")
            remove.on_click(lambda _b, g=g: self.remove_group(g))
            add = _cls(widgets.Button(description="+ AND", tooltip="Add a condition to this group",
                                      disabled=len(rows) >= MAX_FILTERS_PER_GROUP,
                                      layout=widgets.Layout(width="auto", align_self="flex-start")),
                       "mcw-fb-add-row")
            add.on_click(lambda _b, g=g: self.add_row(g))
            head = widgets.HBox([title, remove], layout=widgets.Layout(justify_content="space-between",
                                                                       align_items="center"))
            box = _cls(widgets.VBox([head, *rows, add]), "mcw-fb-group")
            box.add_button, box.remove_button = add, remove
            boxes.append(box)
        replace_children(self.groups_box, boxes)  # rows and group boxes no longer shown are closed
        self.add_group_button.disabled = len(self.groups) >= self.max_groups
        self.add_group_button.description = "+ OR group" if self.groups else "+ Add a condition"

    @property
    def group_boxes(self) -> list[widgets.VBox]:
        return [b for b in self.groups_box.children if "mcw-fb-group" in b._dom_classes]

    # ---- filter <-> rows ----------------------------------------------------------
    @traitlets.validate("filter")
    def _validate_filter(self, proposal):
        """Canonical JSON, or the previous value with the problem shown inline."""
        try:
            return self.fm.canonical(proposal["value"])
        except Exception as e:
            self._show_invalid(f"This filter cannot be loaded: {e}")
            return dict(self.filter)

    def _on_filter_set(self, change) -> None:
        if self._loading:
            return
        self._loading = True
        try:
            self.groups = []
            for conditions in self.fm.groups_of(change["new"]):
                self.add_group(conditions)
        finally:
            self._loading = False
        self._render()
        self._show_valid()

    def _rows_changed(self) -> None:
        if self._loading:
            return
        new, problem = self.fm.filter_from_rows([[row.spec for row in rows] for rows in self.groups])
        if problem is not None:
            self._show_invalid(problem, incomplete=any(self.fm.row_problem(*row.spec) for row in self.rows))
            return
        changed = new != self.filter
        self._loading = True  # the rows already show it: do not reload them
        try:
            self.filter = new
        finally:
            self._loading = False
        self._show_valid(recount=changed or self.count is None)

    def _show_invalid(self, problem: str, incomplete: bool = False) -> None:
        """A row still being filled in is a hint; a refused value is an error. The sentence
        and the count describe ``filter`` (the last valid one): hidden until valid again."""
        self.valid = False
        cls = "mcw-fb-hint" if incomplete else "mcw-error"
        self.error.value = html('<div class="{}" role="alert">{}</div>', cls, problem)
        self.sentence.value = ""
        self.count_html.value = ""

    def _show_valid(self, recount: bool = True) -> None:
        self.valid = True
        self.error.value = ""
        try:
            self.sentence.value = html('<span class="mcw-fb-sentence-text">{}</span>', self.describe(self.filter))
        except Exception as e:  # e.g. an unknown time zone: say so, do not break editing
            self.sentence.value = html('<span class="mcw-fb-sentence-text">{}</span>', e)
        if recount:
            self._schedule_count()
        else:
            self._render_count()

    # ---- the count ----------------------------------------------------------------
    def _counts_shown(self) -> bool:
        return bool(self.filter.get("filterGroups")) or self.empty_text is None

    def _schedule_count(self) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        filter = dict(self.filter)
        if not self._counts_shown():
            self.count = None
            self.count_html.value = ""
            return
        if self.debounce <= 0:
            self._count(filter, generation)
            return
        self.count = None
        self.count_html.value = '<span class="mcw-fb-counting">Counting…</span>'
        timer = threading.Timer(self.debounce, self._count, args=(filter, generation))
        timer.daemon = True
        with self._lock:
            self._timer = timer
        timer.start()

    def refresh_count(self) -> int | None:
        """Count the current filter now, synchronously; returns the count."""
        with self._lock:
            self._generation += 1
            generation = self._generation
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not self._counts_shown():
            self.count = None
            self.count_html.value = ""
            return None
        self._count(dict(self.filter), generation)
        return self.count

    def _count(self, filter: dict, generation: int) -> None:
        try:
            n, error = self.app.count(filter=filter), None
        except Exception as e:  # shown in place of the count, never raised into the UI
            n, error = None, str(e) or type(e).__name__
        with self._lock:
            if generation != self._generation:
                return  # the filter changed meanwhile: a newer count is on its way
            self.count_error = error
            self.count = n
            self._render_count()

    def _render_count(self) -> None:
        n, error = self.count, self.count_error
        if not self._counts_shown():
            self.count_html.value = ""
        elif error is not None:
            self.count_html.value = html('<span class="mcw-error">Could not count: {}</span>', error)
        elif n is None:
            self.count_html.value = '<span class="mcw-fb-counting">Counting…</span>'
        else:
            noun = "contact matches" if n == 1 else "contacts match"
            self.count_html.value = html('{} {}', num(n, "mcw-fb-count-value"), noun)

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        super().close()


__all__ = ["FilterBuilder", "FilterRow"]
