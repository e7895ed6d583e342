"""Issue 12, finding 7: a held import applies exactly the rows it was held with.

The spike guard stages a held import's rows in the database when it holds it; an
admin's approval applies exactly those rows (never the file as it is by then), a
failed approval leaves it held, and deleting or changing the file changes nothing.
"""

import csv
from datetime import datetime

import pytest
from sqlalchemy import func, select

from mcwidgets.domain.errors import Conflict
from mcwidgets.services import account, users, workflows
from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Action, Contact, HeldAction, HeldImportRow
from tests.conftest import ADMIN, ALICE


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


SIX = [["Email", "First Name", "Marketing contact status", "Create Date", "Unsubscribed"]] + [
    [f"m{i}@example.com", f"M{i}", "marketing", f"2026-01-0{i + 1} 10:30", "yes" if i % 2 else ""]
    for i in range(6)] + [["bad-email", "X", "marketing", "", ""]]


def marketing(ctx):
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(Contact).where(Contact.marketing_status == "marketing"))


def emails(ctx):
    with ctx.read() as s:
        return sorted(s.scalars(select(Contact.email)))


def held_state(ctx, held_id):
    with ctx.read() as s:
        h = s.get(HeldAction, held_id)
        staged = s.scalar(select(func.count()).select_from(HeldImportRow).where(HeldImportRow.held_id == held_id))
        return h.state, h.result_action_id, staged


def hold_six(ctx, tmp_path):
    account.configure(ctx, ADMIN, spike_limit=5)
    path = write(tmp_path / "six.csv", SIX)
    r = import_csv(ctx, ALICE, path)
    assert (r.applied, r.marketing_changes, r.bad_rows) == (False, 6, 1) and r.held_action_id is not None
    assert emails(ctx) == []
    assert held_state(ctx, r.held_action_id) == ("held", None, 7)  # the rows are staged when held
    return path, r


def test_approval_applies_the_held_rows_not_a_file_swapped_in_meanwhile(ctx, tmp_path):
    path, r = hold_six(ctx, tmp_path)
    write(path, [["Email", "Marketing contact status"]] + [[f"x{i}@example.com", "marketing"] for i in range(2000)])
    done = workflows.approve(ctx, ADMIN, r.held_action_id)
    assert (done.applied, done.created, done.bad_rows, done.marketing_changes) == (True, 6, 1, 6)
    assert marketing(ctx) == 6 and emails(ctx) == [f"m{i}@example.com" for i in range(6)]
    with ctx.read() as s:
        m3 = s.scalar(select(Contact).where(Contact.email == "m3@example.com"))
        assert (m3.first_name, m3.created_at, m3.unsubscribed) == ("M3", datetime(2026, 1, 4, 10, 30), True)
        action = s.get(Action, done.action_id)
        assert (action.kind, action.actor_name) == ("import", "alice")
    assert held_state(ctx, r.held_action_id) == ("approved", done.action_id, 0)  # staged rows released


def test_approval_works_after_the_file_was_deleted(ctx, tmp_path):
    path, r = hold_six(ctx, tmp_path)
    path.unlink()
    done = workflows.approve(ctx, ADMIN, r.held_action_id)
    assert (done.applied, done.created) == (True, 6) and marketing(ctx) == 6
    with pytest.raises(Conflict, match="approved"):
        workflows.approve(ctx, ADMIN, r.held_action_id)


def test_a_failed_approval_leaves_it_held_and_it_can_be_retried_or_rejected(ctx, tmp_path):
    _, r = hold_six(ctx, tmp_path)

    def boom(name):
        if name == "import-contacts-created":
            raise RuntimeError("crash during the approval")

    ctx.checkpoint = boom
    with pytest.raises(RuntimeError):
        workflows.approve(ctx, ADMIN, r.held_action_id)
    ctx.checkpoint = lambda name: None
    assert held_state(ctx, r.held_action_id) == ("held", None, 7) and emails(ctx) == []
    assert [h.id for h in workflows.list_held(ctx)] == [r.held_action_id]
    workflows.reject(ctx, ADMIN, r.held_action_id)
    assert held_state(ctx, r.held_action_id) == ("rejected", None, 0) and emails(ctx) == []


def test_a_held_strict_import_whose_rows_turned_bad_is_not_approved(ctx, tmp_path):
    account.configure(ctx, ADMIN, spike_limit=5)
    rows = [["Email", "Marketing contact status"]] + [[f"m{i}@example.com", "marketing"] for i in range(6)]
    r = import_csv(ctx, ALICE, write(tmp_path / "s.csv", rows), strict=True)
    assert r.held_action_id is not None
    users.set_permission(ctx, ADMIN, "alice", False)  # alice may no longer set contacts as marketing
    with pytest.raises(Conflict, match="stays held"):
        workflows.approve(ctx, ADMIN, r.held_action_id)
    assert held_state(ctx, r.held_action_id) == ("held", None, 6) and emails(ctx) == []


def test_approval_re_matches_contacts_created_since_the_hold(ctx, tmp_path):
    from tests.services.helpers import make_contact, state_of

    _, r = hold_six(ctx, tmp_path)
    cid = make_contact(ctx, "non_marketing", email="m0@example.com", first_name="Old")
    done = workflows.approve(ctx, ADMIN, r.held_action_id)
    assert (done.created, done.updated) == (5, 1)
    assert state_of(ctx, cid) == ("marketing", False)


def test_an_import_held_before_rows_were_staged_cannot_be_approved_but_can_be_rejected(ctx, clock):
    with ctx.write() as s:
        h = HeldAction(kind="import", payload={"file": "/gone.csv", "actor": "alice"}, count=9,
                       requested_by="alice", created_at=clock().replace(tzinfo=None), state="held")
        s.add(h)
        s.flush()
        held_id = h.id
    with pytest.raises(Conflict, match="reject it and import the file again"):
        workflows.approve(ctx, ADMIN, held_id)
    assert held_state(ctx, held_id) == ("held", None, 0)
    workflows.reject(ctx, ADMIN, held_id)
    assert held_state(ctx, held_id)[0] == "rejected"
