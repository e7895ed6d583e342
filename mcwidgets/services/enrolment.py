"""Workflow enrolment: run the workflows that are on over contacts, set-based.

A run is one INSERT ... SELECT that enrolls every contact meeting the triggers and
not enrolled yet (or, with re-enrollment, not enrolled *now*), then one status
UPDATE on exactly those contacts, in the caller's transaction. Contact creation and
import call ``run_enabled`` over the contacts they created; the workflow use cases
(``workflows``) call it too. A run that would set more contacts as marketing than
the spike limit is held (``held_guard``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, insert, literal, select, true, update
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Session

from ..domain.actors import Actor, ActorKind
from ..domain.filters import describe_filter
from ..store.custom import LazySchema
from ..domain.selection import Selection
from ..store.models import Account, Contact, Workflow, WorkflowEnrollment
from ..store.selection import selection_where
from ..store.transitions import apply_transition
from .account import check_tier_upgrade, ensure_account
from .actions import start_action
from .context import Context
from .forecast import forecast_where
from .held_guard import held_for_workflow, hold_workflow, spike_limit

E = WorkflowEnrollment


@dataclass(frozen=True)
class RunResult:
    workflow: str
    enrolled: int
    changed: int
    action_id: int | None
    held_id: int | None = None  # set when the spike guard held the run


def run_enabled(session: Session, ctx: Context, *, only: ColumnElement[bool] | None = None,
                requested_by: str = "system") -> list[RunResult]:
    """Run every workflow that is on, over ``only`` the contacts given (e.g. just created)."""
    wfs = session.scalars(select(Workflow).where(Workflow.enabled == true()).order_by(Workflow.id)).all()
    return [run_one(session, ctx, wf, only=only, requested_by=requested_by) for wf in wfs]


def run_one(session: Session, ctx: Context, wf: Workflow, *, only=None, requested_by: str,
            approved: bool = False) -> RunResult:
    """Run one workflow in the caller's transaction (``approved``: an admin approved its held run)."""
    account = ensure_account(session, ctx.now())
    now = ctx.now()
    held_id = None if approved else held_for_workflow(session, wf.id)
    if held_id is not None:  # one held run per workflow: it waits for the admin
        return RunResult(wf.name, 0, 0, None, held_id=held_id)
    if wf.reenroll:
        _exit_contacts_no_longer_matching(session, ctx, wf, account)
    cand = candidates(session, ctx, wf, account)
    if only is not None:
        cand = and_(cand, only)
    transition = transition_of(wf)
    fc = forecast_where(session, account, transition, cand)
    if fc.selected == 0:
        return RunResult(wf.name, 0, 0, None)
    if transition == "set_marketing" and not approved and fc.changes > spike_limit(account):
        held_id = hold_workflow(session, workflow_id=wf.id, workflow=wf.name, count=fc.changes,
                                requested_by=requested_by, now=now)
        return RunResult(wf.name, 0, 0, None, held_id=held_id)
    action = start_action(session, f"workflow_{wf.action}", Actor(ActorKind.WORKFLOW, wf.name), now,
                          description=f"workflow {wf.name!r}: {describe_filter(wf.trigger, schema=LazySchema(session))}",
                          details={"workflow_id": wf.id, "forecast": fc.as_json()})
    session.execute(insert(E).from_select(
        ["workflow_id", "contact_id", "enrolled_at", "action_id", "kind", "active"],
        select(literal(wf.id, Integer), Contact.id, literal(now, DateTime), literal(action.id, Integer),
               literal("enrolled", String), literal(True, Boolean)).where(cand),
    ))
    enrolled_now = Contact.id.in_(select(E.contact_id).where(E.action_id == action.id))
    changed = apply_transition(session, transition, enrolled_now, action.id, now)
    action.matched, action.changed = fc.selected, changed
    if transition == "set_marketing":
        check_tier_upgrade(session, account, action, fc.selected)
    return RunResult(wf.name, fc.selected, changed, action.id)


def candidates(session: Session, ctx: Context, wf: Workflow, account: Account) -> ColumnElement[bool]:
    """Contacts meeting the triggers and not enrolled (with re-enrollment: not enrolled now)."""
    trigger = selection_where(Selection(filter=wf.trigger), now=ctx.now(), tz=account.timezone, session=session)
    seen = select(E.id).where(E.workflow_id == wf.id, E.contact_id == Contact.id)
    if wf.reenroll:
        seen = seen.where(E.active == true())
    return and_(trigger, ~exists(seen))


def _exit_contacts_no_longer_matching(session, ctx, wf, account) -> None:
    trigger = selection_where(Selection(filter=wf.trigger), now=ctx.now(), tz=account.timezone, session=session)
    session.execute(update(E).where(E.workflow_id == wf.id, E.active == true(),
                                    E.contact_id.not_in(select(Contact.id).where(trigger)))
                    .values(active=False).execution_options(synchronize_session=False))


def transition_of(wf: Workflow) -> str:
    return "set_marketing" if wf.action == "marketing" else "set_non_marketing"
