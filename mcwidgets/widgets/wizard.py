"""The Manage marketing contacts wizard (admins): four steps, one set-based update.

1. Information - what marketing contacts are; non-marketing takes effect at the next
   update date (shown).
2. Unengaged contacts - "Hard-bounced contacts" and "Unsubscribed from all email",
   ticked by default, each with the number of marketing, not yet pending contacts it
   would change. Next or Skip.
3. Filters & lists - a FilterBuilder and a choice of existing lists. Next or Skip.
4. Review and update - marketing and non-marketing counts, the tier (and its cost
   when a price table is set) now and after the next update date, from
   ``app.forecast``; "Update contacts" runs ``app.run_wizard`` once over the whole
   selection (one filter, see ``domain.wizard``), then offers Undo.

The widget holds view state only; the selection is built by ``domain.wizard`` and
every figure comes from the App. Errors from the App appear as messages.

Stable CSS classes: ``mcw-wizard``, ``mcw-wz-step-<n>``, ``mcw-wz-next``,
``mcw-wz-back``, ``mcw-wz-skip``, ``mcw-wz-hard-bounced``, ``mcw-wz-unsubscribed``,
``mcw-wz-count-hard_bounced``/``-unsubscribed``, ``mcw-wz-lists``,
``mcw-wz-review``, ``mcw-wz-update``, ``mcw-wz-progress``, ``mcw-wz-result``,
``mcw-wz-undo``, ``mcw-wz-restart``, ``mcw-wz-message``, ``mcw-wz-refusal``.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

import ipywidgets as widgets
import traitlets

from ..domain.errors import McError
from ..domain.wizard import (
    HARD_BOUNCED, UNENGAGED_LABELS, UNSUBSCRIBED, eligible_filter, wizard_filter,
)
from .filter_builder import FilterBuilder
from .theme import error_html, esc, style

log = logging.getLogger(__name__)

STEPS = {1: "Information", 2: "Unengaged contacts", 3: "Filters & lists", 4: "Review and update"}
REFUSAL = "Only admins can manage marketing contacts."

CSS = """
.mcw-wizard { gap: 8px; max-width: 980px; }
.mcw-wz-steps { display: flex; gap: 6px; flex-wrap: wrap; font-size: 13px; margin-bottom: 4px; }
.mcw-wz-steps span { padding: 3px 10px; border-radius: 12px; background: #f3f4f6; color: #6b7280; }
.mcw-wz-steps span.mcw-wz-current { background: #2563eb; color: #ffffff; }
.mcw-wz-steps span.mcw-wz-done { background: #dbeafe; color: #1e3a8a; }
.mcw-wz-title { font-size: 18px; font-weight: 650; margin: 4px 0; }
.mcw-wz-text { font-size: 14px; color: #374151; line-height: 1.5; }
.mcw-wz-count { font-size: 13px; color: #4b5563; }
.mcw-wz-buttons { gap: 8px; margin-top: 8px; }
table.mcw-wz-figures { border-collapse: collapse; font-size: 14px; margin: 6px 0; }
table.mcw-wz-figures th, table.mcw-wz-figures td { padding: 4px 14px; border-bottom: 1px solid #e5e7eb;
                                                  text-align: right; }
table.mcw-wz-figures th:first-child, table.mcw-wz-figures td:first-child { text-align: left; }
.mcw-wz-summary li { margin: 2px 0; }
.mcw-wz-progress { font-size: 14px; color: #1e3a8a; }
.mcw-wz-spinner { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 50%;
                  border: 2px solid #93c5fd; border-top-color: #1d4ed8; animation: mcw-spin 0.8s linear infinite; }
@keyframes mcw-spin { to { transform: rotate(360deg); } }
.mcw-wz-result { font-size: 14px; }
.mcw-wz-result .mcw-ok { background: #f0fdf4; border: 1px solid #bbf7d0; color: #166534; border-radius: 8px;
                         padding: 8px 12px; }
"""


def _log_failure(what: str, e: Exception) -> None:
    """Refusals and bad input are the user's news, not a bug: no traceback for those."""
    if isinstance(e, McError):
        log.info("%s: %s", what, e)
    else:
        log.exception(what)


def _text(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text[:1].upper() + text[1:]


def _day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def _num(n: int | None, cls: str) -> str:
    if n is None:
        return f'<span class="{cls}" data-value="">–</span>'
    return f'<span class="{cls}" data-value="{int(n)}">{int(n):,}</span>'


def _money(x: float | None, cls: str) -> str:
    if x is None:
        return f'<span class="{cls}" data-value="">–</span>'
    return f'<span class="{cls}" data-value="{x:g}">{x:,.2f}</span>'


def is_admin(app) -> bool:
    """Whether the App's acting user is an admin (the service checks it again)."""
    if not app.user:
        return False
    me = app.me()
    return me is not None and me.role == "admin"


def list_options(infos) -> list[tuple[str, str]]:
    """(label, name) for the lists multi-select: "VIP (1,234 contacts, static)"."""
    return [(f"{i.name} ({i.members:,} contact{'' if i.members == 1 else 's'}, {i.kind})", i.name)
            for i in infos]


def review_figures(fc) -> dict[str, dict[str, float | int | None]]:
    """The review table from a set_non_marketing Forecast: now, and after the next
    update date with the update (the pending contacts leave then)."""
    a = fc.after
    return {
        "now": {"marketing": a.marketing, "non_marketing": a.non_marketing, "tier": a.tier, "cost": a.cost},
        "after": {"marketing": a.marketing_at_update, "non_marketing": a.non_marketing + a.pending,
                  "tier": a.tier_at_update, "cost": a.cost_at_update},
        "without": {"marketing": fc.before.marketing_at_update,
                    "non_marketing": fc.before.non_marketing + fc.before.pending,
                    "tier": fc.before.tier_at_update, "cost": fc.before.cost_at_update},
    }


def review_table_html(fc, update_date: date) -> str:
    f = review_figures(fc)
    show_cost = any(f[k]["cost"] is not None for k in f)
    head = (f'<tr><th></th><th>Now</th><th>After {esc(_day(update_date))}</th>'
            f'<th>After {esc(_day(update_date))} without this update</th></tr>')
    rows = []
    for key, label in (("marketing", "Marketing contacts"), ("non_marketing", "Non-marketing contacts"),
                       ("tier", "Contact tier")):
        css = key.replace("_", "-")
        cells = "".join(f'<td>{_num(f[col][key], f"mcw-wz-{css}-{col}")}</td>'
                        for col in ("now", "after", "without"))
        rows.append(f"<tr><td>{label}</td>{cells}</tr>")
    if show_cost:
        cells = "".join(f'<td>{_money(f[col]["cost"], f"mcw-wz-cost-{col}")}</td>'
                        for col in ("now", "after", "without"))
        rows.append(f"<tr><td>Monthly cost</td>{cells}</tr>")
    return f'<table class="mcw-wz-figures">{head}{"".join(rows)}</table>'


class MarketingContactsWizard(widgets.VBox):
    """See the module docstring. ``threaded=True`` runs the update in a thread (the
    default runs it in the click handler, which tests rely on); ``debounce`` is the
    FilterBuilder's count delay."""

    step = traitlets.Int(1)

    def __init__(self, app, *, debounce: float = 0.3, threaded: bool = False):
        self.app = app
        self.threaded = threaded
        self.debounce = debounce
        self.skipped = {2: False, 3: False}
        self.forecast = None  # the Forecast shown on the review step
        self.selection: dict | None = None  # the filter the review step shows and Update runs
        self.result = None  # the ActionResult of the last update
        self.undo_result = None
        self.admin = False
        self.message = widgets.HTML("")
        self.message.add_class("mcw-wz-message")
        super().__init__([style(), widgets.HTML(f"<style>{CSS}</style>",
                                                layout=widgets.Layout(height="0px", margin="0"))],
                         layout=widgets.Layout(width="100%", padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-wizard")
        try:
            self.admin = is_admin(app)
        except Exception as e:
            log.exception("could not read the users")
            self.children = [*self.children, widgets.HTML(error_html(f"Could not read the users: {e}"))]
            return
        if not self.admin:
            refusal = widgets.HTML(f'<div class="mcw-alert mcw-alert-98" role="alert">{esc(REFUSAL)}</div>')
            refusal.add_class("mcw-wz-refusal")
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

    # ---- pages -------------------------------------------------------------------
    @staticmethod
    def _button(description: str, cls: str, style: str = "", tooltip: str = "") -> widgets.Button:
        b = widgets.Button(description=description, button_style=style, tooltip=tooltip,
                           layout=widgets.Layout(width="auto"))
        b.add_class(cls)
        return b

    def _buttons(self, *buttons: widgets.Button) -> widgets.HBox:
        box = widgets.HBox(list(buttons))
        box.add_class("mcw-wz-buttons")
        return box

    def _page(self, n: int, *children: widgets.Widget) -> widgets.VBox:
        title = widgets.HTML(f'<div class="mcw-wz-title">{esc(STEPS[n])}</div>')
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
        self.unengaged_back = self._button("Back", "mcw-wz-back")
        self.unengaged_skip = self._button("Skip", "mcw-wz-skip", tooltip="Do not set unengaged contacts "
                                           "as non-marketing")
        self.unengaged_next = self._button("Next", "mcw-wz-next", "primary")
        self.unengaged_back.on_click(lambda _b: self.go(1))
        self.unengaged_skip.on_click(lambda _b: self._leave(2, skip=True))
        self.unengaged_next.on_click(lambda _b: self._leave(2, skip=False))
        return self._page(2, intro, *rows,
                          self._buttons(self.unengaged_back, self.unengaged_skip, self.unengaged_next))

    def _filters_page(self) -> widgets.VBox:
        intro = widgets.HTML('<div class="mcw-wz-text">Select more contacts with a filter, or with existing '
                             "lists. A contact matching any group of the filter, or in any chosen list, "
                             "is selected.</div>")
        self.builder = FilterBuilder(self.app, debounce=self.debounce,
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
        self.undo_button = self._button("Undo", "mcw-wz-undo", "warning", tooltip="Put these contacts back "
                                        "as marketing contacts")
        self.restart_button = self._button("Start again", "mcw-wz-restart")
        self.review_back.on_click(lambda _b: self.go(3))
        self.update_button.on_click(lambda _b: self.update_contacts())
        self.undo_button.on_click(lambda _b: self.undo())
        self.restart_button.on_click(lambda _b: self.restart())
        return self._page(4, self.summary, self.review, self.progress, self.result_html,
                          self._buttons(self.review_back, self.update_button, self.undo_button,
                                        self.restart_button))

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
            _log_failure(f"wizard step {n} failed", e)
            self.message.value = error_html(_text(e))
        self.body.children = [self.pages[n]]

    def _stepper_html(self, current: int) -> str:
        parts = []
        for n, title in STEPS.items():
            cls = "mcw-wz-current" if n == current else ("mcw-wz-done" if n < current else "")
            parts.append(f'<span class="{cls}" data-step="{n}">{n}. {esc(title)}</span>')
        return f'<div class="mcw-wz-steps">{"".join(parts)}</div>'

    # ---- steps ---------------------------------------------------------------------
    def _update_date(self) -> date:
        return self.app.account().next_update_date

    def _enter_info(self) -> None:
        when = esc(_day(self._update_date()))
        self.info.value = (
            '<div class="mcw-wz-text">'
            "<p><b>Marketing contacts</b> are the contacts you may send marketing email and target with ads. "
            "Your contact tier, and so your bill, depends on how many you have. <b>Non-marketing</b> "
            "contacts cost nothing and can still receive one-to-one sales email and transactional email.</p>"
            "<p>This wizard sets contacts as non-marketing: unengaged contacts (hard-bounced or unsubscribed), "
            "and contacts you select with a filter or lists. You review the effect before anything changes.</p>"
            f'<p>Contacts you set as non-marketing stay marketing contacts until the next update date, '
            f'<b class="mcw-wz-update-date" data-value="{self._update_date().isoformat()}">{when}</b>: '
            "they become non-marketing then, and stop counting toward your tier. Until then you can undo.</p>"
            "</div>")

    def _enter_unengaged(self) -> None:
        for prop in (HARD_BOUNCED, UNSUBSCRIBED):
            n = self.app.count(filter=eligible_filter(prop))
            self.counts[prop] = n
            noun = "contact" if n == 1 else "contacts"
            self.unengaged_counts[prop].value = (f'<span class="mcw-wz-count-value" data-value="{n}">{n:,}'
                                                 f"</span> marketing {noun}")

    def _enter_filters(self) -> None:
        self.builder.reload_lists()
        options = list_options(self.app.lists())
        names = [name for _, name in options]
        chosen = tuple(n for n in self.lists.value if n in names)
        self.lists.options = options
        self.lists.value = chosen
        self.lists.layout.display = None if names else "none"
        self.lists_note.value = ("" if names else
                                 '<div class="mcw-wz-text">There are no lists yet.</div>')
        if self.debounce <= 0:
            self.builder.refresh_count()  # data may have changed since the step was last shown
        else:
            self.builder._schedule_count()
        self._sync_filters_next()

    def _sync_filters_next(self) -> None:
        self.filters_next.disabled = not self.builder.valid

    def chosen(self) -> dict:
        """What the wizard's selection is made of (skipped steps contribute nothing)."""
        use_unengaged, use_filters = not self.skipped[2], not self.skipped[3]
        return {
            HARD_BOUNCED: use_unengaged and self.checkboxes[HARD_BOUNCED].value,
            UNSUBSCRIBED: use_unengaged and self.checkboxes[UNSUBSCRIBED].value,
            "filter": self.builder.filter if use_filters and self.builder.filter.get("filterGroups") else None,
            "lists": tuple(self.lists.value) if use_filters else (),
        }

    def selection_filter(self) -> dict | None:
        """The whole selection as ONE filter (None if nothing is chosen)."""
        c = self.chosen()
        return wizard_filter(hard_bounced=c[HARD_BOUNCED], unsubscribed=c[UNSUBSCRIBED], filter=c["filter"],
                             lists=c["lists"])

    def _summary_html(self, chosen: dict) -> str:
        items = [f"<li>{esc(UNENGAGED_LABELS[p])}</li>" for p in (HARD_BOUNCED, UNSUBSCRIBED) if chosen[p]]
        if chosen["filter"]:
            items.append(f'<li>Filter: <span class="mcw-wz-filter-text">'
                         f'{esc(self.builder.describe(chosen["filter"]))}</span></li>')
        for name in chosen["lists"]:
            items.append(f'<li>Members of list <span class="mcw-wz-list-name">{esc(name)}</span></li>')
        if not items:
            return ('<div class="mcw-wz-text">Nothing is selected: go back and tick unengaged contacts, '
                    "build a filter or choose lists.</div>")
        return f'<div class="mcw-wz-text">Contacts selected by any of:<ul>{"".join(items)}</ul></div>'

    def _enter_review(self) -> None:
        self.result, self.undo_result = None, None
        self.forecast, self.selection = None, None
        self.progress.value = self.result_html.value = self.review.value = ""
        self._set_busy(False)
        self.undo_button.layout.display = "none"
        self.restart_button.layout.display = "none"
        self.update_button.layout.display = None
        self.update_button.disabled = True
        chosen = self.chosen()
        self.summary.value = self._summary_html(chosen)
        self.selection = self.selection_filter()  # may raise: too many groups
        if self.selection is None:
            return
        fc = self.app.forecast("set_non_marketing", filter=self.selection)
        self.forecast = fc
        when = self._update_date()
        unchanged = fc.selected - fc.changes
        self.review.value = (
            f'<div class="mcw-wz-text">{_num(fc.selected, "mcw-wz-selected")} contacts selected; '
            f'{_num(fc.changes, "mcw-wz-changes")} marketing contacts will become non-marketing on '
            f"{esc(_day(when))}"
            + (f" ({unchanged:,} already non-marketing or pending)" if unchanged else "") + ".</div>"
            + review_table_html(fc, when))
        self.update_button.disabled = fc.changes == 0
        if fc.changes == 0:
            self.result_html.value = ('<div class="mcw-wz-text">No marketing contact would change: '
                                      "there is nothing to update.</div>")

    # ---- the update ------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        for b in (self.update_button, self.review_back, self.undo_button, self.restart_button):
            b.disabled = busy

    def update_contacts(self) -> None:
        """Run the update over the reviewed selection (in a thread if ``threaded``)."""
        if self.selection is None or self.result is not None:
            return
        self._set_busy(True)
        self.message.value = ""
        self.progress.value = '<span class="mcw-wz-spinner"></span>Updating contacts…'
        if self.threaded:
            threading.Thread(target=self._run_update, args=(self.selection,), daemon=True).start()
        else:
            self._run_update(self.selection)

    def _run_update(self, selection: dict) -> None:
        try:
            result = self.app.run_wizard(selection)
            when = self._update_date()
        except Exception as e:
            _log_failure("the wizard update failed", e)
            self.progress.value = ""
            self.message.value = error_html(f"The update failed: {e}")
            self._set_busy(False)
            return
        self.result = result
        self.progress.value = ""
        noun = "contact" if result.changed == 1 else "contacts"
        self.result_html.value = (
            f'<div class="mcw-ok" role="status">{_num(result.changed, "mcw-wz-changed")} {noun} will become '
            f'non-marketing on <span class="mcw-wz-result-date" data-value="{when.isoformat()}">'
            f"{esc(_day(when))}</span>. They stay marketing contacts until then.</div>")
        self._set_busy(False)
        self.update_button.layout.display = "none"
        self.undo_button.layout.display = None
        self.restart_button.layout.display = None
        self.undo_button.disabled = result.changed == 0

    def undo(self) -> None:
        if self.result is None or self.undo_result is not None:
            return
        self._set_busy(True)
        try:
            self.undo_result = self.app.undo(self.result.action_id)
        except Exception as e:
            _log_failure("undo failed", e)
            self.message.value = error_html(f"Undo failed: {e}")
            self._set_busy(False)
            return
        n = self.undo_result.changed
        self.result_html.value = (
            f'<div class="mcw-ok" role="status">Undone: {_num(n, "mcw-wz-restored")} '
            f'{"contact is" if n == 1 else "contacts are"} marketing contacts again.</div>')
        self._set_busy(False)
        self.undo_button.layout.display = "none"

    def restart(self) -> None:
        """Back to the first step, with the default choices."""
        for box in self.checkboxes.values():
            box.value = True
        self.builder.clear()
        self.lists.value = ()
        self.skipped = {2: False, 3: False}
        self.result = self.undo_result = None
        self.go(1)


__all__ = ["MarketingContactsWizard", "is_admin", "list_options", "review_figures", "review_table_html"]
