"""The savings planner as a view: the next lower tier, how many more marketing contacts must
leave by the next update date to fit it, what that saves, and one button that opens the
least-engaged of them in the Contacts grid, selected, for review.

The button applies nothing: it hands the selection (a filter, ``app.least_engaged``) to
``on_open(filter, count)``, which the dashboard wires to the Contacts tab
(``ContactsPanel.show_selection``). The user then acts with the grid's usual bulk
action and its typed confirmation. Without ``on_open`` (a notebook) the selection is
kept in ``self.selection`` and the message says how to use it.

Used on the Overview (the current plan) and in the wizard's review step, where
:meth:`show_after_update` shows the plan as it will be after the wizard's update and
holds the button until that update is made.

Stable CSS classes: ``mcw-savings`` (with ``data-state`` on ``.mcw-savings-plan``:
lowest, fits or remove), ``mcw-savings-target``, ``mcw-savings-needed``,
``mcw-savings-saving``, ``mcw-savings-open``, ``mcw-savings-message``.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from ..domain.savings import FITS, LOWEST
from .panel_kit import (
    Markup,
    Refreshing,
    button,
    day,
    error_html,
    html,
    html_widget,
    log_failure,
    money,
    num,
    ok_html,
    plural,
    readable,
    run_work,
    show,
    spinner,
)

OpenHandler = Callable[[dict, int], None]


def plan_html(p, *, after_update: bool = False) -> Markup:
    """The plan in words (every figure in a span with ``data-value``)."""
    edition = p.edition.capitalize()
    when = day(p.update_date)
    if p.state == LOWEST:
        body = html("You are on the smallest {} tier, {}: there is no lower tier to save on.", edition,
                    num(p.tier, "mcw-savings-tier"))
        return html('<div class="mcw-savings-plan" data-state="{}"><b>Savings planner</b> · {}</div>', p.state, body)
    if p.saving is not None:
        saving = html("it saves {} a month ({} instead of {})", money(p.saving, "mcw-savings-saving"),
                      money(p.price_target, "mcw-savings-price-target"), money(p.price_now, "mcw-savings-price-now"))
    else:
        saving = Markup('<span class="mcw-savings-saving" data-value="">the price table has no price for both '
                        "tiers, so no saving is shown</span>")
    head = html("The next lower tier is {}: {}.", num(p.target, "mcw-savings-target"), saving)
    projected = html("{} marketing contacts are projected after {}{}", num(p.projected, "mcw-savings-projected"), when,
                     " with this update" if after_update else
                     html(" (pending ones already counted as leaving: {})", num(p.pending, "mcw-savings-pending")))
    if p.state == FITS:
        request = ("That tier is requested: it applies on " + when + "." if p.requested else
                   "Request it in Settings (Contact tier) to pay for it from " + when + ".")
        body = html("{} {}: they already fit it, {} to remove. {}", head, projected,
                    num(0, "mcw-savings-needed"), request)
    else:
        body = html("{} {}: {} more marketing {} must leave by then to fit it.", head, projected,
                    num(p.needed, "mcw-savings-needed"), plural(p.needed, "contact"))
        if p.requested:
            body += html(" It is requested: it applies on {} only if the count then fits.", when)
        else:
            body += Markup(" Then request that tier in Settings.")
    return html('<div class="mcw-savings-plan" data-state="{}"><b>Savings planner</b> · {}</div>', p.state, body)


def review_note(count: int) -> Markup:
    """What the Contacts tab says above the grid when the planner opens its selection there."""
    return html('<div class="mcw-note mcw-savings-review" role="status">Savings planner: the {} least-engaged '
                "marketing {} that would fit the next lower tier, all selected. Review them (untick any to keep), "
                "then More ▾ › Set as non-marketing contacts and type the number to confirm. Nothing changes "
                "before that.</div>", num(count, "mcw-savings-review-count"), plural(count, "contact"))


class SavingsPanel(Refreshing, widgets.VBox):
    """See the module docstring. ``subscribe``: refresh on every App change (the
    Overview's own refresh calls :meth:`refresh` otherwise)."""

    refresh_failure = "Could not work out the savings plan"

    def __init__(self, app, *, on_open: OpenHandler | None = None, subscribe: bool = False):
        self.app = app
        self.on_open = on_open
        self.plan = None  # the SavingsPlan shown
        self.selection = None  # the last LeastEngaged opened (filter, count)
        self.projected: int | None = None  # the wizard's count after its update
        self.hold: str | None = None  # why the button waits (the wizard before its update)
        self.text = html_widget("mcw-savings-text")
        self.open_button = button("Review the least-engaged contacts", "mcw-savings-open",
                                  tooltip="Open them in the Contacts tab, selected, for review: nothing changes "
                                  "until you confirm a bulk action there")
        self.open_button.layout = widgets.Layout(width="auto", align_self="flex-start")
        self.open_button.on_click(lambda _b: self.open_selection())
        self.message = html_widget("mcw-savings-message")  # right under its button
        super().__init__([self.text, self.open_button, self.message], layout=widgets.Layout(margin="4px 0"))
        self.add_class("mcw-savings")
        if subscribe:
            app.on_change(self.safe_refresh)

    clear_on_refresh = False  # the "opened" note stays until the plan is read again on purpose

    def refresh(self, report=None) -> None:
        """Read the plan again; ``report``: the status just read (its counts are not read twice)."""
        self.show_plan(self.app.savings_plan(self.projected, report))

    def show_after_update(self, projected: int | None, hold: str | None = None) -> None:
        """The wizard's review: the plan with ``projected`` contacts at the update date
        (None: as things are), the button held with ``hold`` as its reason."""
        self.projected, self.hold = projected, hold
        self.message.value = ""
        self.safe_refresh()  # a failure shows in the planner, never breaks the step around it

    def show_plan(self, p) -> None:
        self.plan = p
        self.text.value = plan_html(p, after_update=self.projected is not None)
        wanted = p.state not in (LOWEST, FITS)
        show(self.open_button, wanted)
        self.open_button.description = (f"Review the {p.needed:,} least-engaged {plural(p.needed, 'contact')}"
                                         if wanted else "Review the least-engaged contacts")
        self.open_button.disabled = bool(self.hold)
        self.open_button.tooltip = self.hold or ("Open them in the Contacts tab, selected, for review: nothing "
                                                 "changes until you confirm a bulk action there")
        if self.hold and wanted:
            self.message.value = html('<div class="mcw-note">{}</div>', self.hold)

    def open_selection(self) -> None:
        """Find the least-engaged contacts that would fit the next lower tier and open them
        in the grid, selected (nothing is applied here)."""
        p = self.plan
        if p is None or p.needed <= 0 or self.hold:
            return
        self.message.value = spinner("Ranking the marketing contacts…")
        run_work(lambda: self.app.least_engaged(p.needed), what="ranking the least-engaged contacts failed",
                 on_success=self._opened,
                 on_error=lambda e: setattr(self.message, "value", error_html(f"Could not rank the contacts: "
                                                                              f"{readable(e, capital=False)}")))

    def _opened(self, le) -> None:
        self.selection = le
        if le.filter is None:
            self.message.value = error_html("No marketing contact can be set as non-marketing: the rest are "
                                            "already pending.")
            return
        short = (html(" Only {} can still leave.", num(le.count, "mcw-savings-short")) if le.count < le.wanted
                 else "")
        how = html("Review them, then More ▾ › Set as non-marketing contacts and type {:,} to confirm.", le.count)
        if self.on_open is None:
            self.message.value = ok_html(html("{} least-engaged {} found ({}).{} Open the Contacts tab to review "
                                              "them.", num(le.count, "mcw-savings-opened"), plural(le.count, "contact"),
                                              le.ranking, short))
            return
        try:
            self.on_open(le.filter, le.count)
        except Exception as e:
            log_failure("opening the least-engaged contacts in the grid failed", e)
            self.message.value = error_html(f"Could not open them in the grid: {readable(e, capital=False)}")
            return
        self.message.value = ok_html(html("Opened {} least-engaged {} in the Contacts tab, selected ({}).{} {}",
                                          num(le.count, "mcw-savings-opened"), plural(le.count, "contact"),
                                          le.ranking, short, how))


__all__ = ["SavingsPanel", "plan_html", "review_note"]
