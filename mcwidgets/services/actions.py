"""Recording actions: one row per bulk action, rollover, import, with actor and counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..store.models import Action


def start_action(session: Session, kind: str, actor: Actor, now: datetime, description: str = "",
                 details: dict | None = None) -> Action:
    action = Action(kind=kind, actor_kind=actor.kind.value, actor_name=actor.name, at=now,
                    description=description, matched=0, changed=0, details=details)
    session.add(action)
    session.flush()  # the id is needed by the UPDATE that stamps contacts
    return action
