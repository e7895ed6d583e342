"""The savings planner's rules: the next lower tier, how many must leave, the saving, and
the least-engaged ranking as one filter (checked by evaluating it in plain Python)."""

from datetime import date, datetime, timedelta

import pytest

from mcwidgets.domain import savings
from mcwidgets.domain.filters import bind
from mcwidgets.domain.filters.parsing import parse_filter

UPDATE = date(2026, 12, 26)
PRO_PRICES = {"professional": {"2000": 800, "7000": 1300, "12000": 1800}}


@pytest.mark.parametrize("edition, tier, marketing, pending, extra, want", [
    # an ordinary case: 12,000 -> 7,000, projected 9,000 - 1,500 = 7,500: 500 must leave
    ("professional", 12_000, 9_000, 1_500, {}, dict(target=7_000, needed=500, state="remove")),
    # already on the lowest tier: nothing to plan
    ("professional", 2_000, 1_500, 0, {}, dict(target=None, needed=0, state="lowest")),
    ("starter", 1_000, 900, 0, {}, dict(target=None, needed=0, state="lowest")),
    # pending contacts are already counted as leaving: 7,500 - 600 fits 7,000
    ("professional", 12_000, 7_500, 600, {}, dict(target=7_000, needed=0, state="fits", lowest_fitting=7_000)),
    # nothing to remove: no marketing contacts at all
    ("professional", 12_000, 0, 0, {}, dict(target=7_000, needed=0, state="fits", lowest_fitting=2_000)),
    # exactly at the lower tier fits
    ("professional", 12_000, 7_000, 0, {}, dict(target=7_000, needed=0, state="fits")),
    # starter steps of 1,000; enterprise of 10,000
    ("starter", 3_000, 2_400, 100, {}, dict(target=2_000, needed=300, state="remove")),
    ("enterprise", 1_000_000, 995_000, 0, {}, dict(target=990_000, needed=5_000, state="remove")),
    # a tier off the steps (configuration changed): the largest valid tier below it
    ("professional", 10_000, 8_000, 0, {}, dict(target=7_000, needed=1_000)),
    # configured steps
    ("professional", 12, 11, 1, {"tier_steps": {"professional": {"included": 2, "step": 2}}},
     dict(target=10, needed=0, state="fits")),
    # the wizard's review: the projected count after its update is given
    ("professional", 12_000, 9_000, 0, {"projected": 7_200}, dict(target=7_000, needed=200, projected=7_200)),
    # prices: the monthly saving
    ("professional", 12_000, 9_000, 0, {"price_table": PRO_PRICES}, dict(saving=500.0, price_now=1800.0)),
    # no price for the edition, or for one of the two tiers: no saving claimed
    ("professional", 12_000, 9_000, 0, {"price_table": {"starter": {"1000": 50}}}, dict(saving=None)),
    ("professional", 12_000, 9_000, 0, {"price_table": {"professional": {"12000": 1800}}},
     dict(saving=None, price_now=1800.0, price_target=None)),
    ("professional", 12_000, 9_000, 0, {}, dict(saving=None)),
    # a lower tier already requested
    ("professional", 12_000, 6_000, 0, {"requested_tier": 7_000}, dict(requested=True, state="fits")),
    ("professional", 17_000, 6_000, 0, {"requested_tier": 12_000}, dict(target=12_000, requested=True)),
    ("professional", 17_000, 6_000, 0, {}, dict(requested=False, lowest_fitting=7_000)),
])
def test_plan(edition, tier, marketing, pending, extra, want):
    p = savings.plan(edition=edition, tier=tier, marketing=marketing, pending=pending, update_date=UPDATE, **extra)
    got = {k: getattr(p, k) for k in want}
    assert got == want


def test_candidates_exclude_pending():
    p = savings.plan(edition="professional", tier=12_000, marketing=9_000, pending=1_500, update_date=UPDATE)
    assert (p.projected, p.candidates) == (7_500, 7_500)


@pytest.mark.parametrize("edition, tier, expected", [
    ("professional", 2_000, None), ("professional", 7_000, 2_000), ("professional", 7_001, 7_000),
    ("starter", 1_000, None), ("starter", 5_000, 4_000), ("enterprise", 20_000, 10_000), ("professional", 500, None),
])
def test_next_lower_tier(edition, tier, expected):
    assert savings.next_lower_tier(edition, tier) == expected


# ---- the ranking as a filter ------------------------------------------------------------

NOW = datetime(2026, 11, 26, 12, 0)
TZ = "Europe/Amsterdam"


def contact(i, *, status="marketing", pending=False, bounced=False, unsub=False, active=None):
    return {"id": i, "marketing_status": status, "pending_non_marketing": pending, "hard_bounced": bounced,
            "unsubscribed": unsub, "last_activity_at": active}


def day_ago(days, hour=12):
    return (NOW - timedelta(days=days)).replace(hour=hour)


PEOPLE = [
    contact(1, active=day_ago(1)),
    contact(2, active=day_ago(30)),
    contact(3, active=None),
    contact(4, bounced=True, active=day_ago(2)),
    contact(5, unsub=True, active=None),
    contact(6, active=day_ago(30, hour=8)),  # the same local day as 2, earlier: ranked by id within the day
    contact(7, pending=True, active=None),  # already leaving: never a candidate
    contact(8, status="non_marketing", active=None),  # not billed: never a candidate
    contact(9, active=None),
    contact(10, bounced=True, unsub=True, active=day_ago(40)),
    contact(11, active=day_ago(2, hour=0)),
    contact(12, active=day_ago(3, hour=23)),  # 23:00 UTC is the next day in Amsterdam: the day of 11
]


def local_day(dt):
    from mcwidgets.domain.billing import local_date

    return None if dt is None else local_date(dt, TZ)


def rank_key(c):
    engaged = not (c["hard_bounced"] or c["unsubscribed"])
    d = local_day(c["last_activity_at"])
    return (engaged, d is not None, d or date.min, c["id"])


def ranked():
    cands = [c for c in PEOPLE if c["marketing_status"] == "marketing" and not c["pending_non_marketing"]]
    return sorted(cands, key=rank_key)


def boundary_of(levels, n):
    """What the service finds with queries, found here by sorting."""
    b = ranked()[n - 1]
    keys = ["engaged" if not (b["hard_bounced"] or b["unsubscribed"]) else "unengaged", local_day(b["last_activity_at"])]
    return savings.Boundary(keys=keys, last_id=b["id"])


@pytest.mark.parametrize("n", range(1, 11))
def test_ranked_filter_selects_exactly_the_first_n(n):
    f = savings.ranked_filter(savings.BUILT_IN_LEVELS, boundary_of(savings.BUILT_IN_LEVELS, n))
    parse_filter(f)  # a valid filter
    bound = bind(f, NOW, TZ)
    chosen = sorted(c["id"] for c in PEOPLE if bound.matches(c))
    assert chosen == sorted(c["id"] for c in ranked()[:n])


def test_ranking_order_least_engaged_first():
    # unengaged first (by day, id), then never active (by id), then oldest activity
    assert [c["id"] for c in ranked()] == [5, 10, 4, 3, 9, 2, 6, 11, 12, 1]


def test_candidates_filter_is_marketing_not_pending():
    bound = bind(savings.candidates_filter(), NOW, TZ)
    assert sorted(c["id"] for c in PEOPLE if bound.matches(c)) == [1, 2, 3, 4, 5, 6, 9, 10, 11, 12]


def test_engagement_levels_hook_places_custom_properties_before_last_activity():
    levels = savings.engagement_levels(("email_opens",))
    assert [lv.name for lv in levels] == ["unengaged", "email_opens", "last_activity_at"]
    assert savings.engagement_levels() == savings.BUILT_IN_LEVELS
    assert "email_opens" in savings.describe_ranking(levels)


def test_incomplete_boundary_refused():
    with pytest.raises(ValueError):
        savings.ranked_filter(savings.BUILT_IN_LEVELS, savings.Boundary(keys=["engaged"], last_id=3))
