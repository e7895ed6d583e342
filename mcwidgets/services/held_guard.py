"""The spike guard: a run or an import that would set more contacts as marketing than
the account's spike limit applies nothing; it is held until an admin decides.

Holding (here) sits below the workflows and the importer that hold; deciding
(``workflows.approve``/``workflows.reject``) sits above both, since approving runs
the workflow or applies the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.errors import Conflict, NotFound
from ..domain.workflows import DEFAULT_SPIKE_LIMIT, effective_spike_limit  # noqa: F401 (re-exported)
from ..store.models import Account, HeldAction
from .context import Context
from .permissions import require_admin, require_edit_marketing

def spike_limit(account: Account) -> int:
    return effective_spike_limit(account.spike_limit)


def hold_workflow(session: Session, *, workflow_id: int, workflow: str, count: int, requested_by: str,
                  now: datetime) -> int:
    """Record a workflow run held by the spike guard; returns the held action's id."""
    return _hold(session, HeldAction(kind="workflow", workflow_id=workflow_id, payload={"workflow": workflow},
                                     count=count, requested_by=requested_by, created_at=now, state="held"))


def hold_import(session: Session, *, count: int, requested_by: str, payload: dict, now: datetime) -> int:
    """Record an import held by the spike guard (called by the import service)."""
    return _hold(session, HeldAction(kind="import", payload=payload, count=count, requested_by=requested_by,
                                     created_at=now, state="held"))


def _hold(session: Session, held: HeldAction) -> int:
    session.add(held)
    session.flush()
    return held.id


def held_for_workflow(session: Session, workflow_id: int) -> int | None:
    """The run of this workflow waiting for an admin, if any (one per workflow)."""
    return session.scalar(select(HeldAction.id).where(HeldAction.workflow_id == workflow_id,
                                                      HeldAction.state == "held").limit(1))


@dataclass(frozen=True)
class HeldRow:
    id: int
    kind: str
    what: str
    count: int
    requested_by: str
    created_at: datetime
    state: str
    decided_by: str | None


def list_held(ctx: Context, state: str | None = "held") -> list[HeldRow]:
    with ctx.read() as session:
        q = select(HeldAction).order_by(HeldAction.id)
        if state:
            q = q.where(HeldAction.state == state)
        return [HeldRow(h.id, h.kind, _held_what(h), h.count, h.requested_by, h.created_at, h.state, h.decided_by)
                for h in session.scalars(q)]


def _held_what(h: HeldAction) -> str:
    p = h.payload or {}
    if h.kind == "workflow":
        return f"workflow {p.get('workflow')!r} would set {h.count:,} contacts as marketing"
    return f"import of {p.get('file', 'a file')} would set {h.count:,} contacts as marketing"


def pending_held(session: Session, actor: Actor, held_id: int) -> HeldAction:
    """The held action an admin (with the permission) is about to decide; refused if decided already."""
    require_admin(session, actor, "approve or reject held actions")
    require_edit_marketing(session, actor)
    held = session.get(HeldAction, held_id)
    if held is None:
        raise NotFound(f"no held action with id {held_id}")
    if held.state != "held":
        raise Conflict(f"held action {held_id} was {held.state} by {held.decided_by} already")
    return held
