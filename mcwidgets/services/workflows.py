"""Workflows: enrollment triggers (a filter) and the "Set marketing contact status" action.

A run is set-based (``enrolment``): one INSERT ... SELECT enrolls every contact that
meets the triggers and is not enrolled yet (or, with re-enrollment, not enrolled *now*),
then one status UPDATE applies the action to exactly those contacts. Runs happen
when a workflow is turned on with "enroll existing contacts", after contacts are
created or imported through the services, and from `mcwidgets workflows run`.
A run that would set more contacts as marketing than the spike limit is held for
an admin's approval instead (``held_guard``); approving or rejecting is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, literal, select
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Session

from ..domain import workflows as rules
from ..domain.actors import Actor
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.filters import describe_filter
from ..domain.forecast import Forecast
from ..domain.selection import Selection
from ..store.custom import LazySchema
from ..store.importing import release_held_rows
from ..store.models import Contact, Workflow, WorkflowEnrollment
from ..store.selection import selection_where
from .account import ensure_account
from .context import Context, retry_on_conflict
from .enrolment import RunResult, candidates, run_enabled, run_one, transition_of
from .forecast import forecast_where
from .held_guard import (DEFAULT_SPIKE_LIMIT, HeldRow, hold_import, list_held,  # noqa: F401 (their names here)
                         pending_held, spike_limit)
from .importer import apply_held_import
from .permissions import require_admin, require_edit_marketing
from .properties import SchemaOf
from .unit_of_work import action_session, read_session

E = WorkflowEnrollment


@dataclass(frozen=True)
class WorkflowInfo:
    id: int
    name: str
    trigger: dict
    trigger_text: str
    action: str
    reenroll: bool
    enabled: bool
    created_by: str
    enrolled: int  # contacts enrolled so far (baseline markers excluded)


@dataclass(frozen=True)
class DryRun:
    workflow: str
    would_enroll: int
    sample: list[dict]  # the first contacts it would enroll
    forecast: Forecast


# --- definitions -------------------------------------------------------------------

def create(ctx: Context, actor: Actor, name: str, trigger, action: str, *, reenroll: bool = False) -> WorkflowInfo:
    """Create a workflow, turned off (admins; one that sets marketing needs the permission too)."""
    d = rules.define(name, trigger, action, reenroll, schema=SchemaOf(ctx))
    with action_session(ctx) as session:
        require_admin(session, actor, "create workflows")
        if d.sets_marketing:
            require_edit_marketing(session, actor)
        if session.scalar(select(Workflow.id).where(Workflow.name == d.name)) is not None:
            raise Conflict(f"a workflow named {d.name!r} exists already")
        wf = Workflow(name=d.name, trigger=d.trigger.to_json(), action=d.action.value, reenroll=d.reenroll,
                      enabled=False, created_by=actor.name, created_at=ctx.now())
        session.add(wf)
        session.flush()
        _check_trigger_compiles(session, ctx, wf)
        return _info(session, wf)


def list_workflows(ctx: Context) -> list[WorkflowInfo]:
    with ctx.read() as session:
        return [_info(session, wf) for wf in session.scalars(select(Workflow).order_by(Workflow.name))]


def get(ctx: Context, name: str) -> WorkflowInfo:
    with ctx.read() as session:
        return _info(session, _find(session, name))


def turn_on(ctx: Context, actor: Actor, name: str, *, enroll_existing: bool) -> RunResult | None:
    """Turn a workflow on. With ``enroll_existing`` the contacts that already meet the
    triggers are enrolled now; without, they are marked as seen and only contacts
    that come to meet the triggers later are enrolled."""
    with action_session(ctx) as session:
        require_admin(session, actor, "turn workflows on")
        wf = _find(session, name)
        if wf.action == "marketing":
            require_edit_marketing(session, actor)
        if wf.enabled:
            raise Conflict(f"workflow {wf.name!r} is on already")
        wf.enabled, wf.turned_on_at = True, ctx.now()
        if not enroll_existing:
            _mark_baseline(session, ctx, wf)
            return None
        return run_one(session, ctx, wf, requested_by=actor.name)


def turn_off(ctx: Context, actor: Actor, name: str) -> WorkflowInfo:
    with action_session(ctx) as session:
        require_admin(session, actor, "turn workflows off")
        wf = _find(session, name)
        wf.enabled = False
        return _info(session, wf)


def delete(ctx: Context, actor: Actor, name: str) -> None:
    with action_session(ctx) as session:
        require_admin(session, actor, "delete workflows")
        wf = _find(session, name)
        session.execute(E.__table__.delete().where(E.workflow_id == wf.id))
        session.delete(wf)


def update_workflow(ctx: Context, actor: Actor, name: str, *, new_name: str | None = None, trigger=None,
           action: str | None = None, reenroll: bool | None = None) -> WorkflowInfo:
    """Edit a workflow that is off: its name, triggers, action or re-enrollment (admins;
    a result that sets marketing needs the permission too). Contacts enrolled so far
    stay enrolled; the new triggers apply from the next time it is turned on."""
    with action_session(ctx) as session:
        require_admin(session, actor, "edit workflows")
        wf = _find(session, name)
        if wf.enabled:
            raise Conflict(f"workflow {wf.name!r} is on: turn it off before editing it")
        d = rules.define(wf.name if new_name is None else new_name, wf.trigger if trigger is None else trigger,
                         wf.action if action is None else action, wf.reenroll if reenroll is None else reenroll,
                         schema=LazySchema(session))
        if d.sets_marketing:
            require_edit_marketing(session, actor)
        if d.name != wf.name and session.scalar(select(Workflow.id).where(Workflow.name == d.name)) is not None:
            raise Conflict(f"a workflow named {d.name!r} exists already")
        wf.name, wf.trigger, wf.action, wf.reenroll = d.name, d.trigger.to_json(), d.action.value, d.reenroll
        session.flush()
        _check_trigger_compiles(session, ctx, wf)
        return _info(session, wf)


# --- runs --------------------------------------------------------------------------

@retry_on_conflict
def run(ctx: Context, name: str | None = None) -> list[RunResult]:
    """Run one workflow (if on) or every workflow that is on: for a scheduler."""
    with action_session(ctx) as session:
        if name is not None:
            wf = _find(session, name)
            if not wf.enabled:
                raise Conflict(f"workflow {wf.name!r} is off: turn it on first")
            return [run_one(session, ctx, wf, requested_by="scheduler")]
        return run_enabled(session, ctx, requested_by="scheduler")


def dry_run(ctx: Context, name: str, sample_size: int = 20) -> DryRun:
    """Which contacts the workflow would enroll now, and what that does to the counts and tier.

    A read: no write lock, unless an update date is due (``unit_of_work.read_session``)."""
    with read_session(ctx) as session:
        wf = _find(session, name)
        account = ensure_account(session, ctx.now())
        cand = candidates(session, ctx, wf, account)
        fc = forecast_where(session, account, transition_of(wf), cand)
        rows = session.execute(select(Contact.id, Contact.email, Contact.first_name, Contact.last_name,
                                      Contact.marketing_status, Contact.pending_non_marketing)
                               .where(cand).order_by(Contact.id).limit(sample_size)).all()
        sample = [dict(r._mapping) for r in rows]
        return DryRun(wf.name, fc.selected, sample, fc)


def _mark_baseline(session: Session, ctx: Context, wf: Workflow) -> None:
    account = ensure_account(session, ctx.now())
    trigger = selection_where(Selection(filter=wf.trigger), now=ctx.now(), tz=account.timezone, session=session)
    session.execute(insert(E).from_select(
        ["workflow_id", "contact_id", "enrolled_at", "action_id", "kind", "active"],
        select(literal(wf.id, Integer), Contact.id, literal(ctx.now(), DateTime), literal(None, Integer),
               literal("baseline", String), literal(True, Boolean)).where(trigger),
    ))


def _find(session: Session, name: str) -> Workflow:
    wf = session.scalar(select(Workflow).where(Workflow.name == name))
    if wf is None and str(name).isdigit():
        wf = session.get(Workflow, int(name))
    if wf is None:
        raise NotFound(f"no workflow named {name!r}")
    return wf


def _info(session: Session, wf: Workflow) -> WorkflowInfo:
    enrolled = session.scalar(select(func.count()).select_from(E)
                              .where(E.workflow_id == wf.id, E.kind == "enrolled")) or 0
    return WorkflowInfo(wf.id, wf.name, wf.trigger, describe_filter(wf.trigger, schema=LazySchema(session)), wf.action, wf.reenroll,
                        wf.enabled, wf.created_by, enrolled)


def _check_trigger_compiles(session: Session, ctx: Context, wf: Workflow) -> None:
    """Lists named in the trigger must exist now, not fail at the first run."""
    account = ensure_account(session, ctx.now())
    try:
        selection_where(Selection(filter=wf.trigger), now=ctx.now(), tz=account.timezone, session=session)
    except (NotFound, ValidationError) as e:
        raise ValidationError(f"workflow {wf.name!r} trigger: {e}")


# --- held runs (``held_guard``): an admin decides ---------------------------------

def approve(ctx: Context, actor: Actor, held_id: int):
    """Approve a held run (admins with the permission), in one transaction: a failure leaves it held.

    A workflow runs now, as it would then; an import applies exactly the rows staged
    when it was held (``importer.apply_held_import``), whatever became of its file.
    """
    with action_session(ctx) as session:  # one transaction: a failed approval leaves it held
        held = pending_held(session, actor, held_id)
        if held.kind == "workflow":
            wf = session.get(Workflow, held.workflow_id)
            if wf is None:
                raise NotFound(f"the workflow of held action {held_id} was deleted")
            result = run_one(session, ctx, wf, requested_by=held.requested_by, approved=True)
            held.result_action_id = result.action_id
        else:  # exactly the rows staged when it was held
            result = apply_held_import(ctx, session, held)
            release_held_rows(session, held.id)
        held.state, held.decided_by, held.decided_at = "approved", actor.name, ctx.now()
        return result


def reject(ctx: Context, actor: Actor, held_id: int) -> None:
    """Reject a held run; a held workflow is turned off so it does not hold again."""
    with action_session(ctx) as session:
        held = pending_held(session, actor, held_id)
        held.state, held.decided_by, held.decided_at = "rejected", actor.name, ctx.now()
        if held.kind == "import":
            release_held_rows(session, held.id)
        if held.kind == "workflow" and held.workflow_id is not None:
            wf = session.get(Workflow, held.workflow_id)
            if wf is not None:
                wf.enabled = False


