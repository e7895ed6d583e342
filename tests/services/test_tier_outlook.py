"""Issue 15 item 4: the tier, honestly. What a tier choice would do is known before it is
saved: applies now, or a request for the next update date that fits or not, and how many
marketing contacts must leave first (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.services import account, rollover
from tests.conftest import ADMIN
from tests.services.helpers import make_contact

SMALL = {"professional": {"included": 2, "step": 5}}  # tiers 2, 7, 12, 17, ...


def setup(ctx, clock, marketing: int, pending: int, *, set_up: bool = True):
    account.configure(ctx, ADMIN, tier_steps=SMALL)
    assert account.configure(ctx, ADMIN, tier=12).tier == 12  # setting up: applies at once
    for i in range(marketing):
        make_contact(ctx, "marketing", i)
    for i in range(pending):
        make_contact(ctx, "pending", i)
    if set_up:
        clock.set(datetime(2026, 12, 26, 9, 0, tzinfo=timezone.utc))
        rollover.rollover(ctx)
        for i in range(pending):  # the pending ones left at the update date: make new ones
            make_contact(ctx, "pending", 100 + i)


def test_a_lower_tier_that_will_not_fit_says_how_many_must_leave(ctx, clock):
    setup(ctx, clock, marketing=10, pending=1)
    info = account.get_info(ctx)
    assert not info.setting_up and info.tier == 12
    o = account.tier_outlook(ctx, 7)
    assert (o.current, o.requested, o.marketing, o.projected) == (12, 7, 11, 10)
    assert (o.applies_now, o.fits, o.excess, o.stays) == (False, False, 3, 12)
    assert o.update_date == info.next_update_date == date(2027, 1, 26)
    assert account.get_info(ctx).requested_tier is None  # nothing stored by asking


def test_a_lower_tier_that_fits_at_the_update_date(ctx, clock):
    setup(ctx, clock, marketing=7, pending=2)  # 9 marketing now, 7 after the update date
    o = account.tier_outlook(ctx, 7)
    assert (o.marketing, o.projected, o.applies_now, o.fits, o.excess, o.stays) == (9, 7, False, True, 0, 7)
    higher = account.tier_outlook(ctx, 17)
    assert higher.applies_now and higher.fits and not higher.lower


def test_while_setting_up_a_lower_tier_that_fits_now_applies_at_once(ctx, clock):
    setup(ctx, clock, marketing=6, pending=0, set_up=False)
    assert account.get_info(ctx).setting_up
    o = account.tier_outlook(ctx, 7)
    assert o.applies_now and o.fits and o.lower
    assert account.configure(ctx, ADMIN, tier=7).tier == 7  # the service agrees
    o = account.tier_outlook(ctx, 2)  # 6 do not fit 2: a request for the update date
    assert (o.applies_now, o.fits, o.excess) == (False, False, 4)


def test_the_tiers_offered_are_the_editions_valid_ones(ctx, clock):
    setup(ctx, clock, marketing=10, pending=0)
    choices = account.tier_choices(ctx)
    assert choices[:3] == [2, 7, 12] and 12 in choices and len(choices) == 13  # 10 steps above 12
    assert account.tier_choices(ctx, "enterprise")[:2] == [10_000, 20_000]
    with pytest.raises(ValidationError, match="is not a professional tier"):
        account.tier_outlook(ctx, 8)
