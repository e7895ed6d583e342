"""The Overview panel: counts, tier, next update date, alerts, tier events and the usage chart."""

from __future__ import annotations

import ipywidgets as widgets
from markupsafe import Markup

from ..services.usage import StatusReport
from .background import Runner, inline
from .savings_panel import SavingsPanel
from .panel_kit import (
    Refreshing,
    day,
    error_html,
    first_line,
    html,
    html_widget,
    is_admin,
    join,
    log_failure,
    num,
    readable,
    show,
    spinner,
    style,
)
from .usage_chart import UsageChart

ALERT_TEXT = {
    "75%": Markup("Usage reached <strong>75 %</strong> of your contact tier."),
    "90%": Markup("Usage reached <strong>90 %</strong> of your contact tier."),
    "98%": Markup("Usage reached <strong>98 %</strong> of your contact tier: the next marketing contacts "
                  "upgrade it."),
    "exceeded": Markup("The marketing contacts <strong>exceed</strong> the contact tier."),
}
# Card keys, in the order shown; each card widget has the CSS class ``mcw-<key>``.
CARDS = ("count-marketing", "count-pending", "count-non-marketing", "count-total", "tier", "next-update")
UPDATING = "Updating the figures…"


class Figures:
    """What one refresh reads (in the background runner's worker): the status, the held
    actions, the savings plan (or why it failed: the planner shows that on its own) and the
    chart's figure. Applying it to the widgets reads nothing."""

    def __init__(self, report, held, plan, plan_error, figure):
        self.report, self.held, self.plan, self.plan_error, self.figure = report, held, plan, plan_error, figure


def _level(alerts: tuple[str, ...]) -> str:
    """The most severe alert reached: 'none', '75', '90', '98' or 'exceeded'."""
    return "exceeded" if "exceeded" in alerts else (alerts[-1].rstrip("%") if alerts else "none")


class OverviewPanel(Refreshing, widgets.VBox):
    """What the account pays for now and after the next update date.

    Stable hooks for tests and styling: the cards carry the classes
    ``mcw-count-marketing``, ``mcw-count-pending``, ``mcw-count-non-marketing``,
    ``mcw-count-total``, ``mcw-tier`` and ``mcw-next-update``, each with its number
    in ``.mcw-value[data-value]``; the alert banner is ``mcw-alerts`` with
    ``data-level``; tier raises no admin has acknowledged are listed in
    ``mcw-tier-events`` (one ``li[data-id]`` each) with the button ``mcw-tier-ack``
    (shown to admins only); ``self.report`` is the last :class:`StatusReport` shown.

    After an action (``App.on_change``) the figures are read again with ``background``
    (a runner of ``widgets.background``; the dashboard passes ``in_background``: the
    reads, ~1-2 s at 10,000,000 contacts on PostgreSQL, run in a worker thread and the
    result is applied on the kernel's IO loop). Meanwhile ``mcw-overview-progress`` says
    "Updating the figures…" (``role="status"``); ``updating`` is True. Only the newest
    refresh is applied: an older result that arrives later is dropped. A failed refresh
    clears the progress line and shows its error in ``mcw-overview-message``.
    """

    refresh_failure = "Could not refresh the overview"

    def __init__(self, app, *, chart_width: int | None = None, background: Runner | None = None):
        self.app = app
        self.report: StatusReport | None = None
        self._background: Runner = background or inline
        self._generation = 0  # bumped by every refresh started: only the newest is applied
        self.updating = False  # a refresh is on its way
        self.progress = html_widget("mcw-overview-progress")
        show(self.progress, False)
        self.cards = {key: widgets.HTML("", layout=widgets.Layout(margin="0")) for key in CARDS}
        for key, card in self.cards.items():
            card.add_class("mcw-card")
            card.add_class(f"mcw-{key}")
        self.alerts = html_widget("mcw-alerts")
        self.held = html_widget("mcw-held")
        self.tier_events = html_widget("mcw-tier-events")
        self.ack_button = widgets.Button(description="Acknowledge", button_style="",
                                         tooltip="Stop showing these tier changes (admins)")
        self.ack_button.add_class("mcw-tier-ack")
        self.ack_button.on_click(lambda _b: self.acknowledge())
        self.tier_box = widgets.VBox([self.tier_events, self.ack_button], layout=widgets.Layout(display="none"))
        self.message = html_widget("mcw-overview-message")
        self.message.observe(lambda c: show(self.message, bool(c["new"])), names="value")
        show(self.message, False)  # shown only while it says something
        row = widgets.Box(list(self.cards.values()))
        row.add_class("mcw-cards")
        report = app.status()
        self.show(report)
        self.show_held()
        self.chart = UsageChart(app, width=chart_width, subscribe=False, report=report)
        self.savings = SavingsPanel(app)  # the dashboard sets its on_open (the Contacts tab)
        self.savings.safe_refresh(report)  # the counts just read, not read again
        super().__init__([style(), self.progress, self.message, self.tier_box, self.alerts, self.held, row,
                          self.savings, self.chart],
                         layout=widgets.Layout(padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-overview")
        app.on_change(self._on_change)

    # ---- reading -----------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the figures (status() applies due rollovers) and redraw everything, now
        (a refresh in the background started before is then dropped when it arrives)."""
        self._generation += 1
        self._set_updating(False)
        self.apply(self.read())

    def refresh_in_background(self) -> None:
        """Show the progress line and read the figures with the background runner; the
        result is applied when it is in, unless a newer refresh started meanwhile."""
        self._generation += 1
        generation = self._generation
        self._set_updating(True)
        self._background(self.read, lambda figures, error: self._refreshed(generation, figures, error))

    def _refreshed(self, generation: int, figures, error: BaseException | None) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way (or was applied): never show older figures
        self._set_updating(False)
        try:
            if error is not None:
                raise error
            self.apply(figures)
        except Exception as e:
            log_failure("OverviewPanel refresh failed", e)
            self.message.value = error_html(f"{self.refresh_failure}: {readable(e)}")
            return
        self.message.value = ""

    def _set_updating(self, busy: bool) -> None:
        self.updating = busy
        self.progress.value = (html('<div class="mcw-progress" role="status" aria-live="polite">{}</div>',
                                    spinner(UPDATING)) if busy else "")
        show(self.progress, busy)

    def read(self) -> Figures:
        """Every read a refresh needs (no widget is touched: it may run in a worker thread).
        The status counts are read once: the planner and the chart use the same report."""
        report = self.app.status()
        held = self.app.held()
        try:
            plan, plan_error = self.app.savings_plan(self.savings.projected, report), None
        except Exception as e:  # the planner shows it; the rest of the Overview still refreshes
            plan, plan_error = None, e
        return Figures(report, held, plan, plan_error, self.chart.build_figure(report))

    def apply(self, f: Figures) -> None:
        """Show what :meth:`read` read."""
        self.show(f.report)
        self._show_held(f.held)
        if f.plan_error is not None:
            log_failure("SavingsPanel refresh failed", f.plan_error)
            self.savings.message.value = error_html(f"{self.savings.refresh_failure}: {readable(f.plan_error)}")
        else:
            self.savings.show_plan(f.plan)
        self.chart.update_figure(f.figure)

    def show_held(self) -> None:
        """Runs and imports the spike guard holds: an admin approves them in Settings."""
        self._show_held(self.app.held())

    def _show_held(self, held) -> None:
        if not held:
            # an empty .mcw-held would still draw its orange box (under the usage alert): hide it
            self.held.value = ""
            show(self.held, False)
            return
        items = join(html('<li data-id="{}">{} (asked by {})</li>', h.id, h.what, h.requested_by) for h in held)
        self.held.value = html('<div class="mcw-alert mcw-alert-90" data-count="{0}"><b>{0} held for approval</b> by '
                               "the spike guard: approve or reject them in Settings.<ul>{1}</ul></div>", len(held),
                               items)
        show(self.held, True)

    def show(self, r: StatusReport) -> None:
        self.report = r
        nxt = day(r.next_update_date)
        self.cards["count-marketing"].value = html(
            '<div class="mcw-label">Marketing contacts</div>{}'
            '<div class="mcw-note">counted toward the tier, of which {:,} pending</div>', num(r.marketing, "mcw-value"),
            r.pending)
        self.cards["count-pending"].value = html(
            '<div class="mcw-label">Pending non-marketing</div>{}'
            '<div class="mcw-note">still marketing until {}</div>', num(r.pending, "mcw-value"), nxt)
        self.cards["count-non-marketing"].value = html(
            '<div class="mcw-label">Non-marketing contacts</div>{}'
            '<div class="mcw-note">not billed</div>', num(r.non_marketing, "mcw-value"))
        self.cards["count-total"].value = html(
            '<div class="mcw-label">Total contacts</div>{}'
            '<div class="mcw-note">marketing and non-marketing</div>', num(r.total, "mcw-value"))
        level = _level(r.alerts)
        used = min(r.usage_percent, 100.0)
        requested = (html(', lower tier <span class="mcw-requested-tier" data-value="{0}">{0:,}</span> requested',
                          r.requested_tier) if r.requested_tier else "")
        self.cards["tier"].value = html(
            '<div class="mcw-label">Contact tier</div>{}'
            '<div class="mcw-note"><span class="mcw-edition">{}</span> · '
            '<span class="mcw-usage-percent" data-value="{}">{:.1f} %</span> used{}</div>'
            '<div class="mcw-bar mcw-level-{}"><div style="width:{:.1f}%"></div></div>', num(r.tier, "mcw-value"),
            r.edition.capitalize(), r.usage_percent, r.usage_percent, requested, level, used)
        self.cards["next-update"].value = html(
            '<div class="mcw-label">Next update date</div>'
            '<span class="mcw-value" data-value="{}">{}</span>'
            '<div class="mcw-note">{} marketing contacts after it ({:,} fewer)</div>', r.next_update_date.isoformat(),
            nxt, num(r.projected_marketing, "mcw-projected"), r.marketing - r.projected_marketing)
        self.alerts.value = self._alerts_html(r, level)
        show(self.alerts, bool(self.alerts.value))
        self.show_tier_events(r)

    def show_tier_events(self, r: StatusReport) -> None:
        """Tier raises no admin has acknowledged yet, with Acknowledge for admins."""
        events = r.open_tier_events
        if not events:
            self.tier_events.value = ""
            self.tier_box.layout.display = "none"
            return
        items = join(html('<li data-id="{}">{}</li>', int(e.id), e.text) for e in events)
        self.tier_events.value = html(
            '<div class="mcw-alert mcw-alert-exceeded" role="status" data-level="exceeded" data-count="{}"><b>The '
            "marketing contacts exceeded the contact tier</b>, so it was raised at once:<ul>{}</ul></div>",
            len(events), items)
        self.ack_button.layout.display = None if is_admin(self.app) else "none"
        self.tier_box.layout.display = None

    def acknowledge(self) -> None:
        """An admin acknowledges the tier raises shown (the Overview then stops showing them)."""
        ids = [e.id for e in (self.report.open_tier_events if self.report else ())]
        try:
            self.message.value = ""
            self.app.acknowledge_tier_events(ids)  # notifies: the panel refreshes (in the background)
        except Exception as e:
            log_failure("acknowledging tier events failed", e)
            self.message.value = error_html(f"Could not acknowledge: {first_line(e)}")

    @staticmethod
    def _alerts_html(r: StatusReport, level: str) -> Markup:
        if level == "none":
            return html('<div class="mcw-alert mcw-alert-none" data-level="none" data-alerts="">'
                        "Usage is {:.1f} % of the contact tier, below the 75 % alert.</div>", r.usage_percent)
        key = "exceeded" if level == "exceeded" else f"{level}%"
        return html('<div class="mcw-alert mcw-alert-{0}" role="status" data-level="{0}" data-alerts="{1}">{2} {3:,} '
                    "of {4:,} marketing contacts ({5:.1f} %); {6:,} after {7}.</div>", level, ",".join(r.alerts),
                    ALERT_TEXT[key], r.marketing, r.tier, r.usage_percent, r.projected_marketing,
                    day(r.next_update_date))

    # ---- events ------------------------------------------------------------------
    def on_show(self) -> None:
        """The dashboard calls this when the Overview tab is selected."""
        self.chart.on_show()

    def _on_change(self) -> None:
        try:  # a view must not break the action that notified it
            self.refresh_in_background()
        except Exception as e:
            self._set_updating(False)
            log_failure("OverviewPanel refresh failed", e)
            self.message.value = error_html(f"{self.refresh_failure}: {readable(e)}")
