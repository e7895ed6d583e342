"""The forecast arithmetic: counts and tier now and at the next update date."""

import pytest

from mcwidgets.domain.forecast import Counts, Plan, forecast


@pytest.mark.parametrize("transition, overall, selected, after, changes", [
    # 100 marketing (10 pending), 50 non-marketing; the selection holds 30 marketing (5 pending) + 20 non
    ("set_non_marketing", Counts(100, 10, 50), Counts(30, 5, 20), Counts(100, 35, 50), 25),
    ("set_marketing", Counts(100, 10, 50), Counts(30, 5, 20), Counts(120, 5, 30), 25),
    ("set_non_marketing", Counts(100, 10, 50), Counts(0, 0, 20), Counts(100, 10, 50), 0),
    ("set_marketing", Counts(100, 10, 50), Counts(30, 0, 0), Counts(100, 10, 50), 0),
])
def test_counts_after(transition, overall, selected, after, changes):
    fc = forecast(transition, overall, selected, Plan("professional", 2_000))
    assert (fc.after.marketing, fc.after.pending, fc.after.non_marketing) == (after.marketing, after.pending,
                                                                               after.non_marketing)
    assert fc.changes == changes and fc.selected == selected.total


def test_non_marketing_saves_at_the_update_date_not_now():
    fc = forecast("set_non_marketing", Counts(6_500, 0, 100), Counts(6_000, 0, 0),
                  Plan("professional", 7_000, requested_tier=2_000))
    assert fc.before.tier == fc.after.tier == 7_000  # nothing changes now
    assert fc.after.marketing_at_update == 500
    assert fc.before.tier_at_update == 7_000 and fc.after.tier_at_update == 2_000  # the request then fits
    assert fc.saving_at_update == 6_000 and fc.tier_change_at_update == -5_000


def test_marketing_beyond_tier_upgrades_now_and_costs_more():
    prices = {"professional": {"2000": 800, "7000": 1_300}}
    fc = forecast("set_marketing", Counts(1_900, 0, 500), Counts(0, 0, 500),
                  Plan("professional", 2_000, price_table=prices))
    assert (fc.before.tier, fc.after.tier, fc.tier_change) == (2_000, 7_000, 5_000)
    assert (fc.before.cost, fc.after.cost) == (800.0, 1_300.0)
    assert fc.as_json()["tier_change"] == 5_000


def test_no_price_table_means_no_cost():
    fc = forecast("set_marketing", Counts(1, 0, 1), Counts(0, 0, 1), Plan("starter", 1_000))
    assert fc.before.cost is None and fc.after.cost is None
