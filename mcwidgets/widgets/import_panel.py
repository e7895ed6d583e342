"""The Import panel: contacts from an uploaded CSV file, as ``mcwidgets import FILE`` does.

1. Choose a CSV file (``FileUpload``). A file that is not CSV, empty, too large or not
   UTF-8 gets a one-line error next to the button (``services.import_upload.read_upload``).
2. The recognised columns: one row per heading, with a few sample values and a
   dropdown of the property it is imported as ("Ignore this column" included). Only
   the columns changed here are passed as the import's mapping; a mapping the import
   would refuse (no email column, two columns for one property) is said at once.
3. The forecast: the import's dry run (it runs in full and is rolled back): rows read,
   new and updated contacts, bad rows (the first ones listed), how many contacts it sets
   as marketing, the tier after, the forecast table, and the spike guard's notice when
   the import would be held for an admin. A change of the mapping or the options makes
   it out of date: it must be shown again before importing.
4. Import: the same import, with a progress bar; the result, and the bad rows' report
   (the file's own columns plus ``error``, cells neutralised against spreadsheet
   formulas, as the CLI writes it) to download. The other views refresh (the App
   notifies them).

Who may import is the service's answer (``App.import_access``): without a user (a
read-only dashboard) or as an unknown user the panel says why and offers nothing; a
user without "Edit marketing contacts" is told what that means for the import, and
cannot create the new contacts as marketing. The importer checks again.

Stable CSS classes: ``mcw-import``, ``mcw-imp-access``, ``mcw-imp-upload``,
``mcw-imp-file``, ``mcw-imp-file-error``, ``mcw-imp-columns`` (its heading row ``mcw-imp-col-head``), ``mcw-imp-col`` (one per
heading, with ``mcw-imp-col-heading``, ``mcw-imp-col-samples`` and the dropdown
``mcw-imp-col-property``), ``mcw-imp-mapping-problem``, ``mcw-imp-strict``,
``mcw-imp-as-marketing``, ``mcw-imp-check``, ``mcw-imp-forecast`` (figures
``mcw-imp-rows``, ``mcw-imp-created``, ``mcw-imp-updated``, ``mcw-imp-bad``,
``mcw-imp-marketing``, ``mcw-imp-tier-before``, ``mcw-imp-tier-after``, each with
``data-value``; the table ``mcw-imp-fc``; ``mcw-imp-spike``; ``mcw-imp-bad-rows``),
``mcw-imp-stale``, ``mcw-imp-run``, ``mcw-imp-bar``, ``mcw-imp-result``,
``mcw-imp-report`` (the download link ``a.mcw-imp-report-link``), and the shared
``mcw-progress``, ``mcw-message``.
"""

from __future__ import annotations

from urllib.parse import quote

import ipywidgets as widgets

from ..domain.errors import ValidationError
from ..services.import_upload import (
    IGNORE,
    MAX_UPLOAD_BYTES,
    PROPERTY_CHOICES,
    mapping_changes,
    preview_columns,
    read_upload,
    report_name,
    size_text,
)
from ..domain.forecast import AFTER, AT_UPDATE, NOW
from .panel_kit import (
    CHANGE,
    Markup,
    Panel,
    button,
    buttons_row,
    error_html,
    first_line,
    forecast_table,
    html,
    html_widget,
    join,
    note_html,
    num,
    ok_html,
    plural,
    section,
    show,
    style,
)

SHOWN_BAD_ROWS = 10
FORECAST_COLUMNS = (("now", NOW, "Now"), ("after", AFTER, "Right after this import"),
                    ("at-update", AT_UPDATE, "After {when}"), ("change", CHANGE, "Change on {when}"))
SAMPLE_CHARS = 40
REPORT_LINK_CHARS = 5_000_000  # a larger report is not put in the page (a data: link travels with it)
NO_FILE, BAD_FILE, MAPPED, FORECAST, STALE, DONE = "no-file", "bad-file", "mapped", "forecast", "stale", "done"


# ---- plain functions: what the view shows ------------------------------------------------

def samples_text(samples) -> str:
    shown = [s if len(s) <= SAMPLE_CHARS else s[:SAMPLE_CHARS - 1] + "…" for s in samples if s]
    return ", ".join(shown) if shown else "(empty)"


def bad_rows_html(errors, total: int) -> Markup:
    """The first bad rows (row number, email as given, why), escaped."""
    if not total:
        return Markup("")
    rows = join(html('<tr><td class="mcw-num">{}</td><td>{}</td><td>{}</td></tr>', n, email or "", why)
                for n, email, why in errors[:SHOWN_BAD_ROWS])
    more = (note_html(f"… and {total - min(total, SHOWN_BAD_ROWS):,} more in the report")
            if total > SHOWN_BAD_ROWS else Markup(""))
    return html('<div class="mcw-imp-bad-rows"><table class="mcw-table"><tr><th>Row</th><th>Email</th>'
                "<th>Why it is bad</th></tr>{}</table>{}</div>", rows, more)


def forecast_html(r, update_date) -> Markup:
    """The dry run's figures, the forecast table, the spike guard's notice and the bad rows."""
    figures = html(
        '<div class="mcw-imp-figures">'
        "<div>Rows read: {}</div><div>New contacts: {}</div><div>Updated contacts: {}</div>"
        "<div>Bad rows (not imported): {}</div><div>Set as marketing by this import: {}</div>"
        "<div>Contact tier: {} now, {} after the import</div></div>",
        num(r.rows, "mcw-imp-rows"), num(r.created, "mcw-imp-created"), num(r.updated, "mcw-imp-updated"),
        num(r.bad_rows, "mcw-imp-bad"), num(r.marketing_changes, "mcw-imp-marketing"),
        num(r.tier_before, "mcw-imp-tier-before"), num(r.tier_after, "mcw-imp-tier-after"))
    parts = [html('<div class="mcw-section-title">Forecast (nothing is imported yet)</div>'), figures]
    if r.strict and r.bad_rows:
        parts.append(error_html(f"Strict import: {r.bad_rows:,} bad {plural(r.bad_rows, 'row')}, so nothing "
                                "would be imported. Fix the file, or untick Strict."))
    elif r.forecast is not None:
        parts.append(forecast_table(r.forecast, update_date, FORECAST_COLUMNS, prefix="mcw-imp-fc",
                                    cls="mcw-imp-fc"))
    if r.would_be_held:
        parts.append(html('<div class="mcw-held mcw-imp-spike" role="status">Spike guard: this import would set '
                          "{:,} contacts as marketing, more than the account's spike limit. It will be held "
                          "until an admin approves it (Settings), and nothing is imported before.</div>",
                          r.marketing_changes or 0))
    if r.note:
        parts.append(note_html(r.note))
    if r.ignored_columns:
        parts.append(note_html("Ignored columns: " + ", ".join(r.ignored_columns)))
    parts.append(bad_rows_html(r.errors, r.bad_rows))
    return join(parts)


def result_html(r) -> Markup:
    if r.held_action_id is not None:
        return html('<div class="mcw-held" role="status">Held for an admin\'s approval (spike guard, held action '
                    "#{}): the import would set {:,} contacts as marketing. Nothing was imported yet.</div>",
                    r.held_action_id, r.marketing_changes or 0)
    if not r.applied:
        return error_html(f"Strict import: {r.bad_rows:,} bad {plural(r.bad_rows, 'row')} of {r.rows:,}: "
                          "nothing was imported.")
    text = html("Imported (action #{}): {} rows read, {} contacts created, {} updated, {} bad rows.",
                r.action_id, num(r.rows, "mcw-imp-done-rows"), num(r.created, "mcw-imp-done-created"),
                num(r.updated, "mcw-imp-done-updated"), num(r.bad_rows, "mcw-imp-done-bad"))
    if r.tier_after is not None and r.tier_before is not None and r.tier_after != r.tier_before:
        text = html("{} The contact tier went up from {:,} to {:,}.", text, r.tier_before, r.tier_after)
    out = ok_html(html("{} Choose another file to import more.", text))
    return html("{}{}", out, note_html(r.note)) if r.note else out


def report_link_html(text: str | None, upload_name: str, bad_rows: int, *, limit: int = REPORT_LINK_CHARS) -> Markup:
    """A link downloading the bad rows' report (already CSV-safe: cells neutralised); a report
    too large to travel inside the page is not linked: the CLI writes it as a file."""
    if not text:
        return Markup("")
    name = report_name(upload_name)
    if len(text) > limit:
        return html('<div class="mcw-note mcw-imp-report-too-large">The report of the {:,} bad {} is too large to '
                    "download here ({}). <code>mcwidgets import FILE --strict</code> writes it next to the file "
                    "(and imports nothing while a row is bad).</div>", bad_rows, plural(bad_rows, "row"),
                    size_text(len(text.encode("utf-8"))))
    return html('<a class="mcw-imp-report-link" download="{}" href="data:text/csv;charset=utf-8,{}">'
                "Download the {:,} bad {} ({})</a>", name, quote(text, safe=""), bad_rows,
                plural(bad_rows, "row"), name)


# ---- the view ----------------------------------------------------------------------------

class ImportPanel(Panel):
    """See the module docstring. ``state`` is one of no-file, bad-file, mapped (columns shown,
    no forecast yet), forecast, stale (the forecast is out of date), done."""

    def __init__(self, app):
        super().__init__(app, "mcw-import")
        self.state = NO_FILE
        self.file = None  # the checked upload (services.import_upload.Upload)
        self.preview = None
        self.dry = None  # the dry run's ImportResult
        self.done = None  # the import's ImportResult
        self.dropdowns: list[widgets.Dropdown] = []
        self._building = False
        self.access = None  # services.import_upload.ImportAccess, read by refresh()

        self.access_note = html_widget("mcw-imp-access")
        self.upload = widgets.FileUpload(accept=".csv,.tsv,.txt,text/csv", multiple=False,
                                         description="Choose a CSV file", layout=widgets.Layout(width="auto"))
        self.upload.add_class("mcw-imp-upload")
        self.upload.observe(self._on_upload, names="value")
        self.file_info = html_widget("mcw-imp-file")
        self.file_error = html_widget("mcw-imp-file-error")
        self.columns_title = section("Columns: what each one is imported as", "mcw-imp-columns-title")
        self.columns = widgets.VBox([])
        self.columns.add_class("mcw-imp-columns")
        self.mapping_problem = html_widget("mcw-imp-mapping-problem")
        self.strict = widgets.Checkbox(value=False, description="Strict: import nothing if any row is bad",
                                       indent=False, layout=widgets.Layout(width="auto"))
        self.strict.add_class("mcw-imp-strict")
        self.as_marketing = widgets.Checkbox(value=False, description="Create the new contacts as marketing",
                                             indent=False, layout=widgets.Layout(width="auto"))
        self.as_marketing.add_class("mcw-imp-as-marketing")
        for box in (self.strict, self.as_marketing):
            box.observe(lambda _c: self._mapping_changed(), names="value")
        self.check_button = button("Show the forecast", "mcw-imp-check", "",
                                   tooltip="Run the import and roll it back: what it would do")
        self.check_button.on_click(lambda _b: self.check())
        self.stale_note = html_widget("mcw-imp-stale")
        self.forecast = html_widget("mcw-imp-forecast")
        self.import_button = button("Import", "mcw-imp-run", "primary")
        self.import_button.on_click(lambda _b: self.run_import())
        self.bar = widgets.IntProgress(value=0, min=0, max=1, description="Importing",
                                       style={"description_width": "100px"}, layout=widgets.Layout(width="480px"))
        self.bar.add_class("mcw-imp-bar")
        self.result = html_widget("mcw-imp-result")
        self.report = html_widget("mcw-imp-report")
        self.options = widgets.VBox([self.strict, self.as_marketing])
        self.options.add_class("mcw-imp-options")

        self.children = [
            style(), section("Import contacts from a CSV file", "mcw-imp-title"),
            html_widget("mcw-imp-intro", note_html(
                "Contacts are matched by email: a known email updates the contact, a new one creates it. "
                "The first row holds the column headings (as a CRM contacts export names them). "
                f"A CSV UTF-8 file of at most {size_text(MAX_UPLOAD_BYTES)}; import larger ones with "
                "mcwidgets import FILE.")),
            self.access_note, buttons_row(self.upload, cls="mcw-imp-upload-row"), self.file_error,
            self.file_info, self.columns_title, self.columns, self.mapping_problem, self.options,
            buttons_row(self.check_button, cls="mcw-imp-check-row"), self.stale_note, self.forecast,
            buttons_row(self.import_button, cls="mcw-imp-run-row"), self.progress, self.bar, self.message,
            self.result, self.report,
        ]
        app.on_change(self._on_app_change)
        self.safe_refresh()
        self._show_state()

    # ---- the Panel's parts -------------------------------------------------------------
    def action_buttons(self) -> list[widgets.Button]:
        return [self.check_button, self.import_button]

    def refresh(self) -> None:
        self.access = self.app.import_access()
        if not self.access.may_import:
            self.access_note.value = error_html(self.access.reason)
        elif self.access.reason:
            self.access_note.value = note_html(self.access.reason)
        else:
            self.access_note.value = ""
        self.upload.disabled = not self.access.may_import
        self.as_marketing.disabled = not self.access.may_set_marketing
        if not self.access.may_set_marketing and self.as_marketing.value:
            self.as_marketing.value = False
        if self.state == FORECAST and not self._running:  # something changed since: forecast again
            self._set_state(STALE)

    # ---- 1. the file ---------------------------------------------------------------------
    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        try:
            self.upload.value = ()  # the panel keeps the checked bytes; the widget lets go of its copy
        except Exception:  # pragma: no cover - an older front end refusing the reset
            pass
        self.load_file(f.get("name", ""), f.get("content"))

    def load_file(self, name: str, content) -> None:
        """A file chosen in the upload control (tests call it too)."""
        self.clear_message()
        self.dry = self.done = None
        self.forecast.value = self.result.value = self.report.value = ""
        if self.access is None or not self.access.may_import:
            self.file_error.value = error_html(self.access.reason if self.access else "Could not tell whether "
                                               "you may import: reload the page")
            self._set_state(BAD_FILE)
            return
        try:
            self.file = read_upload(name, content)
            self.preview = preview_columns(self.file)
        except ValidationError as e:
            self.file = self.preview = None
            self.file_error.value = error_html(first_line(e))  # a file name stays as it is
            self._set_state(BAD_FILE)
            return
        self.file_error.value = ""
        self.file_info.value = html('<div class="mcw-imp-file-name">{} <span class="mcw-note">({}, {} columns)'
                                    "</span></div>", self.file.name, size_text(self.file.size),
                                    len(self.preview.columns))
        self._build_columns()
        self._set_state(MAPPED)
        if self.preview.problem is None:
            self.check()

    # ---- 2. the columns ------------------------------------------------------------------
    def _build_columns(self) -> None:
        self._building = True
        try:
            rows, self.dropdowns = [], []
            for i, col in enumerate(self.preview.columns):
                dd = widgets.Dropdown(options=list(PROPERTY_CHOICES), value=col.recognised or IGNORE,
                                      description=col.heading, description_allow_html=False,
                                      style={"description_width": "220px"}, layout=widgets.Layout(width="560px"))
                dd.add_class("mcw-imp-col-property")
                dd.observe(lambda _c: self._mapping_changed(), names="value")
                samples = html_widget("mcw-imp-col-samples", html('<span class="mcw-note">{}</span>',
                                                                  samples_text(col.samples)))
                row = widgets.HBox([dd, samples])
                row.add_class("mcw-imp-col")
                row.add_class(f"mcw-imp-col-{i}")
                rows.append(row)
                self.dropdowns.append(dd)
            head = html_widget("mcw-imp-col-head", Markup('<div class="mcw-imp-col-head-row"><span>Column in the file'
                                                          "</span><span>Imported as</span><span>First values</span>"
                                                          "</div>"))
            self.columns.children = [head, *rows]
        finally:
            self._building = False
        self.mapping_problem.value = error_html(self.preview.problem) if self.preview.problem else ""

    def chosen(self) -> dict[str, str | None]:
        """heading -> property as the dropdowns say (the first of equal headings)."""
        out: dict[str, str | None] = {}
        for col, dd in zip(self.preview.columns, self.dropdowns):
            out.setdefault(col.heading, dd.value or None)
        return out

    def mapping(self) -> dict | None:
        """The columns changed here, as the import's mapping (None: as recognised)."""
        if self.preview is None:
            return None
        changes = mapping_changes(self.preview.recognised, self.chosen())
        return changes or None

    def _mapping_changed(self) -> None:
        if self._building or self.file is None:
            return
        try:
            problem = preview_columns(self.file, self.mapping()).problem
        except ValidationError as e:
            problem = first_line(e)
        self.mapping_problem.value = error_html(problem) if problem else ""
        if self.state in (FORECAST, STALE, DONE, MAPPED):
            self._set_state(STALE if self.dry is not None else MAPPED)

    # ---- 3. the forecast -----------------------------------------------------------------
    def check(self) -> None:
        """The dry run of the import as set up now."""
        if self.file is None:
            return
        up, mapping = self.file, self.mapping()
        as_marketing, strict = self.as_marketing.value, self.strict.value

        def shown(r) -> None:
            self.dry = r
            self.forecast.value = forecast_html(r, self.app.account().next_update_date)
            self.report.value = report_link_html(r.error_csv_text, up.name, r.bad_rows)  # a strict dry run
            self._set_state(FORECAST)

        self.run("Checking the file (a dry run)…", lambda: self.app.import_upload(
            up, mapping=mapping, as_marketing=as_marketing, strict=strict, dry_run=True),
            shown, "Could not check the import")

    # ---- 4. the import -------------------------------------------------------------------
    def run_import(self) -> None:
        if self.file is None or self.state != FORECAST:
            return
        up, mapping = self.file, self.mapping()
        as_marketing, strict = self.as_marketing.value, self.strict.value
        rows = max(1, self.dry.rows)  # the bar's first half: rows read; its second: applying them
        self.bar.max, self.bar.value, self.bar.description = 2 * rows, 0, "Reading rows"
        show(self.bar, True)

        def progress(done: int, total) -> None:
            if total is not None:  # the end
                self.bar.value, self.bar.description = self.bar.max, "Imported"
                return
            self.bar.value = min(done, rows)
            if done >= rows:
                self.bar.description = "Applying"

        def finished(r) -> None:
            self.done = r
            self.bar.value, self.bar.description = self.bar.max, "Imported" if r.applied else "Not imported"
            self.forecast.value = ""
            self.result.value = result_html(r)
            self.report.value = report_link_html(r.error_csv_text, up.name, r.bad_rows)
            self.file = None  # imported: the panel lets go of the file's bytes
            self._set_state(DONE)

        self.result.value = self.report.value = ""
        self.run("Importing…", lambda: self.app.import_upload(
            up, mapping=mapping, as_marketing=as_marketing, strict=strict, progress=progress),
            finished, "Could not import")
        if self.state != DONE:
            show(self.bar, False)

    # ---- states ------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        self._show_state()

    def _show_state(self) -> None:
        s = self.state
        has_file = s in (MAPPED, FORECAST, STALE, DONE)
        for w in (self.file_info, self.columns_title, self.columns, self.mapping_problem, self.options):
            show(w, has_file)
        show(self.file_error, s == BAD_FILE)
        for w in (*self.dropdowns, self.strict, self.as_marketing):  # imported: choose another file
            w.disabled = s == DONE or (w is self.as_marketing and not (self.access and self.access.may_set_marketing))
        problem = has_file and bool(self.mapping_problem.value)
        show(self.check_button, has_file and s != FORECAST and self.file is not None)
        self.check_button.disabled = problem or self.busy
        self.check_button.description = "Show the forecast again" if s in (STALE, DONE) else "Show the forecast"
        show(self.import_button, s == FORECAST)
        self.import_button.disabled = self.busy or bool(self.dry and self.dry.strict and self.dry.bad_rows)
        show(self.forecast, s in (FORECAST, STALE))
        self.stale_note.value = (note_html("The mapping or the options changed: show the forecast again "
                                           "before importing.") if s == STALE else "")
        show(self.stale_note, s == STALE)
        show(self.bar, s == DONE)
        show(self.result, s == DONE)
        show(self.report, s in (FORECAST, DONE) and bool(self.report.value))
