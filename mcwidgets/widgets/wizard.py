"""The Manage marketing contacts wizard (admins): four steps, one set-based update.

1. Information - what marketing contacts are; non-marketing takes effect at the next
   update date (shown).
2. Unengaged contacts - "Hard-bounced contacts" and "Unsubscribed from all email",
   ticked by default, each with the number of marketing, not yet pending contacts it
   would change. When the account has engagement properties (``domain.engagement``:
   a last marketing e-mail open date or an opens count), a third box, unticked by
   default: "No marketing e-mail opened in the last N months" (N editable, 6 by
   default) with its count (``app.not_opened``); ticked, its groups join the same
   one filter. Without them the box is absent. Next or Skip.
3. Filters & lists - a FilterBuilder and a choice of existing lists. Next or Skip.
4. Review and update - marketing and non-marketing counts, the tier (and its cost
   when a price table is set) now and after the next update date, from
   ``app.forecast``; "Update contacts" runs ``app.run_wizard`` once over the whole
   selection (one filter, see ``domain.wizard``), then offers Undo, which asks first
   (the kit's ``Confirm`` bar, the Activity tab's question) and then re-reads the review.
   The review also re-reads its figures when another view changes contacts (``app.on_change``).

The widget holds view state only; the selection is built by ``domain.wizard`` and
every figure comes from the App. Errors from the App appear as messages.

Stable CSS classes: ``mcw-wizard``, ``mcw-wz-step-<n>``, ``mcw-wz-next``,
``mcw-wz-back``, ``mcw-wz-skip``, ``mcw-wz-hard-bounced``, ``mcw-wz-unsubscribed``,
``mcw-wz-count-hard_bounced``/``-unsubscribed``/``-not_opened``, ``mcw-wz-not-opened``,
``mcw-wz-not-opened-months``, ``mcw-wz-not-opened-row``, ``mcw-wz-lists``,
``mcw-wz-review``, ``mcw-wz-update``, ``mcw-wz-progress``, ``mcw-wz-result``,
``mcw-wz-undo``, ``mcw-wz-restart``, ``mcw-wz-message``, ``mcw-wz-refusal``, ``mcw-confirm``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import ipywidgets as widgets
import traitlets

from ..domain.engagement import DEFAULT_MONTHS, MAX_MONTHS, not_opened_label
from ..domain.forecast import AFTER, AT_UPDATE, AT_UPDATE_WITHOUT
from ..domain.undo import undo_question, undone_phrase
from ..domain.wizard import (
    HARD_BOUNCED, UNENGAGED_LABELS, UNSUBSCRIBED, eligible_filter, wizard_filter,
)
from .background import in_background
from .filter_builder import FilterBuilder
from .savings_panel import SavingsPanel
from .panel_kit import (
    Confirm,
    Markup,
    button,
    buttons_row,
    day,
    error_html,
    html,
    html_widget,
    is_admin,
    join,
    forecast_table,
    log_failure,
    num,
    ok_html,
    plural,
    readable,
    run_work,
    spinner,
    style,
)

STEPS = {1: "Information", 2: "Unengaged contacts", 3: "Filters & lists", 4: "Review and update"}
REFUSAL = "Only admins can manage marketing contacts."
SAVINGS_HOLD = ("Update contacts first: the least-engaged contacts still to remove are chosen from what is left "
                "after this update.")

# The review step's forecast table: (css name, Forecast column, heading). "Now" is the
# selection right after the update, which for a set-as-non-marketing is the counts now.
REVIEW_COLUMNS = (("now", AFTER, "Now"), ("after", AT_UPDATE, "After {when}"),
                  ("without", AT_UPDATE_WITHOUT, "After {when} without this update"))
REVIEW_ROWS = (("marketing", "Marketing contacts"), ("non_marketing", "Non-marketing contacts"),
               ("tier", "Contact tier"))


def list_options(infos) -> list[tuple[str, str]]:
    """(label, name) for the lists multi-select: "VIP (1,234 contacts, static)"."""
    return [(f"{i.name} ({i.members:,} contact{'' if i.members == 1 else 's'}, {i.kind})", i.name)
            for i in infos]


def review_figures(fc) -> dict[str, dict[str, float | int | None]]:
    """The review table from a set_non_marketing Forecast: now, and after the next
    update date with and without the update (``Forecast.columns``)."""
    columns = fc.columns()
    return {name: asdict(columns[column]) for name, column, _ in REVIEW_COLUMNS}


def review_table_html(fc, update_date: date) -> Markup:
    return forecast_table(fc, update_date, REVIEW_COLUMNS, rows=REVIEW_ROWS, prefix="mcw-wz", cls="mcw-wz-figures")


class MarketingContactsWizard(widgets.VBox):
    """See the module docstring. ``debounce`` is the FilterBuilder's count delay; the
    update runs with the kit's ``run_work``."""

    step = traitlets.Int(1)

    def __init__(self, app, *, debounce: float = 0.3):
        self.app = app
        self.debounce = debounce
        self.skipped = {2: False, 3: False}
        self.forecast = None  # the Forecast shown on the review step
        self.selection: dict | None = None  # the filter the review step shows and Update runs
        self.result = None  # the ActionResult of the last update
        self.undo_result = None
        self._working = False  # an update or undo of this wizard is under way
        self.admin = False
        self.message = html_widget("mcw-wz-message")
        super().__init__([style()], layout=widgets.Layout(width="100%", padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-wizard")
        try:
            self.admin = is_admin(app)
        except Exception as e:
            log_failure("could not read the users", e)
            self.children = [*self.children, widgets.HTML(error_html(f"Could not read the users: {readable(e, capital=False)}"))]
            return
        if not self.admin:
            refusal = html_widget("mcw-wz-refusal", html('<div class="mcw-alert mcw-alert-98" role="alert">{}</div>',
                                                         REFUSAL))
            self.refusal = refusal
            self.children = [*self.children, refusal]
            return
        self.stepper = widgets.HTML("")
        self.stepper.add_class("mcw-wz-stepper")
        self.pages = {1: self._info_page(), 2: self._unengaged_page(), 3: self._filters_page(),
                      4: self._review_page()}
        self.body = widgets.Box([self.pages[1]], layout=widgets.Layout(width="100%"))
        self.children = [*self.children, self.stepper, self.message, self.body]
        self._show_step(1)
        if hasattr(app, "on_change"):
            app.on_change(self._on_app_change)  # e.g. an undo on the Activity tab: re-read the review

    # ---- pages -------------------------------------------------------------------
    @staticmethod
    def _button(description: str, cls: str, style: str = "", tooltip: str = "") -> widgets.Button:
        return button(description, cls, style, tooltip)

    def _buttons(self, *buttons: widgets.Button) -> widgets.HBox:
        return buttons_row(*buttons, cls="mcw-wz-buttons")

    def _page(self, n: int, *children: widgets.Widget) -> widgets.VBox:
        title = widgets.HTML(html('<div class="mcw-wz-title">{}</div>', STEPS[n]))
        page = widgets.VBox([title, *children], layout=widgets.Layout(width="100%"))
        page.add_class("mcw-wz-step")
        page.add_class(f"mcw-wz-step-{n}")
        return page

    def _info_page(self) -> widgets.VBox:
        self.info = widgets.HTML("")
        self.info.add_class("mcw-wz-info")
        self.info_next = self._button("Next", "mcw-wz-next", "primary")
        self.info_next.on_click(lambda _b: self.go(2))
        return self._page(1, self.info, self._buttons(self.info_next))

    def _unengaged_page(self) -> widgets.VBox:
        intro = widgets.HTML('<div class="mcw-wz-text">Contacts you cannot reach by marketing email: they '
                             "hard-bounced or unsubscribed from all email. The numbers count the marketing "
                             "contacts (not yet pending) each option would set as non-marketing.</div>")
        self.checkboxes: dict[str, widgets.Checkbox] = {}
        self.unengaged_counts: dict[str, widgets.HTML] = {}
        self.counts: dict[str, int | None] = {HARD_BOUNCED: None, UNSUBSCRIBED: None}
        rows = []
        for prop, cls in ((HARD_BOUNCED, "mcw-wz-hard-bounced"), (UNSUBSCRIBED, "mcw-wz-unsubscribed")):
            box = widgets.Checkbox(value=True, description=UNENGAGED_LABELS[prop], indent=False,
                                   layout=widgets.Layout(width="280px"))
            box.add_class(cls)
            count = widgets.HTML("")
            count.add_class("mcw-wz-count")
            count.add_class(f"mcw-wz-count-{prop}")
            self.checkboxes[prop], self.unengaged_counts[prop] = box, count
            rows.append(widgets.HBox([box, count], layout=widgets.Layout(align_items="center")))
        rows.append(self._not_opened_row())
        self.unengaged_back = self._button("Back", "mcw-wz-back")
        self.unengaged_skip = self._button("Skip", "mcw-wz-skip", tooltip="Do not set unengaged contacts "
                                           "as non-marketing")
        self.unengaged_next = self._button("Next", "mcw-wz-next", "primary")
        self.unengaged_back.on_click(lambda _b: self.go(1))
        self.unengaged_skip.on_click(lambda _b: self._leave(2, skip=True))
        self.unengaged_next.on_click(lambda _b: self._leave(2, skip=False))
        return self._page(2, intro, *rows,
                          self._buttons(self.unengaged_back, self.unengaged_skip, self.unengaged_next))

    def _not_opened_row(self) -> widgets.HBox:
        """The engagement box (hidden until the account's engagement properties are read)."""
        self.not_opened = None  # services.engagement.NotOpened, read on entering the step
        self.not_opened_box = widgets.Checkbox(value=False, description=not_opened_label(DEFAULT_MONTHS),
                                               indent=False, layout=widgets.Layout(width="380px"))
        self.not_opened_box.add_class("mcw-wz-not-opened")
        self.not_opened_months = widgets.BoundedIntText(value=DEFAULT_MONTHS, min=1, max=MAX_MONTHS,
                                                        description="Months", layout=widgets.Layout(width="150px"))
        self.not_opened_months.add_class("mcw-wz-not-opened-months")
        self.not_opened_months.observe(lambda _c: self._read_not_opened(), names="value")
        self.not_opened_count = widgets.HTML("")
        self.not_opened_count.add_class("mcw-wz-count")
        self.not_opened_count.add_class("mcw-wz-count-not_opened")
        row = widgets.HBox([self.not_opened_box, self.not_opened_months, self.not_opened_count],
                           layout=widgets.Layout(align_items="center", display="none"))
        row.add_class("mcw-wz-not-opened-row")
        self.not_opened_row = row
        return row

    def _read_not_opened(self) -> None:
        """Offer the engagement box when the account has engagement properties, with its count."""
        months = self.not_opened_months.value
        try:
            found = self.app.not_opened(months) if hasattr(self.app, "not_opened") else None
        except Exception as e:  # a bad number of months, or the store: a message, never a traceback
            log_failure("could not count the contacts not opening e-mail", e)
            self.not_opened = None
            self.not_opened_count.value = error_html(readable(e))
            return
        self.not_opened = found
        self.not_opened_row.layout.display = None if found is not None else "none"
        if found is None:
            self.not_opened_box.value = False
            self.not_opened_count.value = ""
            return
        self.not_opened_box.description = found.label
        self.counts["not_opened"] = found.count
        self.not_opened_count.value = html("{} marketing {}", num(found.count, "mcw-wz-count-value"),
                                           plural(found.count, "contact"))

    def _filters_page(self) -> widgets.VBox:
        intro = widgets.HTML('<div class="mcw-wz-text">Select more contacts with a filter, or with existing '
                             "lists. A contact matching any group of the filter, or in any chosen list, "
                             "is selected.</div>")
        self.builder = FilterBuilder(self.app, debounce=self.debounce, background=in_background,
                                     empty_text="No filter: this step selects no contacts by filter.")
        self.builder.observe(lambda _c: self._sync_filters_next(), names="valid")
        self.lists = widgets.SelectMultiple(options=[], rows=5, description="Lists",
                                            layout=widgets.Layout(width="420px"))
        self.lists.add_class("mcw-wz-lists")
        self.lists_note = widgets.HTML("")
        self.lists_note.add_class("mcw-wz-lists-note")
        self.filters_back = self._button("Back", "mcw-wz-back")
        self.filters_skip = self._button("Skip", "mcw-wz-skip", tooltip="Do not select contacts by filter "
                                         "or list")
        self.filters_next = self._button("Next", "mcw-wz-next", "primary")
        self.filters_back.on_click(lambda _b: self.go(2))
        self.filters_skip.on_click(lambda _b: self._leave(3, skip=True))
        self.filters_next.on_click(lambda _b: self._leave(3, skip=False))
        return self._page(3, intro, self.builder, widgets.HTML('<div class="mcw-wz-text"><b>Lists</b></div>'),
                          self.lists, self.lists_note,
                          self._buttons(self.filters_back, self.filters_skip, self.filters_next))

    def _review_page(self) -> widgets.VBox:
        self.summary = widgets.HTML("")
        self.summary.add_class("mcw-wz-summary")
        self.review = widgets.HTML("")
        self.review.add_class("mcw-wz-review")
        self.progress = widgets.HTML("")
        self.progress.add_class("mcw-wz-progress")
        self.result_html = widgets.HTML("")
        self.result_html.add_class("mcw-wz-result")
        self.review_back = self._button("Back", "mcw-wz-back")
        self.update_button = self._button("Update contacts", "mcw-wz-update", "primary")
        self.undo_button = self._button("Undo", "mcw-wz-undo", "warning", tooltip="Cancel these contacts' "
                                        "pending change to non-marketing")
        self.restart_button = self._button("Start again", "mcw-wz-restart")
        self.confirm = Confirm()  # the kit's question bar: Undo asks first, as on the Activity tab
        self.savings = SavingsPanel(self.app)  # the planner after this update; the dashboard sets on_open
        self.review_back.on_click(lambda _b: self.go(3))
        self.update_button.on_click(lambda _b: self.update_contacts())
        self.undo_button.on_click(lambda _b: self.undo())
        self.restart_button.on_click(lambda _b: self.restart())
        return self._page(4, self.summary, self.review, self.progress, self.result_html, self.confirm,
                          self._buttons(self.review_back, self.update_button, self.undo_button,
                                        self.restart_button), self.savings)

    # ---- navigation ----------------------------------------------------------------
    def go(self, n: int) -> None:
        """Show step ``n`` (re-reading its figures)."""
        self.step = n
        self._show_step(n)

    def _leave(self, n: int, *, skip: bool) -> None:
        self.skipped[n] = skip
        self.go(n + 1)

    def _show_step(self, n: int) -> None:
        self.message.value = ""
        self.stepper.value = self._stepper_html(n)
        try:
            {1: self._enter_info, 2: self._enter_unengaged, 3: self._enter_filters,
             4: self._enter_review}[n]()
        except Exception as e:  # show the App's message in the step, never a traceback
            log_failure(f"wizard step {n} failed", e)
            self.message.value = error_html(readable(e))
        self.body.children = [self.pages[n]]

    def _stepper_html(self, current: int) -> str:
        parts = []
        for n, title in STEPS.items():
            cls = "mcw-wz-current" if n == current else ("mcw-wz-done" if n < current else "")
            parts.append(html('<span class="{}" data-step="{}">{}. {}</span>', cls, n, n, title))
        return html('<div class="mcw-wz-steps">{}</div>', join(parts))

    # ---- steps ---------------------------------------------------------------------
    def _update_date(self) -> date:
        return self.app.account().next_update_date

    def _enter_info(self) -> None:
        update = self._update_date()
        self.info.value = html(
            '<div class="mcw-wz-text">'
            "<p><b>Marketing contacts</b> are the contacts you may send marketing email and target with ads. "
            "Your contact tier, and so your bill, depends on how many you have. <b>Non-marketing</b> "
            "contacts cost nothing and can still receive one-to-one sales email and transactional email.</p>"
            "<p>This wizard sets contacts as non-marketing: unengaged contacts (hard-bounced or unsubscribed), "
            "and contacts you select with a filter or lists. You review the effect before anything changes.</p>"
            "<p>Contacts you set as non-marketing stay marketing contacts until the next update date, "
            '<b class="mcw-wz-update-date" data-value="{}">{}</b>: '
            "they become non-marketing then, and stop counting toward your tier. Until then you can undo.</p>"
            "</div>", update.isoformat(), day(update))

    def _enter_unengaged(self) -> None:
        for prop in (HARD_BOUNCED, UNSUBSCRIBED):
            n = self.app.count(filter=eligible_filter(prop))
            self.counts[prop] = n
            self.unengaged_counts[prop].value = html("{} marketing {}", num(n, "mcw-wz-count-value"),
                                                     plural(n, "contact"))
        self._read_not_opened()

    def _enter_filters(self) -> None:
        self.builder.reload_lists()
        self._show_lists()
        if self.debounce <= 0:
            self.builder.refresh_count()  # data may have changed since the step was last shown
        else:
            self.builder._schedule_count()
        self._sync_filters_next()

    def _show_lists(self) -> None:
        """The lists to choose from, read again (those chosen stay chosen while they exist)."""
        options = list_options(self.app.lists())
        names = [name for _, name in options]
        chosen = tuple(n for n in self.lists.value if n in names)
        self.lists.options = options
        self.lists.value = chosen
        self.lists.layout.display = None if names else "none"
        self.lists_note.value = ("" if names else
                                 Markup('<div class="mcw-wz-text">There are no lists yet.</div>'))

    def _sync_filters_next(self) -> None:
        self.filters_next.disabled = not self.builder.valid

    def chosen(self) -> dict:
        """What the wizard's selection is made of (skipped steps contribute nothing)."""
        use_unengaged, use_filters = not self.skipped[2], not self.skipped[3]
        return {
            HARD_BOUNCED: use_unengaged and self.checkboxes[HARD_BOUNCED].value,
            UNSUBSCRIBED: use_unengaged and self.checkboxes[UNSUBSCRIBED].value,
            "not_opened": (tuple(self.not_opened.groups) if use_unengaged and self.not_opened is not None
                           and self.not_opened_box.value else ()),
            "filter": self.builder.filter if use_filters and self.builder.filter.get("filterGroups") else None,
            "lists": tuple(self.lists.value) if use_filters else (),
        }

    def selection_filter(self) -> dict | None:
        """The whole selection as ONE filter (None if nothing is chosen)."""
        c = self.chosen()
        schema = self.app.schema() if c["not_opened"] else None  # its groups name custom properties
        return wizard_filter(hard_bounced=c[HARD_BOUNCED], unsubscribed=c[UNSUBSCRIBED], not_opened=c["not_opened"],
                             filter=c["filter"], lists=c["lists"], schema=schema)

    def _summary_html(self, chosen: dict) -> Markup:
        items = [html("<li>{}</li>", UNENGAGED_LABELS[p]) for p in (HARD_BOUNCED, UNSUBSCRIBED) if chosen[p]]
        if chosen["not_opened"]:
            items.append(html('<li class="mcw-wz-not-opened-item">{} (last open before {})</li>',
                              self.not_opened.label, day(self.not_opened.cutoff)))
        if chosen["filter"]:
            items.append(html('<li>Filter: <span class="mcw-wz-filter-text">{}</span></li>',
                              self.builder.describe(chosen["filter"])))
        for name in chosen["lists"]:
            items.append(html('<li>Members of list <span class="mcw-wz-list-name">{}</span></li>', name))
        if not items:
            return Markup('<div class="mcw-wz-text">Nothing is selected: go back and tick unengaged contacts, '
                          "build a filter or choose lists.</div>")
        return html('<div class="mcw-wz-text">Contacts selected by any of:<ul>{}</ul></div>', join(items))

    def _enter_review(self) -> None:
        self.result, self.undo_result = None, None
        self.confirm.cancel()
        self.forecast, self.selection = None, None
        self.progress.value = self.result_html.value = self.review.value = ""
        self._set_busy(False)
        self.undo_button.layout.display = "none"
        self.restart_button.layout.display = "none"
        self.update_button.layout.display = None
        self.update_button.disabled = True
        chosen = self.chosen()
        self.summary.value = self._summary_html(chosen)
        self.savings.show_after_update(None)
        self.selection = self.selection_filter()  # may raise: too many groups
        if self.selection is None:
            return
        self.progress.value = spinner("Working out what this would do…")  # seconds at ten million contacts
        try:
            fc = self.app.forecast("set_non_marketing", filter=self.selection)
        finally:
            self.progress.value = ""
        self.forecast = fc
        if fc.changes:
            self.savings.show_after_update(fc.after.marketing_at_update, hold=SAVINGS_HOLD)
        when = self._update_date()
        unchanged = fc.selected - fc.changes
        self.review.value = html(
            '<div class="mcw-wz-text">{} contacts selected; {} marketing contacts will become non-marketing on {}{}.'
            "</div>{}", num(fc.selected, "mcw-wz-selected"), num(fc.changes, "mcw-wz-changes"), day(when),
            f" ({unchanged:,} already non-marketing or pending)" if unchanged else "", review_table_html(fc, when))
        self.update_button.disabled = fc.changes == 0
        if fc.changes == 0:
            self.result_html.value = Markup('<div class="mcw-wz-text">No marketing contact would change: '
                                            "there is nothing to update.</div>")

    # ---- the update ------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._working = busy
        for b in (self.update_button, self.review_back, self.undo_button, self.restart_button):
            b.disabled = busy

    def update_contacts(self) -> None:
        """Run the update over the reviewed selection (the kit's ``run_work``)."""
        if self.selection is None or self.result is not None:
            return
        selection = self.selection
        self.message.value = ""
        self.progress.value = spinner("Updating contacts…")

        def busy(on: bool) -> None:
            if not on:
                self.progress.value = ""
            self._set_busy(on)

        run_work(lambda: (self.app.run_wizard(selection), self._update_date()), what="the wizard update failed",
                 busy=busy, on_success=lambda r: self._updated(*r),
                 on_error=lambda e: setattr(self.message, "value", error_html(f"The update failed: {readable(e, capital=False)}")))

    def _updated(self, result, when: date) -> None:
        self.result = result
        self.result_html.value = ok_html(html(
            '{} {} will become non-marketing on <span class="mcw-wz-result-date" data-value="{}">{}</span>. They stay '
            "marketing contacts until then.", num(result.changed, "mcw-wz-changed"), plural(result.changed, "contact"),
            when.isoformat(), day(when)))
        self.update_button.layout.display = "none"
        self.undo_button.layout.display = None
        self.restart_button.layout.display = None
        self.undo_button.disabled = result.changed == 0
        self.savings.show_after_update(None)  # the update is made: the plan as things now are

    def undo(self) -> None:
        """Ask (the kit's Confirm bar, the Activity tab's question), then undo the update."""
        if self.result is None or self.undo_result is not None:
            return
        n = self.result.changed
        what = f"action #{self.result.action_id} (Wizard, {n:,} {plural(n, 'contact')})"
        self.message.value = ""
        self.confirm.ask(undo_question(what), [("Undo", "yes", "warning"), ("Cancel", "cancel", "")],
                         lambda key: self._undo() if key == "yes" else None)

    def _undo(self) -> None:
        if self.result is None or self.undo_result is not None:
            return
        run_work(lambda: self.app.undo(self.result.action_id), what="undo failed", busy=self._set_busy,
                 on_success=self._undone,
                 on_error=lambda e: setattr(self.message, "value", error_html(f"Undo failed: {readable(e, capital=False)}")))

    def _undone(self, result) -> None:
        """Show what the undo did over a re-read review: the forecast is the current one
        (the contacts are marketing again, so Update contacts is offered anew)."""
        n = result.changed
        done = ok_html(html("Undone: {} {}.", num(n, "mcw-wz-restored"), undone_phrase("wizard", n)))
        try:
            self._enter_review()
        except Exception as e:
            log_failure("wizard review refresh after undo failed", e)
            self.message.value = error_html(readable(e))
        self.undo_result = result
        self.result_html.value = done + Markup(self.result_html.value or "")
        self.undo_button.layout.display = "none"
        self.restart_button.layout.display = None

    def _on_app_change(self) -> None:
        """Another view changed contacts: re-read the review's figures, unless this wizard
        is running its own update or undo or shows an update's result. On the list step,
        offer the lists as they are now (one may have been made on the Contacts tab)."""
        if self.step == 3 and not self._working:
            try:
                self._show_lists()
            except Exception as e:
                log_failure("wizard lists refresh failed", e)
                self.message.value = error_html(readable(e))
            return
        if self.step != 4 or self._working or self.result is not None or self.confirm.asking:
            return
        kept = self.undo_result, self.result_html.value
        try:
            self._enter_review()
        except Exception as e:
            log_failure("wizard review refresh failed", e)
            self.message.value = error_html(readable(e))
            return
        if kept[0] is not None:
            self.undo_result = kept[0]
            self.result_html.value = kept[1]

    def restart(self) -> None:
        """Back to the first step, with the default choices."""
        for box in self.checkboxes.values():
            box.value = True
        self.not_opened_box.value = False
        self.not_opened_months.value = DEFAULT_MONTHS
        self.builder.clear()
        self.lists.value = ()
        self.skipped = {2: False, 3: False}
        self.result = self.undo_result = None
        self.go(1)


__all__ = ["MarketingContactsWizard", "is_admin", "list_options", "review_figures", "review_table_html"]
