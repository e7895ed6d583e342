"""What an action does to the counts and the tier, now and at the next update date.

Pure arithmetic over counts, so the same rules serve the wizard's review step,
the grid's confirmation dialog, workflow dry-runs and the CLI's --dry-run.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import tiers
from .status import MARKETING, NON_MARKETING, PENDING, State, changes, roll_over, set_marketing, set_non_marketing

# The actions a forecast is made for, as the status table's transitions.
TRANSITIONS = {"set_marketing": set_marketing, "set_non_marketing": set_non_marketing}


@dataclass(frozen=True)
class Counts:
    marketing: int  # includes pending: they still count until the update date
    pending: int
    non_marketing: int

    @property
    def total(self) -> int:
        return self.marketing + self.non_marketing

    @property
    def projected_marketing(self) -> int:
        """Marketing contacts left after the next update date (when pending ones roll over)."""
        return sum(n for state, n in self.by_state().items() if roll_over(state).counts_toward_tier)

    def by_state(self) -> dict[State, int]:
        """How many contacts are in each state of the status table."""
        return {MARKETING: self.marketing - self.pending, PENDING: self.pending, NON_MARKETING: self.non_marketing}

    @classmethod
    def of_states(cls, by_state: dict[State, int]) -> "Counts":
        return cls(marketing=sum(n for s, n in by_state.items() if s.counts_toward_tier),
                   pending=sum(n for s, n in by_state.items() if s.pending),
                   non_marketing=sum(n for s, n in by_state.items() if not s.counts_toward_tier))


@dataclass(frozen=True)
class Figures:
    """What a forecast table shows in one column."""

    marketing: int
    pending: int
    non_marketing: int
    tier: int
    cost: float | None = None


@dataclass(frozen=True)
class Side:
    """Counts and tier at one moment, before or after the action."""

    marketing: int
    pending: int
    non_marketing: int
    tier: int
    marketing_at_update: int  # after the next update date
    tier_at_update: int
    cost: float | None = None
    cost_at_update: float | None = None

    def now(self) -> Figures:
        return Figures(self.marketing, self.pending, self.non_marketing, self.tier, self.cost)

    def at_update(self) -> Figures:
        """After the next update date: the pending contacts have become non-marketing."""
        return Figures(self.marketing_at_update, 0, self.non_marketing + self.pending, self.tier_at_update,
                       self.cost_at_update)


# The columns a forecast table can show (see Forecast.columns).
NOW, AFTER, AT_UPDATE, AT_UPDATE_WITHOUT = "now", "after", "at-update", "at-update-without"


@dataclass(frozen=True)
class Forecast:
    transition: str
    selected: int  # contacts the selection names
    changes: int  # contacts whose state the action changes
    before: Side
    after: Side

    @property
    def tier_change(self) -> int:
        return self.after.tier - self.before.tier

    @property
    def tier_change_at_update(self) -> int:
        return self.after.tier_at_update - self.before.tier_at_update

    @property
    def saving_at_update(self) -> int:
        """Marketing contacts fewer after the next update date thanks to the action."""
        return self.before.marketing_at_update - self.after.marketing_at_update

    def columns(self) -> dict[str, Figures]:
        """The figures before the action, right after it, after the next update date
        with it, and after that date without it."""
        return {NOW: self.before.now(), AFTER: self.after.now(), AT_UPDATE: self.after.at_update(),
                AT_UPDATE_WITHOUT: self.before.at_update()}

    def as_json(self) -> dict:
        from dataclasses import asdict

        d = asdict(self)
        d.update(tier_change=self.tier_change, tier_change_at_update=self.tier_change_at_update,
                 saving_at_update=self.saving_at_update)
        return d


@dataclass(frozen=True)
class Plan:
    """The account's side of a forecast: edition, tier, requested tier, prices."""

    edition: str
    tier: int
    requested_tier: int | None = None
    tier_steps: dict | None = None
    price_table: dict | None = None

    def cost(self, tier: int) -> float | None:
        """Monthly price of a tier from the optional table {edition: {tier: price}}."""
        table = (self.price_table or {}).get(self.edition) or {}
        price = table.get(str(tier), table.get(tier))
        return float(price) if price is not None else None


def after_transition(transition: str, overall: Counts, selected: Counts) -> tuple[Counts, int]:
    """Overall counts after applying ``transition`` to ``selected``, and how many change:
    each selected contact moves as the status table says for its state."""
    move = TRANSITIONS.get(transition)
    if move is None:
        raise ValueError(f"no forecast for {transition!r}")
    after = overall.by_state()
    changed = 0
    for state, n in selected.by_state().items():
        if changes(move, state):
            after[state] -= n
            after[move(state)] += n
            changed += n
    return Counts.of_states(after), changed


def side(counts: Counts, plan: Plan, tier: int) -> Side:
    at_update = counts.projected_marketing
    tier_at_update = tiers.tier_at_update_date(tier, plan.requested_tier, at_update)
    return Side(counts.marketing, counts.pending, counts.non_marketing, tier, at_update, tier_at_update,
                plan.cost(tier), plan.cost(tier_at_update))


def forecast(transition: str, overall: Counts, selected: Counts, plan: Plan) -> Forecast:
    after_counts, changes = after_transition(transition, overall, selected)
    tier_after = tiers.tier_after_change(plan.edition, plan.tier, after_counts.marketing, plan.tier_steps)
    return Forecast(transition, selected.total, changes,
                    before=side(overall, plan, plan.tier), after=side(after_counts, plan, tier_after))
