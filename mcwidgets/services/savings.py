"""The savings planner's use cases: the plan (cheap: the status counts) and the selection of
the least-engaged marketing contacts that would fit the next lower tier (a filter).

Both are reads (``unit_of_work.read_session``: one snapshot, due rollovers first).
Nothing here changes a contact: the selection is offered for review in the grid, and
only the usual bulk action with its typed confirmation acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_

from ..domain import savings
from ..domain.billing import local_date
from ..domain.errors import ValidationError
from ..domain.savings import Ascending, Boundary, Buckets, SavingsPlan
from ..store import queries
from ..store.lists import count_matching
from ..store.ranking import nth_id, nth_value
from ..store.selection import filter_where
from .account import info
from .account_row import ensure_account
from .context import Context
from .unit_of_work import read_session


def engagement_properties(session) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """HOOK: the engagement properties present (names, and those compared by day).

    Built-in contacts carry none beyond hard-bounced, unsubscribed and last activity
    (always ranked). When custom properties land, return here the ones that measure
    engagement (e.g. email opens, clicks, last open date): the ranking then places
    them between "unengaged" and last activity (``domain.savings.engagement_levels``)."""
    return (), ()


def plan(ctx: Context, projected: int | None = None) -> SavingsPlan:
    """The next lower tier, how many more marketing contacts must leave by the next
    update date to fit it, and the monthly saving. ``projected``: the count expected
    at the update date when the caller knows better (the wizard's review, after its update)."""
    if projected is not None and (isinstance(projected, bool) or not isinstance(projected, int) or projected < 0):
        raise ValidationError(f"the projected count {projected!r} must be a whole number of 0 or more")
    with read_session(ctx) as session:
        now = ctx.now()
        account = ensure_account(session, now)
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
        props, day_props = engagement_properties(session)
        levels = savings.engagement_levels(props, day_properties=day_props)
        ranking = savings.describe_ranking(levels)

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

        scope = [list(savings.CANDIDATE)]
        c = queries.status_counts(session)  # the status index only: no scan of the table
        total = c.marketing - c.pending  # the candidates: marketing, not pending
        if total == 0:
            return LeastEngaged(None, 0, wanted, ranking)
        if wanted >= total:
            return LeastEngaged(savings.candidates_filter(), total, wanted, ranking)
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
                value = nth_value(session, where(scope), level.prop, remaining)
                if value is not None and level.days:
                    value = local_date(value, tz)
                remaining -= count(savings.and_groups(scope, level.before(value)))
                scope = savings.and_groups(scope, level.groups(value))
                boundary.keys.append(value)
        boundary.last_id = nth_id(session, where(scope), remaining)
        if boundary.last_id is None:
            raise ValidationError("the contacts changed while ranking them: try again")
        # Exactly ``wanted`` by construction: every count above read this one snapshot
        # (``read_session``), and the filter is the boundary found in it.
        return LeastEngaged(savings.ranked_filter(levels, boundary), wanted, wanted, ranking)


__all__ = ["plan", "least_engaged", "LeastEngaged", "engagement_properties"]
