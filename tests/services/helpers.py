"""Small builders for service tests: contacts in a given state, audit rows read back."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from mcwidgets.domain.selection import Selection
from mcwidgets.services import contacts, status
from mcwidgets.store.models import AuditEvent, Contact
from tests.conftest import ADMIN


_serial = itertools.count()


def make_contact(ctx, state: str, n: int = 0, **fields) -> int:
    """A contact in state 'marketing', 'pending' or 'non_marketing' (a unique e-mail unless given)."""
    email = fields.pop("email", f"{state}.{n}.{next(_serial)}@example.com")
    initial = "non_marketing" if state == "non_marketing" else "marketing"
    cid, _ = contacts.create_contact(ctx, ADMIN, contacts.NewContact(email=email, **fields),
                                     source="manual", status=initial)
    if state == "pending":
        status.set_non_marketing(ctx, ADMIN, Selection.of_ids([cid]))
    return cid


def state_of(ctx, cid: int) -> tuple[str, bool] | None:
    """(status, pending) of one contact, or None if there is no such contact."""
    with ctx.read() as s:
        row = s.execute(select(Contact.marketing_status, Contact.pending_non_marketing)
                        .where(Contact.id == cid)).one_or_none()
        return (row[0], bool(row[1])) if row else None


def audit_rows(ctx, action_id: int | None = None) -> list[tuple]:
    with ctx.read() as s:
        q = select(AuditEvent.contact_id, AuditEvent.old_status, AuditEvent.new_status,
                   AuditEvent.old_pending, AuditEvent.new_pending).order_by(AuditEvent.contact_id)
        if action_id is not None:
            q = q.where(AuditEvent.action_id == action_id)
        return [tuple(r) for r in s.execute(q)]


def all_states(ctx) -> dict[int, tuple[str, bool]]:
    with ctx.read() as s:
        return {r[0]: (r[1], bool(r[2])) for r in
                s.execute(select(Contact.id, Contact.marketing_status, Contact.pending_non_marketing))}
