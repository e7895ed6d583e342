"""Reading the audit trail back: a contact's history and the list of actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..domain.errors import NotFound
from ..domain.undo import can_undo
from ..store.models import Action, AuditEvent, Contact
from .context import Context


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action_id: int
    action: str  # the action's kind: set_non_marketing, rollover, import, ...
    actor_kind: str
    actor: str
    old_status: str | None
    new_status: str
    old_pending: bool | None
    new_pending: bool


@dataclass(frozen=True)
class ActionRow:
    id: int
    kind: str
    actor_kind: str
    actor: str
    at: datetime
    description: str
    matched: int
    changed: int
    undone_by: int | None
    details: dict | None
    undoable: bool = False  # Undo would be accepted now (domain.undo): the views offer it then


def contact_history(ctx: Context, contact_id: int) -> list[HistoryEntry]:
    """Every change of a contact's status or pending flag, oldest first."""
    with ctx.read() as session:
        if session.get(Contact, contact_id) is None:
            raise NotFound(f"no contact with id {contact_id}")
        rows = session.execute(
            select(AuditEvent, Action).join(Action, Action.id == AuditEvent.action_id)
            .where(AuditEvent.contact_id == contact_id).order_by(AuditEvent.id)
        )
        return [HistoryEntry(e.at, a.id, a.kind, a.actor_kind, a.actor_name, e.old_status, e.new_status,
                             e.old_pending, e.new_pending) for e, a in rows]


def list_actions(ctx: Context, limit: int = 50, before_id: int | None = None) -> list[ActionRow]:
    """The newest actions first: what, who, when, how many."""
    with ctx.read() as session:
        q = select(Action).order_by(Action.id.desc()).limit(max(1, min(limit, 1000)))
        if before_id is not None:
            q = q.where(Action.id < before_id)
        last_rollover = _last_rollover_id(session)
        return [action_row(a, last_rollover) for a in session.scalars(q)]


def get_action(ctx: Context, action_id: int) -> ActionRow:
    with ctx.read() as session:
        a = session.get(Action, action_id)
        if a is None:
            raise NotFound(f"no action with id {action_id}")
        return action_row(a, _last_rollover_id(session))


def _last_rollover_id(session) -> int | None:
    return session.scalar(select(func.max(Action.id)).where(Action.kind == "rollover"))


def action_row(a: Action, last_rollover_id: int | None = None) -> ActionRow:
    """``last_rollover_id``: the newest processed update date; an action before it is past undoing."""
    passed = last_rollover_id is not None and last_rollover_id > a.id
    return ActionRow(a.id, a.kind, a.actor_kind, a.actor_name, a.at, a.description, a.matched, a.changed,
                     a.undone_by, a.details, can_undo(a.kind, a.undone_by, passed))
