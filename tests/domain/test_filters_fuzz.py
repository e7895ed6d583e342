"""Issue 12: generated filter JSON never makes the parser crash.

Whatever comes in (any JSON value, filter-shaped or not, nested deeply, with huge
numbers), ``parse_filter`` either returns a valid ``Filter`` (which then binds,
describes and round-trips) or raises a ``ValidationError`` with a short, one-line
message. Example counts are bounded so the suite stays quick.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.filters import (OPERATORS, PROPERTIES, Filter, bind, describe_filter, list_names,
                                      parse_filter)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
MAX_MESSAGE = 400  # an error is a sentence, not a dump of the input

# --- strategies ------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(min_value=2**62, max_value=2**80), st.integers(max_value=-(2**62)),
    st.floats(), st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    st.text(max_size=20), st.sampled_from(["", " ", "1", "-1", "1e999", "NaN", "2026-11-26", "0001-01-01",
                                           "9999-12-31", "2026-02-30", "2026-11-26T25:00:00", "true",
                                           "marketing", "non_marketing", "forms", "lead", "%", "_", "\x00",
                                           "x" * 5000]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)

condition_keys = ["propertyName", "operator", "value", "values", "highValue"]
conditions = st.one_of(
    st.fixed_dictionaries(
        {"propertyName": st.one_of(st.sampled_from(sorted(PROPERTIES)), st.text(max_size=8), scalars),
         "operator": st.one_of(st.sampled_from(OPERATORS), st.sampled_from([o.lower() for o in OPERATORS]),
                               st.text(max_size=8), scalars)},
        optional={"value": st.one_of(scalars, json_values), "values": st.one_of(st.lists(scalars, max_size=6),
                                                                                 json_values),
                  "highValue": scalars}),
    st.dictionaries(st.one_of(st.sampled_from(condition_keys), st.text(max_size=6)), json_values, max_size=5),
    json_values,
)
groups = st.one_of(st.fixed_dictionaries({"filters": st.lists(conditions, max_size=4)}),
                   st.dictionaries(st.sampled_from(["filters", "x"]), json_values, max_size=2), json_values)
# Well-formed conditions for each property and operator, then the same with one field
# swapped for something hostile: this reaches the value parsers, binding and describing.
hostile = st.sampled_from(["x" * 5000, 10**30, 2**63, -(2**63) - 1, 1e300, float("nan"), float("inf"),
                           "\x00", "9" * 30, "\n", ["a", ["b"]], {"k": {"k": 1}}, "0001-01-01",
                           "9999-12-31T23:59:59", 40_000, -1, True])


def _value(prop, op):
    if op in ("IN_LAST_DAYS", "MORE_THAN_DAYS_AGO"):
        return st.integers(0, 36_500) | st.integers(0, 36_500).map(str)
    if prop.type == "number":
        return st.integers(-10**6, 10**6) | st.floats(-1e6, 1e6) | st.integers(0, 10**6).map(str)
    if prop.type == "date":
        return (st.dates(date(1900, 1, 1), date(9998, 12, 31)).map(date.isoformat)
                | st.datetimes().map(lambda d: d.isoformat()))
    if prop.type == "bool":
        return st.booleans() | st.sampled_from(["true", "False"])
    if prop.type == "enum":
        return st.sampled_from(prop.choices)
    return st.text(min_size=1, max_size=12)


def _condition(prop, op):
    fields = {"propertyName": st.just(prop.name), "operator": st.just(op)}
    if op in ("IN", "NOT_IN"):
        fields["values"] = st.lists(_value(prop, op), min_size=1, max_size=4)
    elif op == "BETWEEN":
        fields["value"] = fields["highValue"] = _value(prop, op)
    elif op not in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        fields["value"] = _value(prop, op)
    return st.fixed_dictionaries(fields)


good_conditions = st.sampled_from([(p, op) for p in PROPERTIES.values() for op in p.operators]).flatmap(
    lambda pair: _condition(*pair))


def _spoil(condition: dict):
    return st.sampled_from(sorted(condition) + ["value", "values", "highValue"]).flatmap(
        lambda key: hostile.map(lambda bad: {**condition, key: bad}))


spoiled_conditions = good_conditions.flatmap(_spoil)
filters = st.one_of(
    st.fixed_dictionaries({"filterGroups": st.lists(st.fixed_dictionaries(
        {"filters": st.lists(good_conditions | spoiled_conditions, min_size=1, max_size=3)}), max_size=3)}),
    st.fixed_dictionaries({"filterGroups": st.lists(groups, max_size=3)}),
    st.fixed_dictionaries({"filterGroups": st.one_of(json_values, st.lists(groups, min_size=10, max_size=12))}),
    st.dictionaries(st.sampled_from(["filterGroups", "sorts", "query"]), json_values, max_size=3),
    json_values,
)


def check(data) -> Filter | None:
    """parse_filter(data): a Filter that works end to end, or a short ValidationError."""
    try:
        f = parse_filter(data)
    except ValidationError as e:
        message = str(e)
        assert message and "\n" not in message and len(message) <= MAX_MESSAGE, message
        return None
    assert isinstance(f, Filter)
    assert parse_filter(f.to_json()) == f  # what is stored reads back the same
    assert parse_filter(json.dumps(f.to_json())) == f
    describe_filter(f)
    describe_filter(f, NOW, "Europe/Amsterdam")
    list_names(f)
    bound = bind(f, NOW, "Pacific/Kiritimati")
    contact = {"id": 7, "email": "a@b.example", "created_at": datetime(2026, 1, 1), "hard_bounced": False}
    try:
        bound.matches(contact, in_list=lambda name, c: False)
    except ValidationError:
        pass
    return f


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filters)
def test_generated_filter_json_is_a_filter_or_a_clear_error(data):
    check(data)


@settings(max_examples=150, deadline=None)
@given(filters)
def test_generated_filter_text_is_a_filter_or_a_clear_error(data):
    text = json.dumps(data)  # NaN and Infinity come out as bare words, as some tools write them
    a, b = check(text), check(data)
    assert a == b


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=60).map(lambda b: b.decode("latin-1")) | st.text(max_size=60))
def test_any_text_is_a_filter_or_a_clear_error(text):
    check(text)


def nested(depth: int, leaf="x", kind="list"):
    data = leaf
    for _ in range(depth):
        data = [data] if kind == "list" else {"filterGroups": data}
    return data


@pytest.mark.parametrize("depth", [10, 900, 1_000, 1_500, 100_000])
def test_deeply_nested_json_text_is_a_clear_error(depth):
    opener, closer = "[" * depth, "]" * depth
    for text in (opener + closer, '{"filterGroups": ' + opener + closer + "}",
                 '{"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": '
                 + opener + closer + "}]}]}"):
        with pytest.raises(ValidationError) as e:
            parse_filter(text)
        assert len(str(e.value)) <= MAX_MESSAGE


@pytest.mark.parametrize("depth", [10, 900, 1_000, 5_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_deeply_nested_values_are_a_clear_error(depth, kind):
    old = sys.getrecursionlimit()
    try:
        for data in (nested(depth, kind=kind), {"filterGroups": nested(depth, kind=kind)},
                     {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ",
                                                     "value": nested(depth, kind=kind)}]}]},
                     {"filterGroups": [{"filters": [{"propertyName": "id", "operator": "IN",
                                                     "values": [nested(depth, kind=kind)]}]}]}):
            with pytest.raises(ValidationError) as e:
                parse_filter(data)
            assert len(str(e.value)) <= MAX_MESSAGE
    finally:
        assert sys.getrecursionlimit() == old


@pytest.mark.parametrize("value", [10**101, -(10**101), 10**5000, "9" * 200],
                         ids=["10^101", "-10^101", "10^5000", "200 nines"])
def test_numbers_with_too_many_digits_are_refused(value):
    data = {"filterGroups": [{"filters": [{"propertyName": "id", "operator": "EQ", "value": value}]}]}
    with pytest.raises(ValidationError, match="out of range"):
        parse_filter(data)


@pytest.mark.parametrize("value", [2**63, -(2**63), 10**30, 1e300, 10**100])
def test_large_numbers_are_kept_for_the_sql_compiler_to_clamp(value):
    f = parse_filter({"filterGroups": [{"filters": [{"propertyName": "id", "operator": "LT", "value": value}]}]})
    assert f.groups[0].conditions[0].value == value
    describe_filter(f)
