"""The status transitions as set-based SQL: one audit row per contact changed, and one UPDATE.

Each transition's WHERE clause selects exactly the states that the matching
function of ``domain.status`` changes (tests check the two agree for every state).
The contact row holds only the current state; who changed it, when and from what is
in the audit rows (``AuditEvent``), which undo and history read. Writing them is
the least work that keeps that record:

* PostgreSQL: ONE statement, ``WITH changed AS (UPDATE ... RETURNING ...) INSERT INTO
  audit_events SELECT ... FROM changed``: the audit rows are exactly the rows the
  UPDATE changed, whatever runs at the same time.
* SQLite: ``INSERT INTO audit_events SELECT ... WHERE <condition>`` (the old values
  read as they are), then ``UPDATE ... WHERE <condition>``. A writer holds the
  database's write lock for its whole transaction (BEGIN IMMEDIATE), so nothing can
  change the contacts between the two statements; the counts are checked anyway.

A ``where`` that reads ``audit_events`` (undo does) must not match the audit rows of
the action itself, which SQLite writes before the UPDATE runs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, DateTime, Integer, and_, false, insert, literal, or_, select, true, update
from sqlalchemy.orm import Session, aliased

from ..domain.status import Status
from .engine import is_postgres
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

# The one state a transition changes, when there is only one: the audit rows' old
# values are then constants (set as marketing changes two states: non-marketing and pending).
SINGLE_OLD_STATE: dict[str, tuple[str, bool]] = {
    "set_non_marketing": (M, False),
    "rollover": (M, True),
}

AUDIT_COLUMNS = ["contact_id", "action_id", "at", "old_status", "new_status", "old_pending", "new_pending"]


class AuditMismatch(RuntimeError):
    """The audit rows and the UPDATE disagree on the contacts changed (never expected:
    the transaction is rolled back rather than keep a wrong trail)."""


def apply_transition(session: Session, transition: str, where: ColumnElement[bool] | None,
                     action_id: int, now: datetime) -> int:
    """Apply ``transition`` to the contacts matching ``where``, with one audit row per
    contact changed; returns how many changed."""
    changes, values = TRANSITIONS[transition]
    condition = changes if where is None else and_(where, changes)
    if is_postgres(session.get_bind()):
        return _apply_postgres(session, transition, condition, values, action_id, now)
    new_status = literal(values["marketing_status"]) if "marketing_status" in values else C.marketing_status
    new_pending = literal(values["pending_non_marketing"]) if "pending_non_marketing" in values \
        else C.pending_non_marketing
    audited = session.execute(insert(AuditEvent).from_select(AUDIT_COLUMNS, select(
        C.id, literal(action_id, Integer), literal(now, DateTime), C.marketing_status, new_status,
        C.pending_non_marketing, new_pending).where(condition)).execution_options(preserve_rowcount=True)).rowcount
    changed = session.execute(update(Contact).where(condition).values(**values)
                              .execution_options(synchronize_session=False)).rowcount
    if audited != changed:
        raise AuditMismatch(f"{transition}: {changed} contacts changed but {audited} audit rows written")
    return changed


def _apply_postgres(session: Session, transition: str, condition, values: dict, action_id: int,
                    now: datetime) -> int:
    stmt = update(Contact).where(condition).values(**values)
    single = SINGLE_OLD_STATE.get(transition)
    if single is not None:
        old_status, old_pending = literal(single[0]), literal(single[1])
        changed = stmt.returning(C.id, C.marketing_status.label("new_status"),
                                 C.pending_non_marketing.label("new_pending")).cte("changed")
    else:
        # The old values from the same rows as the statement's snapshot saw them (writers
        # of the status are serialised on the account row, so they are the current ones).
        old = aliased(Contact, name="old")
        changed = (stmt.where(old.id == C.id)
                   .returning(C.id, C.marketing_status.label("new_status"),
                              C.pending_non_marketing.label("new_pending"),
                              old.marketing_status.label("old_status"),
                              old.pending_non_marketing.label("old_pending")).cte("changed"))
        old_status, old_pending = changed.c.old_status, changed.c.old_pending
    rows = select(changed.c.id, literal(action_id, Integer), literal(now, DateTime), old_status,
                  changed.c.new_status, old_pending, changed.c.new_pending)
    return session.execute(insert(AuditEvent).from_select(AUDIT_COLUMNS, rows)
                           .execution_options(preserve_rowcount=True)).rowcount
