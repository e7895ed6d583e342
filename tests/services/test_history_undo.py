"""Audit history, the actions list, undo, and the forecast recorded with each action."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from mcwidgets.domain.errors import Conflict, NotFound, PermissionDenied
from mcwidgets.domain.selection import Selection
from mcwidgets.services import forecast, history, rollover, status, undo
from mcwidgets.store.models import AuditEvent
from tests.conftest import ADMIN, ALICE, BOB, NOW
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


def test_undo_reads_the_audit_rows_a_later_import_or_creation_counts_as_a_touch(ctx, tmp_path):
    """Undo restores the contacts whose latest audit row is the action's: a later import
    that changed a contact's status leaves it out; a later action that merely selected a
    contact (and changed nothing) does not."""
    from mcwidgets.services.importer import import_csv

    ids = [make_contact(ctx, "marketing", i, email=f"u{i}@example.com") for i in range(4)]
    first = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids))
    # selects ids[1] again: already pending, nothing changes, no audit row
    again = status.set_non_marketing(ctx, ADMIN, Selection.of_ids([ids[1]]))
    assert again.changed == 0
    csv = tmp_path / "c.csv"
    csv.write_text("Email,Marketing contact status\nu0@example.com,Marketing contact\n", encoding="utf-8")
    imported = import_csv(ctx, ADMIN, csv)
    assert imported.status_changed == 1
    assert audit_rows(ctx, imported.action_id) == [(ids[0], "marketing", "marketing", True, False)]
    status.set_non_marketing(ctx, ADMIN, Selection.of_ids([ids[0]]))
    result = undo.undo(ctx, ALICE, first.action_id)
    assert result.changed == 3
    assert sorted(c for c, *_ in audit_rows(ctx, result.action_id)) == ids[1:]
    assert audit_rows(ctx, result.action_id) == [(c, "marketing", "marketing", True, False) for c in ids[1:]]
    assert [state_of(ctx, c) for c in ids] == [("marketing", True)] + [("marketing", False)] * 3
    h = history.contact_history(ctx, ids[2])
    assert [(e.action, e.old_pending, e.new_pending) for e in h] == [
        ("create", None, False), ("set_non_marketing", False, True), ("undo", True, False)]


def test_audit_rows_of_set_marketing_keep_each_contacts_own_old_state(ctx):
    m = make_contact(ctx, "marketing")
    p = make_contact(ctx, "pending")
    n = make_contact(ctx, "non_marketing")
    r = status.set_marketing(ctx, ADMIN, Selection.of_ids([m, p, n]))
    assert r.changed == 2
    assert audit_rows(ctx, r.action_id) == sorted([(p, "marketing", "marketing", True, False),
                                                   (n, "non_marketing", "marketing", False, False)])
    with ctx.read() as s:
        at = {e.at for e in s.scalars(select(AuditEvent).where(AuditEvent.action_id == r.action_id))}
    assert at == {NOW.replace(tzinfo=None)}


def test_undo_result_says_the_contacts_stay_marketing(ctx):
    """Issue 15 item 6: undoing a set-as-non-marketing cancels the pending change; the
    contacts never stopped being marketing, so the result's note says they *stay* so."""
    from mcwidgets.domain.undo import undone_message

    ids = [make_contact(ctx, "marketing", i) for i in range(2)]
    r = status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids))
    result = undo.undo(ctx, ALICE, r.action_id)
    assert result.kind == "undo" and result.changed == 2
    assert result.note == ("2 contacts stay marketing contacts (their change to non-marketing at the next "
                           "update date is cancelled)")
    assert undone_message("wizard", 1) == ("1 contact stays marketing contact (their change to non-marketing "
                                           "at the next update date is cancelled)")
    assert undone_message("set_marketing", 3) == "3 contacts are non-marketing again"
