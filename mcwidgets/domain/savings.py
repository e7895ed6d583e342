"""The savings planner: the next lower tier, how many marketing contacts must leave to fit
it, what that saves, and the least-engaged contacts that would get there (as ONE filter).

Pure. Two parts:

* :func:`plan` - the arithmetic over counts, the tier steps and the price table.
  Pending contacts already leave at the next update date, so the count that must fit
  is the *projected* one (marketing minus pending); only marketing, not pending
  contacts are candidates to remove.
* The ranking of candidates, least engaged first, as lexicographic :class:`Level` s
  (:data:`BUILT_IN_LEVELS`: unengaged - hard-bounced or unsubscribed - first, then
  by last activity day, never active first; ties by contact id). The service finds
  the boundary contact level by level (counts, and one ordered read per
  :class:`Ascending` level); :func:`ranked_filter` turns the boundary into a filter
  that selects exactly the contacts up to it, so the grid, its "select all matching",
  the typed confirmation and the action all read the same plain filter JSON.

Hook for engagement properties (custom properties from an imported CRM export):
:func:`engagement_levels` takes the names of engagement properties present (ranked
ascending: fewer opens/clicks, or an older date, is less engaged; unknown first) and
places them after "unengaged" and before last activity. Each level multiplies the
filter's groups, so a ranking fits ``MAX_GROUPS`` with one or two such properties (two
only when the boundary is past the unengaged; ``services.savings`` then retries with
one fewer). ``domain.engagement`` says which custom properties they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import product
from typing import Any

from .filters.model import MAX_GROUPS
from .tiers import steps_for

# What a contact must be to be a candidate: marketing, and not already pending.
CANDIDATE = ({"propertyName": "marketing_status", "operator": "EQ", "value": "marketing"},
             {"propertyName": "pending_non_marketing", "operator": "EQ", "value": False})

# Plan states
LOWEST, FITS, REMOVE = "lowest", "fits", "remove"


@dataclass(frozen=True)
class SavingsPlan:
    """What the planner shows. ``target`` is the next lower tier (None on the lowest
    tier); ``needed`` how many more marketing contacts must leave by ``update_date``
    for the projected count to fit it (pending ones are already counted as leaving);
    ``saving`` the monthly price difference (None when the price table lacks either
    tier); ``requested``: that tier (or a lower one) is already requested."""

    edition: str
    tier: int
    target: int | None
    marketing: int
    pending: int
    projected: int
    needed: int
    update_date: date
    price_now: float | None = None
    price_target: float | None = None
    requested_tier: int | None = None
    lowest_fitting: int | None = None  # the lowest tier the projected count already fits, if below the tier

    @property
    def state(self) -> str:
        if self.target is None:
            return LOWEST
        return FITS if self.needed == 0 else REMOVE

    @property
    def saving(self) -> float | None:
        if self.price_now is None or self.price_target is None:
            return None
        return self.price_now - self.price_target

    @property
    def requested(self) -> bool:
        return self.target is not None and self.requested_tier is not None and self.requested_tier <= self.target

    @property
    def candidates(self) -> int:
        """Marketing contacts not already pending: those that could still be set as non-marketing."""
        return self.marketing - self.pending


def next_lower_tier(edition: str, tier: int, overrides: dict | None = None) -> int | None:
    """The largest valid tier of ``edition`` below ``tier``; None when ``tier`` is the smallest."""
    steps = steps_for(edition, overrides)
    if tier <= steps.included:
        return None
    return steps.included + ((tier - steps.included - 1) // steps.step) * steps.step


def price_of(price_table: dict | None, edition: str, tier: int | None) -> float | None:
    if tier is None:
        return None
    table = (price_table or {}).get(edition) or {}
    price = table.get(str(tier), table.get(tier))
    return float(price) if price is not None else None


def plan(*, edition: str, tier: int, marketing: int, pending: int, update_date: date,
         requested_tier: int | None = None, tier_steps: dict | None = None, price_table: dict | None = None,
         projected: int | None = None) -> SavingsPlan:
    """The plan for an account. ``projected``: the marketing count expected at the update
    date when it is not ``marketing - pending`` (the wizard's review: after its update)."""
    projected = marketing - pending if projected is None else projected
    target = next_lower_tier(edition, tier, tier_steps)
    needed = max(0, projected - target) if target is not None else 0
    steps = steps_for(edition, tier_steps)
    fitting = steps.tiers_fitting(max(projected, 0))
    return SavingsPlan(edition=edition, tier=tier, target=target, marketing=marketing, pending=pending,
                       projected=projected, needed=needed, update_date=update_date,
                       price_now=price_of(price_table, edition, tier), price_target=price_of(price_table, edition, target),
                       requested_tier=requested_tier, lowest_fitting=fitting if fitting < tier else None)


# ---- the ranking -------------------------------------------------------------------------

Groups = list[list[dict]]  # OR of ANDs of conditions (the filter JSON's groups)


def cond(prop: str, op: str, value: Any = None) -> dict:
    c = {"propertyName": prop, "operator": op}
    if value is not None:
        c["value"] = value
    return c


def and_groups(a: Groups, b: Groups) -> Groups:
    """(OR of a) AND (OR of b) as an OR of ANDs."""
    return [x + y for x, y in product(a, b)]


@dataclass(frozen=True)
class Buckets:
    """A level made of a few ordered buckets, each an OR of AND-groups (least engaged first)."""

    name: str
    buckets: tuple[tuple[str, Groups], ...]  # (bucket key, groups)

    def groups(self, key: str) -> Groups:
        return dict(self.buckets)[key]

    def before(self, key: str) -> Groups:
        out: Groups = []
        for k, g in self.buckets:
            if k == key:
                return out
            out += g
        raise KeyError(key)


@dataclass(frozen=True)
class Ascending:
    """A level ranked by one property, lowest first, unknown before any value. ``days``:
    a datetime property compared by calendar day in the account's zone (as filters do)."""

    prop: str
    days: bool = False

    @property
    def name(self) -> str:
        return self.prop

    @staticmethod
    def value(v):
        """The filter's form of a bucket value: a day as YYYY-MM-DD, else as is."""
        return v.isoformat() if isinstance(v, date) else v

    def before(self, v) -> Groups:
        if v is None:
            return []
        return [[cond(self.prop, "NOT_HAS_PROPERTY")], [cond(self.prop, "LT", self.value(v))]]

    def groups(self, v) -> Groups:
        if v is None:
            return [[cond(self.prop, "NOT_HAS_PROPERTY")]]
        return [[cond(self.prop, "EQ", self.value(v))]]


UNENGAGED = Buckets("unengaged", (
    ("unengaged", [[cond("hard_bounced", "EQ", True)], [cond("unsubscribed", "EQ", True)]]),
    ("engaged", [[cond("hard_bounced", "EQ", False), cond("unsubscribed", "EQ", False)]]),
))
LAST_ACTIVITY = Ascending("last_activity_at", days=True)
BUILT_IN_LEVELS: tuple = (UNENGAGED, LAST_ACTIVITY)


def engagement_levels(engagement_properties: tuple[str, ...] = (), *, day_properties: tuple[str, ...] = ()) -> tuple:
    """The ranking: unengaged first, then each engagement property (ascending; those in
    ``day_properties`` by calendar day), then last activity. With none: the built-ins."""
    custom = tuple(Ascending(p, days=p in day_properties) for p in engagement_properties)
    return (UNENGAGED, *custom, LAST_ACTIVITY)


def describe_ranking(levels, labels: dict[str, str] | None = None) -> str:
    """The ranking in words; ``labels``: property name -> label, for engagement properties."""
    names = {"unengaged": "hard-bounced or unsubscribed first", "last_activity_at": "then by last activity "
             "(never active first, oldest next)"}
    labels = labels or {}
    return ", ".join(names.get(level.name, f"then by {labels.get(level.name, level.name)} (unknown first, "
                                           f"then lowest or oldest)") for level in levels)


@dataclass
class Boundary:
    """The boundary contact's bucket at each level, found by the service, and its id."""

    keys: list = field(default_factory=list)  # one per level
    last_id: int | None = None


def ranked_filter(levels, boundary: Boundary) -> dict:
    """The filter selecting exactly the candidates ranked up to (and including) the
    boundary contact: for each level, the candidates equal on the levels before it and
    in an earlier bucket at it; then those equal on every level with an id up to it."""
    if boundary.last_id is None or len(boundary.keys) != len(levels):
        raise ValueError("an incomplete boundary")
    scope: Groups = [list(CANDIDATE)]
    groups: Groups = []
    for level, key in zip(levels, boundary.keys):
        groups += and_groups(scope, level.before(key))
        scope = and_groups(scope, level.groups(key))
    groups += and_groups(scope, [[cond("id", "LTE", int(boundary.last_id))]])
    if len(groups) > MAX_GROUPS:
        raise ValueError(f"the ranking needs {len(groups)} filter groups (at most {MAX_GROUPS})")
    return {"filterGroups": [{"filters": g} for g in groups]}


def candidates_filter() -> dict:
    return {"filterGroups": [{"filters": list(CANDIDATE)}]}


__all__ = ["SavingsPlan", "plan", "next_lower_tier", "price_of", "Buckets", "Ascending", "UNENGAGED",
           "LAST_ACTIVITY", "BUILT_IN_LEVELS", "engagement_levels", "describe_ranking", "Boundary",
           "ranked_filter", "candidates_filter", "and_groups", "cond", "LOWEST", "FITS", "REMOVE"]
