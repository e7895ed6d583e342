"""HubSpot's internal property names and values (``domain.fields``) and HubSpot search
request bodies (``domain.filters.search_body``)."""

from __future__ import annotations

from datetime import date

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.fields import FIELDS, HUBSPOT_NAMES, canonical_name
from mcwidgets.domain.filters import describe_filter, parse_filter, parse_search_body


def one(prop, op, **values):
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": op, **values}]}]}


# HubSpot name, operator, value keys -> the canonical condition's JSON
NAMES = [
    ("hs_object_id", "EQ", {"value": "7"}, {"propertyName": "id", "operator": "EQ", "value": 7}),
    ("email", "CONTAINS_TOKEN", {"value": "@x.org"},
     {"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "@x.org"}),
    ("firstname", "EQ", {"value": "Ann"}, {"propertyName": "first_name", "operator": "EQ", "value": "Ann"}),
    ("lastname", "HAS_PROPERTY", {}, {"propertyName": "last_name", "operator": "HAS_PROPERTY"}),
    ("company", "STARTS_WITH", {"value": "Ac"}, {"propertyName": "company", "operator": "STARTS_WITH", "value": "Ac"}),
    ("country", "IN", {"values": ["NL"]}, {"propertyName": "country", "operator": "IN", "values": ["NL"]}),
    ("lifecyclestage", "IN", {"values": ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
                                         "opportunity", "customer", "evangelist", "other"]},
     {"propertyName": "lifecycle_stage", "operator": "IN",
      "values": ["subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity",
                 "customer", "evangelist", "other"]}),
    ("createdate", "GTE", {"value": "1704067200000"},  # HubSpot's milliseconds: 2024-01-01T00:00Z
     {"propertyName": "created_at", "operator": "GTE", "value": "2024-01-01"}),
    ("createdate", "LT", {"value": 1704153599000},
     {"propertyName": "created_at", "operator": "LT", "value": "2024-01-01"}),
    ("notes_last_updated", "IN_LAST_DAYS", {"value": 30},
     {"propertyName": "last_activity_at", "operator": "IN_LAST_DAYS", "value": 30}),
    ("hs_email_optout", "EQ", {"value": "true"}, {"propertyName": "unsubscribed", "operator": "EQ", "value": True}),
    ("hs_marketable_status", "EQ", {"value": "true"},
     {"propertyName": "marketing_status", "operator": "EQ", "value": "marketing"}),
    ("hs_marketable_status", "NEQ", {"value": "false"},
     {"propertyName": "marketing_status", "operator": "NEQ", "value": "non_marketing"}),
    ("HS_MARKETABLE_UNTIL_RENEWAL", "EQ", {"value": "false"},
     {"propertyName": "pending_non_marketing", "operator": "EQ", "value": False}),
]


@pytest.mark.parametrize("name, op, values, canonical", NAMES, ids=[f"{n[0]} {n[1]}" for n in NAMES])
def test_hubspot_names_and_values_parse_to_our_canonical_filter(name, op, values, canonical):
    parsed = parse_filter(one(name, op, **values))
    assert parsed.to_json() == {"filterGroups": [{"filters": [canonical]}]}
    assert parse_filter(parsed.to_json()) == parsed  # canonical once parsed


def test_a_parsed_hubspot_filter_is_described_with_our_labels():
    f = parse_filter({"filterGroups": [{"filters": [
        {"propertyName": "lifecyclestage", "operator": "EQ", "value": "marketingqualifiedlead"},
        {"propertyName": "hs_marketable_status", "operator": "EQ", "value": "false"}]}]})
    assert describe_filter(f) == ("Lifecycle stage is marketing qualified lead and "
                                  "marketing contact status is non-marketing")


@pytest.mark.parametrize("name", ["lastmodifieddate", "hs_email_hard_bounce_reason_enum", "hs_analytics_source",
                                  "hs_lastactivitydate"])
def test_hubspot_names_that_do_not_map_cleanly_are_unknown(name):
    assert canonical_name(name) is None
    with pytest.raises(ValidationError, match=f"unknown property '{name}'"):
        parse_filter(one(name, "HAS_PROPERTY"))


def test_the_alias_table_lives_in_the_field_registry():
    assert HUBSPOT_NAMES == {f.hubspot_name: f.name for f in FIELDS.values() if f.hubspot_name}
    assert len(set(HUBSPOT_NAMES.values())) == len(HUBSPOT_NAMES)
    assert canonical_name("first_name") == canonical_name("FirstName") == "first_name"
    assert FIELDS["lifecycle_stage"].parse_choice("salesqualifiedlead") == "sales_qualified_lead"
    assert FIELDS["marketing_status"].parse_choice("TRUE") == "marketing"


def test_bad_hubspot_values_still_get_one_line_errors():
    with pytest.raises(ValidationError, match="unknown lifecycle stage 'marketingqualified'"):
        parse_filter(one("lifecyclestage", "EQ", value="marketingqualifiedlead"[:18]))
    with pytest.raises(ValidationError, match="is not a date"):
        parse_filter(one("createdate", "EQ", value=12345))  # too few digits for milliseconds
    assert parse_filter(one("createdate", "EQ", value="20240101")).groups[0].conditions[0].value == date(2024, 1, 1)


# --- search bodies --------------------------------------------------------------------

COUNTRY_NL = [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]

BODIES = [
    ("filter only", {"filterGroups": COUNTRY_NL}, None, False, (), ()),
    ("sorts and properties", {"filterGroups": COUNTRY_NL, "sorts": [{"propertyName": "createdate",
                                                                     "direction": "DESCENDING"}],
                              "properties": ["email", "firstname", "email", "hs_marketable_status"]},
     "created_at", True, ("email", "first_name", "marketing_status"), ()),
    ("ascending by default, a bare name", {"sorts": ["lastname"]}, "last_name", False, (), ()),
    ("paging ignored", {"filterGroups": COUNTRY_NL, "limit": 100, "after": "200"}, None, False, (),
     ("ignored: limit, after (mcwidgets pages by itself)",)),
    ("query ignored", {"query": "smith", "limit": 10}, None, False, (),
     ("ignored: limit (mcwidgets pages by itself)", "ignored: query (no free-text search; use filters)")),
    ("empty query and null after are not notes", {"query": "", "after": None}, None, False, (), ()),
]


@pytest.mark.parametrize("body, sort, descending, columns, notes", [b[1:] for b in BODIES],
                         ids=[b[0] for b in BODIES])
def test_search_bodies(body, sort, descending, columns, notes):
    parsed = parse_search_body(body)
    assert (parsed.sort, parsed.descending, parsed.columns, parsed.notes) == (sort, descending, columns, notes)
    assert parsed.filter == parse_filter({"filterGroups": body.get("filterGroups", [])})
    assert parse_filter(body) == parsed.filter  # a body is accepted wherever a filter is


BAD_BODIES = [
    ("unknown key", {"filterGroups": [], "sort": []}, "unknown key 'sort'"),
    ("two sorts", {"sorts": ["email", "country"]}, "too many sorts (2; at most 1)"),
    ("sorts not a list", {"sorts": "email"}, "sorts must be a list"),
    ("unknown sort property", {"sorts": [{"propertyName": "colour"}]}, "sort 1: unknown property 'colour'"),
    ("bad direction", {"sorts": [{"propertyName": "email", "direction": "UP"}]},
     "sort 1: direction 'UP' is not ASCENDING or DESCENDING"),
    ("unknown sort key", {"sorts": [{"propertyName": "email", "order": "ASC"}]}, "sort 1: unknown key 'order'"),
    ("properties not a list", {"properties": "email"}, "properties must be a list"),
    ("unknown column", {"properties": ["email", "jobtitle"]}, "properties 2: unknown property 'jobtitle'"),
    ("bad group", {"filterGroups": [{"filters": []}], "limit": 5}, "group 1: has no filters"),
    ("our group limit", {"filterGroups": COUNTRY_NL * 11, "limit": 5}, "too many filter groups (11; at most 10)"),
]


@pytest.mark.parametrize("body, message", [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES])
def test_bad_search_bodies_are_refused_in_one_line(body, message):
    for parse in (parse_search_body, parse_filter):
        with pytest.raises(ValidationError) as caught:
            parse(body)
        assert message in str(caught.value) and "\n" not in str(caught.value)
