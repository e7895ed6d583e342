"""Rollover: when an update date passes, pending contacts become non-marketing.

Idempotent (the account keeps the processed boundary, an instant), catches up over
missed dates in one transition, and runs in the caller's transaction: every write use case
applies due rollovers first (``unit_of_work.action_session``), a read that finds one due
applies it before reading (``unit_of_work.read_session``), and `mcwidgets rollover` runs it
from a scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ..domain import tiers
from ..domain.actors import ROLLOVER
from ..domain.billing import day_start
from ..store import queries
from ..store.transitions import apply_transition
from .account_row import billing_of, boundary, ensure_account
from .actions import start_action
from .context import Context, retry_on_conflict
from .snapshots import take_snapshot


MAX_LISTED_DATES = 120  # an action's details list the dates up to this many (else first, last, count)


@dataclass(frozen=True)
class RolloverResult:
    update_dates: tuple[date, ...]  # the update dates processed now (empty: nothing was due)
    changed: int  # contacts that became non-marketing
    tier_before: int
    tier_after: int
    action_ids: tuple[int, ...]


@retry_on_conflict
def rollover(ctx: Context) -> RolloverResult:
    with ctx.write() as session:
        return apply_due_rollovers(session, ctx)


def apply_due_rollovers(session: Session, ctx: Context) -> RolloverResult:
    """Apply every update date due at ``ctx.now()`` in ONE transition and ONE action.

    The due dates are those whose day (in the account's zone) starts after the
    processed boundary and at or before now; however many were missed, the pending
    contacts leave once, the requested tier is tried once (the count is the same at
    each of them), and the boundary moves to the start of the last one.
    """
    now = ctx.now()
    account = ensure_account(session, now)
    due = billing_of(account).due(boundary(account), now)
    tier_before = account.tier
    if not due:
        return RolloverResult((), 0, tier_before, tier_before, ())
    last = due[-1]
    description = (f"update date {last.isoformat()}" if len(due) == 1 else
                   f"update dates {due[0].isoformat()} to {last.isoformat()} ({len(due):,} dates)")
    details = {"update_date": last.isoformat(), "first_update_date": due[0].isoformat(), "count": len(due)}
    if len(due) <= MAX_LISTED_DATES:
        details["update_dates"] = [d.isoformat() for d in due]
    action = start_action(session, "rollover", ROLLOVER, now, description=description, details=details)
    n = apply_transition(session, "rollover", None, action.id, now)
    ctx.checkpoint("rollover-contacts-updated")
    count = queries.marketing_count(session)
    account.tier = tiers.tier_at_update_date(account.tier, account.requested_tier, count)
    if account.requested_tier is not None and account.tier == account.requested_tier:
        account.requested_tier = None
    action.matched = action.changed = n
    action.details = {**details, "tier_before": tier_before, "tier_after": account.tier}
    account.last_update_processed = last
    account.processed_until = day_start(last, account.timezone)
    take_snapshot(session, now, account.tier, reason="rollover")
    return RolloverResult(tuple(due), n, tier_before, account.tier, (action.id,))

