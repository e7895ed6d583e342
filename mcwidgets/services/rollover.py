"""Rollover: when an update date passes, pending contacts become non-marketing.

Idempotent (the account remembers the last update date it processed), catches up
over missed dates, and runs in the caller's transaction: every write use case
applies due rollovers first, and `mcwidgets rollover` runs it from a scheduler.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy.orm import Session

from ..domain import tiers
from ..domain.actors import ROLLOVER
from ..domain.billing import local_date
from ..store import queries
from ..store.transitions import apply_transition
from .account import billing_of, ensure_account
from .actions import start_action
from .context import Context, retry_on_conflict
from .usage import take_snapshot


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
    now = ctx.now()
    account = ensure_account(session, now)
    today = local_date(now, account.timezone)
    due = billing_of(account).update_dates_between(account.last_update_processed, today)
    tier_before = account.tier
    changed, action_ids = 0, []
    for update_date in due:
        action = start_action(session, "rollover", ROLLOVER, now,
                              description=f"update date {update_date.isoformat()}",
                              details={"update_date": update_date.isoformat()})
        n = apply_transition(session, "rollover", None, action.id, now)
        ctx.checkpoint("rollover-contacts-updated")
        count = queries.marketing_count(session)
        old_tier = account.tier
        account.tier = tiers.tier_at_update_date(account.tier, account.requested_tier, count)
        if account.requested_tier is not None and account.tier == account.requested_tier:
            account.requested_tier = None
        action.matched = action.changed = n
        action.details = {**action.details, "tier_before": old_tier, "tier_after": account.tier}
        account.last_update_processed = update_date
        take_snapshot(session, now, account.tier, reason="rollover")
        changed += n
        action_ids.append(action.id)
    return RolloverResult(tuple(due), changed, tier_before, account.tier, tuple(action_ids))


@contextmanager
def action_session(ctx: Context) -> Iterator[Session]:
    """The transaction of a write use case, with due rollovers applied first.

    Due update dates are committed on their own before the action starts, so an
    action that is refused or fails rolls back only itself, never the rollover.
    The action's transaction checks again, in case a date passed in between.
    """
    rollover(ctx)
    with ctx.write() as session:
        apply_due_rollovers(session, ctx)
        yield session
