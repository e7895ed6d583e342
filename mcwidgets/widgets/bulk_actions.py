"""The grid's "More" menu and its confirmation dialog: bulk status changes and CSV export.

``BulkActions(app, grid)`` has two parts a panel places: ``toolbar`` (the "More"
button, its menu and a one-line hint) above the grid, and ``dialog`` (the
confirmation, the export result) below it.

* "Set as non-marketing contacts" / "Set as marketing contacts" open the dialog for
  the grid's selection: the forecast from ``app.forecast`` (marketing and
  non-marketing counts and the tier now, after this update and after the next update
  date, and the change), then a text box in which the number of contacts to update
  must be typed; Confirm stays disabled until the number typed equals it (thousands
  separators ignored). Confirm runs ``app.set_non_marketing`` / ``app.set_marketing``,
  shows progress and then the result or the service's message; the App notifies
  every view (the grid refreshes itself) and the selection is cleared.
* "Set as marketing contacts" is disabled, with a tooltip and a note saying why, for
  a user without the "Edit marketing contacts" permission (read from the App's
  users; the service refuses such a user anyway).
* "Export CSV" writes the selection (or, with nothing selected, every contact
  matching the filter) with ``app.export_csv`` to ``export_dir`` and shows its path
  and, for files up to ``DOWNLOAD_LIMIT`` bytes, a download link.

Stable CSS classes: ``mcw-more``, ``mcw-more-menu``, ``mcw-act-non-marketing``,
``mcw-act-marketing``, ``mcw-act-export``, ``mcw-more-note``, ``mcw-confirm``,
``mcw-confirm-title``, ``mcw-confirm-forecast``, ``mcw-confirm-prompt``,
``mcw-confirm-input``, ``mcw-confirm-ok``, ``mcw-confirm-cancel``,
``mcw-confirm-progress``, ``mcw-confirm-result``, ``mcw-confirm-error``,
``mcw-export-result``.
"""

from __future__ import annotations

import base64
import os
import re
from datetime import date
from pathlib import Path

import ipywidgets as widgets

from ..domain.forecast import AFTER, NOW, AT_UPDATE
from ..domain.selection import Selection
from .panel_kit import (
    CHANGE,
    Markup,
    button,
    day,
    error_html,
    first_line,
    forecast_table,
    html,
    html_widget,
    log_failure,
    num,
    ok_html,
    plural,
    run_work,
    spinner,
    style,
)

ENV_EXPORT_DIR = "MCWIDGETS_EXPORT_DIR"
DOWNLOAD_LIMIT = 1_000_000  # bytes: larger exports are offered by path only
SET_NON_MARKETING, SET_MARKETING = "set_non_marketing", "set_marketing"
TITLES = {SET_NON_MARKETING: "Set as non-marketing contacts", SET_MARKETING: "Set as marketing contacts"}
NOTHING_SELECTED = "Tick contacts in the grid first (or select all contacts matching the filter)."
COUNTING = "Counting the contacts matching the filter…"
FORECASTING = "Working out what this would do…"
FILTER_CHANGED = "The filter changed: select the contacts to update again."
_SEPARATORS = re.compile(r"[\s,._'\u2019\u00a0\u202f]")

# The confirmation's forecast table: (css name, Forecast column, heading).
FORECAST_COLUMNS = (("now", NOW, "Now"), ("after", AFTER, "Right after this update"),
                    ("at-update", AT_UPDATE, "After {when}"), ("change", CHANGE, "Change on {when}"))


def parse_typed_number(text: str) -> int | None:
    """'12,345', '12.345', '12 345' -> 12345; None unless it is a whole number."""
    digits = _SEPARATORS.sub("", str(text or ""))
    return int(digits) if digits.isdigit() else None


def marketing_permission(app) -> tuple[bool, str]:
    """Whether the acting user may set contacts as marketing, and why not (the services
    check it again; this only mirrors it in the menu)."""
    if not app.user:
        return False, "No user is signed in: the dashboard is read-only."
    row = app.me()
    if row is None:
        return False, f"Unknown user {app.user!r}."
    if not row.can_edit_marketing:
        return False, (f"{app.user} does not have the “Edit marketing contacts” permission, which setting "
                       "contacts as marketing needs. Ask an admin.")
    return True, ""


def forecast_table_html(fc, update_date: date) -> Markup:
    """Marketing, pending, non-marketing and tier: now, right after the update, after the
    next update date, and the change this update makes at that date."""
    return forecast_table(fc, update_date, FORECAST_COLUMNS, prefix="mcw-fc", cls="mcw-fc")


class BulkActions:
    """See the module docstring. Updates run with the kit's ``run_work`` (in the click
    handler; the page shows the progress line, which is sent before the update starts)."""

    def __init__(self, app, grid, *, export_dir=None):
        self.app = app
        self.grid = grid
        self.export_dir = Path(export_dir or os.environ.get(ENV_EXPORT_DIR) or Path.home() / "mcwidgets-exports")
        self.pending: tuple[str, dict, object] | None = None  # (transition, selection, forecast) shown
        self.expected: int | None = None  # the number to type
        self.result = None  # the ActionResult of the last update
        self.export_path: Path | None = None
        self.running = False
        self.can_set_marketing, self.marketing_reason = False, ""

        self.more = button("More ▾", "mcw-more", tooltip="Actions on the selected contacts")
        self.set_non_marketing_button = button(TITLES[SET_NON_MARKETING], "mcw-act-non-marketing")
        self.set_marketing_button = button(TITLES[SET_MARKETING], "mcw-act-marketing")
        self.export_button = button("Export CSV", "mcw-act-export")
        self.menu_note = html_widget("mcw-more-note")
        self.menu = widgets.VBox([self.set_non_marketing_button, self.set_marketing_button, self.menu_note,
                                  self.export_button], layout=widgets.Layout(display="none"))
        self.menu.add_class("mcw-more-menu")
        wrap = widgets.VBox([self.more, self.menu])
        wrap.add_class("mcw-more-wrap")
        self.hint = html_widget("mcw-actions-hint")
        self.toolbar = widgets.HBox([style(), wrap, self.hint])
        self.toolbar.add_class("mcw-actions-bar")

        self.title = html_widget("mcw-confirm-title")
        self.forecast_html = html_widget("mcw-confirm-forecast")
        self.prompt = html_widget("mcw-confirm-prompt")
        self.typed = widgets.Text(placeholder="number of contacts", continuous_update=True,
                                  layout=widgets.Layout(width="200px"))
        self.typed.add_class("mcw-confirm-input")
        self.confirm_button = button("Confirm", "mcw-confirm-ok", "danger")
        self.cancel_button = button("Cancel", "mcw-confirm-cancel")
        self.mismatch = html_widget("mcw-confirm-mismatch")  # says why Confirm stays off
        self.progress = html_widget("mcw-confirm-progress")
        self.result_html = html_widget("mcw-confirm-result")
        self.error_html = html_widget("mcw-confirm-error")
        buttons = widgets.HBox([self.typed, self.confirm_button, self.cancel_button],
                               layout=widgets.Layout(align_items="center"))
        buttons.add_class("mcw-confirm-buttons")
        self.confirm_box = widgets.VBox([self.title, self.forecast_html, self.prompt, buttons, self.mismatch],
                                        layout=widgets.Layout(display="none"))
        self.confirm_box.add_class("mcw-confirm")
        self.export_result = html_widget("mcw-export-result")
        self.dialog = widgets.VBox([self.confirm_box, self.progress, self.error_html, self.result_html,
                                    self.export_result], layout=widgets.Layout(width="100%"))
        self.dialog.add_class("mcw-bulk-dialog")

        self.more.on_click(lambda _b: self.toggle_menu())
        self.set_non_marketing_button.on_click(lambda _b: self.open(SET_NON_MARKETING))
        self.set_marketing_button.on_click(lambda _b: self.open(SET_MARKETING))
        self.export_button.on_click(lambda _b: self.export())
        self.typed.observe(lambda _c: self._sync_confirm(), names="value")
        self.confirm_button.on_click(lambda _b: self.confirm())
        self.cancel_button.on_click(lambda _b: self.close())
        grid.observe(lambda _c: self._sync_menu(), names=["selected_count", "all_matching", "counting"])
        grid.observe(self._on_grid_counting, names="counting")
        self.read_permission()

    # ---- the menu --------------------------------------------------------------------
    def read_permission(self) -> None:
        try:
            self.can_set_marketing, self.marketing_reason = marketing_permission(self.app)
        except Exception as e:
            log_failure("could not read the acting user's permissions", e)
            self.can_set_marketing, self.marketing_reason = False, f"Could not read your permissions: {first_line(e)}"
        self._sync_menu()

    def toggle_menu(self, show: bool | None = None) -> None:
        show = self.menu.layout.display == "none" if show is None else show
        if show:
            self.read_permission()
        self.menu.layout.display = None if show else "none"

    def _on_grid_counting(self, change) -> None:
        """A new filter (or changed data) is being counted: a confirmation opened for the
        selection before it no longer says what Confirm would do."""
        if change["new"] and self.pending is not None and not self.running:
            self.close()
            self.error_html.value = error_html(FILTER_CHANGED)

    def _sync_menu(self) -> None:
        counting = self.grid.counting
        n = 0 if counting else self.grid.selected_count
        nothing = n == 0
        busy = self.running
        self.set_non_marketing_button.disabled = nothing or busy or not self.app.user
        self.set_non_marketing_button.tooltip = (COUNTING if counting else NOTHING_SELECTED if nothing else
                                                 "Stop paying for these contacts from the next update date on")
        if not self.app.user:
            self.set_non_marketing_button.tooltip = self.marketing_reason
        self.set_marketing_button.disabled = nothing or busy or not self.can_set_marketing
        self.set_marketing_button.tooltip = (self.marketing_reason if not self.can_set_marketing
                                             else COUNTING if counting else NOTHING_SELECTED if nothing
                                             else "Make these contacts marketing contacts now")
        self.menu_note.value = html("{}", self.marketing_reason) if not self.can_set_marketing else ""
        self.menu_note.layout.display = None if not self.can_set_marketing else "none"
        self.export_button.disabled = busy
        self.export_button.tooltip = ("Export the selected contacts to a CSV file" if not nothing
                                      else "Export every contact matching the filter to a CSV file")
        self.more.disabled = busy
        self.hint.value = (html('<span class="mcw-actions-counting">{}</span>', COUNTING) if counting
                           else "" if nothing else
                           html('<span class="mcw-actions-count" data-value="{}">{:,} {} selected</span>', n, n,
                                plural(n, "contact")))

    # ---- the dialog ------------------------------------------------------------------
    def open(self, transition: str) -> None:
        """Show the confirmation for ``transition`` over the grid's selection."""
        self.toggle_menu(False)
        self.error_html.value = self.result_html.value = self.export_result.value = ""
        if transition == SET_MARKETING and not self.can_set_marketing:
            self.error_html.value = error_html(self.marketing_reason)
            return
        if self.grid.counting:  # the selection shown may belong to the filter before
            self.error_html.value = error_html(COUNTING)
            return
        chosen = self.grid.selection()
        if chosen is None:
            self.error_html.value = error_html(NOTHING_SELECTED)
            return
        if "filter" in chosen:  # "select all N matching" was ticked: all contacts, if no filter, on purpose
            chosen = {**chosen, "all_contacts": True}
        # over millions of contacts the forecast takes seconds: say so (sent before it starts)
        self.progress.value = spinner(FORECASTING)
        try:
            fc = self.app.forecast(transition, **chosen)
            when = self.app.account().next_update_date
        except Exception as e:
            log_failure("the forecast failed", e)
            self._failed(e, "Could not work out what this would do")
            return
        finally:
            self.progress.value = ""
        self.pending, self.expected = (transition, chosen, fc), fc.selected
        self.title.value = html("<div>{}: {} {}</div>", TITLES[transition], num(fc.selected, "mcw-confirm-count"),
                                plural(fc.selected, "contact"))
        if transition == SET_NON_MARKETING:
            what = html("{} marketing {} will become non-marketing on {}; they stay marketing contacts (and count "
                        "toward the tier) until then.", num(fc.changes, "mcw-confirm-changes"),
                        plural(fc.changes, "contact"), day(when))
        else:
            what = html("{} {} will be marketing contacts at once (pending non-marketing ones stay marketing); "
                        "they count toward the tier now.", num(fc.changes, "mcw-confirm-changes"),
                        plural(fc.changes, "contact"))
        unchanged = fc.selected - fc.changes
        if unchanged:
            state = "non-marketing or pending" if transition == SET_NON_MARKETING else "marketing contacts"
            what += f" {unchanged:,} of the selected contacts are already {state}."
        self.forecast_html.value = html('<div class="mcw-confirm-text">{}</div>{}', what,
                                        forecast_table_html(fc, when))
        self.prompt.value = html('<div class="mcw-confirm-text">To confirm, type the number of contacts to update: '
                                 "<strong>{:,}</strong></div>", fc.selected)
        self.typed.value = ""
        self.typed.disabled = False
        self.cancel_button.description = "Cancel"
        self.confirm_button.layout.display = None
        self.confirm_box.layout.display = None
        self._sync_confirm()

    def typed_matches(self) -> bool:
        return self.expected is not None and self.expected > 0 and parse_typed_number(self.typed.value) == self.expected

    def _sync_confirm(self) -> None:
        matches = self.typed_matches()
        self.confirm_button.disabled = self.running or self.pending is None or not matches
        typed = self.typed.value.strip()
        self.mismatch.value = ("" if matches or not typed or self.expected is None else
                               html('<span class="mcw-error">{} is not the number of contacts to update ({:,}).'
                                    "</span>", typed, self.expected))

    def close(self) -> None:
        self.pending = self.expected = None
        self.confirm_box.layout.display = "none"
        self.typed.value = ""
        self._sync_confirm()

    def confirm(self) -> None:
        """Run the shown action, if the number typed matches (a disabled button's
        ``click()`` still lands here, so check again)."""
        if self.pending is None or self.running or not self.typed_matches():
            self._sync_confirm()
            return
        transition, chosen, _fc = self.pending
        if self.grid.counting or ("filter" in chosen and chosen["filter"] != self.grid.filter):
            self.close()  # never act on a filter the grid no longer shows
            self.error_html.value = error_html(FILTER_CHANGED)
            return
        self.error_html.value = self.result_html.value = ""
        self.progress.value = spinner(f"Updating {self.expected:,} {plural(self.expected, 'contact')}…")
        act = self.app.set_non_marketing if transition == SET_NON_MARKETING else self.app.set_marketing

        def call():
            result = act(**chosen)  # the App notifies every view: the grid refreshes itself
            return result, self.app.account().next_update_date

        def busy(on: bool) -> None:
            if not on:
                self.progress.value = ""
            self._set_busy(on)

        run_work(call, what=f"{transition} failed", busy=busy,
                 on_success=lambda r: self._done(transition, *r),
                 on_error=lambda e: self._failed(e, "The update failed"))

    def _done(self, transition: str, result, when: date) -> None:
        self.result = result
        n = result.changed
        if transition == SET_NON_MARKETING:
            text = html('{} {} will become non-marketing on <span class="mcw-result-date" data-value="{}">{}</span> '
                        "and stay marketing contacts until then.", num(n, "mcw-result-changed"), plural(n, "contact"),
                        when.isoformat(), day(when))
        else:
            text = html("{} {} now.", num(n, "mcw-result-changed"),
                        "is a marketing contact" if n == 1 else "are marketing contacts")
        if result.matched != n:
            text += f" {result.matched - n:,} of the {result.matched:,} selected needed no change."
        if result.tier_after != result.tier_before:
            text += f" The contact tier went from {result.tier_before:,} to {result.tier_after:,}."
        self.result_html.value = ok_html(text)
        self.pending = self.expected = None
        self.confirm_box.layout.display = "none"
        self.grid.clear_selection()

    def _set_busy(self, busy: bool) -> None:
        self.running = busy
        self.grid.busy = busy
        self.typed.disabled = busy
        self.cancel_button.disabled = busy
        self._sync_confirm()
        self._sync_menu()

    def _failed(self, e: BaseException, prefix: str) -> None:
        """Show a failure (``run_work`` or the caller logged it)."""
        self.error_html.value = error_html(f"{prefix}: {first_line(e)}")

    # ---- export ----------------------------------------------------------------------
    def export(self) -> Path | None:
        """Write the selection (or the whole filter) to a new CSV file; returns its path."""
        self.toggle_menu(False)
        self.error_html.value = self.result_html.value = self.export_result.value = ""
        chosen = self.grid.selection()
        if chosen is None:
            groups = self.grid.filter.get("filterGroups")
            what = Selection(filter=dict(self.grid.filter)) if groups else None
        else:
            what = Selection(ids=chosen.get("ids"), filter=chosen.get("filter"),
                             exclude_ids=tuple(chosen.get("exclude", ())))
        try:
            self.export_dir.mkdir(parents=True, exist_ok=True)
            path = self._new_path()
        except Exception as e:
            log_failure("the export failed", e)
            self._failed(e, "The export failed")
            return None
        self.progress.value = spinner("Exporting contacts…")

        def progress(done, _total):
            self.progress.value = spinner(f"Exported {done:,} contacts…")

        def busy(on: bool) -> None:
            if not on:
                self.progress.value = ""
            self._set_busy(on)

        run_work(lambda: self.app.export_csv(path, what, progress=progress), what="the export failed", busy=busy,
                 on_success=lambda n: self._exported(path, n), on_error=lambda e: self._failed(e, "The export failed"))
        return path if self.export_path == path else None

    def _exported(self, path: Path, n: int) -> None:
        self.export_path = path
        link = ""
        if path.stat().st_size <= DOWNLOAD_LIMIT:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            link = html(' <a class="mcw-export-link" download="{0}" href="data:text/csv;charset=utf-8;base64,{1}">'
                        "Download {0}</a>", path.name, data)
        self.export_result.value = ok_html(html('Exported {} {} to <code class="mcw-export-path">{}</code>.{}',
                                                num(n, "mcw-export-count"), plural(n, "contact"), str(path), link))

    def _new_path(self) -> Path:
        stamp = self.app.now().strftime("%Y%m%d-%H%M%S")
        path = self.export_dir / f"contacts-{stamp}.csv"
        i = 2
        while path.exists():
            path = self.export_dir / f"contacts-{stamp}-{i}.csv"
            i += 1
        return path


__all__ = ["BulkActions", "forecast_table_html", "marketing_permission", "parse_typed_number"]
