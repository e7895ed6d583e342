"""The status transitions as set-based SQL: one UPDATE, then one INSERT ... SELECT of audit rows.

Each transition's WHERE clause selects exactly the states that the matching
function of ``domain.status`` changes (tests check the two agree for every state).
The UPDATE also stamps ``last_action_id`` and keeps the old state in ``prev_*``, so
the audit rows are read back from the contacts the UPDATE touched and no second
scan can see a different set, whatever runs at the same time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, DateTime, Integer, and_, false, insert, literal, or_, select, true, update
from sqlalchemy.orm import Session

from ..domain.status import Status
from .models import AuditEvent, Contact

C = Contact
M, N = Status.MARKETING.value, Status.NON_MARKETING.value

# transition name -> (states it changes, new values)
TRANSITIONS: dict[str, tuple[ColumnElement[bool], dict]] = {
    "set_marketing": (
        or_(C.marketing_status == N, C.pending_non_marketing == true()),
        {"marketing_status": M, "pending_non_marketing": False},
    ),
    "set_non_marketing": (
        and_(C.marketing_status == M, C.pending_non_marketing == false()),
        {"pending_non_marketing": True},
    ),
    "rollover": (
        C.pending_non_marketing == true(),
        {"marketing_status": N, "pending_non_marketing": False},
    ),
}


def apply_transition(session: Session, transition: str, where: ColumnElement[bool] | None,
                     action_id: int, now: datetime) -> int:
    """Apply ``transition`` to the contacts matching ``where``; returns how many changed."""
    changes, values = TRANSITIONS[transition]
    condition = changes if where is None else and_(where, changes)
    stmt = (
        update(Contact)
        .where(condition)
        .values(prev_marketing_status=Contact.marketing_status,
                prev_pending=Contact.pending_non_marketing,
                last_action_id=action_id, status_changed_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    changed = session.execute(stmt).rowcount
    if changed:
        write_audit_rows(session, action_id, now)
    return changed


def write_audit_rows(session: Session, action_id: int, now: datetime) -> None:
    """One audit row for every contact the action's UPDATE changed."""
    rows = select(Contact.id, literal(action_id, Integer), literal(now, DateTime),
                  Contact.prev_marketing_status, Contact.marketing_status,
                  Contact.prev_pending, Contact.pending_non_marketing
                  ).where(Contact.last_action_id == action_id)
    session.execute(
        insert(AuditEvent).from_select(
            ["contact_id", "action_id", "at", "old_status", "new_status", "old_pending", "new_pending"],
            rows,
        )
    )
