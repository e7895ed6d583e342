"""Contact tiers: how many marketing contacts an account pays for.

A tier is bought in steps. Exceeding it upgrades the account at once to the
smallest tier that fits; it is never lowered automatically. A requested lower tier
applies at the next update date, and only if the count then fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from .errors import ValidationError


class Edition(str, Enum):
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class TierSteps:
    included: int  # the smallest tier
    step: int  # each tier above it adds this many

    def tiers_fitting(self, count: int) -> int:
        """The smallest tier holding ``count`` marketing contacts."""
        if count <= self.included:
            return self.included
        extra = count - self.included
        return self.included + -(-extra // self.step) * self.step

    def is_valid(self, tier: int) -> bool:
        return tier >= self.included and (tier - self.included) % self.step == 0


DEFAULT_STEPS: dict[Edition, TierSteps] = {
    Edition.STARTER: TierSteps(included=1_000, step=1_000),
    Edition.PROFESSIONAL: TierSteps(included=2_000, step=5_000),
    Edition.ENTERPRISE: TierSteps(included=10_000, step=10_000),
}

ALERT_THRESHOLDS = (75, 90, 98)


def steps_for(edition: Edition | str, overrides: dict | None = None) -> TierSteps:
    """Tier steps of an edition; ``overrides`` maps edition -> {"included", "step"}."""
    edition = Edition(edition)
    if overrides and edition.value in overrides:
        o = overrides[edition.value]
        return TierSteps(int(o["included"]), int(o["step"]))
    return DEFAULT_STEPS[edition]


def validate_tier(edition: Edition | str, tier: int, overrides: dict | None = None) -> int:
    steps = steps_for(edition, overrides)
    if not steps.is_valid(tier):
        raise ValidationError(
            f"{tier:,} is not a {Edition(edition).value} tier: tiers start at "
            f"{steps.included:,} and go up in steps of {steps.step:,}"
        )
    return tier


def tier_after_change(edition, tier: int, marketing_count: int, overrides=None) -> int:
    """Upgrade at once when the count exceeds the tier; never downgrade."""
    if marketing_count <= tier:
        return tier
    return steps_for(edition, overrides).tiers_fitting(marketing_count)


def tier_at_update_date(tier: int, requested: int | None, marketing_count: int) -> int:
    """A requested lower tier takes effect only if the count then fits."""
    if requested is not None and requested < tier and marketing_count <= requested:
        return requested
    return tier


def tier_choices(edition, at_least: int, overrides=None, above: int = 10) -> list[int]:
    """The edition's valid tiers to offer: from the smallest up to ``above`` steps over
    ``at_least`` (the current or requested tier, or the count; rounded up to a tier)."""
    steps = steps_for(edition, overrides)
    top = steps.tiers_fitting(max(at_least, steps.included)) + above * steps.step
    return list(range(steps.included, top + 1, steps.step))


@dataclass(frozen=True)
class TierOutlook:
    """What choosing ``requested`` means, before it is saved.

    ``applies_now``: a higher tier, or (while the account is being set up) a lower one
    that fits now. Otherwise a lower tier is a request for ``update_date``: ``fits``
    says whether the ``projected`` marketing count then fits, and ``excess`` is how
    many marketing contacts must leave first; if it does not fit the tier stays
    ``stays``."""

    current: int
    requested: int
    marketing: int  # marketing contacts now
    projected: int  # marketing contacts projected at the update date
    update_date: date
    setting_up: bool
    applies_now: bool
    fits: bool

    @property
    def lower(self) -> bool:
        return self.requested < self.current

    @property
    def excess(self) -> int:
        return max(0, self.projected - self.requested)

    @property
    def stays(self) -> int:
        return tier_at_update_date(self.current, self.requested, self.projected)


def tier_outlook(current: int, requested: int, marketing: int, projected: int, update_date: date,
                 setting_up: bool = False) -> TierOutlook:
    """The rule of ``services.account.configure`` for a tier change, as numbers: a higher
    tier applies at once; while setting up a lower tier that fits the count now applies
    at once; otherwise a lower tier applies at the update date if the projected count fits."""
    if requested >= current:
        applies_now, fits = True, True
    elif setting_up and marketing <= requested:
        applies_now, fits = True, True
    else:
        applies_now, fits = False, projected <= requested
    return TierOutlook(current=current, requested=requested, marketing=marketing, projected=projected,
                       update_date=update_date, setting_up=setting_up, applies_now=applies_now, fits=fits)


def alerts(marketing_count: int, tier: int) -> list[str]:
    """Usage alerts reached: '75%', '90%', '98%' and 'exceeded'."""
    reached = [f"{t}%" for t in ALERT_THRESHOLDS if marketing_count * 100 >= t * tier]
    if marketing_count > tier:
        reached.append("exceeded")
    return reached
