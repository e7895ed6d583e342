"""Update dates: when pending contacts become non-marketing and tier requests apply.

Monthly billing: the billing start's day of each month, clamped to the month's last
day. Annual billing: the first day of each month. Dates are calendar dates in the
account's time zone; an update date "has passed" from its local midnight on (the
first instant of that day there, :func:`day_start`).

What has been processed is a boundary in time, an instant (``processed_until``),
not a local date: the update dates due at ``now`` are those whose day starts after
the boundary and at or before ``now`` (:meth:`Billing.due`), and the next update
date shown is the first one after both (:meth:`Billing.next_after`), so what status
shows is exactly when rollover acts, whatever the zone or the clock did.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError


class BillingPeriod(str, Enum):
    MONTHLY = "monthly"
    ANNUAL = "annual"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {name!r} (use an IANA name such as Europe/Amsterdam)")


def local_date(now: datetime, tz: str) -> date:
    """The calendar date it is in the account's time zone at instant ``now``."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(zone(tz)).date()


def as_utc(instant: datetime) -> datetime:
    """An instant as naive UTC (naive input is taken as UTC already)."""
    if instant.tzinfo is not None:
        instant = instant.astimezone(timezone.utc).replace(tzinfo=None)
    return instant


def day_start(d: date, tz: str) -> datetime:
    """The first instant of calendar day ``d`` in zone ``tz``, as naive UTC.

    ``fold=0`` maps a local midnight that a DST change skips to the instant of the
    change (the day's first instant) and a doubled one to its first occurrence.
    """
    local = datetime(d.year, d.month, d.day, tzinfo=zone(tz))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _month_index(d: date) -> int:
    return d.year * 12 + (d.month - 1)


def _update_date_in_month(index: int, period: BillingPeriod, start: date) -> date:
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if year > 9999:
        raise ValidationError("the clock is too far in the future: no update date after year 9999")
    if period is BillingPeriod.ANNUAL:
        return date(year, month, 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


@dataclass(frozen=True)
class Billing:
    period: BillingPeriod
    start: date
    timezone: str = "UTC"

    def __post_init__(self):
        object.__setattr__(self, "period", BillingPeriod(self.period))
        zone(self.timezone)  # fail early on a bad name

    def update_dates_between(self, after: date | None, upto: date) -> list[date]:
        """Update dates d with after < d <= upto, never before the billing start."""
        lower = max(after, self.start) if after else self.start
        dates = []
        for i in range(_month_index(lower), _month_index(upto) + 1):
            d = _update_date_in_month(i, self.period, self.start)
            if d > upto or d <= (after or date.min) or d < self.start:
                continue
            dates.append(d)
        return dates

    def next_update_date(self, today: date) -> date:
        """The first update date strictly after ``today``."""
        i = max(_month_index(today), _month_index(self.start))
        while True:
            d = _update_date_in_month(i, self.period, self.start)
            if d > today and d >= self.start:
                return d
            i += 1

    def next_after(self, boundary: datetime, now: datetime) -> date:
        """The next update date: the first one whose day starts after both the processed
        ``boundary`` and ``now`` (a clock set back never shows a processed date)."""
        return self.next_update_date(local_date(max(as_utc(boundary), as_utc(now)), self.timezone))

    def due(self, boundary: datetime, now: datetime) -> list[date]:
        """The update dates due at ``now``: their day starts after ``boundary`` and at or before
        ``now`` (none while the clock is behind the boundary)."""
        boundary, now = as_utc(boundary), as_utc(now)
        if now <= boundary:
            return []
        return self.update_dates_between(local_date(boundary, self.timezone), local_date(now, self.timezone))
