"""Update dates: month ends, leap years, annual billing, time zones, catch-up."""

from datetime import date, datetime, timezone

import pytest

from mcwidgets.domain.billing import Billing, BillingPeriod, local_date
from mcwidgets.domain.errors import ValidationError

D = date.fromisoformat


@pytest.mark.parametrize("start, today, expected", [
    ("2026-01-15", "2026-01-15", "2026-02-15"),   # on the update date: the next one
    ("2026-01-15", "2026-01-14", "2026-01-15"),   # before the first: the start itself
    ("2026-01-15", "2026-03-20", "2026-04-15"),
    ("2026-01-31", "2026-01-31", "2026-02-28"),   # clamped to February's end
    ("2028-01-31", "2028-01-31", "2028-02-29"),   # leap year
    ("2026-01-31", "2026-02-28", "2026-03-31"),   # back to the 31st after a short month
    ("2026-01-30", "2026-02-27", "2026-02-28"),
    ("2026-01-29", "2026-02-28", "2026-03-29"),
    ("2026-03-31", "2026-04-29", "2026-04-30"),
    ("2026-12-31", "2026-12-31", "2027-01-31"),   # year end
    ("2026-11-26", "2026-12-25", "2026-12-26"),
])
def test_monthly_next_update_date(start, today, expected):
    assert Billing("monthly", D(start)).next_update_date(D(today)) == D(expected)


@pytest.mark.parametrize("start, today, expected", [
    ("2026-01-15", "2026-01-15", "2026-02-01"),
    ("2026-01-15", "2026-02-01", "2026-03-01"),
    ("2026-01-15", "2026-12-31", "2027-01-01"),
    ("2026-03-01", "2026-02-10", "2026-03-01"),
])
def test_annual_updates_on_the_first_of_each_month(start, today, expected):
    assert Billing("annual", D(start)).next_update_date(D(today)) == D(expected)


@pytest.mark.parametrize("period, start, after, upto, expected", [
    ("monthly", "2026-01-31", "2026-01-31", "2026-05-01", ["2026-02-28", "2026-03-31", "2026-04-30"]),
    ("monthly", "2026-01-15", "2026-01-15", "2026-01-20", []),
    ("monthly", "2026-01-15", None, "2026-02-15", ["2026-01-15", "2026-02-15"]),
    ("annual", "2026-01-15", "2026-02-01", "2026-04-01", ["2026-03-01", "2026-04-01"]),
    ("monthly", "2028-01-29", "2028-01-29", "2028-03-01", ["2028-02-29"]),
])
def test_update_dates_between_catches_up(period, start, after, upto, expected):
    b = Billing(period, D(start))
    assert b.update_dates_between(D(after) if after else None, D(upto)) == [D(x) for x in expected]


@pytest.mark.parametrize("period, start, today, expected", [
    ("monthly", "2026-01-31", "2026-03-15", "2026-02-28"),
    ("monthly", "2026-01-31", "2026-03-31", "2026-03-31"),
    ("monthly", "2026-01-31", "2026-01-30", None),
    ("annual", "2026-01-15", "2026-05-20", "2026-05-01"),
])
def test_last_update_date(period, start, today, expected):
    assert last_update_date(Billing(period, D(start)), D(today)) == (D(expected) if expected else None)


def last_update_date(billing: Billing, today):
    """The latest update date on or before ``today`` (None before the first one)."""
    dates = billing.update_dates_between(None, today)
    return dates[-1] if dates else None


@pytest.mark.parametrize("instant, tz, expected", [
    ("2026-11-30T23:30:00+00:00", "UTC", "2026-11-30"),
    ("2026-11-30T23:30:00+00:00", "Europe/Amsterdam", "2026-12-01"),   # already tomorrow there
    ("2026-12-01T03:00:00+00:00", "America/New_York", "2026-11-30"),   # still yesterday there
    ("2026-03-29T01:30:00+00:00", "Europe/Amsterdam", "2026-03-29"),   # the DST change night
])
def test_local_date_uses_the_account_time_zone(instant, tz, expected):
    assert local_date(datetime.fromisoformat(instant), tz) == D(expected)


def test_naive_instants_are_utc():
    assert local_date(datetime(2026, 11, 30, 23, 30), "Asia/Tokyo") == D("2026-12-01")


def test_bad_time_zone_is_refused():
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        Billing("monthly", D("2026-01-01"), "Mars/Olympus")


def test_bad_period_is_refused():
    with pytest.raises(ValueError):
        Billing("weekly", D("2026-01-01"))


def test_update_date_passes_at_local_midnight():
    b = Billing("monthly", D("2026-01-01"), "Europe/Amsterdam")
    just_before = datetime(2026, 11, 30, 22, 59, tzinfo=timezone.utc)  # 23:59 in Amsterdam
    just_after = datetime(2026, 11, 30, 23, 1, tzinfo=timezone.utc)   # 00:01 on Dec 1
    assert last_update_date(b, local_date(just_before, b.timezone)) == D("2026-11-01")
    assert last_update_date(b, local_date(just_after, b.timezone)) == D("2026-12-01")


# ---- the processed boundary is an instant (issue 11) -------------------------------------

def test_day_start_is_the_first_instant_of_the_local_day():
    from mcwidgets.domain.billing import day_start

    assert day_start(date(2026, 3, 15), "America/Los_Angeles") == datetime(2026, 3, 15, 7, 0)
    assert day_start(date(2026, 12, 26), "Pacific/Auckland") == datetime(2026, 12, 25, 11, 0)
    # Havana's DST starts AT midnight (00:00 -> 01:00): the day starts at the change
    assert day_start(date(2026, 3, 8), "America/Havana") == datetime(2026, 3, 8, 5, 0)


def test_due_dates_follow_the_boundary_instant_not_a_local_date():
    b = Billing(BillingPeriod.MONTHLY, date(2026, 1, 15), "America/Los_Angeles")
    boundary = datetime(2026, 3, 15, 2, 0)  # 14 March in Los Angeles
    assert b.next_after(boundary, boundary) == date(2026, 3, 15)
    assert b.due(boundary, datetime(2026, 3, 15, 6, 59)) == []
    assert b.due(boundary, datetime(2026, 3, 15, 7, 0)) == [date(2026, 3, 15)]
    # a clock behind the boundary: nothing due, the next date is the first after the boundary
    assert b.due(datetime(2026, 3, 15, 7, 0), datetime(2026, 3, 1)) == []
    assert b.next_after(datetime(2026, 3, 15, 7, 0), datetime(2026, 3, 1)) == date(2026, 4, 15)


def test_a_clock_past_year_9999_is_a_clear_error():
    from mcwidgets.domain.errors import ValidationError

    b = Billing(BillingPeriod.MONTHLY, date(2026, 1, 15))
    with pytest.raises(ValidationError, match="too far in the future"):
        b.next_update_date(date(9999, 12, 20))
