"""The savings planner's service: the plan from the store, and the least-engaged selection
as a filter that selects exactly the first n candidates (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest

from mcwidgets.domain.billing import local_date
from mcwidgets.domain.errors import ValidationError
from mcwidgets.services import account, counting, savings
from tests.conftest import ADMIN, NOW
from tests.services.helpers import all_states, make_contact

TZ = "Europe/Amsterdam"
SMALL_STEPS = {"professional": {"included": 2, "step": 2}}


def at(days, hour=12):
    return (NOW - timedelta(days=days)).replace(hour=hour)


# (state, fields) in creation order
PEOPLE = [
    ("marketing", dict(last_activity_at=at(1))),
    ("marketing", dict(last_activity_at=at(30))),
    ("marketing", dict()),
    ("marketing", dict(hard_bounced=True, last_activity_at=at(2))),
    ("marketing", dict(unsubscribed=True)),
    ("marketing", dict(last_activity_at=at(30, hour=8))),
    ("pending", dict()),
    ("non_marketing", dict()),
    ("marketing", dict()),
    ("marketing", dict(hard_bounced=True, unsubscribed=True, last_activity_at=at(40))),
    ("marketing", dict(last_activity_at=at(2, hour=0))),
    ("marketing", dict(last_activity_at=at(3, hour=23))),  # the next day in Amsterdam
]


@pytest.fixture
def people(ctx):
    account.configure(ctx, ADMIN, timezone=TZ, tier_steps=SMALL_STEPS)
    rows = []
    for i, (state, fields) in enumerate(PEOPLE):
        cid = make_contact(ctx, state, i, **fields)
        rows.append(dict(id=cid, state=state, **fields))
    return rows


def expected_order(rows):
    def key(r):
        engaged = not (r.get("hard_bounced") or r.get("unsubscribed"))
        active = r.get("last_activity_at")
        d = local_date(active, TZ) if active else None
        return (engaged, d is not None, d.toordinal() if d else 0, r["id"])

    return [r["id"] for r in sorted((r for r in rows if r["state"] == "marketing"), key=key)]


def matching_ids(ctx, f) -> list[int]:
    page = counting.count(ctx, f)
    from mcwidgets.services import paging

    rows = paging.page(ctx, selection_or_filter=f, sort="id", size=500).rows
    assert len(rows) == page
    return sorted(r["id"] for r in rows)


def test_least_engaged_selects_exactly_the_first_n(ctx, people):
    order = expected_order(people)
    assert len(order) == 10
    for n in range(1, len(order)):
        le = savings.least_engaged(ctx, n)
        assert le.count == n, n
        assert matching_ids(ctx, le.filter) == sorted(order[:n]), n


def test_least_engaged_more_than_candidates_gives_all_candidates(ctx, people):
    le = savings.least_engaged(ctx, 50)
    assert (le.count, le.wanted) == (10, 50)
    assert matching_ids(ctx, le.filter) == sorted(expected_order(people))


def test_least_engaged_changes_nothing(ctx, people):
    before = all_states(ctx)
    savings.least_engaged(ctx, 4)
    savings.plan(ctx)
    assert all_states(ctx) == before


def test_least_engaged_without_candidates(ctx):
    make_contact(ctx, "pending")
    make_contact(ctx, "non_marketing")
    le = savings.least_engaged(ctx, 3)
    assert (le.filter, le.count) == (None, 0)


@pytest.mark.parametrize("wanted", [0, -1, True, "3", 2.5])
def test_least_engaged_refuses_bad_numbers(ctx, wanted):
    with pytest.raises(ValidationError):
        savings.least_engaged(ctx, wanted)


def test_plan_counts_pending_as_leaving_and_prices_the_saving(ctx, people):
    account.configure(ctx, ADMIN, tier=12, price_table={"professional": {"12": 120, "10": 100}})
    p = savings.plan(ctx)
    # 11 marketing (10 + 1 pending) -> 10 projected; the next lower tier is 10: it fits
    assert (p.tier, p.target, p.marketing, p.pending, p.projected, p.needed, p.state) == (12, 10, 11, 1, 10, 0,
                                                                                          "fits")
    assert p.saving == 20.0
    make_contact(ctx, "marketing", 99)
    p = savings.plan(ctx)
    assert (p.projected, p.needed, p.state) == (11, 1, "remove")
    assert p.update_date == account.get_info(ctx).next_update_date


def test_plan_on_the_lowest_tier(ctx):
    make_contact(ctx, "marketing")
    p = savings.plan(ctx)  # the default professional tier, 2,000: the smallest
    assert (p.target, p.state) == (None, "lowest")


def test_plan_with_a_projected_count(ctx, people):
    account.configure(ctx, ADMIN, tier=12)
    assert savings.plan(ctx, projected=4).needed == 0
    assert savings.plan(ctx, projected=13).needed == 3
    with pytest.raises(ValidationError):
        savings.plan(ctx, projected=-1)


def test_plan_from_a_status_just_read_does_not_count_again(ctx, people, monkeypatch):
    """The Overview passes the status it has just read: the plan is the same, without a
    second read of the status counts (the slow read at 10,000,000 contacts)."""
    from mcwidgets.services import usage
    from mcwidgets.store import queries

    account.configure(ctx, ADMIN, tier=12, price_table={"professional": {"12": 120, "10": 100}})
    report = usage.status(ctx)
    expected = savings.plan(ctx)
    counted = []
    real = queries.status_counts
    monkeypatch.setattr(queries, "status_counts", lambda *a, **k: counted.append(1) or real(*a, **k))
    assert savings.plan(ctx, report=report) == expected
    assert savings.plan(ctx, projected=13, report=report).needed == 3
    assert counted == []
