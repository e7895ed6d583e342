"""Engagement properties of the account (``domain.engagement``) and the wizard's
"No marketing e-mail opened in the last N months" selection.

``engagement(ctx)`` reads the account's custom properties and says which measure
engagement. ``not_opened(ctx, months)`` is the wizard box: its filter groups (dates
relative to the clock, in the account's time zone: the cut-off day is N calendar months
before today) and the number of marketing, not yet pending contacts they would change,
like the hard-bounced and unsubscribed boxes' counts. None when the account has no
last-open date nor opens count, so the box is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.billing import local_date
from ..domain.engagement import (
    Engagement, check_months, engagement_of, months_before, not_opened_groups, not_opened_label,
)
from ..domain.wizard import eligible_groups
from ..store.custom import load_schema
from ..store.lists import count_matching
from ..store.selection import filter_where
from .context import Context
from .lists import account_tz


@dataclass(frozen=True)
class NotOpened:
    """The wizard box: ``groups`` select the contacts (OR-ed with the wizard's other
    choices), ``count`` the marketing, not yet pending ones among them, ``cutoff`` the
    day a last open must be before."""

    months: int
    cutoff: date
    groups: list
    count: int
    label: str


def engagement(ctx: Context) -> Engagement:
    """The account's engagement properties (none without custom properties)."""
    with ctx.read() as session:
        return engagement_of(load_schema(session).custom)


def not_opened(ctx: Context, months: int) -> NotOpened | None:
    months = check_months(months)
    with ctx.read() as session:
        schema = load_schema(session)
        found = engagement_of(schema.custom)
        if not found.offers_not_opened:
            return None
        tz, now = account_tz(session), ctx.now()
        today = local_date(now, tz)
        groups = not_opened_groups(found, today, months)
        where = filter_where({"filterGroups": eligible_groups(groups)}, now=now, tz=tz, session=session)
        n = count_matching(session, where)
    return NotOpened(months, months_before(today, months), groups, n, not_opened_label(months))


__all__ = ["engagement", "not_opened", "NotOpened"]
