"""The savings planner ranks by engagement properties when the account has them (last open
date, then opens), by last activity otherwise; the filter selects exactly the first n
(SQLite and PostgreSQL)."""

from datetime import date, datetime, timedelta

import pytest

from mcwidgets.domain.billing import local_date
from mcwidgets.services import account, counting, paging, properties, savings
from tests.conftest import ADMIN, NOW
from tests.services.helpers import make_contact

TZ = "Europe/Amsterdam"
LAST, OPENS = "last_marketing_email_open_date", "hs_email_open"


def at(days, hour=12):
    return (NOW - timedelta(days=days)).replace(hour=hour, tzinfo=None)


# (state, built-in fields, custom values) in creation order
PEOPLE = [
    ("marketing", dict(last_activity_at=at(1)), {LAST: "2026-10-01 10:00", OPENS: 5}),
    ("marketing", dict(last_activity_at=at(90)), {LAST: "2026-10-01 11:00", OPENS: 2}),  # same day, fewer opens
    ("marketing", dict(), {OPENS: 0}),  # never opened
    ("marketing", dict(last_activity_at=at(400)), {LAST: "2026-11-20 09:00", OPENS: 12}),  # old activity, recent open
    ("marketing", dict(last_activity_at=at(2)), {}),  # nothing known about e-mail
    ("marketing", dict(hard_bounced=True), {LAST: "2026-01-05 10:00", OPENS: 1}),
    ("marketing", dict(unsubscribed=True), {LAST: "2026-02-05 10:00"}),
    ("pending", dict(), {OPENS: 0}),
    ("non_marketing", dict(), {OPENS: 0}),
    ("marketing", dict(last_activity_at=at(3)), {LAST: "2026-10-01 22:30", OPENS: 1}),  # 2 Oct in Amsterdam
    ("marketing", dict(), {LAST: "2026-10-01 08:00"}),  # same day, opens unknown: before any count
    ("marketing", dict(last_activity_at=at(5)), {LAST: "2026-06-01 08:00", OPENS: 3}),
]


@pytest.fixture
def people(ctx):
    account.configure(ctx, ADMIN, timezone=TZ)
    properties.create_property(ctx, ADMIN, OPENS, "Marketing emails opened", "number")
    properties.create_property(ctx, ADMIN, LAST, "Last marketing email open date", "datetime")
    properties.create_property(ctx, ADMIN, "job_title", "Job Title", "text")
    rows = []
    for i, (state, fields, values) in enumerate(PEOPLE):
        cid = make_contact(ctx, state, i, **fields)
        if values:
            properties.set_values(ctx, ADMIN, cid, values)
        rows.append(dict(id=cid, state=state, values=values, **fields))
    return rows


def expected_order(rows):
    def key(r):
        engaged = not (r.get("hard_bounced") or r.get("unsubscribed"))
        last = r["values"].get(LAST)
        d = local_date(datetime.strptime(last, "%Y-%m-%d %H:%M"), TZ) if last else None
        opens = r["values"].get(OPENS)
        active = r.get("last_activity_at")
        a = local_date(active, TZ) if active else None
        return (engaged, d is not None, d or date.min, opens is not None, opens or 0, a is not None,
                a or date.min, r["id"])

    return [r["id"] for r in sorted((r for r in rows if r["state"] == "marketing"), key=key)]


def matching_ids(ctx, f) -> list[int]:
    rows = paging.page(ctx, selection_or_filter=f, sort="id", size=500).rows
    assert len(rows) == counting.count(ctx, f)
    return sorted(r["id"] for r in rows)


def test_engagement_properties_are_found(ctx, people):
    with ctx.read() as session:
        assert savings.engagement_properties(session) == ((LAST, OPENS), (LAST,))


def test_ranked_by_last_open_then_opens_exactly_the_first_n(ctx, people):
    order = expected_order(people)
    assert len(order) == 10
    # the order the engagement gives is not the last-activity order: the test can tell them apart
    by_activity = sorted(order[2:], key=lambda cid: next(
        (r.get("last_activity_at") is not None, r.get("last_activity_at") or datetime.min, cid)
        for r in people if r["id"] == cid))
    assert order[2:] != by_activity
    for n in range(1, len(order)):
        le = savings.least_engaged(ctx, n)
        assert le.count == n, n
        assert matching_ids(ctx, le.filter) == sorted(order[:n]), n
    le = savings.least_engaged(ctx, 5)
    assert "Last marketing email open date" in le.ranking and "Marketing emails opened" in le.ranking
    assert le.ranking.index("Last marketing email open date") < le.ranking.index("last activity")


def test_a_rating_alone_ranks(ctx):
    account.configure(ctx, ADMIN, timezone=TZ)
    properties.create_property(ctx, ADMIN, "member_rating", "MEMBER_RATING", "number")
    ids = []
    for i, (rating, days) in enumerate([(4, 300), (1, 1), (None, 2), (2, None), (1, 200)]):
        cid = make_contact(ctx, "marketing", i, **({"last_activity_at": at(days)} if days else {}))
        if rating is not None:
            properties.set_values(ctx, ADMIN, cid, {"member_rating": rating})
        ids.append(cid)
    # rating unknown first, then 1 (older activity first), 2, 4
    order = [ids[2], ids[4], ids[1], ids[3], ids[0]]
    for n in range(1, 5):
        assert matching_ids(ctx, savings.least_engaged(ctx, n).filter) == sorted(order[:n]), n


def test_without_engagement_properties_last_activity_ranks(ctx):
    account.configure(ctx, ADMIN, timezone=TZ)
    properties.create_property(ctx, ADMIN, "job_title", "Job Title", "text")
    properties.create_property(ctx, ADMIN, "marketing_emails_opened", "Marketing emails opened", "text")  # wrong type
    ids = [make_contact(ctx, "marketing", i, **({"last_activity_at": at(d)} if d else {}))
           for i, d in enumerate([5, None, 50, 1])]
    properties.set_values(ctx, ADMIN, ids[0], {"marketing_emails_opened": "0"})
    with ctx.read() as session:
        assert savings.engagement_properties(session) == ((), ())
    le = savings.least_engaged(ctx, 2)
    assert matching_ids(ctx, le.filter) == sorted([ids[1], ids[2]])
    assert "opened" not in le.ranking and "last activity" in le.ranking
