"""Tier events: the tier raised at once because an action pushed the count over it.

This is the "exceeded" alert: every path upgrades the tier in the action's own
transaction, so the count is never seen over the tier; the event is what remains.
It records from, to, when, which action and actor; the Overview shows it until an
admin acknowledges it; ``status --json`` returns it (``tier_events``, newest first);
the activity lists it as a ``tier_raised`` action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain.actors import Actor, ActorKind
from ..domain.billing import local_date
from ..domain.text import day
from ..store.models import Account, Action, TierEvent
from .actions import start_action
from .context import Context, retry_on_conflict
from .permissions import require_admin

LISTED = 50  # the newest events status returns


@dataclass(frozen=True)
class TierEventRow:
    id: int
    at: datetime  # naive UTC
    tier_from: int
    tier_to: int
    marketing: int
    action_id: int
    action_kind: str
    actor_kind: str
    actor: str
    contacts: int
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    text: str  # "Tier raised from 2,000 to 7,000 on 3 Jun 2026 by alice's import of 2,001 contacts"

    def as_json(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat() + "Z", "tier_from": self.tier_from,
                "tier_to": self.tier_to, "marketing": self.marketing, "action_id": self.action_id,
                "action_kind": self.action_kind, "actor_kind": self.actor_kind, "actor": self.actor,
                "contacts": self.contacts, "acknowledged_by": self.acknowledged_by,
                "acknowledged_at": None if self.acknowledged_at is None else self.acknowledged_at.isoformat() + "Z",
                "text": self.text}


def _contacts(n: int) -> str:
    return f"{n:,} contact" + ("" if n == 1 else "s")


def describe_cause(action_kind: str, actor_kind: str, actor: str, contacts: int) -> str:
    """"alice's import of 2,001 contacts", "workflow 'Dutch in''s run on 5 contacts"..."""
    whose = f"{actor}'s" if actor_kind == "user" else f"{actor_kind} {actor!r}'s"
    what = {
        "import": f"import of {_contacts(contacts)}",
        "set_marketing": f"bulk action setting {_contacts(contacts)} as marketing",
        "create": f"creation of {_contacts(contacts)}",
        "form": f"submission of {_contacts(contacts)}",
        "workflow_marketing": f"run on {_contacts(contacts)}",
    }.get(action_kind, f"{action_kind.replace('_', ' ')} of {_contacts(contacts)}")
    return f"{whose} {what}"


def event_text(ev: TierEvent, tz: str) -> str:
    return (f"Tier raised from {ev.tier_from:,} to {ev.tier_to:,} on {day(local_date(ev.at, tz))} by "
            f"{describe_cause(ev.action_kind, ev.actor_kind, ev.actor_name, ev.contacts)}")


def record(session: Session, action: Action, tier_from: int, tier_to: int, marketing: int,
           contacts: int | None) -> TierEvent:
    """Record a raise caused by ``action`` (in its transaction), and list it in the activity."""
    n = int(contacts if contacts is not None else (action.matched or 0))
    ev = TierEvent(at=action.at, tier_from=tier_from, tier_to=tier_to, marketing=marketing, action_id=action.id,
                   action_kind=action.kind, actor_kind=action.actor_kind, actor_name=action.actor_name,
                   contacts=n)
    session.add(ev)
    session.flush()
    cause = describe_cause(action.kind, action.actor_kind, action.actor_name, n)
    start_action(session, "tier_raised", Actor(_kind(action.actor_kind), action.actor_name), action.at,
                 description=f"Tier raised from {tier_from:,} to {tier_to:,} by {cause}",
                 details={"tier_event_id": ev.id, "action_id": action.id, "tier_from": tier_from,
                          "tier_to": tier_to, "marketing": marketing})
    return ev


def _kind(actor_kind: str) -> ActorKind:
    return ActorKind(actor_kind)


def _row(ev: TierEvent, tz: str) -> TierEventRow:
    return TierEventRow(ev.id, ev.at, ev.tier_from, ev.tier_to, ev.marketing, ev.action_id, ev.action_kind,
                        ev.actor_kind, ev.actor_name, ev.contacts, ev.acknowledged_by, ev.acknowledged_at,
                        event_text(ev, tz))


def read_events(session: Session, *, unacknowledged: bool = False, limit: int = LISTED) -> list[TierEventRow]:
    account = session.get(Account, 1)
    tz = account.timezone if account is not None else "UTC"
    q = select(TierEvent).order_by(TierEvent.id.desc()).limit(max(1, limit))
    if unacknowledged:
        q = q.where(TierEvent.acknowledged_at.is_(None))
    return [_row(ev, tz) for ev in session.scalars(q)]


def list_events(ctx: Context, *, unacknowledged: bool = False, limit: int = LISTED) -> list[TierEventRow]:
    """Tier events, newest first (only those no admin acknowledged yet, if asked)."""
    with ctx.read() as session:
        return read_events(session, unacknowledged=unacknowledged, limit=limit)


@retry_on_conflict
def acknowledge(ctx: Context, actor: Actor, event_ids: list[int] | None = None) -> int:
    """An admin acknowledges tier events (all open ones, or those given): the Overview stops
    showing them. Recorded as an action; returns how many were acknowledged."""
    with ctx.write() as session:
        require_admin(session, actor, "acknowledge tier changes")
        now = ctx.now()
        q = update(TierEvent).where(TierEvent.acknowledged_at.is_(None))
        if event_ids is not None:
            q = q.where(TierEvent.id.in_([int(i) for i in event_ids]))
        n = session.execute(q.values(acknowledged_by=actor.name, acknowledged_at=now)
                            .execution_options(synchronize_session=False)).rowcount
        if n:
            start_action(session, "tier_acknowledged", actor, now,
                         description=f"acknowledged {n:,} tier change" + ("" if n == 1 else "s"),
                         details={"event_ids": event_ids})
        return n
