"""The account row: created once per store, read by every use case.

The lowest of the services (it imports none of them): the unit of work, the
rollover and the account use cases all start from here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import tiers
from ..domain.billing import Billing, BillingPeriod, as_utc, local_date
from ..store import queries
from ..store.models import Account


def billing_of(account: Account) -> Billing:
    return Billing(BillingPeriod(account.billing_period), account.billing_start, account.timezone)


def boundary(account: Account) -> datetime:
    """The processed boundary: update dates whose day starts at or before it are never due."""
    return account.processed_until or account.created_at


def setting_up(account: Account) -> bool:
    """No update date processed since the account was created: it is still being set up."""
    return account.last_update_processed is None


def rollover_due(account: Account | None, now: datetime) -> bool:
    """Is an update date due at ``now`` (or is there no account row yet)? The cheap
    check a read makes before deciding whether it must write."""
    return account is None or bool(billing_of(account).due(boundary(account), now))


def ensure_account(session: Session, now: datetime) -> Account:
    """The account row, created with sensible defaults the first time a store is used.

    The clock given is the tool's (``Context.now``); the billing start is the day it
    is in the account's zone (UTC until one is set), and the processed boundary is
    this instant: the first update date is the first one after it.
    """
    account = queries.get_account(session)
    if account is None:
        now = as_utc(now)
        account = Account(id=1, name="My company", billing_period="monthly", billing_start=local_date(now, "UTC"),
                          timezone="UTC", edition="professional",
                          tier=tiers.DEFAULT_STEPS[tiers.Edition.PROFESSIONAL].included,
                          last_update_processed=None, processed_until=now, created_at=now)
        session.add(account)
        session.flush()
    return account


def bootstrap_account(ctx) -> None:
    """Create the account row once, when a store is opened (``Context.open``), so
    concurrent first actions never race to create it (a losing insert is simply ignored)."""
    try:
        with ctx.write() as session:
            ensure_account(session, ctx.now())
    except IntegrityError:
        pass
