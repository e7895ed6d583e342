"""Rollover: pending contacts become non-marketing at the update date, once, atomically."""

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, rollover, status, usage
from mcwidgets.services.context import Context
from mcwidgets.store.models import Account, Action, AuditEvent, UsageSnapshot
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import all_states, audit_rows, make_contact, state_of

UTC = timezone.utc


def test_nothing_happens_before_the_update_date(ctx, clock):
    p = make_contact(ctx, "pending")
    clock.set(datetime(2026, 12, 25, 23, 59, tzinfo=UTC))  # next update date is 2026-12-26
    result = rollover.rollover(ctx)
    assert result.update_dates == () and result.changed == 0
    assert state_of(ctx, p) == ("marketing", True)


def test_pending_become_non_marketing_at_the_update_date(ctx, clock):
    m = make_contact(ctx, "marketing")
    p1, p2 = make_contact(ctx, "pending", 1), make_contact(ctx, "pending", 2)
    n = make_contact(ctx, "non_marketing")
    clock.set(datetime(2026, 12, 26, 0, 0, tzinfo=UTC))
    result = rollover.rollover(ctx)
    assert [d.isoformat() for d in result.update_dates] == ["2026-12-26"]
    assert result.changed == 2
    assert state_of(ctx, p1) == state_of(ctx, p2) == ("non_marketing", False)
    assert state_of(ctx, m) == ("marketing", False) and state_of(ctx, n) == ("non_marketing", False)
    (aid,) = result.action_ids
    assert audit_rows(ctx, aid) == [(p1, "marketing", "non_marketing", True, False),
                                    (p2, "marketing", "non_marketing", True, False)]
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(UsageSnapshot).where(UsageSnapshot.reason == "rollover")) == 1


def test_rollover_is_idempotent(ctx, clock):
    make_contact(ctx, "pending")
    clock.set(datetime(2026, 12, 27, tzinfo=UTC))
    first = rollover.rollover(ctx)
    second = rollover.rollover(ctx)
    assert first.changed == 1 and second.update_dates == () and second.changed == 0
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Action).where(Action.kind == "rollover")) == 1


def test_rollover_catches_up_over_missed_update_dates(ctx, clock):
    p = make_contact(ctx, "pending")
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    result = rollover.rollover(ctx)
    assert [d.isoformat() for d in result.update_dates] == ["2026-12-26", "2027-01-26", "2027-02-26"]
    assert result.changed == 1 and state_of(ctx, p) == ("non_marketing", False)
    assert account.get_info(ctx).last_update_processed.isoformat() == "2027-02-26"


def test_actions_apply_due_rollover_first(ctx, clock):
    """Lazily: a contact set pending after a missed update date must wait for the next one."""
    p = make_contact(ctx, "pending")
    m = make_contact(ctx, "marketing")
    clock.set(datetime(2026, 12, 28, tzinfo=UTC))
    status.set_non_marketing(ctx, ALICE, Selection.of_ids([m]))  # runs the due rollover first
    assert state_of(ctx, p) == ("non_marketing", False)
    assert state_of(ctx, m) == ("marketing", True)
    assert usage.status(ctx).next_update_date.isoformat() == "2027-01-26"


def test_rollover_in_account_time_zone(ctx, clock):
    # UTC+13 in December; the start given (else the creation day there, 27 Nov, is the start)
    account.configure(ctx, ADMIN, timezone="Pacific/Auckland", start="2026-11-26")
    p = make_contact(ctx, "pending")
    clock.set(datetime(2026, 12, 25, 11, 30, tzinfo=UTC))  # 00:30 on Dec 26 in Auckland
    assert rollover.rollover(ctx).changed == 1
    assert state_of(ctx, p) == ("non_marketing", False)


class Boom(Exception):
    pass


def test_failure_midway_through_rollover_changes_nothing(ctx, clock):
    pending = [make_contact(ctx, "pending", i) for i in range(5)]
    before_states, before_audit = all_states(ctx), audit_rows(ctx)
    with ctx.read() as s:
        before_actions = s.scalar(select(func.count()).select_from(Action))
        before_processed = s.get(Account, 1).last_update_processed

    def fail(step):
        if step == "rollover-contacts-updated":
            raise Boom("disk full")

    ctx.checkpoint = fail
    clock.set(datetime(2027, 1, 27, tzinfo=UTC))  # two update dates due
    with pytest.raises(Boom):
        rollover.rollover(ctx)
    assert all_states(ctx) == before_states
    assert audit_rows(ctx) == before_audit
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Action)) == before_actions
        assert s.get(Account, 1).last_update_processed == before_processed
    ctx.checkpoint = lambda step: None
    assert rollover.rollover(ctx).changed == len(pending)  # and it completes later


def test_failure_midway_through_a_bulk_action_changes_nothing(ctx):
    ids = [make_contact(ctx, "marketing", i) for i in range(5)]
    before_states, before_audit = all_states(ctx), audit_rows(ctx)

    def fail(step):
        if step == "contacts-updated":
            raise Boom("connection lost")

    ctx.checkpoint = fail
    with pytest.raises(Boom):
        status.set_non_marketing(ctx, ADMIN, Selection.of_ids(ids))
    assert all_states(ctx) == before_states and audit_rows(ctx) == before_audit


@pytest.mark.postgres
def test_bulk_action_racing_a_rollover_ends_consistent(pg_url, clock):
    """Two connections at once on PostgreSQL: a bulk action and the rollover it races."""
    setup = Context.open(pg_url, clock=clock)
    from mcwidgets.services import users

    users.add_user(setup, None, "admin", admin=True)
    users.add_user(setup, ADMIN, "alice")
    pending = [make_contact(setup, "pending", i) for i in range(50)]
    marketing = [make_contact(setup, "marketing", 100 + i) for i in range(50)]
    clock.set(datetime(2026, 12, 26, 1, tzinfo=UTC))
    a, b = Context.open(pg_url, clock=clock), Context.open(pg_url, clock=clock)
    barrier = threading.Barrier(2)
    errors = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(lambda: rollover.rollover(a),)),
               threading.Thread(target=run, args=(lambda: status.set_non_marketing(
                   b, ALICE, Selection.of_ids(pending + marketing)),))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    states = all_states(setup)
    # Whatever the order, the rollover ran exactly once and before the bulk action took effect:
    assert {states[c] for c in pending} == {("non_marketing", False)}
    assert {states[c] for c in marketing} == {("marketing", True)}
    with setup.read() as s:
        assert s.scalar(select(func.count()).select_from(Action).where(Action.kind == "rollover")) == 1
        # one audit row per change, none twice
        rows = s.execute(select(AuditEvent.contact_id, AuditEvent.action_id)).all()
        assert len(rows) == len(set(rows))
        per_contact = s.execute(select(AuditEvent.contact_id, func.count()).group_by(AuditEvent.contact_id)).all()
    counts = dict(per_contact)
    assert all(counts[c] == 3 for c in pending)  # create, set pending, rollover
    assert all(counts[c] == 2 for c in marketing)  # create, set pending
    for c in (a, b, setup):
        c.dispose()
