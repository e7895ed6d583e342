"""Set contacts as marketing or non-marketing: the spec's status table as use cases."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.actors import Actor
from ..domain.forecast import Forecast
from ..domain.selection import Selection
from ..store.selection import selection_where
from ..store.transitions import apply_transition
from .account import check_tier_upgrade, ensure_account
from .actions import start_action
from .context import Context, retry_on_conflict
from .forecast import forecast_where
from .permissions import require_admin, require_edit_marketing, require_user
from .unit_of_work import action_session


@dataclass(frozen=True)
class ActionResult:
    action_id: int
    kind: str
    matched: int  # contacts the selection named
    changed: int  # contacts whose status or pending flag changed
    tier_before: int
    tier_after: int
    forecast: Forecast | None = None  # as computed inside the action's transaction
    # Contacts created non-marketing although their tool's default is marketing, because
    # the signed-in user lacks "Edit marketing contacts"; ``note`` says so.
    not_permitted: int = 0
    note: str | None = None


def set_marketing(ctx: Context, actor: Actor, selection: Selection) -> ActionResult:
    """Non-marketing contacts become marketing at once; pending ones are cancelled.

    Needs the "Edit marketing contacts" permission. May upgrade the tier at once.
    """
    return _change(ctx, actor, selection, "set_marketing", needs_permission=True)


def set_non_marketing(ctx: Context, actor: Actor, selection: Selection, *,
                      kind: str = "set_non_marketing") -> ActionResult:
    """Marketing contacts become pending: they leave at the next update date.

    ``kind`` is recorded as the action's kind: "wizard" marks a run of the Manage
    marketing contacts wizard, which only admins may do (checked here).
    """
    return _change(ctx, actor, selection, "set_non_marketing", needs_permission=False, kind=kind)


# Action kinds only admins may record, with what the refusal says they tried.
ADMIN_ONLY_KINDS = {"wizard": "run the Manage marketing contacts wizard"}


@retry_on_conflict
def _change(ctx: Context, actor: Actor, selection: Selection, transition: str,
            *, needs_permission: bool, kind: str | None = None) -> ActionResult:
    kind = kind or transition
    selection.require_explicit_all()  # an empty filter acts on all contacts only when explicit
    with action_session(ctx) as session:
        if needs_permission:
            require_edit_marketing(session, actor)
        else:
            require_user(session, actor)
        if kind in ADMIN_ONLY_KINDS:
            require_admin(session, actor, ADMIN_ONLY_KINDS[kind])
        account = ensure_account(session, ctx.now())
        now = ctx.now()
        where = selection_where(selection, now=now, tz=account.timezone, session=session)
        fc = forecast_where(session, account, transition, where)
        action = start_action(session, kind, actor, now, description=selection.describe())
        ctx.checkpoint("action-recorded")
        changed = apply_transition(session, transition, where, action.id, now)
        ctx.checkpoint("contacts-updated")
        tier_before = tier_after = account.tier
        if transition == "set_marketing":  # only this can raise the count
            tier_before, tier_after = check_tier_upgrade(session, account, action, fc.selected)
        action.matched, action.changed = fc.selected, changed
        action.details = {"tier_before": tier_before, "tier_after": tier_after, "forecast": fc.as_json()}
        return ActionResult(action.id, kind, fc.selected, changed, tier_before, tier_after, fc)


