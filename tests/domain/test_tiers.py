"""Tier steps per edition, automatic upgrade, no automatic downgrade, alerts."""

import pytest

from mcwidgets.domain import tiers
from mcwidgets.domain.errors import ValidationError


@pytest.mark.parametrize("edition, count, expected", [
    ("starter", 0, 1_000), ("starter", 1_000, 1_000), ("starter", 1_001, 2_000), ("starter", 12_345, 13_000),
    ("professional", 0, 2_000), ("professional", 2_000, 2_000), ("professional", 2_001, 7_000),
    ("professional", 7_000, 7_000), ("professional", 7_001, 12_000),
    ("enterprise", 9_999, 10_000), ("enterprise", 10_001, 20_000), ("enterprise", 1_000_000, 1_000_000),
    ("enterprise", 1_000_001, 1_010_000),
])
def test_smallest_tier_that_fits(edition, count, expected):
    assert tiers.steps_for(edition).tiers_fitting(count) == expected


@pytest.mark.parametrize("edition, tier, count, expected", [
    ("professional", 7_000, 6_999, 7_000),     # fits: unchanged
    ("professional", 7_000, 7_001, 12_000),    # exceeded: upgraded at once
    ("professional", 12_000, 100, 12_000),     # never lowered automatically
    ("starter", 3_000, 30_500, 31_000),
])
def test_tier_after_change(edition, tier, count, expected):
    assert tiers.tier_after_change(edition, tier, count) == expected


@pytest.mark.parametrize("tier, requested, count, expected", [
    (12_000, 7_000, 6_000, 7_000),    # request applies: the count fits
    (12_000, 7_000, 7_500, 12_000),   # does not fit: the tier stays
    (12_000, None, 10, 12_000),
    (12_000, 17_000, 10, 12_000),     # a request is only ever lower
])
def test_tier_at_update_date(tier, requested, count, expected):
    assert tiers.tier_at_update_date(tier, requested, count) == expected


def test_configured_steps_override_defaults():
    overrides = {"starter": {"included": 500, "step": 500}}
    assert tiers.steps_for("starter", overrides).tiers_fitting(1_200) == 1_500
    assert tiers.steps_for("professional", overrides).tiers_fitting(1_200) == 2_000


@pytest.mark.parametrize("edition, tier", [("professional", 5_000), ("starter", 1_500), ("enterprise", 5_000)])
def test_invalid_tier_is_refused(edition, tier):
    with pytest.raises(ValidationError, match=f"is not a {edition} tier"):
        tiers.validate_tier(edition, tier)


@pytest.mark.parametrize("count, tier, expected", [
    (749, 1_000, []), (750, 1_000, ["75%"]), (900, 1_000, ["75%", "90%"]),
    (980, 1_000, ["75%", "90%", "98%"]), (1_000, 1_000, ["75%", "90%", "98%"]),
    (1_001, 1_000, ["75%", "90%", "98%", "exceeded"]),
])
def test_alerts(count, tier, expected):
    assert tiers.alerts(count, tier) == expected


def test_tier_outlook_numbers():
    from datetime import date

    from mcwidgets.domain.tiers import tier_choices, tier_outlook

    d = date(2027, 1, 1)
    o = tier_outlook(12_000, 7_000, 10_400, 10_186, d)
    assert (o.applies_now, o.fits, o.excess, o.stays) == (False, False, 3_186, 12_000)
    assert tier_outlook(12_000, 7_000, 10_400, 6_900, d).stays == 7_000
    assert tier_outlook(12_000, 7_000, 6_000, 6_000, d, setting_up=True).applies_now
    assert not tier_outlook(12_000, 7_000, 8_000, 6_000, d, setting_up=True).applies_now
    assert tier_choices("professional", 12_000, above=2) == [2_000, 7_000, 12_000, 17_000, 22_000]
