"""Audit history, the actions list, undo, and the forecast recorded with each action."""

from datetime import datetime, timezone

import pytest

from mcwidgets.domain.errors import Conflict, NotFound, PermissionDenied
from mcwidgets.domain.selection import Selection
from mcwidgets.services import forecast, history, rollover, status, undo
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import all_states, audit_rows, make_contact, state_of

UTC = timezone.utc


def test_contact_history_reads_back_every_change_with_actor_and_action(ctx, clock):
    cid = make_contact(ctx, "marketing")
    status.set_non_marketing(ctx, ALICE, Selection.of_ids([cid]))
    status.set_marketing(ctx, ADMIN, Selection.of_ids([cid]))
    status.set_non_marketing(ctx, BOB, Selection.of_ids([cid]))
    clock.set(datetime(2026, 12, 26, 1, tzinfo=UTC))
    rollover.rollover(ctx)
    h = history.contact_history(ctx, cid)
    assert [(e.action, e.actor, e.old_status, e.new_status, e.old_pending, e.new_pending) for e in h] == [
        ("create", "admin", None, "marketing", None, False),
        ("set_non_marketing", "alice", "marketing", "marketing", False, True),
        ("set_marketing", "admin", "marketing", "marketing", True, False),
        ("set_non_marketing", "bob", "marketing", "marketing", False, True),
        ("rollover", "rollover", "marketing", "non_marketing", True, False),
    ]
    assert h[-1].actor_kind == "rollover"


def test_history_of_unknown_contact(ctx):
    with pytest.raises(NotFound, match="no contact with id 999"):
        history.contact_history(ctx, 999)


def test_actions_list_newest_first_with_counts(ctx):
    ids = [make_contact(ctx, "marketing", i) for i in range(3)]
    r = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids))
    rows = history.list_actions(ctx, limit=2)
    assert rows[0].id == r.action_id and rows[0].kind == "set_non_marketing"
    assert (rows[0].actor, rows[0].matched, rows[0].changed) == ("alice", 3, 3)
    assert rows[0].details["forecast"]["after"]["pending"] == 3


def test_forecast_matches_what_the_action_then_does(ctx):
    m = [make_contact(ctx, "marketing", i) for i in range(4)]
    p = make_contact(ctx, "pending")
    n = [make_contact(ctx, "non_marketing", i) for i in range(2)]
    sel = Selection.of_ids(m[:2] + [p] + n)
    fc = forecast.forecast_action(ctx, "set_marketing", sel)
    assert (fc.selected, fc.changes) == (5, 3)
    assert (fc.before.marketing, fc.before.pending, fc.after.marketing, fc.after.pending) == (5, 1, 7, 0)
    result = status.set_marketing(ctx, ADMIN, sel)
    assert result.changed == fc.changes
    from mcwidgets.services import usage

    now = usage.status(ctx)
    assert (now.marketing, now.pending) == (fc.after.marketing, fc.after.pending)


def test_undo_restores_exactly_the_untouched_contacts(ctx):
    ids = [make_contact(ctx, "marketing", i) for i in range(4)]
    first = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids))
    # a later action touches ids[0]: undo must leave it alone
    status.set_marketing(ctx, ADMIN, Selection.of_ids([ids[0]]))
    status.set_non_marketing(ctx, ADMIN, Selection.of_ids([ids[0]]))
    result = undo.undo(ctx, ALICE, first.action_id)
    assert result.changed == 3
    assert [state_of(ctx, c) for c in ids] == [("marketing", True)] + [("marketing", False)] * 3
    assert len(audit_rows(ctx, result.action_id)) == 3
    with pytest.raises(Conflict, match=f"already undone by action {result.action_id}"):
        undo.undo(ctx, ALICE, first.action_id)


def test_undo_after_the_update_date_is_refused(ctx, clock):
    ids = [make_contact(ctx, "marketing", i) for i in range(2)]
    r = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids))
    clock.set(datetime(2026, 12, 27, tzinfo=UTC))
    before = all_states(ctx)
    with pytest.raises(Conflict, match=r"the update date \(2026-12-26\) has passed"):
        undo.undo(ctx, ALICE, r.action_id)
    after = all_states(ctx)
    assert {after[c] for c in ids} == {("non_marketing", False)}  # the rollover applied, nothing undone
    assert set(before) == set(after)


def test_undo_needs_the_permission(ctx):
    ids = [make_contact(ctx, "marketing", i) for i in range(2)]
    r = status.set_non_marketing(ctx, BOB, Selection.of_ids(ids))
    with pytest.raises(PermissionDenied, match="bob does not have the 'Edit marketing contacts' permission"):
        undo.undo(ctx, BOB, r.action_id)
    assert {state_of(ctx, c) for c in ids} == {("marketing", True)}


def test_only_non_marketing_actions_can_be_undone(ctx):
    cid = make_contact(ctx, "non_marketing")
    r = status.set_marketing(ctx, ADMIN, Selection.of_ids([cid]))
    with pytest.raises(Conflict, match="cannot be undone"):
        undo.undo(ctx, ADMIN, r.action_id)
    with pytest.raises(NotFound):
        undo.undo(ctx, ADMIN, 12345)
