"""Undo: cancel a set-as-non-marketing action as a whole while its contacts are pending.

The contacts restored are exactly those the action changed and no later action
touched since: read from the audit rows, those whose latest audit row is the
action's (and that are still pending). Restoring means
cancelling "pending", i.e. the set-as-marketing transition, so it needs the
"Edit marketing contacts" permission like any other path to marketing.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from ..domain.actors import Actor
from ..domain.errors import Conflict, NotFound
from ..domain.undo import UNDOABLE_KINDS, undo_refusal, undone_message
from ..store.models import Action, AuditEvent, Contact
from ..store.transitions import apply_transition
from .account import ensure_account
from .actions import start_action
from .context import Context, retry_on_conflict
from .permissions import require_edit_marketing, require_user
from .unit_of_work import action_session
from .status import ActionResult

UNDOABLE = UNDOABLE_KINDS  # the rule lives in domain.undo


@retry_on_conflict
def undo(ctx: Context, actor: Actor, action_id: int) -> ActionResult:
    with action_session(ctx) as session:
        require_user(session, actor)
        require_edit_marketing(session, actor)
        account = ensure_account(session, ctx.now())
        target = session.get(Action, action_id)
        if target is None:
            raise NotFound(f"no action with id {action_id}")
        passed = None
        if target.kind in UNDOABLE and target.undone_by is None:
            details = session.scalar(select(Action.details).where(Action.kind == "rollover", Action.id > action_id)
                                     .order_by(Action.id).limit(1))
            passed = None if details is None else str((details or {}).get("update_date", "the update date"))
        refusal = undo_refusal(action_id, target.kind, target.undone_by, passed)
        if refusal is not None:
            raise Conflict(refusal)
        now = ctx.now()
        action = start_action(session, "undo", actor, now, description=f"undo action {action_id}",
                              details={"undoes": action_id})
        changed = apply_transition(session, "set_marketing", and_(Contact.id.in_(untouched_since(action_id, action.id)),
                                                                  Contact.pending_non_marketing), action.id, now)
        action.matched = action.changed = changed
        target.undone_by = action.id
        return ActionResult(action.id, "undo", changed, changed, account.tier, account.tier,
                            note=undone_message(target.kind, changed))


def untouched_since(action_id: int, undo_action_id: int):
    """The contacts ``action_id`` changed whose status no later action has changed: no
    later audit row (other than the undo's own, which SQLite writes before its UPDATE)."""
    mine, later = aliased(AuditEvent, name="mine"), aliased(AuditEvent, name="later")
    return select(mine.contact_id).where(
        mine.action_id == action_id,
        ~exists().where(later.contact_id == mine.contact_id, later.id > mine.id,
                        later.action_id != undo_action_id))
