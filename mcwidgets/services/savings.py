"""The savings planner's use cases: the plan (cheap: the status counts) and the selection of
the least-engaged marketing contacts that would fit the next lower tier (a filter).

Both are reads (``unit_of_work.read_session``: one snapshot, due rollovers first).
Nothing here changes a contact: the selection is offered for review in the grid, and
only the usual bulk action with its typed confirmation acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_

from ..domain import savings
from ..domain.billing import local_date
from ..domain.engagement import MAX_RANKING, engagement_of
from ..domain.errors import ValidationError
from ..domain.fields import DATE, DATETIME
from ..domain.savings import Ascending, Boundary, Buckets, SavingsPlan
from ..store import queries
from ..store.custom import DATETIME_FORMAT, load_schema
from ..store.lists import count_matching
from ..store.ranking import nth_id, nth_value
from ..store.selection import filter_where
from .account import info
from .account_row import ensure_account
from .context import Context
from .unit_of_work import read_session


def engagement_properties(session, limit: int = MAX_RANKING) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The engagement properties the ranking uses (names, and the date-times among them,
    compared by local calendar day): ``domain.engagement`` recognises them among the
    account's custom properties (last open date, opens, clicks, rating; at most
    ``limit``). The ranking places them between "unengaged" and last activity
    (``domain.savings.engagement_levels``); without any, last activity alone."""
    return engagement_of(load_schema(session).custom).ranking(limit)


def _bucket_value(value, field_type: str | None, tz: str):
    """A custom property's n-th value as the filter's bucket value: a date-time's local
    day, a date's day, a whole number as an int (PostgreSQL reads numeric as Decimal)."""
    if value is None or field_type is None:
        return value
    if field_type == DATETIME:
        return local_date(datetime.strptime(str(value)[:19], DATETIME_FORMAT), tz)
    if field_type == DATE:
        return date.fromisoformat(str(value)[:10])
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def plan(ctx: Context, projected: int | None = None, report=None) -> SavingsPlan:
    """The next lower tier, how many more marketing contacts must leave by the next
    update date to fit it, and the monthly saving. ``projected``: the count expected
    at the update date when the caller knows better (the wizard's review, after its update).
    ``report``: a ``usage.StatusReport`` the caller has just read (the Overview): its counts,
    tier and update date are used instead of counting again (the counts are the slow read:
    ~1-2 s at 10,000,000 contacts on PostgreSQL); only the account row is read here."""
    if projected is not None and (isinstance(projected, bool) or not isinstance(projected, int) or projected < 0):
        raise ValidationError(f"the projected count {projected!r} must be a whole number of 0 or more")
    with read_session(ctx) as session:
        now = ctx.now()
        account = ensure_account(session, now)
        if report is not None:
            return savings.plan(edition=report.edition, tier=report.tier, marketing=report.marketing,
                                pending=report.pending, update_date=report.next_update_date,
                                requested_tier=report.requested_tier, tier_steps=account.tier_steps,
                                price_table=account.price_table, projected=projected)
        acc = info(session, now)
        c = queries.status_counts(session)
        return savings.plan(edition=acc.edition, tier=acc.tier, marketing=c.marketing, pending=c.pending,
                            update_date=acc.next_update_date, requested_tier=acc.requested_tier,
                            tier_steps=account.tier_steps, price_table=account.price_table, projected=projected)


@dataclass(frozen=True)
class LeastEngaged:
    """``filter`` selects the ``count`` least-engaged candidates (``wanted`` were asked
    for; fewer when fewer candidates exist); None when there are none."""

    filter: dict | None
    count: int
    wanted: int
    ranking: str


def least_engaged(ctx: Context, wanted: int) -> LeastEngaged:
    """The ``wanted`` least-engaged marketing contacts (not pending), as one filter."""
    if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted <= 0:
        raise ValidationError(f"the number of contacts {wanted!r} must be a whole number above 0")
    with read_session(ctx) as session:
        now = ctx.now()
        tz = ensure_account(session, now).timezone
        schema = load_schema(session)
        found = engagement_of(schema.custom)
        labels = {f.name: f.label for f in schema.custom}
        types = {f.name: f.type for f in schema.custom}

        def count(groups) -> int:
            if not groups:  # no groups would be "every contact": here it means none
                return 0
            return count_matching(session, where(groups))

        lead = len(savings.CANDIDATE)
        candidate = filter_where(savings.candidates_filter(), now=now, tz=tz, session=session)

        def where(groups):
            """Every group starts with the candidate conditions: said once, the rest OR-ed
            (as separate OR terms SQLite walks the status index once per term, slower than a scan)."""
            rest = [g[lead:] for g in groups]
            if any(not r for r in rest):
                return candidate
            return and_(candidate, filter_where({"filterGroups": [{"filters": r} for r in rest]}, now=now, tz=tz,
                                                session=session))

        c = queries.status_counts(session)  # the status index only: no scan of the table
        total = c.marketing - c.pending  # the candidates: marketing, not pending
        # The most engagement levels whose filter fits a filter's groups: each level
        # multiplies them (more when the boundary is among the unengaged), so one fewer
        # is tried when the boundary found needs too many.
        for limit in range(MAX_RANKING, -1, -1):
            props, day_props = found.ranking(limit)
            levels = savings.engagement_levels(props, day_properties=day_props)
            ranking = savings.describe_ranking(levels, labels)
            if total == 0:
                return LeastEngaged(None, 0, wanted, ranking)
            if wanted >= total:
                return LeastEngaged(savings.candidates_filter(), total, wanted, ranking)
            boundary = _boundary(session, levels, wanted, count, where, types, tz)
            try:
                return LeastEngaged(savings.ranked_filter(levels, boundary), wanted, wanted, ranking)
            except ValueError:  # too many groups: rank by one engagement property fewer
                if limit == 0:
                    raise
        raise AssertionError("unreachable")


def _boundary(session, levels, wanted: int, count, where, types: dict, tz: str) -> Boundary:
    """The boundary contact's bucket at each level, and its id (see ``domain.savings``)."""
    scope = [list(savings.CANDIDATE)]
    remaining, boundary = wanted, Boundary()
    for level in levels:
        if isinstance(level, Buckets):
            for key, groups in level.buckets:
                inside = savings.and_groups(scope, groups)
                n = count(inside)
                if remaining <= n:
                    boundary.keys.append(key)
                    scope = inside
                    break
                remaining -= n
            else:  # the buckets cover every candidate: unreachable unless the data moved
                raise ValidationError("the contacts changed while ranking them: try again")
        elif isinstance(level, Ascending):
            field_type = types.get(level.prop)  # a custom (engagement) property, or None
            value = nth_value(session, where(scope), level.prop, remaining, field_type)
            if field_type is not None:
                value = _bucket_value(value, field_type, tz)
            elif value is not None and level.days:
                value = local_date(value, tz)
            remaining -= count(savings.and_groups(scope, level.before(value)))
            scope = savings.and_groups(scope, level.groups(value))
            boundary.keys.append(value)
    boundary.last_id = nth_id(session, where(scope), remaining)
    if boundary.last_id is None:
        raise ValidationError("the contacts changed while ranking them: try again")
    # Exactly ``wanted`` by construction: every count above read this one snapshot
    # (``read_session``), and the filter is the boundary found in it.
    return boundary


__all__ = ["plan", "least_engaged", "LeastEngaged", "engagement_properties"]
