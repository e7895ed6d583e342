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
import logging
import os
import re
import threading
from datetime import date
from pathlib import Path

import ipywidgets as widgets

from ..domain.errors import McError
from ..domain.selection import Selection
from .logs import first_line, log_exception
from .theme import error_html, esc

log = logging.getLogger(__name__)

ENV_EXPORT_DIR = "MCWIDGETS_EXPORT_DIR"
DOWNLOAD_LIMIT = 1_000_000  # bytes: larger exports are offered by path only
SET_NON_MARKETING, SET_MARKETING = "set_non_marketing", "set_marketing"
TITLES = {SET_NON_MARKETING: "Set as non-marketing contacts", SET_MARKETING: "Set as marketing contacts"}
NOTHING_SELECTED = "Tick contacts in the grid first (or select all contacts matching the filter)."
_SEPARATORS = re.compile(r"[\s,._'\u2019\u00a0\u202f]")

CSS = """
.mcw-actions-bar { align-items: center; gap: 10px; overflow: visible !important; }
.mcw-more-wrap { position: relative; overflow: visible !important; }
.mcw-more-menu { position: absolute; top: 34px; left: 0; z-index: 20; background: #ffffff; min-width: 270px;
                 border: 1px solid #d1d5db; border-radius: 8px; box-shadow: 0 6px 18px rgba(0,0,0,0.12);
                 padding: 4px; overflow: visible !important; }
.mcw-more-menu .widget-button { justify-content: flex-start; text-align: left; width: 100%; margin: 1px 0; }
.mcw-more-menu .mcw-more-note { font-size: 12px; color: #92400e; padding: 2px 8px 4px 8px; max-width: 260px; }
.mcw-more-menu .mcw-more-note .widget-html-content { line-height: 1.35; white-space: normal; }
.mcw-confirm .widget-html-content { line-height: 1.45; }
.mcw-confirm { border: 1px solid #d1d5db; border-radius: 10px; padding: 10px 14px; margin-top: 10px;
               background: #ffffff; box-shadow: 0 2px 8px rgba(0,0,0,0.06); max-width: 980px; }
.mcw-confirm-title { font-size: 17px; font-weight: 650; }
.mcw-confirm-buttons { gap: 8px; }
.mcw-confirm-text { font-size: 14px; color: #374151; line-height: 1.5; }
table.mcw-fc { border-collapse: collapse; font-size: 14px; margin: 6px 0; }
table.mcw-fc th, table.mcw-fc td { padding: 4px 14px; border-bottom: 1px solid #e5e7eb; text-align: right;
                                   font-variant-numeric: tabular-nums; }
table.mcw-fc th:first-child, table.mcw-fc td:first-child { text-align: left; }
table.mcw-fc th, table.mcw-fc td { line-height: 1.4; vertical-align: bottom; }
table.mcw-fc td { white-space: nowrap; }
table.mcw-fc .mcw-up { color: #b91c1c; }
table.mcw-fc .mcw-down { color: #15803d; }
.mcw-confirm-progress { font-size: 14px; color: #1e3a8a; }
.mcw-spinner { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 50%;
               border: 2px solid #93c5fd; border-top-color: #1d4ed8; animation: mcw-spin 0.8s linear infinite; }
@keyframes mcw-spin { to { transform: rotate(360deg); } }
.mcw-ok { background: #f0fdf4; border: 1px solid #bbf7d0; color: #166534; border-radius: 8px; padding: 8px 12px; }
.mcw-export-result a { color: #1d4ed8; }
"""


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


def _day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def _num(n: int, cls: str) -> str:
    return f'<span class="{cls}" data-value="{int(n)}">{int(n):,}</span>'


def _delta(n: int, cls: str, costs: bool) -> str:
    """A signed change; ``costs``: more of it costs money (marketing contacts, the tier),
    so a rise shows red and a fall green."""
    sign = "+" if n > 0 else ("−" if n < 0 else "")
    tone = (" mcw-up" if n > 0 else " mcw-down" if n < 0 else "") if costs else ""
    return f'<span class="{cls}{tone}" data-value="{int(n)}">{sign}{abs(int(n)):,}</span>'


def forecast_table_html(fc, update_date: date) -> str:
    """Marketing, pending, non-marketing and tier: now, right after the update, after the
    next update date, and the change this update makes at that date."""
    b, a = fc.before, fc.after
    when = esc(_day(update_date))
    rows = [
        ("marketing", "Marketing contacts", b.marketing, a.marketing, a.marketing_at_update,
         a.marketing_at_update - b.marketing_at_update),
        ("pending", "of which pending non-marketing", b.pending, a.pending, 0, None),
        ("non-marketing", "Non-marketing contacts", b.non_marketing, a.non_marketing,
         a.non_marketing + a.pending, (a.non_marketing + a.pending) - (b.non_marketing + b.pending)),
        ("tier", "Contact tier", b.tier, a.tier, a.tier_at_update, a.tier_at_update - b.tier_at_update),
    ]
    head = (f"<tr><th></th><th>Now</th><th>Right after this update</th><th>After {when}</th>"
            f"<th>Change on {when}</th></tr>")
    body = "".join(
        f'<tr class="mcw-fc-{key}"><td>{label}</td><td>{_num(now, f"mcw-fc-{key}-now")}</td>'
        f'<td>{_num(right, f"mcw-fc-{key}-after")}</td><td>{_num(later, f"mcw-fc-{key}-at-update")}</td>'
        f'<td>{"–" if change is None else _delta(change, f"mcw-fc-{key}-change", key in ("marketing", "tier"))}'
        "</td></tr>"
        for key, label, now, right, later, change in rows)
    return f'<table class="mcw-fc">{head}{body}</table>'


def _button(description: str, cls: str, style: str = "", tooltip: str = "") -> widgets.Button:
    b = widgets.Button(description=description, button_style=style, tooltip=tooltip,
                       layout=widgets.Layout(width="auto"))
    b.add_class(cls)
    return b


def _html(cls: str, value: str = "") -> widgets.HTML:
    w = widgets.HTML(value)
    w.add_class(cls)
    return w


class BulkActions:
    """See the module docstring. ``threaded=True`` runs an update in a thread (the
    default runs it in the click handler: tests rely on it; the page still shows the
    progress line, which is sent before the update starts)."""

    def __init__(self, app, grid, *, export_dir=None, threaded: bool = False):
        self.app = app
        self.grid = grid
        self.threaded = threaded
        self.export_dir = Path(export_dir or os.environ.get(ENV_EXPORT_DIR) or Path.home() / "mcwidgets-exports")
        self.pending: tuple[str, dict, object] | None = None  # (transition, selection, forecast) shown
        self.expected: int | None = None  # the number to type
        self.result = None  # the ActionResult of the last update
        self.export_path: Path | None = None
        self.running = False
        self.can_set_marketing, self.marketing_reason = False, ""

        self.more = _button("More ▾", "mcw-more", tooltip="Actions on the selected contacts")
        self.set_non_marketing_button = _button(TITLES[SET_NON_MARKETING], "mcw-act-non-marketing")
        self.set_marketing_button = _button(TITLES[SET_MARKETING], "mcw-act-marketing")
        self.export_button = _button("Export CSV", "mcw-act-export")
        self.menu_note = _html("mcw-more-note")
        self.menu = widgets.VBox([self.set_non_marketing_button, self.set_marketing_button, self.menu_note,
                                  self.export_button], layout=widgets.Layout(display="none"))
        self.menu.add_class("mcw-more-menu")
        wrap = widgets.VBox([self.more, self.menu])
        wrap.add_class("mcw-more-wrap")
        self.hint = _html("mcw-actions-hint")
        self.toolbar = widgets.HBox([widgets.HTML(f"<style>{CSS}</style>",
                                                  layout=widgets.Layout(height="0px", margin="0")),
                                     wrap, self.hint])
        self.toolbar.add_class("mcw-actions-bar")

        self.title = _html("mcw-confirm-title")
        self.forecast_html = _html("mcw-confirm-forecast")
        self.prompt = _html("mcw-confirm-prompt")
        self.typed = widgets.Text(placeholder="number of contacts", continuous_update=True,
                                  layout=widgets.Layout(width="200px"))
        self.typed.add_class("mcw-confirm-input")
        self.confirm_button = _button("Confirm", "mcw-confirm-ok", "danger")
        self.cancel_button = _button("Cancel", "mcw-confirm-cancel")
        self.mismatch = _html("mcw-confirm-mismatch")  # says why Confirm stays off
        self.progress = _html("mcw-confirm-progress")
        self.result_html = _html("mcw-confirm-result")
        self.error_html = _html("mcw-confirm-error")
        buttons = widgets.HBox([self.typed, self.confirm_button, self.cancel_button],
                               layout=widgets.Layout(align_items="center"))
        buttons.add_class("mcw-confirm-buttons")
        self.confirm_box = widgets.VBox([self.title, self.forecast_html, self.prompt, buttons, self.mismatch],
                                        layout=widgets.Layout(display="none"))
        self.confirm_box.add_class("mcw-confirm")
        self.export_result = _html("mcw-export-result")
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
        grid.observe(lambda _c: self._sync_menu(), names=["selected_count", "all_matching"])
        self.read_permission()

    # ---- the menu --------------------------------------------------------------------
    def read_permission(self) -> None:
        try:
            self.can_set_marketing, self.marketing_reason = marketing_permission(self.app)
        except Exception as e:
            log_exception("could not read the acting user's permissions")
            self.can_set_marketing, self.marketing_reason = False, f"Could not read your permissions: {first_line(e)}"
        self._sync_menu()

    def toggle_menu(self, show: bool | None = None) -> None:
        show = self.menu.layout.display == "none" if show is None else show
        if show:
            self.read_permission()
        self.menu.layout.display = None if show else "none"

    def _sync_menu(self) -> None:
        n = self.grid.selected_count
        nothing = n == 0
        busy = self.running
        self.set_non_marketing_button.disabled = nothing or busy or not self.app.user
        self.set_non_marketing_button.tooltip = (NOTHING_SELECTED if nothing else
                                                 "Stop paying for these contacts from the next update date on")
        if not self.app.user:
            self.set_non_marketing_button.tooltip = self.marketing_reason
        self.set_marketing_button.disabled = nothing or busy or not self.can_set_marketing
        self.set_marketing_button.tooltip = (self.marketing_reason if not self.can_set_marketing
                                             else NOTHING_SELECTED if nothing
                                             else "Make these contacts marketing contacts now")
        self.menu_note.value = esc(self.marketing_reason) if not self.can_set_marketing else ""
        self.menu_note.layout.display = None if not self.can_set_marketing else "none"
        self.export_button.disabled = busy
        self.export_button.tooltip = ("Export the selected contacts to a CSV file" if not nothing
                                      else "Export every contact matching the filter to a CSV file")
        self.more.disabled = busy
        self.hint.value = ("" if nothing else
                           f'<span class="mcw-actions-count" data-value="{n}">{n:,} contact'
                           f'{"" if n == 1 else "s"} selected</span>')

    # ---- the dialog ------------------------------------------------------------------
    def open(self, transition: str) -> None:
        """Show the confirmation for ``transition`` over the grid's selection."""
        self.toggle_menu(False)
        self.error_html.value = self.result_html.value = self.export_result.value = ""
        if transition == SET_MARKETING and not self.can_set_marketing:
            self.error_html.value = error_html(self.marketing_reason)
            return
        chosen = self.grid.selection()
        if chosen is None:
            self.error_html.value = error_html(NOTHING_SELECTED)
            return
        if "filter" in chosen:  # "select all N matching" was ticked: all contacts, if no filter, on purpose
            chosen = {**chosen, "all_contacts": True}
        try:
            fc = self.app.forecast(transition, **chosen)
            when = self.app.account().next_update_date
        except Exception as e:
            self._failed("the forecast failed", e, "Could not work out what this would do")
            return
        self.pending, self.expected = (transition, chosen, fc), fc.selected
        noun = "contact" if fc.selected == 1 else "contacts"
        self.title.value = f'<div>{esc(TITLES[transition])}: {_num(fc.selected, "mcw-confirm-count")} {noun}</div>'
        if transition == SET_NON_MARKETING:
            what = (f'{_num(fc.changes, "mcw-confirm-changes")} marketing contact{"" if fc.changes == 1 else "s"} '
                    f"will become non-marketing on {esc(_day(when))}; they stay marketing contacts (and "
                    "count toward the tier) until then.")
        else:
            what = (f'{_num(fc.changes, "mcw-confirm-changes")} contact{"" if fc.changes == 1 else "s"} will be '
                    "marketing contacts at once (pending non-marketing ones stay marketing); they count toward "
                    "the tier now.")
        unchanged = fc.selected - fc.changes
        if unchanged:
            state = "non-marketing or pending" if transition == SET_NON_MARKETING else "marketing contacts"
            what += f" {unchanged:,} of the selected contacts are already {state}."
        self.forecast_html.value = (f'<div class="mcw-confirm-text">{what}</div>'
                                    f"{forecast_table_html(fc, when)}")
        self.prompt.value = (f'<div class="mcw-confirm-text">To confirm, type the number of contacts to update: '
                             f'<strong>{fc.selected:,}</strong></div>')
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
                               f'<span class="mcw-error">{esc(typed)} is not the number of contacts to update '
                               f'({self.expected:,}).</span>')

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
        self._set_busy(True)
        self.error_html.value = self.result_html.value = ""
        self.progress.value = (f'<span class="mcw-spinner"></span>Updating {self.expected:,} '
                               f'contact{"" if self.expected == 1 else "s"}…')
        if self.threaded:
            threading.Thread(target=self._run, args=(transition, chosen), daemon=True).start()
        else:
            self._run(transition, chosen)

    def _run(self, transition: str, chosen: dict) -> None:
        try:
            act = self.app.set_non_marketing if transition == SET_NON_MARKETING else self.app.set_marketing
            result = act(**chosen)  # the App notifies every view: the grid refreshes itself
            when = self.app.account().next_update_date
        except Exception as e:
            self.progress.value = ""
            self._failed(f"{transition} failed", e, "The update failed")
            self._set_busy(False)
            return
        self.result = result
        self.progress.value = ""
        n = result.changed
        noun = "contact" if n == 1 else "contacts"
        if transition == SET_NON_MARKETING:
            text = (f'{_num(n, "mcw-result-changed")} {noun} will become non-marketing on '
                    f'<span class="mcw-result-date" data-value="{when.isoformat()}">{esc(_day(when))}</span> '
                    "and stay marketing contacts until then.")
        else:
            text = (f'{_num(n, "mcw-result-changed")} {noun} '
                    f'{"is a marketing contact" if n == 1 else "are marketing contacts"} now.')
        if result.matched != n:
            text += f" {result.matched - n:,} of the {result.matched:,} selected needed no change."
        if result.tier_after != result.tier_before:
            text += f" The contact tier went from {result.tier_before:,} to {result.tier_after:,}."
        self.result_html.value = f'<div class="mcw-ok" role="status">{text}</div>'
        self.pending = self.expected = None
        self.confirm_box.layout.display = "none"
        self.grid.clear_selection()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.running = busy
        self.grid.busy = busy
        self.typed.disabled = busy
        self.cancel_button.disabled = busy
        self._sync_confirm()
        self._sync_menu()

    def _failed(self, what: str, e: Exception, prefix: str) -> None:
        if isinstance(e, McError):
            log.info("%s: %s", what, e)
        else:
            log_exception(what)
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
            self._set_busy(True)
            self.progress.value = '<span class="mcw-spinner"></span>Exporting contacts…'

            def progress(done, _total):
                self.progress.value = f'<span class="mcw-spinner"></span>Exported {done:,} contacts…'

            n = self.app.export_csv(path, what, progress=progress)
        except Exception as e:
            self.progress.value = ""
            self._failed("the export failed", e, "The export failed")
            self._set_busy(False)
            return None
        self.progress.value = ""
        self._set_busy(False)
        self.export_path = path
        link = ""
        size = path.stat().st_size
        if size <= DOWNLOAD_LIMIT:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            link = (f' <a class="mcw-export-link" download="{esc(path.name)}" '
                    f'href="data:text/csv;charset=utf-8;base64,{data}">Download {esc(path.name)}</a>')
        self.export_result.value = (f'<div class="mcw-ok" role="status">Exported {_num(n, "mcw-export-count")} '
                                    f'contact{"" if n == 1 else "s"} to <code class="mcw-export-path">'
                                    f"{esc(path)}</code>.{link}</div>")
        return path

    def _new_path(self) -> Path:
        stamp = self.app.now().strftime("%Y%m%d-%H%M%S")
        path = self.export_dir / f"contacts-{stamp}.csv"
        i = 2
        while path.exists():
            path = self.export_dir / f"contacts-{stamp}-{i}.csv"
            i += 1
        return path


__all__ = ["BulkActions", "forecast_table_html", "marketing_permission", "parse_typed_number"]
