"""Plotly figures of the dashboard, as pure functions of service results.

No database and no widgets here: ``usage_figure`` takes the rows the services
return and gives back a ``go.Figure`` that tests can inspect (``fig.data``,
``fig.layout``) and that :class:`mcwidgets.widgets.usage_chart.UsageChart`
shows in a ``FigureWidget``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import plotly.graph_objects as go

from ..domain import tiers
from ..services.usage import SnapshotRow, StatusReport
from .panel_kit import day as day_text

HEIGHT = 420

# Trace names: public, the browser tests and the widget tests look them up.
MARKETING = "Marketing contacts"
STAYING = "Staying marketing"
PENDING = "Pending (leave at next update)"
TIER = "Tier"
PROJECTED = "Projected at next update"
NON_MARKETING = "Non-marketing contacts"
REQUESTED = "Requested tier"  # a requested lower tier that fits the projection: it applies at the update date
REQUESTED_NOT_FITTING = "Requested tier (will not fit)"  # dashed: the tier stays unless contacts leave

COLORS = {
    MARKETING: "#1d4ed8",
    STAYING: "rgba(59, 130, 246, 0.18)",
    PENDING: "rgba(245, 158, 11, 0.55)",
    TIER: "#111827",
    PROJECTED: "#047857",
    NON_MARKETING: "#9ca3af",
    REQUESTED: "#7c3aed",
    REQUESTED_NOT_FITTING: "#7c3aed",
}
THRESHOLD_COLORS = {75: "#ca8a04", 90: "#ea580c", 98: "#dc2626"}


def _local_date(t: datetime, tz: str | None) -> date:
    """A snapshot instant (naive UTC, as stored) as a date in the account's time zone."""
    if tz is None:
        return t.date()
    aware = t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    return aware.astimezone(ZoneInfo(tz)).date()


def daily_points(history: list[SnapshotRow], report: StatusReport, today: date,
                 tz: str | None = None) -> list[tuple[date, int, int, int, int]]:
    """One point a day, ``(day, marketing, pending, non_marketing, tier)``: the last
    snapshot of each day, and today's point from the current report (so the chart
    agrees with the counts shown next to it, even right after an action)."""
    by_day: dict[date, tuple[int, int, int, int]] = {}
    for row in sorted(history, key=lambda r: r.taken_at):
        day = _local_date(row.taken_at, tz)
        if day <= today:
            by_day[day] = (row.marketing, row.pending, row.non_marketing, row.tier)
    by_day[today] = (report.marketing, report.pending, report.non_marketing, report.tier)
    return [(day, *by_day[day]) for day in sorted(by_day)]


def usage_figure(history: list[SnapshotRow], report: StatusReport, *, today: date,
                 width: int | None = None, tz: str | None = None) -> go.Figure:
    """Marketing contacts over time against the tier, with the projection at the next update.

    - ``Staying marketing`` + ``Pending (leave at next update)``: a stacked area whose
      top is the marketing count; the pending part is drawn in its own colour.
    - ``Marketing contacts``: the marketing count as a line.
    - ``Tier``: a step line (``line_shape="hv"``), carried on to the next update date
      (with a requested lower tier applied there if the projected count fits).
    - ``Requested tier`` (when a lower tier is requested and the projected count fits it):
      the requested tier from the next update date on, where the tier steps down to it;
      ``Requested tier (will not fit)``, dashed, when it does not fit (the tier stays).
    - ``Projected at next update``: from today's count to ``report.projected_marketing``
      at ``report.next_update_date``, with a marker and an annotation.
    - The 75/90/98 % alert thresholds of the current tier as dotted horizontal shapes
      (``shape.name`` = ``"alert-75"`` ...), labelled in the right margin.
    - ``Non-marketing contacts``: hidden until clicked in the legend.
    """
    points = daily_points(history, report, today, tz)
    days = [p[0] for p in points]
    marketing = [p[1] for p in points]
    pending = [min(p[2], p[1]) for p in points]
    non_marketing = [p[3] for p in points]
    tier_values = [p[4] for p in points]
    staying = [m - p for m, p in zip(marketing, pending)]
    nxt = report.next_update_date
    tier_next = tiers.tier_at_update_date(report.tier, report.requested_tier, report.projected_marketing)

    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=days, y=staying, name=STAYING, mode="lines", stackgroup="marketing",
        line=dict(width=0, color=COLORS[STAYING]), fillcolor=COLORS[STAYING],
        hovertemplate="%{y:,}<extra>" + STAYING + "</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=days, y=pending, name=PENDING, mode="lines", stackgroup="marketing",
        line=dict(width=0, color=COLORS[PENDING]), fillcolor=COLORS[PENDING],
        hovertemplate="%{y:,}<extra>" + PENDING + "</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=days, y=marketing, name=MARKETING, mode="lines+markers" if len(days) < 3 else "lines",
        line=dict(width=2.5, color=COLORS[MARKETING]),
        hovertemplate="%{y:,}<extra>" + MARKETING + "</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=days + [nxt], y=tier_values + [tier_next], name=TIER, mode="lines", line_shape="hv",
        line=dict(width=2, color=COLORS[TIER]),
        hovertemplate="%{y:,}<extra>" + TIER + "</extra>",
    ))
    first = days[0] if days else today
    x_end = nxt + timedelta(days=max(2, (nxt - first).days // 30))
    requested = report.requested_tier
    if requested is not None and requested < report.tier:
        fits = tier_next == requested
        name = REQUESTED if fits else REQUESTED_NOT_FITTING
        fig.add_trace(go.Scatter(
            x=[nxt, x_end], y=[requested, requested], name=name, mode="lines",
            line=dict(width=2, dash="solid" if fits else "dash", color=COLORS[name]),
            hovertemplate="%{y:,}<extra>" + name + "</extra>",
        ))
    fig.add_trace(go.Scatter(
        x=[today, nxt], y=[report.marketing, report.projected_marketing], name=PROJECTED,
        mode="lines+markers", line=dict(width=2, dash="dash", color=COLORS[PROJECTED]),
        marker=dict(size=[0, 11], color=COLORS[PROJECTED], symbol="diamond"),
        hovertemplate="%{x|%-d %b %Y}: %{y:,}<extra>" + PROJECTED + "</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=days, y=non_marketing, name=NON_MARKETING, mode="lines", visible="legendonly",
        line=dict(width=1.5, dash="dot", color=COLORS[NON_MARKETING]),
        hovertemplate="%{y:,}<extra>" + NON_MARKETING + "</extra>",
    ))

    shapes, labels = [], []
    for t in tiers.ALERT_THRESHOLDS:
        y = report.tier * t / 100
        shapes.append(dict(
            type="line", name=f"alert-{t}", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y,
            line=dict(color=THRESHOLD_COLORS[t], width=1, dash="dot"), layer="below",
        ))
        # Labelled in the right margin, clear of the data.
        labels.append(dict(
            name=f"alert-{t}-label", text=f"{t} %", xref="paper", x=1.0, xanchor="left", xshift=4,
            yref="y", y=y, yanchor="middle", showarrow=False, font=dict(size=10, color=THRESHOLD_COLORS[t]),
        ))
    # The next update date as a thin vertical guide.
    shapes.append(dict(
        type="line", name="next-update", xref="x", x0=nxt, x1=nxt, yref="paper", y0=0, y1=1,
        line=dict(color="#6b7280", width=1, dash="dot"), layer="below",
    ))

    fig.update_layout(
        title=dict(text="Marketing contacts and tier", x=0.01, xanchor="left"),
        height=HEIGHT,
        autosize=width is None,
        margin=dict(l=70, r=50, t=60, b=90),
        template="plotly_white",
        hovermode="x unified",
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0, traceorder="normal"),
        xaxis=dict(type="date",  # no axis title: the ticks are dates, and a title would meet the legend
                   range=[first - timedelta(days=1), x_end]),
        yaxis=dict(title=dict(text="Contacts"), rangemode="tozero", tickformat=","),
        shapes=shapes,
        annotations=[dict(
            name="projection", x=nxt, y=report.projected_marketing, xref="x", yref="y",
            text=f"{report.projected_marketing:,} after {day_text(nxt)}",
            showarrow=True, arrowhead=2, ax=-60,
            # below the marker (clear of the threshold lines above it) unless it is near the bottom
            ay=36 if report.projected_marketing > 0.3 * max(report.tier, report.marketing, 1) else -36, font=dict(size=11, color=COLORS[PROJECTED]),
            bgcolor="rgba(255,255,255,0.85)",
        )] + labels,
    )
    if width is not None:
        fig.update_layout(width=width)
    return fig
