"""Tests for mcwidgets.domain.filters: parsing, binding, evaluation, description."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from mcwidgets.domain.contacts import LifecycleStage, Source
from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.filters import (
    MAX_FILTERS_PER_GROUP,
    MAX_GROUPS,
    MAX_VALUES,
    OPERATOR_LABELS,
    OPERATORS,
    OPERATORS_BY_TYPE,
    PROPERTIES,
    BoundCondition,
    Condition,
    Filter,
    Group,
    ascii_fold,
    bind,
    describe_filter,
    list_names,
    parse_filter,
)
from mcwidgets.domain.status import Status

NOW = datetime(2026, 11, 26, 12, 0)  # naive UTC


def cond(prop, op, **extra) -> dict:
    return {"propertyName": prop, "operator": op, **extra}


def where(*conditions) -> dict:
    """A filter with one group ANDing the given conditions."""
    return {"filterGroups": [{"filters": list(conditions)}]}


def any_of(*conditions) -> dict:
    """A filter ORing one-condition groups."""
    return {"filterGroups": [{"filters": [c]} for c in conditions]}


def only_condition(data) -> Condition:
    (group,) = parse_filter(data).groups
    (condition,) = group.conditions
    return condition


# --- parsing valid filters -----------------------------------------------------------

CANONICAL = [
    {"filterGroups": []},
    where(cond("country", "EQ", value="NL")),
    where(cond("country", "NEQ", value="")),
    where(cond("country", "IN", values=["NL", "BE"])),
    where(cond("email", "NOT_IN", values=["a@x.io"])),
    where(cond("company", "CONTAINS_TOKEN", value="acme")),
    where(cond("company", "NOT_CONTAINS_TOKEN", value="test")),
    where(cond("first_name", "STARTS_WITH", value="Jo")),
    where(cond("last_name", "HAS_PROPERTY")),
    where(cond("last_name", "NOT_HAS_PROPERTY")),
    where(cond("id", "EQ", value=5)),
    where(cond("id", "NEQ", value=5)),
    where(cond("id", "LT", value=2.5)),
    where(cond("id", "LTE", value=5)),
    where(cond("id", "GT", value=5)),
    where(cond("id", "GTE", value=5)),
    where(cond("id", "BETWEEN", value=1, highValue=10)),
    where(cond("id", "BETWEEN", value=3, highValue=3)),
    where(cond("id", "HAS_PROPERTY")),
    where(cond("created_at", "EQ", value="2026-03-29")),
    where(cond("created_at", "LT", value="2026-03-29")),
    where(cond("created_at", "LTE", value="2026-03-29")),
    where(cond("created_at", "GT", value="2026-03-29")),
    where(cond("created_at", "GTE", value="2026-03-29")),
    where(cond("created_at", "BETWEEN", value="2026-03-01", highValue="2026-03-31")),
    where(cond("last_activity_at", "IN_LAST_DAYS", value=0)),
    where(cond("last_activity_at", "MORE_THAN_DAYS_AGO", value=36500)),
    where(cond("last_activity_at", "NOT_HAS_PROPERTY")),
    where(cond("hard_bounced", "EQ", value=True)),
    where(cond("unsubscribed", "NEQ", value=False)),
    where(cond("pending_non_marketing", "EQ", value=False)),
    where(cond("lifecycle_stage", "EQ", value="customer")),
    where(cond("lifecycle_stage", "IN", values=["lead", "marketing_qualified_lead"])),
    where(cond("source", "NOT_IN", values=["forms"])),
    where(cond("source", "NEQ", value="import")),
    where(cond("marketing_status", "EQ", value="non_marketing")),
    where(cond("marketing_status", "HAS_PROPERTY")),
    where(cond("list", "IN_LIST", value="VIP")),
    where(cond("list", "NOT_IN_LIST", value="Churned 2025")),
    {"filterGroups": [
        {"filters": [cond("country", "EQ", value="NL"), cond("id", "GT", value=1)]},
        {"filters": [cond("list", "IN_LIST", value="VIP")]},
    ]},
]


@pytest.mark.parametrize("data", CANONICAL, ids=lambda d: json.dumps(d)[:80])
def test_canonical_filters_round_trip_exactly(data):
    parsed = parse_filter(data)
    assert parsed.to_json() == data
    assert parse_filter(parsed.to_json()) == parsed
    assert parse_filter(json.dumps(data)) == parsed  # JSON text is accepted too


@pytest.mark.parametrize("data", [{}, {"filterGroups": []}, {"filterGroups": None}, "{}",
                                  '{"filterGroups": []}'])
def test_no_groups_means_all_contacts(data):
    parsed = parse_filter(data)
    assert parsed.is_all
    assert parsed == Filter(())
    assert bind(parsed, NOW, "UTC").matches({})


def test_a_filter_with_groups_is_not_all():
    assert not parse_filter(where(cond("id", "HAS_PROPERTY"))).is_all


@pytest.mark.parametrize("raw, expected", [
    # numbers: numeric strings accepted
    (cond("id", "EQ", value="42"), Condition("id", "EQ", 42)),
    (cond("id", "GT", value=" 4.5 "), Condition("id", "GT", 4.5)),
    (cond("id", "BETWEEN", value="1", highValue=9), Condition("id", "BETWEEN", 1, high_value=9)),
    # dates: ISO days, or the date part of a datetime (no time zone shift)
    (cond("created_at", "EQ", value="2026-03-29"), Condition("created_at", "EQ", date(2026, 3, 29))),
    (cond("created_at", "LT", value="2026-03-29T23:30:00Z"),
     Condition("created_at", "LT", date(2026, 3, 29))),
    (cond("created_at", "GT", value="2026-03-29 08:00:00+05:00"),
     Condition("created_at", "GT", date(2026, 3, 29))),
    # days: whole numbers, also as text
    (cond("created_at", "IN_LAST_DAYS", value="30"), Condition("created_at", "IN_LAST_DAYS", 30)),
    (cond("created_at", "MORE_THAN_DAYS_AGO", value=7.0),
     Condition("created_at", "MORE_THAN_DAYS_AGO", 7)),
    # booleans, also as text
    (cond("hard_bounced", "EQ", value="TRUE"), Condition("hard_bounced", "EQ", True)),
    (cond("unsubscribed", "EQ", value="false"), Condition("unsubscribed", "EQ", False)),
    # enums: case-insensitive, normalised
    (cond("marketing_status", "EQ", value="Non-marketing"),
     Condition("marketing_status", "EQ", "non_marketing")),
    (cond("marketing_status", "IN", values=["MARKETING", "non marketing"]),
     Condition("marketing_status", "IN", values=("marketing", "non_marketing"))),
    (cond("lifecycle_stage", "EQ", value="MQL"),
     Condition("lifecycle_stage", "EQ", "marketing_qualified_lead")),
    (cond("lifecycle_stage", "NEQ", value="Sales Qualified Lead"),
     Condition("lifecycle_stage", "NEQ", "sales_qualified_lead")),
    (cond("source", "EQ", value="Sales-Email-Extension"),
     Condition("source", "EQ", "sales_email_extension")),
    # text is kept as given (folding happens when comparing); duplicates dropped
    (cond("country", "IN", values=["NL", "nl", "NL"]), Condition("country", "IN", values=("NL", "nl"))),
    (cond("company", "CONTAINS_TOKEN", value=" Acme "), Condition("company", "CONTAINS_TOKEN", " Acme ")),
    # operator and property names are forgiving about case and spaces
    (cond(" Country ", " eq ", value="NL"), Condition("country", "EQ", "NL")),
    # list names are trimmed
    (cond("list", "IN_LIST", value="  VIP "), Condition("list", "IN_LIST", "VIP")),
    # a null value key counts as absent
    (cond("country", "HAS_PROPERTY", value=None), Condition("country", "HAS_PROPERTY")),
])
def test_values_are_typed_and_normalised(raw, expected):
    condition = only_condition(where(raw))
    assert condition == expected
    assert type(condition.value) is type(expected.value)  # 42, not 42.0 or "42"
    again = parse_filter(parse_filter(where(raw)).to_json())
    assert again == parse_filter(where(raw))


def test_python_dates_are_accepted_and_written_as_iso_text():
    data = where(cond("created_at", "BETWEEN", value=date(2026, 1, 1),
                      highValue=datetime(2026, 2, 1, 13, 0)))
    parsed = parse_filter(data)
    assert parsed.groups[0].conditions[0].high_value == date(2026, 2, 1)
    assert parsed.to_json() == where(cond("created_at", "BETWEEN", value="2026-01-01",
                                          highValue="2026-02-01"))


def test_parsed_filters_are_immutable_and_hashable():
    parsed = parse_filter(where(cond("country", "IN", values=["NL"])))
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.groups[0].conditions[0].value = "BE"
    assert hash(parsed) == hash(parse_filter(where(cond("country", "IN", values=["NL"]))))
    assert parse_filter(parsed) is parsed


def test_condition_built_in_python_keeps_values_as_a_tuple():
    condition = Condition("country", "IN", values=["NL", "BE"])
    assert condition.values == ("NL", "BE")
    assert Filter((Group((condition,)),)).to_json() == where(
        cond("country", "IN", values=["NL", "BE"]))


# --- limits -------------------------------------------------------------------------


def test_limits_are_allowed_exactly():
    groups = [{"filters": [cond("id", "GT", value=i)] * MAX_FILTERS_PER_GROUP}
              for i in range(MAX_GROUPS)]
    assert len(parse_filter({"filterGroups": groups}).groups) == MAX_GROUPS
    values = [f"c{i}" for i in range(MAX_VALUES)]
    assert len(only_condition(where(cond("country", "IN", values=values))).values) == MAX_VALUES


# --- refusing bad input -------------------------------------------------------------

BAD = [
    # (id, data, substrings the message must contain)
    ("unknown property", where(cond("countri", "EQ", value="NL")),
     ["group 1, filter 1: unknown property 'countri'"]),
    ("unknown property position",
     {"filterGroups": [{"filters": [cond("id", "GT", value=1)]},
                       {"filters": [cond("id", "GT", value=1), cond("countri", "EQ", value="NL")]}]},
     ["group 2, filter 2: unknown property 'countri'"]),
    ("missing property", where({"operator": "EQ", "value": "x"}), ["group 1, filter 1", "propertyName"]),
    ("unknown operator", where(cond("country", "LIKE", value="N%")),
     ["group 1, filter 1", "unknown operator 'LIKE'", "'country'"]),
    ("missing operator", where({"propertyName": "country", "value": "x"}),
     ["operator is missing", "'country'"]),
    ("text op on number", where(cond("id", "STARTS_WITH", value="1")),
     ["group 1, filter 1: operator STARTS_WITH does not fit number property 'id'"]),
    ("number op on text", where(cond("country", "LT", value="N")),
     ["operator LT does not fit text property 'country'"]),
    ("text op on date", where(cond("created_at", "CONTAINS_TOKEN", value="2026")),
     ["operator CONTAINS_TOKEN does not fit date property 'created_at'"]),
    ("IN on bool", where(cond("hard_bounced", "IN", values=[True])),
     ["operator IN does not fit bool property 'hard_bounced'"]),
    ("NEQ on date", where(cond("created_at", "NEQ", value="2026-01-01")),
     ["operator NEQ does not fit date property 'created_at'"]),
    ("EQ on list", where(cond("list", "EQ", value="VIP")),
     ["operator EQ does not fit list property 'list'"]),
    ("IN_LIST on text", where(cond("country", "IN_LIST", value="VIP")),
     ["operator IN_LIST does not fit text property 'country'"]),
    ("LT on enum", where(cond("lifecycle_stage", "LT", value="lead")),
     ["operator LT does not fit enum property 'lifecycle_stage'"]),
    ("text not a number", where(cond("id", "EQ", value="abc")), ["(id EQ)", "'abc' is not a number"]),
    ("bool not a number", where(cond("id", "GT", value=True)), ["(id GT)", "True is not a number"]),
    ("infinity not a number", where(cond("id", "LT", value="inf")), ["(id LT)", "not a number"]),
    ("number not text", where(cond("country", "EQ", value=31)), ["(country EQ)", "31 is not text"]),
    ("number in text values", where(cond("country", "IN", values=["NL", 31])),
     ["(country IN)", "31 is not text"]),
    ("empty contains", where(cond("company", "CONTAINS_TOKEN", value="")),
     ["(company CONTAINS_TOKEN)", "non-empty"]),
    ("empty starts with", where(cond("company", "STARTS_WITH", value="")),
     ["(company STARTS_WITH)", "non-empty"]),
    ("not a bool", where(cond("hard_bounced", "EQ", value="maybe")),
     ["(hard_bounced EQ)", "'maybe' is not true or false"]),
    ("1 is not a bool", where(cond("unsubscribed", "NEQ", value=1)),
     ["(unsubscribed NEQ)", "not true or false"]),
    ("number not a date", where(cond("created_at", "EQ", value=20260329)),
     ["(created_at EQ)", "is not a date (use YYYY-MM-DD)"]),
    ("empty list name", where(cond("list", "IN_LIST", value=" ")), ["(list IN_LIST)", "not a list name"]),
    ("list name not text", where(cond("list", "NOT_IN_LIST", value=7)),
     ["(list NOT_IN_LIST)", "not a list name"]),
    ("no values", where(cond("country", "IN")), ["group 1, filter 1 (country IN)", "needs 'values'"]),
    ("empty values", where(cond("country", "NOT_IN", values=[])), ["(country NOT_IN)", "needs 'values'"]),
    ("values not a list", where(cond("country", "IN", values="NL")), ["(country IN)", "non-empty list"]),
    ("value instead of values", where(cond("country", "IN", value="NL")),
     ["(country IN)", "needs 'values'"]),
    ("no value", where(cond("country", "EQ")), ["(country EQ)", "needs 'value'"]),
    ("no high value", where(cond("id", "BETWEEN", value=1)), ["(id BETWEEN)", "needs 'highValue'"]),
    ("value on HAS_PROPERTY", where(cond("country", "HAS_PROPERTY", value="NL")),
     ["(country HAS_PROPERTY)", "does not take 'value'"]),
    ("values on EQ", where(cond("country", "EQ", value="NL", values=["BE"])),
     ["(country EQ)", "does not take 'values'"]),
    ("highValue on GT", where(cond("id", "GT", value=1, highValue=2)),
     ["(id GT)", "does not take 'highValue'"]),
    ("too many values", where(cond("country", "IN", values=["x"] * (MAX_VALUES + 1))),
     ["(country IN)", "too many values", "at most 1,000"]),
    ("empty group", {"filterGroups": [{"filters": []}]}, ["group 1", "no filters"]),
    ("empty second group", {"filterGroups": [{"filters": [cond("id", "GT", value=1)]}, {"filters": []}]},
     ["group 2", "no filters"]),
    ("too many groups", {"filterGroups": [{"filters": [cond("id", "GT", value=1)]}] * (MAX_GROUPS + 1)},
     ["too many filter groups", "at most 10"]),
    ("too many filters", where(*[cond("id", "GT", value=1)] * (MAX_FILTERS_PER_GROUP + 1)),
     ["group 1", "too many filters", "at most 25"]),
    ("between low > high", where(cond("id", "BETWEEN", value=5, highValue=2)),
     ["(id BETWEEN)", "low value 5 is greater than the high value 2"]),
    ("date between low > high", where(cond("created_at", "BETWEEN", value="2026-05-01",
                                           highValue="2026-04-01")),
     ["(created_at BETWEEN)", "2026-05-01", "greater than"]),
    ("bad date word",
     {"filterGroups": [{"filters": [cond("id", "GT", value=1)]},
                       {"filters": [cond("created_at", "BETWEEN", value="yesterday",
                                         highValue="2026-01-01")]}]},
     ["group 2, filter 1 (created_at BETWEEN): 'yesterday' is not a date (use YYYY-MM-DD)"]),
    ("impossible date", where(cond("created_at", "EQ", value="2026-02-30")),
     ["(created_at EQ)", "'2026-02-30' is not a date"]),
    ("day-first date", where(cond("last_activity_at", "GT", value="29/03/2026")),
     ["(last_activity_at GT)", "not a date"]),
    ("bad high date", where(cond("created_at", "BETWEEN", value="2026-01-01", highValue="soon")),
     ["(created_at BETWEEN)", "'soon' is not a date"]),
    ("date out of range", where(cond("created_at", "GT", value="1800-01-01")),
     ["(created_at GT)", "out of range"]),
    ("negative days", where(cond("created_at", "IN_LAST_DAYS", value=-1)),
     ["(created_at IN_LAST_DAYS)", "-1 is not a whole number of days"]),
    ("fractional days", where(cond("created_at", "MORE_THAN_DAYS_AGO", value=1.5)),
     ["(created_at MORE_THAN_DAYS_AGO)", "whole number of days"]),
    ("too many days", where(cond("created_at", "IN_LAST_DAYS", value=36501)),
     ["(created_at IN_LAST_DAYS)", "from 0 to 36,500"]),
    ("days as word", where(cond("created_at", "IN_LAST_DAYS", value="ten")),
     ["(created_at IN_LAST_DAYS)", "'ten'"]),
    ("days as bool", where(cond("created_at", "IN_LAST_DAYS", value=True)),
     ["(created_at IN_LAST_DAYS)", "whole number"]),
    ("unknown lifecycle stage", where(cond("lifecycle_stage", "EQ", value="prospect")),
     ["(lifecycle_stage EQ)", "'prospect'"]),
    ("unknown status in values", where(cond("marketing_status", "IN", values=["marketing", "maybe"])),
     ["(marketing_status IN)", "'maybe'"]),
    ("unknown source", where(cond("source", "NEQ", value="fax")), ["(source NEQ)", "'fax'"]),
    ("enum not text", where(cond("source", "EQ", value=3)), ["(source EQ)", "3 is not one of"]),
    ("malformed JSON", '{"filterGroups": [', ["not valid JSON"]),
    ("JSON list", "[1, 2]", ["must be a JSON object"]),
    ("list", [], ["must be a JSON object"]),
    ("number", 42, ["must be a JSON object"]),
    ("None", None, ["must be a JSON object"]),
    ("filterGroups not a list", {"filterGroups": {"filters": []}}, ["filterGroups must be a list"]),
    ("group not an object", {"filterGroups": ["country = NL"]}, ["group 1", "must be an object"]),
    ("filters not a list", {"filterGroups": [{"filters": "x"}]}, ["group 1", "'filters' must be a list"]),
    ("filter not an object", where("country = NL"), ["group 1, filter 1", "must be an object"]),
    ("unknown top-level key", {"filterGroups": [], "sortz": []}, ["unknown key 'sortz'"]),
    ("unknown key beside a search body's", {"filterGroups": [], "sorts": [], "colour": 1},
     ["the search body: unknown key 'colour'"]),
    ("unknown filter key", where(cond("country", "EQ", valeu="NL")),
     ["group 1, filter 1", "unknown key 'valeu'"]),
]


@pytest.mark.parametrize("data, parts", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_filters_are_refused_with_a_precise_message(data, parts):
    with pytest.raises(ValidationError) as caught:
        parse_filter(data)
    for part in parts:
        assert part in str(caught.value)


@pytest.mark.parametrize("api", [
    lambda d: bind(d, NOW, "UTC"),
    lambda d: describe_filter(d),
    lambda d: list_names(d),
])
def test_every_entry_point_validates(api):
    with pytest.raises(ValidationError, match="unknown property 'countri'"):
        api(where(cond("countri", "EQ", value="NL")))


# --- binding dates ------------------------------------------------------------------

AMS = "Europe/Amsterdam"  # CET (+1); CEST (+2) from 2026-03-29 02:00 to 2026-10-25 03:00
NY = "America/New_York"  # EDT (-4) until 2026-11-01, then EST (-5)


def dt(*args) -> datetime:
    return datetime(*args)


BINDS = [
    # (tz, now, condition, lower, upper) - bounds naive UTC
    ("UTC", NOW, cond("created_at", "EQ", value="2026-03-29"), dt(2026, 3, 29), dt(2026, 3, 30)),
    ("UTC", NOW, cond("created_at", "LT", value="2026-03-29"), None, dt(2026, 3, 29)),
    ("UTC", NOW, cond("created_at", "LTE", value="2026-03-29"), None, dt(2026, 3, 30)),
    ("UTC", NOW, cond("created_at", "GT", value="2026-03-29"), dt(2026, 3, 30), None),
    ("UTC", NOW, cond("created_at", "GTE", value="2026-03-29"), dt(2026, 3, 29), None),
    ("UTC", NOW, cond("created_at", "BETWEEN", value="2026-03-01", highValue="2026-03-31"),
     dt(2026, 3, 1), dt(2026, 4, 1)),
    ("UTC", NOW, cond("created_at", "IN_LAST_DAYS", value=30), dt(2026, 10, 27), None),
    ("UTC", NOW, cond("created_at", "IN_LAST_DAYS", value=0), dt(2026, 11, 26), None),
    ("UTC", NOW, cond("last_activity_at", "MORE_THAN_DAYS_AGO", value=180), None, dt(2026, 5, 30)),
    # Amsterdam, spring forward: 2026-03-29 lasts 23 hours
    (AMS, NOW, cond("created_at", "EQ", value="2026-03-29"), dt(2026, 3, 28, 23), dt(2026, 3, 29, 22)),
    (AMS, NOW, cond("created_at", "LT", value="2026-03-29"), None, dt(2026, 3, 28, 23)),
    (AMS, NOW, cond("created_at", "LTE", value="2026-03-29"), None, dt(2026, 3, 29, 22)),
    (AMS, NOW, cond("created_at", "GT", value="2026-03-29"), dt(2026, 3, 29, 22), None),
    (AMS, NOW, cond("created_at", "GTE", value="2026-03-29"), dt(2026, 3, 28, 23), None),
    (AMS, NOW, cond("created_at", "BETWEEN", value="2026-03-28", highValue="2026-03-30"),
     dt(2026, 3, 27, 23), dt(2026, 3, 30, 22)),
    # Amsterdam, fall back: 2026-10-25 lasts 25 hours
    (AMS, NOW, cond("created_at", "EQ", value="2026-10-25"), dt(2026, 10, 24, 22), dt(2026, 10, 25, 23)),
    # relative days across the DST change; "today" is the local date
    (AMS, dt(2026, 3, 30, 10), cond("created_at", "IN_LAST_DAYS", value=1), dt(2026, 3, 28, 23), None),
    (AMS, dt(2026, 3, 30, 10), cond("created_at", "MORE_THAN_DAYS_AGO", value=0),
     None, dt(2026, 3, 29, 22)),
    (AMS, dt(2026, 3, 29, 22, 30), cond("created_at", "IN_LAST_DAYS", value=0), dt(2026, 3, 29, 22), None),
    # New York: at 03:00 UTC it is still yesterday locally
    (NY, dt(2026, 11, 26, 3), cond("created_at", "IN_LAST_DAYS", value=0), dt(2026, 11, 25, 5), None),
    (NY, dt(2026, 11, 26, 3), cond("created_at", "MORE_THAN_DAYS_AGO", value=30),
     None, dt(2026, 10, 26, 4)),
    (NY, datetime(2026, 11, 25, 22, tzinfo=ZoneInfo(NY)), cond("created_at", "IN_LAST_DAYS", value=0),
     dt(2026, 11, 25, 5), None),
    (NY, NOW, cond("created_at", "EQ", value="2026-11-01"), dt(2026, 11, 1, 4), dt(2026, 11, 2, 5)),
    # Kolkata (+05:30): already tomorrow locally
    ("Asia/Kolkata", dt(2026, 11, 25, 20), cond("created_at", "IN_LAST_DAYS", value=0),
     dt(2026, 11, 25, 18, 30), None),
    ("Asia/Kolkata", datetime(2026, 11, 25, 20, tzinfo=timezone.utc),
     cond("created_at", "EQ", value="2026-11-26"), dt(2026, 11, 25, 18, 30), dt(2026, 11, 26, 18, 30)),
]


@pytest.mark.parametrize("tz, now, raw, lower, upper", BINDS,
                         ids=[f"{b[0]}-{b[2]['operator']}-{i}" for i, b in enumerate(BINDS)])
def test_bind_resolves_dates_to_half_open_utc_bounds(tz, now, raw, lower, upper):
    bound = bind(where(raw), now, tz)
    (condition,) = bound.groups[0].conditions
    assert isinstance(condition, BoundCondition)
    assert (condition.lower, condition.upper) == (lower, upper)
    for edge in (condition.lower, condition.upper):
        assert edge is None or edge.tzinfo is None


@pytest.mark.parametrize("raw", [
    cond("country", "EQ", value="NL"),
    cond("id", "BETWEEN", value=1, highValue=3),
    cond("created_at", "HAS_PROPERTY"),
    cond("last_activity_at", "NOT_HAS_PROPERTY"),
    cond("list", "IN_LIST", value="VIP"),
])
def test_bind_leaves_other_conditions_unchanged(raw):
    condition = only_condition(where(raw))
    (bound,) = bind(where(raw), NOW, AMS).groups[0].conditions
    assert (bound.lower, bound.upper) == (None, None)
    assert (bound.property, bound.operator, bound.value, bound.values, bound.high_value) == (
        condition.property, condition.operator, condition.value, condition.values,
        condition.high_value)


def test_bind_keeps_now_as_naive_utc_and_the_zone():
    bound = bind({}, datetime(2026, 11, 26, 13, tzinfo=ZoneInfo(AMS)), AMS)
    assert (bound.now, bound.tz, bound.is_all) == (dt(2026, 11, 26, 12), AMS, True)
    assert parse_filter({}).bind(NOW, "UTC").is_all


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_bind_refuses_an_unknown_time_zone(tz):
    with pytest.raises(ValidationError, match="unknown time zone"):
        bind({}, NOW, tz)


# --- evaluating ---------------------------------------------------------------------

MATCHES = [
    # (property, operator, value keys, contact value, expected); tz UTC, now = NOW
    # text: ASCII-only case folding
    ("company", "EQ", {"value": "Acme"}, "aCME", True),
    ("company", "EQ", {"value": "ÉCOLE"}, "école", False),
    ("company", "EQ", {"value": "ÉCOLE"}, "École", True),
    ("company", "EQ", {"value": "Acme"}, "Acme Inc", False),
    ("company", "EQ", {"value": "Acme"}, None, False),
    ("company", "EQ", {"value": ""}, "", True),
    ("company", "NEQ", {"value": "Acme"}, "ACME", False),
    ("company", "NEQ", {"value": "Acme"}, "Globex", True),
    ("company", "NEQ", {"value": "Acme"}, None, True),
    ("country", "IN", {"values": ["NL", "BE"]}, "be", True),
    ("country", "IN", {"values": ["NL", "BE"]}, "DE", False),
    ("country", "IN", {"values": ["NL", "BE"]}, None, False),
    ("country", "NOT_IN", {"values": ["NL", "BE"]}, "nl", False),
    ("country", "NOT_IN", {"values": ["NL", "BE"]}, "DE", True),
    ("country", "NOT_IN", {"values": ["NL", "BE"]}, None, True),
    ("company", "CONTAINS_TOKEN", {"value": "acme"}, "The ACME Corp", True),
    ("company", "CONTAINS_TOKEN", {"value": "acme"}, "Acne", False),
    ("company", "CONTAINS_TOKEN", {"value": "é"}, "CAFÉ", False),
    ("company", "CONTAINS_TOKEN", {"value": "acme"}, None, False),
    ("company", "NOT_CONTAINS_TOKEN", {"value": "acme"}, "ACME", False),
    ("company", "NOT_CONTAINS_TOKEN", {"value": "acme"}, "Globex", True),
    ("company", "NOT_CONTAINS_TOKEN", {"value": "acme"}, None, True),
    ("email", "STARTS_WITH", {"value": "INFO@"}, "info@acme.io", True),
    ("email", "STARTS_WITH", {"value": "info@"}, "sales-info@acme.io", False),
    ("email", "STARTS_WITH", {"value": "info"}, None, False),
    ("first_name", "HAS_PROPERTY", {}, "Jo", True),
    ("first_name", "HAS_PROPERTY", {}, " ", True),
    ("first_name", "HAS_PROPERTY", {}, "", False),
    ("first_name", "HAS_PROPERTY", {}, None, False),
    ("first_name", "NOT_HAS_PROPERTY", {}, "Jo", False),
    ("first_name", "NOT_HAS_PROPERTY", {}, "", True),
    ("first_name", "NOT_HAS_PROPERTY", {}, None, True),
    # numbers
    ("id", "EQ", {"value": 5}, 5, True),
    ("id", "EQ", {"value": "5"}, 5, True),
    ("id", "EQ", {"value": 5}, 6, False),
    ("id", "EQ", {"value": 5}, None, False),
    ("id", "NEQ", {"value": 5}, 5, False),
    ("id", "NEQ", {"value": 5}, 6, True),
    ("id", "NEQ", {"value": 5}, None, True),
    ("id", "LT", {"value": 5}, 4, True),
    ("id", "LT", {"value": 5}, 5, False),
    ("id", "LT", {"value": 5}, None, False),
    ("id", "LTE", {"value": 5}, 5, True),
    ("id", "LTE", {"value": 5}, 6, False),
    ("id", "GT", {"value": 5}, 6, True),
    ("id", "GT", {"value": 5}, 5, False),
    ("id", "GT", {"value": 5}, None, False),
    ("id", "GTE", {"value": 5}, 5, True),
    ("id", "GTE", {"value": 5}, 4, False),
    ("id", "BETWEEN", {"value": 2, "highValue": 4}, 2, True),
    ("id", "BETWEEN", {"value": 2, "highValue": 4}, 4, True),
    ("id", "BETWEEN", {"value": 2, "highValue": 4}, 1, False),
    ("id", "BETWEEN", {"value": 2, "highValue": 4}, 5, False),
    ("id", "BETWEEN", {"value": 2, "highValue": 4}, None, False),
    ("id", "HAS_PROPERTY", {}, 0, True),
    ("id", "HAS_PROPERTY", {}, None, False),
    ("id", "NOT_HAS_PROPERTY", {}, None, True),
    ("id", "NOT_HAS_PROPERTY", {}, 0, False),
    # enums: normalised values, Enum members or plain strings in the contact
    ("marketing_status", "EQ", {"value": "Marketing"}, "marketing", True),
    ("marketing_status", "EQ", {"value": "marketing"}, Status.MARKETING, True),
    ("marketing_status", "EQ", {"value": "marketing"}, "non_marketing", False),
    ("marketing_status", "EQ", {"value": "marketing"}, None, False),
    ("marketing_status", "NEQ", {"value": "marketing"}, "non_marketing", True),
    ("marketing_status", "NEQ", {"value": "marketing"}, Status.MARKETING, False),
    ("marketing_status", "NEQ", {"value": "marketing"}, None, True),
    ("lifecycle_stage", "IN", {"values": ["lead", "MQL"]}, "marketing_qualified_lead", True),
    ("lifecycle_stage", "IN", {"values": ["lead", "MQL"]}, LifecycleStage.CUSTOMER, False),
    ("lifecycle_stage", "IN", {"values": ["lead"]}, None, False),
    ("lifecycle_stage", "NOT_IN", {"values": ["lead"]}, "lead", False),
    ("lifecycle_stage", "NOT_IN", {"values": ["lead"]}, "customer", True),
    ("lifecycle_stage", "NOT_IN", {"values": ["lead"]}, None, True),
    ("source", "EQ", {"value": "forms"}, Source.FORMS, True),
    ("lifecycle_stage", "HAS_PROPERTY", {}, "lead", True),
    ("lifecycle_stage", "HAS_PROPERTY", {}, None, False),
    ("lifecycle_stage", "NOT_HAS_PROPERTY", {}, None, True),
    ("lifecycle_stage", "NOT_HAS_PROPERTY", {}, "lead", False),
    # booleans: never unknown; a missing value reads as False
    ("unsubscribed", "EQ", {"value": True}, True, True),
    ("unsubscribed", "EQ", {"value": True}, False, False),
    ("unsubscribed", "EQ", {"value": True}, None, False),
    ("unsubscribed", "EQ", {"value": False}, False, True),
    ("unsubscribed", "EQ", {"value": False}, None, True),
    ("unsubscribed", "EQ", {"value": "false"}, True, False),
    ("hard_bounced", "NEQ", {"value": True}, False, True),
    ("hard_bounced", "NEQ", {"value": True}, True, False),
    ("pending_non_marketing", "NEQ", {"value": False}, True, True),
    # dates (UTC): whole days, half-open
    ("created_at", "EQ", {"value": "2026-03-29"}, dt(2026, 3, 29), True),
    ("created_at", "EQ", {"value": "2026-03-29"}, dt(2026, 3, 29, 23, 59, 59), True),
    ("created_at", "EQ", {"value": "2026-03-29"}, dt(2026, 3, 30), False),
    ("created_at", "EQ", {"value": "2026-03-29"}, dt(2026, 3, 28, 23, 59, 59), False),
    ("created_at", "EQ", {"value": "2026-03-29"}, None, False),
    ("created_at", "LT", {"value": "2026-03-29"}, dt(2026, 3, 28, 23, 59), True),
    ("created_at", "LT", {"value": "2026-03-29"}, dt(2026, 3, 29), False),
    ("created_at", "LT", {"value": "2026-03-29"}, None, False),
    ("created_at", "LTE", {"value": "2026-03-29"}, dt(2026, 3, 29, 23, 59), True),
    ("created_at", "LTE", {"value": "2026-03-29"}, dt(2026, 3, 30), False),
    ("created_at", "GT", {"value": "2026-03-29"}, dt(2026, 3, 30), True),
    ("created_at", "GT", {"value": "2026-03-29"}, dt(2026, 3, 29, 23, 59), False),
    ("created_at", "GTE", {"value": "2026-03-29"}, dt(2026, 3, 29), True),
    ("created_at", "GTE", {"value": "2026-03-29"}, dt(2026, 3, 28, 23, 59), False),
    ("created_at", "BETWEEN", {"value": "2026-03-01", "highValue": "2026-03-31"},
     dt(2026, 3, 31, 23, 59), True),
    ("created_at", "BETWEEN", {"value": "2026-03-01", "highValue": "2026-03-31"}, dt(2026, 3, 1), True),
    ("created_at", "BETWEEN", {"value": "2026-03-01", "highValue": "2026-03-31"}, dt(2026, 4, 1), False),
    ("created_at", "BETWEEN", {"value": "2026-03-01", "highValue": "2026-03-31"},
     dt(2026, 2, 28, 23, 59), False),
    ("last_activity_at", "IN_LAST_DAYS", {"value": 30}, dt(2026, 10, 27), True),
    ("last_activity_at", "IN_LAST_DAYS", {"value": 30}, dt(2026, 10, 26, 23, 59), False),
    ("last_activity_at", "IN_LAST_DAYS", {"value": 30}, dt(2027, 1, 1), True),
    ("last_activity_at", "IN_LAST_DAYS", {"value": 30}, None, False),
    ("last_activity_at", "MORE_THAN_DAYS_AGO", {"value": 180}, dt(2026, 5, 29, 23, 59), True),
    ("last_activity_at", "MORE_THAN_DAYS_AGO", {"value": 180}, dt(2026, 5, 30), False),
    ("last_activity_at", "MORE_THAN_DAYS_AGO", {"value": 180}, None, False),
    ("last_activity_at", "HAS_PROPERTY", {}, dt(2026, 1, 1), True),
    ("last_activity_at", "HAS_PROPERTY", {}, None, False),
    ("last_activity_at", "NOT_HAS_PROPERTY", {}, None, True),
    ("last_activity_at", "NOT_HAS_PROPERTY", {}, dt(2026, 1, 1), False),
]


@pytest.mark.parametrize("prop, op, keys, value, expected", MATCHES,
                         ids=[f"{m[0]}-{m[1]}-{i}" for i, m in enumerate(MATCHES)])
def test_matches_each_operator(prop, op, keys, value, expected):
    bound = bind(where(cond(prop, op, **keys)), NOW, "UTC")
    assert bound.matches({prop: value}) is expected


@pytest.mark.parametrize("prop, op", [("country", "NEQ"), ("country", "NOT_IN"),
                                      ("company", "NOT_CONTAINS_TOKEN"), ("email", "NOT_HAS_PROPERTY")])
def test_negative_operators_match_a_missing_key(prop, op):
    keys = {"values": ["x"]} if op == "NOT_IN" else {} if "HAS" in op else {"value": "x"}
    assert bind(where(cond(prop, op, **keys)), NOW, "UTC").matches({})


@pytest.mark.parametrize("value, expected", [
    (dt(2026, 3, 28, 22, 59), False),  # 23:59 local on the 28th
    (dt(2026, 3, 28, 23, 0), True),  # local midnight, CET
    (dt(2026, 3, 29, 21, 59), True),  # 23:59 local, CEST
    (dt(2026, 3, 29, 22, 0), False),  # local midnight of the 30th
    (datetime(2026, 3, 29, 1, tzinfo=ZoneInfo(AMS)), True),  # aware values are converted
])
def test_matches_dates_as_local_days_across_dst(value, expected):
    bound = bind(where(cond("created_at", "EQ", value="2026-03-29")), NOW, AMS)
    assert bound.matches({"created_at": value}) is expected


def test_matches_relative_days_in_the_account_zone():
    # 2026-11-26 03:00 UTC is still 2026-11-25 in New York: "today" starts at 05:00 UTC.
    bound = bind(where(cond("created_at", "IN_LAST_DAYS", value=0)), dt(2026, 11, 26, 3), NY)
    assert bound.matches({"created_at": dt(2026, 11, 25, 5)})
    assert not bound.matches({"created_at": dt(2026, 11, 25, 4, 59)})


@pytest.mark.parametrize("op, member, expected", [
    ("IN_LIST", True, True),
    ("IN_LIST", False, False),
    ("NOT_IN_LIST", True, False),
    ("NOT_IN_LIST", False, True),
])
def test_matches_list_membership_through_the_callback(op, member, expected):
    asked = []

    def in_list(name, contact):
        asked.append((name, contact["id"]))
        return member

    bound = bind(where(cond("list", op, value="VIP")), NOW, "UTC")
    assert bound.matches({"id": 7}, in_list) is expected
    assert asked == [("VIP", 7)]


def test_list_condition_without_callback_is_an_error():
    bound = bind(where(cond("list", "IN_LIST", value="VIP")), NOW, "UTC")
    with pytest.raises(ValidationError, match="VIP"):
        bound.matches({"id": 1})


COMBINED = {"filterGroups": [
    {"filters": [cond("country", "EQ", value="NL"), cond("unsubscribed", "EQ", value=False)]},
    {"filters": [cond("lifecycle_stage", "EQ", value="customer")]},
]}


@pytest.mark.parametrize("contact, expected", [
    ({"country": "NL", "unsubscribed": False}, True),  # first group
    ({"country": "NL", "unsubscribed": True}, False),  # first group fails one AND
    ({"country": "BE", "unsubscribed": False}, False),
    ({"country": "BE", "lifecycle_stage": "customer", "unsubscribed": True}, True),  # second group
    ({}, False),
])
def test_groups_are_ored_and_conditions_anded(contact, expected):
    assert bind(COMBINED, NOW, "UTC").matches(contact) is expected


# --- describing ---------------------------------------------------------------------

DESCRIPTIONS = [
    # (data, now, tz, sentence)
    ({"filterGroups": []}, None, "UTC", "All contacts"),
    ({}, NOW, AMS, "All contacts"),
    (where(cond("country", "IN", values=["NL", "BE"]),
           cond("last_activity_at", "MORE_THAN_DAYS_AGO", value=180)),
     dt(2026, 11, 26), "UTC",
     "Country is any of NL, BE and last activity more than 180 days ago (before 2026-05-30)"),
    (where(cond("last_activity_at", "MORE_THAN_DAYS_AGO", value=180)), None, "UTC",
     "Last activity more than 180 days ago"),
    (where(cond("created_at", "IN_LAST_DAYS", value=30)), NOW, "UTC",
     "Create date in the last 30 days (since 2026-10-27)"),
    (where(cond("created_at", "IN_LAST_DAYS", value=30)), dt(2026, 11, 26, 3), NY,
     "Create date in the last 30 days (since 2026-10-26)"),
    (where(cond("created_at", "IN_LAST_DAYS", value=1)), None, "UTC", "Create date in the last 1 day"),
    (where(cond("created_at", "EQ", value="2026-03-29")), None, "UTC", "Create date on 2026-03-29"),
    (where(cond("created_at", "LT", value="2026-03-29")), None, "UTC", "Create date before 2026-03-29"),
    (where(cond("created_at", "LTE", value="2026-03-29")), None, "UTC",
     "Create date on or before 2026-03-29"),
    (where(cond("created_at", "GT", value="2026-03-29")), None, "UTC", "Create date after 2026-03-29"),
    (where(cond("created_at", "GTE", value="2026-03-29")), None, "UTC",
     "Create date on or after 2026-03-29"),
    (where(cond("created_at", "BETWEEN", value="2026-03-01", highValue="2026-03-31")), None, "UTC",
     "Create date between 2026-03-01 and 2026-03-31"),
    (where(cond("last_activity_at", "NOT_HAS_PROPERTY")), None, "UTC", "Last activity is unknown"),
    (where(cond("country", "EQ", value="NL")), None, "UTC", "Country is NL"),
    (where(cond("country", "NEQ", value="NL")), None, "UTC", "Country is not NL"),
    (where(cond("country", "IN", values=["NL"])), None, "UTC", "Country is NL"),
    (where(cond("country", "NOT_IN", values=["NL", "BE"])), None, "UTC", "Country is none of NL, BE"),
    (where(cond("country", "IN", values=list("ABCDEFG"))), None, "UTC",
     "Country is any of A, B, C, D, E and 2 more"),
    (where(cond("company", "CONTAINS_TOKEN", value="acme")), None, "UTC",
     "Company name contains 'acme'"),
    (where(cond("email", "NOT_CONTAINS_TOKEN", value="@test")), None, "UTC",
     "Email does not contain '@test'"),
    (where(cond("email", "STARTS_WITH", value="info")), None, "UTC", "Email starts with 'info'"),
    (where(cond("country", "HAS_PROPERTY")), None, "UTC", "Country is known"),
    (where(cond("country", "NOT_HAS_PROPERTY")), None, "UTC", "Country is unknown"),
    (where(cond("id", "EQ", value=5)), None, "UTC", "Contact ID is 5"),
    (where(cond("id", "NEQ", value=5)), None, "UTC", "Contact ID is not 5"),
    (where(cond("id", "LT", value=5)), None, "UTC", "Contact ID is less than 5"),
    (where(cond("id", "LTE", value=5)), None, "UTC", "Contact ID is at most 5"),
    (where(cond("id", "GT", value=5)), None, "UTC", "Contact ID is greater than 5"),
    (where(cond("id", "GTE", value=5)), None, "UTC", "Contact ID is at least 5"),
    (where(cond("id", "BETWEEN", value=1, highValue=10)), None, "UTC", "Contact ID is between 1 and 10"),
    (where(cond("unsubscribed", "EQ", value=True)), None, "UTC", "Unsubscribed from all email is true"),
    (where(cond("unsubscribed", "EQ", value=False)), None, "UTC", "Unsubscribed from all email is false"),
    (where(cond("hard_bounced", "NEQ", value=True)), None, "UTC", "Hard bounced is false"),
    (where(cond("pending_non_marketing", "NEQ", value=False)), None, "UTC",
     "Marketing contact until next update is true"),
    (where(cond("marketing_status", "EQ", value="non-marketing")), None, "UTC",
     "Marketing contact status is non-marketing"),
    (where(cond("lifecycle_stage", "IN", values=["lead", "mql"])), None, "UTC",
     "Lifecycle stage is any of lead, marketing qualified lead"),
    (where(cond("source", "NOT_IN", values=["forms", "import"])), None, "UTC",
     "Source is none of forms, import"),
    (where(cond("source", "HAS_PROPERTY")), None, "UTC", "Source is known"),
    (where(cond("list", "IN_LIST", value="VIP")), None, "UTC", "Contact is member of list 'VIP'"),
    (where(cond("list", "NOT_IN_LIST", value="VIP")), None, "UTC",
     "Contact is not member of list 'VIP'"),
    (COMBINED, None, "UTC",
     "(Country is NL and unsubscribed from all email is false) or lifecycle stage is customer"),
    (any_of(cond("country", "EQ", value="NL"), cond("country", "EQ", value="BE")), None, "UTC",
     "Country is NL or country is BE"),
]


@pytest.mark.parametrize("data, now, tz, sentence", DESCRIPTIONS, ids=[d[3] for d in DESCRIPTIONS])
def test_describe_filter(data, now, tz, sentence):
    assert describe_filter(data, now=now, tz=tz) == sentence


# --- helpers and metadata -----------------------------------------------------------


@pytest.mark.parametrize("data, names", [
    ({}, set()),
    (where(cond("country", "EQ", value="NL")), set()),
    ({"filterGroups": [{"filters": [cond("list", "IN_LIST", value="VIP")]},
                       {"filters": [cond("list", "NOT_IN_LIST", value="Churned"),
                                    cond("list", "IN_LIST", value="VIP")]}]}, {"VIP", "Churned"}),
])
def test_list_names(data, names):
    assert list_names(data) == names


@pytest.mark.parametrize("text, folded", [
    ("Acme", "acme"),
    ("ÉCOLE", "École"),
    ("ÄÖÜ straße", "ÄÖÜ straße"),
    ("MiXeD 123 @X.IO", "mixed 123 @x.io"),
    ("", ""),
])
def test_ascii_fold_lowers_ascii_letters_only(text, folded):
    assert ascii_fold(text) == folded


def test_property_metadata_is_complete_for_a_ui():
    assert {p.type for p in PROPERTIES.values()} == set(OPERATORS_BY_TYPE)
    for name, prop in PROPERTIES.items():
        assert prop.name == name and prop.label
        for op in prop.operators:
            assert op in OPERATORS and op in OPERATOR_LABELS[prop.type]
    assert {op for ops in OPERATORS_BY_TYPE.values() for op in ops} == set(OPERATORS)
    assert PROPERTIES["lifecycle_stage"].choices == tuple(s.value for s in LifecycleStage)
    assert PROPERTIES["source"].choices == tuple(s.value for s in Source)
    assert PROPERTIES["marketing_status"].choices == ("marketing", "non_marketing")
    assert PROPERTIES["marketing_status"].choice_label("non_marketing") == "non-marketing"
    labels = {p.label for p in PROPERTIES.values()}
    assert {"Country", "Last activity", "Marketing contact status",
            "Marketing contact until next update"} <= labels
