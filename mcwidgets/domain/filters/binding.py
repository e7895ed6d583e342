"""Binding a filter to a clock and a time zone: date conditions become naive-UTC ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..billing import day_start
from ..errors import ValidationError
from .model import Condition, Filter, Group
from .operators import (BETWEEN, DATE, EQ, GT, GTE, IN_LAST_DAYS, LT, LTE, MORE_THAN_DAYS_AGO, NO_VALUE,
                        OPERATOR_TABLE)
from .parsing import parse_filter


@dataclass(frozen=True)
class BoundCondition(Condition):
    """A condition with its dates resolved to naive-UTC bounds: lower <= v < upper.

    Set for every date operator except HAS/NOT_HAS_PROPERTY; None means open (and
    is always None for other types).
    """

    lower: datetime | None = None
    upper: datetime | None = None
    # The same range as local calendar days [first_day, end_day) (None open): a custom
    # date property holds a calendar day, compared with these rather than instants.
    first_day: date | None = None
    end_day: date | None = None


@dataclass(frozen=True)
class BoundFilter:
    """A filter ready to evaluate: the SQL compiler and ``matches`` read the same bounds."""

    groups: tuple[Group, ...]  # of BoundCondition
    now: datetime  # naive UTC
    tz: str

    @property
    def is_all(self) -> bool:
        return not self.groups

    def matches(self, contact: Mapping[str, Any],
                in_list: Callable[[str, Mapping], bool] | None = None) -> bool:
        """Evaluate in plain Python. ``contact`` maps property names to values
        (datetimes naive UTC); ``in_list(name, contact)`` answers list conditions."""
        from .evaluation import matches  # evaluation reads bound conditions: import late

        return matches(self, contact, in_list)


def bind(filter: Filter | dict | str, now: datetime, tz: str) -> BoundFilter:
    """Resolve date conditions into half-open naive-UTC ranges [lower, upper).

    start(D) is local midnight of D in ``tz`` converted to UTC (DST-safe: a day may
    last 23 or 25 hours); today is the local date of ``now`` (aware, or naive UTC).
    Each date operator's local days are in ``DATE_RANGES``.
    """
    filter = parse_filter(filter)
    zone = zone_of(tz)
    now_utc = naive_utc(now)
    today = local_today(now_utc, zone)
    groups = tuple(Group(tuple(_bind_condition(c, zone, today) for c in g.conditions))
                   for g in filter.groups)
    return BoundFilter(groups, now_utc, tz)


def zone_of(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(f"unknown time zone {tz!r}") from None


def naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def local_today(now_utc: datetime, zone: ZoneInfo) -> date:
    return now_utc.replace(tzinfo=timezone.utc).astimezone(zone).date()


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of ``day`` as naive UTC (the billing rule's day start: consecutive
    days never overlap across a DST change)."""
    return day_start(day, zone.key)


_ONE = timedelta(days=1)

# date operator -> (value, high value, today) -> its local days [first, end): end exclusive,
# None open. start(D) below is local midnight of D.
DATE_RANGES: dict[str, Callable[[Any, Any, date], tuple[date | None, date | None]]] = {
    EQ: lambda d, high, today: (d, d + _ONE),             # [start(D), start(D+1))
    LT: lambda d, high, today: (None, d),                 # [-inf, start(D))
    LTE: lambda d, high, today: (None, d + _ONE),         # [-inf, start(D+1))
    GT: lambda d, high, today: (d + _ONE, None),          # [start(D+1), +inf)
    GTE: lambda d, high, today: (d, None),                # [start(D), +inf)
    BETWEEN: lambda d, high, today: (d, high + _ONE),     # [start(D1), start(D2+1))
    IN_LAST_DAYS: lambda n, high, today: (today - timedelta(days=n), None),
    MORE_THAN_DAYS_AGO: lambda n, high, today: (None, today - timedelta(days=n)),
}


def _bind_condition(c: Condition, zone: ZoneInfo, today: date) -> BoundCondition:
    bound = BoundCondition(c.property, c.operator, c.value, c.values, c.high_value, field_type=c.field_type)
    if c.type != DATE or OPERATOR_TABLE[c.operator].arity == NO_VALUE:
        return bound
    lower, upper = DATE_RANGES[c.operator](c.value, c.high_value, today)
    return BoundCondition(c.property, c.operator, c.value, c.values, c.high_value, field_type=c.field_type,
                          lower=None if lower is None else _day_start(lower, zone),
                          upper=None if upper is None else _day_start(upper, zone),
                          first_day=lower, end_day=upper)
