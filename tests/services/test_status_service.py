"""The status table through the services, on SQLite and PostgreSQL, with audit rows."""

import pytest

from mcwidgets.domain import status as rules
from mcwidgets.domain.errors import NotFound, PermissionDenied
from mcwidgets.domain.selection import Selection
from mcwidgets.services import status, usage
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import all_states, audit_rows, make_contact, state_of

STATE = {"marketing": rules.MARKETING, "pending": rules.PENDING, "non_marketing": rules.NON_MARKETING}


@pytest.mark.parametrize("start, action, expected", [
    ("non_marketing", "set_marketing", ("marketing", False)),
    ("marketing", "set_non_marketing", ("marketing", True)),
    ("pending", "set_marketing", ("marketing", False)),
    ("non_marketing", "set_non_marketing", ("non_marketing", False)),
    ("marketing", "set_marketing", ("marketing", False)),
    ("pending", "set_non_marketing", ("marketing", True)),
])
def test_status_table_through_services(ctx, start, action, expected):
    cid = make_contact(ctx, start)
    result = getattr(status, action)(ctx, ALICE, Selection.of_ids([cid]))
    assert state_of(ctx, cid) == expected
    # The SQL agrees with the pure domain rule for this state.
    domain_result = getattr(rules, action)(STATE[start])
    assert (domain_result.status.value, domain_result.pending) == expected
    changed = expected != (STATE[start].status.value, STATE[start].pending)
    assert result.matched == 1 and result.changed == int(changed)
    rows = audit_rows(ctx, result.action_id)
    if changed:
        old = STATE[start]
        assert rows == [(cid, old.status.value, expected[0], old.pending, expected[1])]
    else:
        assert rows == []


def test_bulk_change_is_one_action_with_one_audit_row_per_changed_contact(ctx):
    m = [make_contact(ctx, "marketing", i) for i in range(4)]
    p = make_contact(ctx, "pending")
    n = make_contact(ctx, "non_marketing")
    result = status.set_non_marketing(ctx, ADMIN, Selection.of_ids(m + [p, n]))
    assert (result.matched, result.changed) == (6, 4)
    assert [r[0] for r in audit_rows(ctx, result.action_id)] == sorted(m)
    assert {state_of(ctx, c) for c in m} == {("marketing", True)}
    assert state_of(ctx, p) == ("marketing", True) and state_of(ctx, n) == ("non_marketing", False)


def test_large_id_selection_is_bound_as_one_parameter(ctx):
    ids = [make_contact(ctx, "marketing", i) for i in range(3)]
    # Thousands of ids that mostly do not exist: still one statement, no parameter limit hit.
    result = status.set_non_marketing(ctx, ADMIN, Selection.of_ids(ids + list(range(10_000, 45_000))))
    assert (result.matched, result.changed) == (3, 3)


def test_user_without_permission_cannot_set_marketing_and_nothing_changes(ctx):
    cid = make_contact(ctx, "non_marketing")
    before = audit_rows(ctx)
    with pytest.raises(PermissionDenied, match="bob does not have the 'Edit marketing contacts' permission"):
        status.set_marketing(ctx, BOB, Selection.of_ids([cid]))
    assert state_of(ctx, cid) == ("non_marketing", False)
    assert audit_rows(ctx) == before


def test_user_without_permission_may_still_set_non_marketing(ctx):
    cid = make_contact(ctx, "marketing")
    status.set_non_marketing(ctx, BOB, Selection.of_ids([cid]))
    assert state_of(ctx, cid) == ("marketing", True)


def test_unknown_user_is_refused(ctx):
    from mcwidgets.domain.actors import Actor, ActorKind

    cid = make_contact(ctx, "marketing")
    with pytest.raises(NotFound, match="unknown user 'mallory'"):
        status.set_non_marketing(ctx, Actor(ActorKind.USER, "mallory"), Selection.of_ids([cid]))
    assert state_of(ctx, cid) == ("marketing", False)


def test_lower_tier_applies_at_update_date_and_exceeding_upgrades_at_once(ctx, clock):
    from datetime import datetime, timezone

    from mcwidgets.services import account, rollover

    clock.set(datetime(2026, 12, 26, 0, 1, tzinfo=timezone.utc))
    rollover.rollover(ctx)  # an update date processed: the account is no longer being set up
    # Tiny steps so a handful of contacts crosses tiers.
    account.configure(ctx, ADMIN, edition="starter", tier_steps={"starter": {"included": 2, "step": 2}})
    assert account.get_info(ctx).tier == 2_000  # still a valid starter tier: kept
    account.configure(ctx, ADMIN, tier=2)
    info = account.get_info(ctx)
    assert (info.tier, info.requested_tier) == (2_000, 2)  # lower: only requested
    clock.set(datetime(2027, 1, 26, 0, 1, tzinfo=timezone.utc))  # the next update date
    assert usage.status(ctx).tier == 2  # 0 marketing contacts fit
    ids = [make_contact(ctx, "non_marketing", i) for i in range(5)]
    result = status.set_marketing(ctx, ALICE, Selection.of_ids(ids))
    assert (result.tier_before, result.tier_after) == (2, 6)  # 5 > 2: smallest fitting tier at once
    status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids))
    assert usage.status(ctx).tier == 6  # never lowered automatically


def test_status_report_counts(ctx):
    for i in range(3):
        make_contact(ctx, "marketing", i)
    for i in range(2):
        make_contact(ctx, "pending", i)
    make_contact(ctx, "non_marketing")
    r = usage.status(ctx)
    assert (r.marketing, r.pending, r.non_marketing, r.total, r.projected_marketing) == (5, 2, 1, 6, 3)
    assert set(r.as_json()) >= {"marketing", "non_marketing", "pending", "total", "tier", "edition",
                                "next_update_date", "projected_marketing"}
    assert all_states(ctx)
