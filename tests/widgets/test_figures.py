"""usage_figure: a pure function of service rows; assertions on fig.data / fig.layout."""

from datetime import date, datetime, timedelta

import pytest

from mcwidgets.services.usage import SnapshotRow, StatusReport
from mcwidgets.widgets import figures
from mcwidgets.widgets.figures import usage_figure

TODAY = date(2026, 11, 26)


def report(**kw) -> StatusReport:
    base = dict(marketing=1_600, non_marketing=1_400, pending=150, total=3_000, tier=2_000,
                edition="professional", next_update_date=date(2026, 12, 26), projected_marketing=1_450,
                requested_tier=None, usage_percent=80.0, alerts=("75%",))
    base.update(kw)
    return StatusReport(**base)


def snapshots(days: int = 30, tier: int = 2_000) -> list[SnapshotRow]:
    start = datetime(2026, 11, 26, 12) - timedelta(days=days - 1)
    return [SnapshotRow(start + timedelta(days=i), 1_000 + 10 * i, 100, 1_200, 2_200 + 10 * i, tier, "daily")
            for i in range(days)]


def trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def test_traces_present_and_named():
    fig = usage_figure(snapshots(), report(), today=TODAY)
    assert [t.name for t in fig.data] == [figures.STAYING, figures.PENDING, figures.MARKETING, figures.TIER,
                                          figures.PROJECTED, figures.NON_MARKETING]


def test_today_point_is_the_current_report_not_the_older_snapshot():
    fig = usage_figure(snapshots(), report(marketing=1_700, pending=170), today=TODAY)
    m = trace(fig, figures.MARKETING)
    assert list(m.x)[-1] == TODAY and list(m.y)[-1] == 1_700
    assert len(m.x) == 30  # one point per day
    # the stack of staying + pending adds up to the marketing count, pending drawn apart
    staying, pending = trace(fig, figures.STAYING), trace(fig, figures.PENDING)
    assert staying.stackgroup == pending.stackgroup == "marketing"
    assert [s + p for s, p in zip(staying.y, pending.y)] == list(m.y)
    assert list(pending.y)[-1] == 170
    assert pending.fillcolor != staying.fillcolor


def test_tier_is_a_step_line_to_the_next_update_date():
    fig = usage_figure(snapshots(tier=2_000), report(tier=7_000), today=TODAY)
    tier = trace(fig, figures.TIER)
    assert tier.line.shape == "hv"
    assert list(tier.x)[-1] == date(2026, 12, 26)
    assert list(tier.y)[0] == 2_000 and list(tier.y)[-2:] == [7_000, 7_000]


def test_requested_lower_tier_shows_at_the_next_update_only_if_it_fits():
    fits = usage_figure([], report(tier=7_000, requested_tier=2_000, projected_marketing=1_900), today=TODAY)
    assert list(trace(fits, figures.TIER).y) == [7_000, 2_000]
    too_big = usage_figure([], report(tier=7_000, requested_tier=2_000, projected_marketing=2_100), today=TODAY)
    assert list(trace(too_big, figures.TIER).y) == [7_000, 7_000]


def test_projection_marked_at_the_next_update_date():
    fig = usage_figure(snapshots(), report(), today=TODAY)
    proj = trace(fig, figures.PROJECTED)
    assert list(proj.x) == [TODAY, date(2026, 12, 26)] and list(proj.y) == [1_600, 1_450]
    assert list(proj.marker.size)[-1] > 0
    note = [a for a in fig.layout.annotations if a.name == "projection"][0]
    assert note.x == date(2026, 12, 26) and note.y == 1_450 and "1,450" in note.text


def test_the_projection_says_its_date_in_the_one_date_format():
    """Issue 13 item 6: "1 Jan 2027" as everywhere else on the dashboard, not "01 Jan 2027"."""
    from mcwidgets.widgets.panel_kit import day

    fig = usage_figure(snapshots(), report(next_update_date=date(2027, 1, 1)), today=TODAY)
    note = [a for a in fig.layout.annotations if a.name == "projection"][0]
    assert note.text == "1,450 after 1 Jan 2027" == f"1,450 after {day(date(2027, 1, 1))}"


def test_alert_thresholds_are_dotted_lines_at_75_90_98_percent_of_the_tier():
    fig = usage_figure(snapshots(), report(tier=2_000), today=TODAY)
    lines = {s.name: s for s in fig.layout.shapes}
    for t in (75, 90, 98):
        s = lines[f"alert-{t}"]
        assert s.y0 == s.y1 == 2_000 * t / 100 and s.line.dash == "dot" and s.xref == "paper"
        assert any(a.name == f"alert-{t}-label" and a.text == f"{t} %" for a in fig.layout.annotations)


def test_layout_titles_height_and_width():
    fig = usage_figure(snapshots(), report(), today=TODAY, width=900)
    assert fig.layout.title.text and fig.layout.xaxis.type == "date"
    assert fig.layout.yaxis.title.text == "Contacts"
    assert fig.layout.height == figures.HEIGHT and fig.layout.width == 900 and fig.layout.autosize is False
    auto = usage_figure(snapshots(), report(), today=TODAY)
    assert auto.layout.width is None and auto.layout.autosize is True


def test_empty_history_still_draws_today_tier_and_projection():
    r = report(marketing=0, non_marketing=0, pending=0, total=0, projected_marketing=0, usage_percent=0.0,
               alerts=())
    fig = usage_figure([], r, today=TODAY)
    assert list(trace(fig, figures.MARKETING).x) == [TODAY]
    assert list(trace(fig, figures.TIER).y) == [2_000, 2_000]


def test_last_snapshot_of_a_day_wins_and_time_zone_decides_the_day():
    rows = [SnapshotRow(datetime(2026, 11, 25, 1), 10, 0, 0, 10, 2_000, "daily"),
            SnapshotRow(datetime(2026, 11, 25, 23, 30), 20, 0, 0, 20, 2_000, "rollover")]
    utc = usage_figure(rows, report(), today=TODAY)
    assert list(trace(utc, figures.MARKETING).y)[:1] == [20]
    # in Amsterdam (UTC+1) 23:30 UTC is already the 26th: today's point is the report's
    ams = usage_figure(rows, report(), today=TODAY, tz="Europe/Amsterdam")
    assert list(trace(ams, figures.MARKETING).y) == [10, 1_600]


@pytest.mark.parametrize("marketing", [0, 1, 10**6])
def test_counts_of_any_size(marketing):
    r = report(marketing=marketing, pending=0, projected_marketing=marketing)
    fig = usage_figure(snapshots(3), r, today=TODAY)
    assert list(trace(fig, figures.MARKETING).y)[-1] == marketing


def test_requested_tier_is_drawn_from_the_next_update_date_with_a_legend_entry():
    nxt = date(2026, 12, 26)
    fits = usage_figure(snapshots(tier=7_000), report(tier=7_000, requested_tier=2_000, projected_marketing=1_900),
                        today=TODAY)
    req = trace(fits, figures.REQUESTED)
    assert list(req.x)[0] == nxt and list(req.y) == [2_000, 2_000] and list(req.x)[-1] > nxt
    assert req.line.dash == "solid" and req.showlegend is not False
    assert list(trace(fits, figures.TIER).y)[-1] == 2_000  # the tier steps down at the update date
    assert figures.REQUESTED_NOT_FITTING not in [t.name for t in fits.data]

    too_big = usage_figure(snapshots(tier=7_000), report(tier=7_000, requested_tier=2_000,
                                                         projected_marketing=2_100), today=TODAY)
    req = trace(too_big, figures.REQUESTED_NOT_FITTING)
    assert req.line.dash == "dash" and list(req.y) == [2_000, 2_000]
    assert list(trace(too_big, figures.TIER).y)[-1] == 7_000  # the tier stays
    assert figures.REQUESTED not in [t.name for t in too_big.data]

    none = usage_figure(snapshots(), report(), today=TODAY)
    assert not {figures.REQUESTED, figures.REQUESTED_NOT_FITTING} & {t.name for t in none.data}
