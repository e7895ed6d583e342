"""Engagement properties: recognised by name or label, typed, and the wizard box's groups."""

from datetime import date

import pytest

from mcwidgets.domain.engagement import (
    CLICKS, LAST_OPEN, OPENS, RATING, Engagement, engagement_of, measure_of, months_before, not_opened_groups,
    not_opened_label,
)
from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.schema import custom_field


@pytest.mark.parametrize("name, label, measure", [
    ("hs_email_open", "hs_email_open", OPENS),
    ("marketing_emails_opened", "Marketing emails opened", OPENS),
    ("opens_x", "Marketing emails opened", OPENS),  # by label
    ("hs_email_click", "Clicks", CLICKS),
    ("marketing_emails_clicked", "Marketing emails clicked", CLICKS),
    ("hs_email_last_open_date", "Last open", LAST_OPEN),
    ("last_marketing_email_open_date", "Last marketing email open date", LAST_OPEN),
    ("member_rating", "MEMBER_RATING", RATING),
    ("x", "MEMBER_RATING", RATING),
    ("job_title", "Job Title", None),
    ("number_of_employees", "Number of Employees", None),
    ("last_activity", "Last marketing email", None),
])
def test_measure_of_names_and_labels(name, label, measure):
    assert measure_of(name, label) == measure


@pytest.mark.parametrize("name, label, type_, measure, ignored", [
    ("marketing_emails_opened", "Marketing emails opened", "number", OPENS, False),
    ("marketing_emails_opened", "Marketing emails opened", "text", None, True),
    ("hs_email_click", "Marketing emails clicked", "number", CLICKS, False),
    ("hs_email_click", "Marketing emails clicked", "date", None, True),
    ("last_marketing_email_open_date", "Last marketing email open date", "datetime", LAST_OPEN, False),
    ("last_marketing_email_open_date", "Last marketing email open date", "date", LAST_OPEN, False),
    ("last_marketing_email_open_date", "Last marketing email open date", "number", None, True),
    ("member_rating", "MEMBER_RATING", "number", RATING, False),
    ("member_rating", "MEMBER_RATING", "enumeration", None, True),
    ("job_title", "Job Title", "text", None, False),
])
def test_typed_check(name, label, type_, measure, ignored):
    options = ("1", "2") if type_ == "enumeration" else ()
    e = engagement_of([custom_field(name, label, type_, options)])
    assert (e.get(measure) if measure else None) == (name if measure else None)
    assert e.present is (measure is not None)
    assert bool(e.ignored) is ignored
    if ignored:
        assert e.ignored[0][0] == name and "must be a" in e.ignored[0][1]


def test_first_made_wins_and_the_second_is_ignored():
    e = engagement_of([custom_field("hs_email_open", "Opens", "number"),
                       custom_field("marketing_emails_opened", "Marketing emails opened", "number")])
    assert e.get(OPENS) == "hs_email_open"
    assert e.ignored == (("marketing_emails_opened", "hs_email_open already gives the opens"),)


@pytest.mark.parametrize("props, names, days, offers", [
    ((), (), (), False),
    (((RATING, "member_rating", "number"),), ("member_rating",), (), False),
    (((OPENS, "o", "number"),), ("o",), (), True),
    (((OPENS, "o", "number"), (LAST_OPEN, "l", "datetime")), ("l", "o"), ("l",), True),
    (((OPENS, "o", "number"), (LAST_OPEN, "l", "date"), (CLICKS, "c", "number")), ("l", "o"), (), True),
    (((CLICKS, "c", "number"), (RATING, "r", "number")), ("c", "r"), (), False),
])
def test_ranking_order_and_the_wizard_box(props, names, days, offers):
    e = Engagement(props)
    assert e.ranking() == (names, days)
    assert e.offers_not_opened is offers


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 12, 1), 6, date(2026, 6, 1)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2024, 8, 31), 6, date(2024, 2, 29)),
    (date(2026, 1, 15), 1, date(2025, 12, 15)),
    (date(2026, 5, 10), 24, date(2024, 5, 10)),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize("months", [0, -1, 121, 1.5, True, "6", None])
def test_months_are_checked(months):
    with pytest.raises(ValidationError, match="number of months"):
        months_before(date(2026, 1, 1), months)


def test_not_opened_groups_by_what_is_known():
    today = date(2026, 12, 1)
    both = Engagement(((LAST_OPEN, "l", "datetime"), (OPENS, "o", "number")))
    assert not_opened_groups(both, today, 6) == [
        {"filters": [{"propertyName": "l", "operator": "LT", "value": "2026-06-01"}]},
        {"filters": [{"propertyName": "l", "operator": "NOT_HAS_PROPERTY"},
                     {"propertyName": "o", "operator": "EQ", "value": 0}]}]
    date_only = Engagement(((LAST_OPEN, "l", "date"),))
    assert not_opened_groups(date_only, today, 3) == [
        {"filters": [{"propertyName": "l", "operator": "LT", "value": "2026-09-01"}]}]
    opens_only = Engagement(((OPENS, "o", "number"),))
    assert not_opened_groups(opens_only, today, 6) == [
        {"filters": [{"propertyName": "o", "operator": "EQ", "value": 0}]}]
    assert not_opened_groups(Engagement(((RATING, "r", "number"),)), today, 6) == []


def test_label():
    assert not_opened_label(6) == "No marketing e-mail opened in the last 6 months"
    assert not_opened_label(1) == "No marketing e-mail opened in the last 1 month"
