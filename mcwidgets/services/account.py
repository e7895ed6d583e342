"""The account: billing, edition and tier; next update date; tier requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..domain import tiers
from ..domain.actors import Actor
from ..domain.billing import Billing, BillingPeriod, local_date
from ..domain.errors import ValidationError
from ..domain.prices import validate_price_table
from ..domain.workflows import effective_spike_limit
from ..store import queries
from ..store.models import Account
from . import settings_audit
from .account_row import billing_of, boundary, bootstrap_account, ensure_account, setting_up  # noqa: F401
from .context import Context
from .permissions import require_admin
from .tier_events import record as record_tier_event
from .unit_of_work import action_session, read_session


@dataclass(frozen=True)
class AccountInfo:
    name: str
    billing_period: str
    billing_start: date
    timezone: str
    edition: str
    tier: int
    requested_tier: int | None
    last_update_processed: date | None
    processed_until: datetime | None  # the processed boundary, a UTC instant (naive)
    next_update_date: date
    today: date
    spike_limit: int | None
    price_table: dict | None
    setting_up: bool = False  # no update date processed yet: a lower tier that fits applies at once

    @property
    def effective_spike_limit(self) -> int:
        """The spike limit in force (the default when the account sets none)."""
        return effective_spike_limit(self.spike_limit)


def info(session: Session, now: datetime) -> AccountInfo:
    account = ensure_account(session, now)
    today = local_date(now, account.timezone)
    return AccountInfo(
        name=account.name, billing_period=account.billing_period, billing_start=account.billing_start,
        timezone=account.timezone, edition=account.edition, tier=account.tier,
        requested_tier=account.requested_tier, last_update_processed=account.last_update_processed,
        processed_until=boundary(account), next_update_date=billing_of(account).next_after(boundary(account), now),
        today=today,
        spike_limit=account.spike_limit, price_table=account.price_table, setting_up=setting_up(account),
    )


def get_info(ctx: Context) -> AccountInfo:
    """The account, with due rollovers applied first (so the next update date is current).

    A read: it takes no write lock unless an update date is due (``unit_of_work.read_session``)."""
    with read_session(ctx) as session:
        return info(session, ctx.now())


def configure(ctx: Context, actor: Actor, *, billing: str | None = None, start: date | str | None = None,
              edition: str | None = None, tier: int | None = None, timezone: str | None = None,
              name: str | None = None, spike_limit: int | None = None,
              tier_steps: dict | None = None, price_table: dict | None = None) -> AccountInfo:
    """Change billing, edition, tier or time zone (admins only).

    Due update dates are rolled over first, on the old schedule. A change of the
    billing period, start or time zone then never makes a past date due: the
    processed boundary moves to now, so the next update date is the first one on the
    new schedule after now, in the (new) zone.

    While the account is being set up (no update date processed yet) the edition and
    tier given apply at once if the count fits (a new edition starts from its
    smallest tier that fits), and a new zone moves a billing start that was the creation day to the
    creation day there. After that a lower tier is a request that applies at the next
    update date if the count then fits.
    """
    if price_table is not None:
        price_table = validate_price_table(price_table)  # refused before anything is stored
    with action_session(ctx) as session:
        require_admin(session, actor, "change the account settings")
        now = ctx.now()
        account = ensure_account(session, now)
        before = settings_audit.account_snapshot(account)
        if name is not None:
            account.name = name
        schedule = (account.billing_period, account.billing_start, account.timezone)
        if billing is not None:
            try:
                account.billing_period = BillingPeriod(billing).value
            except ValueError:
                raise ValidationError(f"unknown billing period {billing!r} (monthly or annual)")
        if start is not None:
            account.billing_start = _parse_date(start, "billing start")
        if timezone is not None:
            Billing(BillingPeriod(account.billing_period), account.billing_start, timezone)
            if (start is None and setting_up(account)
                    and account.billing_start == local_date(account.created_at, account.timezone)):
                account.billing_start = local_date(account.created_at, timezone)  # the creation day there
            account.timezone = timezone
        if (account.billing_period, account.billing_start, account.timezone) != schedule:
            account.processed_until = max(boundary(account), now)  # no past date becomes due
        if tier_steps is not None:
            for ed, st in tier_steps.items():
                tiers.Edition(ed)
                tiers.TierSteps(int(st["included"]), int(st["step"]))
            account.tier_steps = tier_steps
        if price_table is not None:
            account.price_table = price_table
        if spike_limit is not None:
            if spike_limit < 0:
                raise ValidationError("the spike limit cannot be negative")
            account.spike_limit = spike_limit
        count = queries.marketing_count(session)
        if edition is not None:
            try:
                new_edition = tiers.Edition(edition).value
            except ValueError:
                raise ValidationError(f"unknown edition {edition!r} (starter, professional or enterprise)")
            steps = tiers.steps_for(new_edition, account.tier_steps)
            if setting_up(account) and new_edition != account.edition:
                # Setting up: the default tier was never bought; the edition's smallest that fits.
                account.tier, account.requested_tier = steps.tiers_fitting(count), None
            elif not steps.is_valid(account.tier):
                # The old edition's tier does not exist in the new one: the smallest that fits.
                account.tier = steps.tiers_fitting(max(count, account.tier))
            account.edition = new_edition
        if tier is not None:
            tiers.validate_tier(account.edition, tier, account.tier_steps)
            if tier >= account.tier or (setting_up(account) and count <= tier):
                account.tier, account.requested_tier = tier, None
            else:
                account.requested_tier = tier  # applies at the next update date, if it fits
        account.tier = tiers.tier_after_change(account.edition, account.tier, count, account.tier_steps)
        settings_audit.record_account_change(session, actor, now, before, account)
        result = info(session, now)
    return result


def tier_outlook(ctx: Context, tier: int, edition: str | None = None) -> tiers.TierOutlook:
    """What saving ``tier`` (of ``edition``, the account's by default) would do, before it
    is saved: applies now, or a request for the next update date that fits or not, and
    how many marketing contacts must leave first (``domain.tiers.tier_outlook``)."""
    with read_session(ctx) as session:
        now = ctx.now()
        acc = info(session, now)
        tiers.validate_tier(edition or acc.edition, tier, ensure_account(session, now).tier_steps)
        c = queries.status_counts(session)
        return tiers.tier_outlook(acc.tier, tier, c.marketing, c.projected_marketing, acc.next_update_date,
                                  acc.setting_up)


def tier_choices(ctx: Context, edition: str | None = None) -> list[int]:
    """The tiers to offer for ``edition``: its smallest up to well above the current
    tier, the requested one and the marketing count (``domain.tiers.tier_choices``)."""
    with read_session(ctx) as session:
        now = ctx.now()
        account = ensure_account(session, now)
        count = queries.marketing_count(session)
        top = max(account.tier, account.requested_tier or 0, count)
        return tiers.tier_choices(edition or account.edition, top, account.tier_steps)


def check_tier_upgrade(session: Session, account: Account, action=None, contacts: int | None = None
                       ) -> tuple[int, int]:
    """Upgrade at once if the marketing count exceeds the tier; returns (before, after).

    With the ``action`` that pushed the count over (and how many ``contacts`` it
    named), a raise is recorded as a tier event (``services.tier_events``).
    """
    before = account.tier
    count = queries.marketing_count(session)
    account.tier = tiers.tier_after_change(account.edition, account.tier, count, account.tier_steps)
    if action is not None and account.tier > before:
        record_tier_event(session, action, before, account.tier, count, contacts)
    return before, account.tier


def _parse_date(value, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"bad {what} {value!r} (use YYYY-MM-DD)")

