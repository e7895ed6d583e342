"""Contact tiers: how many marketing contacts an account pays for.

A tier is bought in steps. Exceeding it upgrades the account at once to the
smallest tier that fits; it is never lowered automatically. A requested lower tier
applies at the next update date, and only if the count then fits.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def alerts(marketing_count: int, tier: int) -> list[str]:
    """Usage alerts reached: '75%', '90%', '98%' and 'exceeded'."""
    reached = [f"{t}%" for t in ALERT_THRESHOLDS if marketing_count * 100 >= t * tier]
    if marketing_count > tier:
        reached.append("exceeded")
    return reached
