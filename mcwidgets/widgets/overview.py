"""The Overview panel: counts, tier, next update date, alerts, tier events and the usage chart."""

from __future__ import annotations

from datetime import date

import ipywidgets as widgets

from ..services.usage import StatusReport
from .logs import first_line, log_exception
from .theme import error_html, esc, style
from .usage_chart import UsageChart

ALERT_TEXT = {
    "75%": "Usage reached <strong>75 %</strong> of your contact tier.",
    "90%": "Usage reached <strong>90 %</strong> of your contact tier.",
    "98%": "Usage reached <strong>98 %</strong> of your contact tier: the next marketing contacts "
           "upgrade it.",
    "exceeded": "The marketing contacts <strong>exceed</strong> the contact tier.",
}
# Card keys, in the order shown; each card widget has the CSS class ``mcw-<key>``.
CARDS = ("count-marketing", "count-pending", "count-non-marketing", "count-total", "tier", "next-update")


def _num(n: int, cls: str = "mcw-value") -> str:
    return f'<span class="{cls}" data-value="{int(n)}">{int(n):,}</span>'


def _day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


def _level(alerts: tuple[str, ...]) -> str:
    """The most severe alert reached: 'none', '75', '90', '98' or 'exceeded'."""
    return "exceeded" if "exceeded" in alerts else (alerts[-1].rstrip("%") if alerts else "none")


class OverviewPanel(widgets.VBox):
    """What the account pays for now and after the next update date.

    Stable hooks for tests and styling: the cards carry the classes
    ``mcw-count-marketing``, ``mcw-count-pending``, ``mcw-count-non-marketing``,
    ``mcw-count-total``, ``mcw-tier`` and ``mcw-next-update``, each with its number
    in ``.mcw-value[data-value]``; the alert banner is ``mcw-alerts`` with
    ``data-level``; tier raises no admin has acknowledged are listed in
    ``mcw-tier-events`` (one ``li[data-id]`` each) with the button ``mcw-tier-ack``
    (shown to admins only); ``self.report`` is the last :class:`StatusReport` shown.
    """

    def __init__(self, app, *, chart_width: int | None = None):
        self.app = app
        self.report: StatusReport | None = None
        self.cards = {key: widgets.HTML("", layout=widgets.Layout(margin="0")) for key in CARDS}
        for key, card in self.cards.items():
            card.add_class("mcw-card")
            card.add_class(f"mcw-{key}")
        self.alerts = widgets.HTML("")
        self.alerts.add_class("mcw-alerts")
        self.held = widgets.HTML("")
        self.held.add_class("mcw-held")
        self.tier_events = widgets.HTML("")
        self.tier_events.add_class("mcw-tier-events")
        self.ack_button = widgets.Button(description="Acknowledge", button_style="",
                                         tooltip="Stop showing these tier changes (admins)")
        self.ack_button.add_class("mcw-tier-ack")
        self.ack_button.on_click(lambda _b: self.acknowledge())
        self.tier_box = widgets.VBox([self.tier_events, self.ack_button], layout=widgets.Layout(display="none"))
        self.message = widgets.HTML("")
        self.message.add_class("mcw-overview-message")
        row = widgets.Box(list(self.cards.values()))
        row.add_class("mcw-cards")
        report = app.status()
        self.show(report)
        self.show_held()
        self.chart = UsageChart(app, width=chart_width, subscribe=False, report=report)
        super().__init__([style(), self.message, self.tier_box, self.alerts, self.held, row, self.chart],
                         layout=widgets.Layout(padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-overview")
        app.on_change(self._on_change)

    # ---- reading -----------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the figures (status() applies due rollovers) and redraw everything."""
        report = self.app.status()
        self.show(report)
        self.show_held()
        self.chart.refresh(report)

    def show_held(self) -> None:
        """Runs and imports the spike guard holds: an admin approves them in Settings."""
        held = self.app.held()
        if not held:
            self.held.value = ""
            return
        items = "".join(f'<li data-id="{h.id}">{esc(h.what)} (asked by {esc(h.requested_by)})</li>' for h in held)
        self.held.value = (f'<div class="mcw-alert mcw-alert-90" data-count="{len(held)}"><b>{len(held)} held '
                           f'for approval</b> by the spike guard: approve or reject them in Settings.'
                           f'<ul>{items}</ul></div>')

    def show(self, r: StatusReport) -> None:
        self.report = r
        nxt = _day(r.next_update_date)
        self.cards["count-marketing"].value = (
            '<div class="mcw-label">Marketing contacts</div>'
            f'{_num(r.marketing)}'
            f'<div class="mcw-note">counted toward the tier, of which {r.pending:,} pending</div>')
        self.cards["count-pending"].value = (
            '<div class="mcw-label">Pending non-marketing</div>'
            f'{_num(r.pending)}'
            f'<div class="mcw-note">still marketing until {esc(nxt)}</div>')
        self.cards["count-non-marketing"].value = (
            '<div class="mcw-label">Non-marketing contacts</div>'
            f'{_num(r.non_marketing)}'
            '<div class="mcw-note">not billed</div>')
        self.cards["count-total"].value = (
            '<div class="mcw-label">Total contacts</div>'
            f'{_num(r.total)}'
            '<div class="mcw-note">marketing and non-marketing</div>')
        level = _level(r.alerts)
        used = min(r.usage_percent, 100.0)
        requested = (f', lower tier <span class="mcw-requested-tier" data-value="{r.requested_tier}">'
                     f'{r.requested_tier:,}</span> requested' if r.requested_tier else "")
        self.cards["tier"].value = (
            '<div class="mcw-label">Contact tier</div>'
            f'{_num(r.tier)}'
            f'<div class="mcw-note"><span class="mcw-edition">{esc(r.edition.capitalize())}</span> · '
            f'<span class="mcw-usage-percent" data-value="{r.usage_percent}">{r.usage_percent:.1f} %</span> used'
            f'{requested}</div>'
            f'<div class="mcw-bar mcw-level-{level}"><div style="width:{used:.1f}%"></div></div>')
        self.cards["next-update"].value = (
            '<div class="mcw-label">Next update date</div>'
            f'<span class="mcw-value" data-value="{r.next_update_date.isoformat()}">{esc(nxt)}</span>'
            f'<div class="mcw-note">{_num(r.projected_marketing, "mcw-projected")} marketing contacts after it'
            f' ({r.marketing - r.projected_marketing:,} fewer)</div>')
        self.alerts.value = self._alerts_html(r, level)
        self.show_tier_events(r)

    def show_tier_events(self, r: StatusReport) -> None:
        """Tier raises no admin has acknowledged yet, with Acknowledge for admins."""
        events = r.open_tier_events
        if not events:
            self.tier_events.value = ""
            self.tier_box.layout.display = "none"
            return
        items = "".join(f'<li data-id="{int(e.id)}">{esc(e.text)}</li>' for e in events)
        self.tier_events.value = (
            f'<div class="mcw-alert mcw-alert-exceeded" role="status" data-level="exceeded" '
            f'data-count="{len(events)}"><b>The marketing contacts exceeded the contact tier</b>, '
            f'so it was raised at once:<ul>{items}</ul></div>')
        me = self.app.me()
        self.ack_button.layout.display = None if (me is not None and me.role == "admin") else "none"
        self.tier_box.layout.display = None

    def acknowledge(self) -> None:
        """An admin acknowledges the tier raises shown (the Overview then stops showing them)."""
        ids = [e.id for e in (self.report.open_tier_events if self.report else ())]
        try:
            self.app.acknowledge_tier_events(ids)  # notifies: the panel refreshes
            self.refresh()
            self.message.value = ""
        except Exception as e:
            log_exception("acknowledging tier events failed")
            self.message.value = error_html(f"Could not acknowledge: {first_line(e)}")

    @staticmethod
    def _alerts_html(r: StatusReport, level: str) -> str:
        data = esc(",".join(r.alerts))
        if level == "none":
            return (f'<div class="mcw-alert mcw-alert-none" data-level="none" data-alerts="">'
                    f'Usage is {r.usage_percent:.1f} % of the contact tier, below the 75 % alert.</div>')
        key = "exceeded" if level == "exceeded" else f"{level}%"
        return (f'<div class="mcw-alert mcw-alert-{level}" role="status" data-level="{level}" '
                f'data-alerts="{data}">{ALERT_TEXT[key]} {r.marketing:,} of {r.tier:,} marketing contacts '
                f'({r.usage_percent:.1f} %); {r.projected_marketing:,} after {esc(_day(r.next_update_date))}.</div>')

    # ---- events ------------------------------------------------------------------
    def on_show(self) -> None:
        """The dashboard calls this when the Overview tab is selected."""
        self.chart.on_show()

    def _on_change(self) -> None:
        try:
            self.refresh()
            self.message.value = ""
        except Exception as e:  # a view must not break the action that notified it
            log_exception("overview refresh failed")
            self.message.value = error_html(f"Could not refresh the overview: {first_line(e)}")
