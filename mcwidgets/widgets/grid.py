"""ContactGrid: the contacts matching a filter, one keyset page at a time, in an anywidget.

The browser holds **one page** and nothing else: ``rows`` (small dicts of the
chosen ``columns``, plus ``id``), the order (``sort``, ``descending``), the paging
figures (``page_size`` 25/50/100, ``page_number``, ``page_count``, ``start``,
``end``, ``total``, ``has_next``, ``has_prev``) and the selection as it shows on
this page (``checked``: the ticked ids of this page, ``all_matching``,
``selected_count``). The front end (``static/grid.js``) only reports clicks;
Python does the work through ``app.page`` (keyset cursors: first, next, prev, last;
the browser never asks for an offset).

What the browser does, and what it triggers here:

* click a heading: message ``{"event": "sort", "column": c}`` -> :meth:`sort_by`
  (same column again flips the direction); setting ``sort`` / ``descending``
  directly reloads as well;
* first / previous / next / last: message ``{"event": "page", "to": ...}`` -> :meth:`go`;
* a row's checkbox or the heading checkbox: sets ``checked`` (this page's ticked ids);
* "Select all N contacts matching": sets ``all_matching = True``;
* "Clear selection": message ``{"event": "clear"}`` -> :meth:`clear_selection`;
* rows per page: sets ``page_size``;
* a row's "Open" button, or a click on the row outside its controls: message
  ``{"event": "open", "id": i}`` -> :meth:`open_contact` (the callbacks of :meth:`on_open`).

The selection is never a list of every id: ticking rows collects ids (bounded by
what a person ticks), "select all matching" is the filter minus the ids unticked
afterwards. :meth:`selection` returns it as keyword arguments for
``app.forecast`` / ``app.set_marketing`` / ``app.set_non_marketing``.

``filter`` (the filter JSON, not synced) drives the grid: setting it clears the
selection and shows the first page. ``app.on_change`` refreshes the page shown.

First page before the count: a page is fetched without counting (``app.page(...,
count=False)``) and shown at once; the count runs with ``background`` (a runner of
``widgets.background``: the dashboard passes ``in_background``, a worker thread whose
result is applied on the kernel; the default, ``inline``, counts right after the rows)
and arrives in ``total`` / ``page_count``. Until the count of the **current** filter is
in, ``counting`` is True: "Select all N" says "Counting…" and cannot be clicked,
``selected_count`` of "all matching" is 0 (the bulk bar stays disabled) and "last" waits.
A count started for an older filter (or before a refresh) is ignored when it arrives.
:meth:`expect_filter` says a new filter is on its way (typed, not yet applied): the
selection is cleared and ``counting`` set at once.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import anywidget
import traitlets

from ..domain.fields import BOOLEAN, DEFAULT_GRID_FIELDS, ENUMERATION, FIELDS, GRID_FIELDS
from .background import Runner, inline
from .panel_kit import day, first_line, log_failure

STATIC = Path(__file__).parent / "static"


def compact(path: Path) -> str:
    """A static file's text without each line's indentation: sent with every grid's first
    state (~600 bytes less), and neither JS without multi-line template literals nor CSS
    reads it (``tests/widgets/test_grid.py`` checks grid.js has none)."""
    return "\n".join(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())

# Every column the grid can show, in the store's order, and those shown by default: both from
# the contact schema (``domain.fields``). Six by default: a 50-row page stays under 20 KB of
# widget state with its code (more on request).
COLUMNS: tuple[str, ...] = GRID_FIELDS
DEFAULT_COLUMNS: tuple[str, ...] = DEFAULT_GRID_FIELDS
DEFAULT_SORT = "last_name"
PAGE_SIZES: tuple[int, ...] = (25, 50, 100)
POSITIONS = ("first", "prev", "next", "last")

# The longest property label a heading shows; a longer one ("Marketing contact until next
# update") shows as the registry's short grid label, so the grid fits a narrow window.
HEADING_MAX = 18


def heading(name: str) -> str:
    """A column's heading: the property's label as the filter names it (``domain.fields``:
    "Create date"), or its short grid label when that label is long."""
    f = FIELDS[name]
    return f.label if len(f.label) <= HEADING_MAX else f.grid.label


# Column headings, and the column picker's names: exactly the filter's property labels.
LABELS: dict[str, str] = {name: heading(name) for name in COLUMNS}
PICKER_LABELS: dict[str, str] = {name: FIELDS[name].label for name in COLUMNS}
STATUS_LABELS = {"marketing": "Marketing", "non_marketing": "Non-marketing"}


def _schema_of(app):
    """The account's schema from the App (built-ins only if it has none or cannot read it)."""
    from ..domain.schema import BUILTIN

    try:
        return app.schema() if hasattr(app, "schema") else BUILTIN
    except Exception as e:  # built-in columns rather than no grid
        log_failure("the grid could not read the custom properties", e)
        return BUILTIN


def column_labels(schema) -> tuple[dict[str, str], dict[str, str]]:
    """(headings, picker names) of every column of ``schema``: the built-ins' as above, a custom
    property's label (the picker marks one that a built-in already names)."""
    headings, picker = dict(LABELS), dict(PICKER_LABELS)
    for f in schema.custom:
        headings[f.name] = f.label if len(f.label) <= HEADING_MAX else f.label[:HEADING_MAX - 1] + "…"
        name = f.label if f.label not in picker.values() else f"{f.label} ({f.name})"
        picker[f.name] = name
    return headings, picker


def empty_filter() -> dict:
    return {"filterGroups": []}


class ContactGrid(anywidget.AnyWidget):
    """See the module docstring. ``app``: the App (``page``, ``account``, ``on_change``)."""

    _esm = compact(STATIC / "grid.js")
    _css = compact(STATIC / "grid.css")

    filter = traitlets.Dict()  # the filter JSON; Python side only

    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    columns = traitlets.List(traitlets.Unicode(), default_value=list(DEFAULT_COLUMNS)).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)  # headings of the shown columns only
    sort = traitlets.Unicode(DEFAULT_SORT).tag(sync=True)
    descending = traitlets.Bool(False).tag(sync=True)
    page_size = traitlets.Int(50).tag(sync=True)
    page_number = traitlets.Int(1).tag(sync=True)
    page_count = traitlets.Int(1).tag(sync=True)
    total = traitlets.Int(0).tag(sync=True)
    start = traitlets.Int(0).tag(sync=True)
    end = traitlets.Int(0).tag(sync=True)
    has_next = traitlets.Bool(False).tag(sync=True)
    has_prev = traitlets.Bool(False).tag(sync=True)
    checked = traitlets.List(traitlets.Int()).tag(sync=True)  # ticked ids of this page
    all_matching = traitlets.Bool(False).tag(sync=True)
    selected_count = traitlets.Int(0).tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    counting = traitlets.Bool(False).tag(sync=True)  # the current filter's count is not in yet
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, app, *, filter: dict | None = None, columns=None, sort: str = DEFAULT_SORT,
                 descending: bool = False, page_size: int = 50, subscribe: bool = True,
                 background: Runner | None = None):
        self.app = app
        self._background: Runner = background or inline
        self._count_generation = 0  # bumped by every count started or made obsolete
        self._lock = threading.RLock()
        self._quiet = True  # no reloads while the traits are first set
        self._ids: set[int] = set()  # ticked, when not all_matching
        self._excluded: set[int] = set()  # unticked after "select all matching"
        self._raw: list[dict] = []  # the page's rows as the App returned them
        self._next_cursor: str | None = None
        self._prev_cursor: str | None = None
        self._position: tuple[str, str | None] = ("first", None)  # how the page shown was fetched
        self._known_total: tuple[str, int] | None = None  # (filter, its count) of the page shown
        self._tz: ZoneInfo | None = None
        # The account's columns: the built-ins and its custom properties (``App.schema``).
        self.schema = _schema_of(app)
        self.all_columns: tuple[str, ...] = tuple(self.schema.grid_columns)
        self.column_labels, self.picker_labels = column_labels(self.schema)
        self._open_callbacks: list = []  # on_open: a row's record was asked for
        super().__init__(filter=filter or empty_filter(), columns=list(columns or DEFAULT_COLUMNS), sort=sort,
                         descending=descending, page_size=page_size)
        self.labels = {c: self.column_labels[c] for c in self.columns}
        self._quiet = False
        self.on_msg(self._on_msg)
        self.reload()
        if subscribe:
            app.on_change(self.refresh)

    # ---- validation ------------------------------------------------------------------
    @traitlets.validate("columns")
    def _valid_columns(self, proposal):
        out: list[str] = []
        for c in proposal["value"]:
            if c in self.all_columns and c not in out:
                out.append(c)
        return out or list(DEFAULT_COLUMNS)

    @traitlets.validate("page_size")
    def _valid_size(self, proposal):
        return proposal["value"] if proposal["value"] in PAGE_SIZES else 50

    @traitlets.validate("sort")
    def _valid_sort(self, proposal):
        return proposal["value"] if proposal["value"] in self.all_columns else DEFAULT_SORT

    @traitlets.validate("filter")
    def _valid_filter(self, proposal):
        return dict(proposal["value"] or empty_filter())

    # ---- what the browser triggers -----------------------------------------------------
    def _on_msg(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        event = content.get("event")
        try:
            if event == "sort":
                self.sort_by(str(content.get("column", "")))
            elif event == "page":
                self.go(str(content.get("to", "")))
            elif event == "clear":
                self.clear_selection()
            elif event == "select_all":
                self.select_all_matching()
            elif event == "open":
                self.open_contact(int(content.get("id")))
        except Exception as e:  # never raise into the comm: say it on the grid
            self._fail(e)

    @traitlets.observe("sort", "descending", "page_size")
    def _on_order(self, _change) -> None:
        if not self._quiet:
            self.reload()

    @traitlets.observe("filter")
    def _on_filter(self, _change) -> None:
        if not self._quiet:
            with self._lock:
                self._reset_selection()
                self.reload()

    @traitlets.observe("columns")
    def _on_columns(self, _change) -> None:
        self.labels = {c: self.column_labels[c] for c in self.columns}
        if not self._quiet:
            self.rows = [self._row(r) for r in self._raw]

    @traitlets.observe("checked")
    def _on_checked(self, change) -> None:
        if self._quiet:
            return
        with self._lock:
            wanted = set(change["new"])
            for i in self.page_ids:
                self._mark(i, i in wanted)
            self._show_selection()

    @traitlets.observe("all_matching")
    def _on_all_matching(self, change) -> None:
        if self._quiet:
            return
        if change["new"]:
            self.select_all_matching()
        else:
            self.clear_selection()

    # ---- the contact record ------------------------------------------------------------
    def on_open(self, callback) -> None:
        """Call ``callback(contact_id)`` when a row is opened (its "Open" button, a click on it)."""
        self._open_callbacks.append(callback)

    def open_contact(self, contact_id: int) -> None:
        if contact_id not in self.page_ids:  # only a row the page shows can be opened from it
            self.error = f"Contact {contact_id} is not on this page."
            return
        for callback in list(self._open_callbacks):
            callback(contact_id)

    # ---- paging ----------------------------------------------------------------------
    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Sort by ``column``; clicking the sorted column again flips the direction."""
        if column not in self.all_columns:
            self.error = f"Cannot sort by {column!r}."
            return
        if descending is None:
            descending = (not self.descending) if column == self.sort else False
        with self._lock, self._silenced():
            self.sort, self.descending = column, bool(descending)
        self.reload()

    def go(self, to: str) -> None:
        """Move to the ``first``, ``prev``, ``next`` or ``last`` page."""
        if to not in POSITIONS:
            self.error = f"Unknown page {to!r}."
            return
        with self._lock:
            if to == "next":
                if self._next_cursor is None:
                    return
                self._fetch("next", self._next_cursor)
            elif to == "prev":
                if self._prev_cursor is None:
                    return
                self._fetch("prev", self._prev_cursor)
            else:
                self._fetch(to, None)

    def reload(self) -> None:
        """The first page of the current filter and order."""
        with self._lock:
            self._fetch("first", None)

    def refresh(self) -> None:
        """Fetch the page shown again (after the data changed); the first page if it is gone."""
        with self._lock:
            self._tz = None
            self._known_total = None  # the data changed: count again
            self._counting_key = None  # (a count still running started before the change)
            position, cursor = self._position
            if not self._fetch(position, cursor) or (not self.rows and position != "first"):
                self._fetch("first", None)

    def configure(self, *, filter: dict | None = None, sort: str | None = None, descending: bool | None = None,
                  columns=None) -> None:
        """Set several of filter, sort, direction and columns, then reload once (a saved view)."""
        with self._lock:
            with self._silenced():
                if columns is not None:
                    self.columns = list(columns)
                    self.labels = {c: self.column_labels[c] for c in self.columns}
                if sort is not None:
                    self.sort = sort
                if descending is not None:
                    self.descending = bool(descending)
                if filter is not None and filter != self.filter:
                    self.filter = filter
                    self._reset_selection()
            self.reload()

    def _filter_key(self) -> str:
        return json.dumps(self.filter, sort_keys=True)

    def _fetch(self, position: str, cursor: str | None) -> bool:
        groups = self.filter.get("filterGroups")
        # Moving through the pages of one filter reuses its count (the count of a
        # filter over a million contacts costs more than a keyset page); the first
        # page, a new filter and a refresh after an action count again, in the
        # background: the rows come first.
        key = self._filter_key()
        known = self._known_total
        total = known[1] if known and known[0] == key and position != "first" else None
        # a count of this filter is on its way: pages keep coming without counting again
        in_flight = self.counting and position != "first" and self._counting_key == key
        self.busy = True
        try:
            page = self.app.page(self.filter if groups else None, sort=self.sort, descending=self.descending,
                                 size=self.page_size, cursor=cursor, position=position, total=total,
                                 count=False)
        except Exception as e:
            self._fail(e)
            self.busy = False
            return False
        self._position = (position, cursor)
        counted = page.total is not None
        if counted:  # known, or counted because the page needed it ("last", offsets)
            self._known_total = (key, page.total)
            self._count_generation += 1  # any count still running is older
        self._next_cursor, self._prev_cursor = page.next_cursor, page.prev_cursor
        self._raw = list(page.rows)
        rows = [self._row(r) for r in self._raw]
        with self.hold_sync(), self._silenced():
            self.rows = rows
            self.start, self.end, self.page_number = page.start, page.end, page.page_number
            if counted:
                self.total, self.page_count, self.counting = page.total, page.page_count, False
            elif not in_flight:
                self.total, self.page_count, self.counting = 0, 0, True
            self.has_next, self.has_prev = page.has_next, page.has_prev
            self.error = ""
            self._show_selection()
            self.busy = False
        if not counted and not in_flight:
            self._start_count(key)
        return True

    # ---- the count, in the background ------------------------------------------------
    _counting_key: str | None = None
    _select_all_on_count: str | None = None  # the filter key whose count, when in, selects all

    def _start_count(self, key: str) -> None:
        self._count_generation += 1
        generation = self._count_generation
        self._counting_key = key
        filter = dict(self.filter) if self.filter.get("filterGroups") else None
        self._background(lambda: self.app.count(filter=filter),
                         lambda n, error: self._count_done(generation, key, n, error))

    def _count_done(self, generation: int, key: str, n, error: BaseException | None) -> None:
        with self._lock:
            if generation != self._count_generation or key != self._filter_key():
                return  # a newer filter, page or refresh: its own count is on its way (or in)
            if error is not None:
                log_failure("counting the grid's contacts failed", error)
                with self.hold_sync():
                    self.counting = False
                    self.error = f"Could not count the contacts: {first_line(error)}"
                return
            n = int(n)
            self._known_total = (key, n)
            with self.hold_sync(), self._silenced():
                self.total, self.page_count = n, max(1, -(-n // self.page_size))
                self.counting = False
                if self._select_all_on_count == key:  # asked for while the count ran
                    self._select_all_on_count = None
                    self._ids.clear()
                    self._excluded.clear()
                    self.all_matching = True
                self._show_selection()

    def expect_filter(self) -> None:
        """A new filter is on its way (typed, applied after a pause): until it is, nothing
        of the filter shown may be selected or acted on."""
        with self._lock:
            self._count_generation += 1  # the count of the filter shown no longer matters
            self._counting_key = None
            with self.hold_sync():
                self._reset_selection()
                with self._silenced():
                    self.counting = True

    def _fail(self, e: Exception) -> None:
        log_failure("the contact grid failed", e)
        self.error = first_line(e)

    # ---- cells -----------------------------------------------------------------------
    def _timezone(self) -> ZoneInfo:
        if self._tz is None:
            try:
                self._tz = ZoneInfo(self.app.account().timezone)
            except Exception as e:  # dates in UTC rather than no grid
                log_failure("the grid could not read the account's time zone", e)
                self._tz = ZoneInfo("UTC")
        return self._tz

    def _row(self, raw: dict) -> dict:
        row = {"id": int(raw["id"])}
        for c in self.columns:
            if c != "id":
                row[c] = self._cell(c, raw.get(c))
        return row

    def _cell(self, column: str, value):
        """The text a cell shows: Yes/No, the kit's one date format ("3 Jun 2026"; an
        instant as "3 Jun 2026 13:00" in the account's zone), enumeration labels."""
        if value is None:
            return ""
        f = self.schema.fields.get(column) or FIELDS[column]
        if f.custom and isinstance(value, str) and f.type in ("date", "datetime"):  # stored as ISO text
            try:
                value = date.fromisoformat(value) if f.type == "date" else datetime.fromisoformat(value)
            except ValueError:
                return value
        if isinstance(value, bool) or f.type == BOOLEAN:
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            local = aware.astimezone(self._timezone())
            return f"{day(local.date())} {local:%H:%M}"
        if isinstance(value, date):
            return day(value)
        if column == "marketing_status":
            return STATUS_LABELS.get(value, str(value))
        if f.type == ENUMERATION:
            label = f.choice_label(str(value))
            return label[:1].upper() + label[1:]
        return value if isinstance(value, (int, float)) else str(value)

    # ---- selection -------------------------------------------------------------------
    @property
    def page_ids(self) -> list[int]:
        return [r["id"] for r in self.rows]

    def is_selected(self, contact_id: int) -> bool:
        return contact_id not in self._excluded if self.all_matching else contact_id in self._ids

    def _mark(self, contact_id: int, on: bool) -> None:
        target = self._excluded if self.all_matching else self._ids
        if on == self.all_matching:  # ticking in "all" mode / unticking in ids mode: remove
            target.discard(contact_id)
        else:
            target.add(contact_id)

    def tick(self, contact_id: int, on: bool = True) -> None:
        """Tick (or untick) a row of this page, as its checkbox does."""
        ids = [i for i in self.page_ids if (i == contact_id and on) or (i != contact_id and self.is_selected(i))]
        self.checked = ids

    def tick_page(self, on: bool = True) -> None:
        """The heading checkbox: every row of this page, or none."""
        self.checked = self.page_ids if on else []

    def select_all_matching(self, *, when_counted: bool = False) -> None:
        """Select every contact matching the filter (refused until its count is in;
        ``when_counted``: then done when the count of the filter shown arrives, unless
        the filter or the selection changes first)."""
        with self._lock:
            if self.counting:
                with self._silenced():
                    self.all_matching = False
                if when_counted:
                    self._select_all_on_count = self._filter_key()
                return
            self._ids.clear()
            self._excluded.clear()
            with self._silenced():
                self.all_matching = True
            self._show_selection()

    def clear_selection(self) -> None:
        with self._lock:
            self._reset_selection()

    def _reset_selection(self) -> None:
        self._select_all_on_count = None
        self._ids.clear()
        self._excluded.clear()
        with self._silenced():
            self.all_matching = False
        self._show_selection()

    def _show_selection(self) -> None:
        with self._silenced():
            self.checked = [i for i in self.page_ids if self.is_selected(i)]
            if self.all_matching:
                self.selected_count = 0 if self.counting else max(self.total - len(self._excluded), 0)
            else:
                self.selected_count = len(self._ids)

    def selection(self) -> dict | None:
        """The selection as keyword arguments for the App's actions, None when nothing is selected.

        ``{"filter": f, "exclude": [...]}`` after "select all matching", else ``{"ids": [...]}``.
        """
        with self._lock:
            if self.all_matching:
                return {"filter": dict(self.filter or empty_filter()), "exclude": sorted(self._excluded)}
            return {"ids": sorted(self._ids)} if self._ids else None

    # ---- helpers ---------------------------------------------------------------------
    @contextmanager
    def _silenced(self):
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet


__all__ = ["ContactGrid", "COLUMNS", "DEFAULT_COLUMNS", "DEFAULT_SORT", "LABELS", "PAGE_SIZES", "PICKER_LABELS",
           "heading"]
