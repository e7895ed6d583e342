"""Describing a filter in one short sentence, worded from the operator table."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from .binding import local_today, naive_utc, zone_of
from .model import PROPERTIES, Condition, Filter, Property
from .operators import BOOL, DAYS, ENUM, EQ, LIST, MANY, NO_VALUE, OPERATOR_TABLE, RANGE
from .parsing import parse_filter

_SHOWN_VALUES = 5  # a sentence, not a dump: longer value lists are cut short


def describe_filter(data: Filter | dict | str, now: datetime | None = None,
                    tz: str = "UTC", schema=None) -> str:
    """A short sentence, e.g. "Country is any of NL, BE and last activity more than
    180 days ago (before 2026-05-30)". Relative dates show their exact local dates
    when ``now`` is given."""
    filter = parse_filter(data, schema)
    if filter.is_all:
        return "All contacts"
    today = local_today(naive_utc(now), zone_of(tz)) if now is not None else None
    several = len(filter.groups) > 1
    parts = []
    for group in filter.groups:
        text = " and ".join(_describe_condition(c, today, schema) for c in group.conditions)
        parts.append(f"({text})" if several and len(group.conditions) > 1 else text)
    return _capitalize(" or ".join(parts))


def _capitalize(text: str) -> str:
    i = 1 if text.startswith("(") else 0
    return text[:i] + text[i:i + 1].upper() + text[i + 1:]


def _describe_condition(c: Condition, today: date | None, schema=None) -> str:
    prop = PROPERTIES.get(c.property)
    if prop is None and schema is not None:
        prop = schema.properties.get(c.property)
    if prop is None:  # a custom property: the condition knows its type, the name reads as a label
        prop = Property(c.property, c.type, c.property.replace("_", " "), field_type=c.field_type)
    if prop.type == LIST:
        return f"contact {OPERATOR_TABLE[c.operator].label(LIST)} {c.value!r}"
    subject = prop.label[:1].lower() + prop.label[1:]
    return f"{subject} {_describe_test(c, prop, today)}"


def _describe_test(c: Condition, prop: Property, today: date | None) -> str:
    operator = OPERATOR_TABLE[c.operator]
    label = operator.label(prop.type)
    if operator.arity == NO_VALUE:
        return label
    if prop.type == BOOL:
        return "is true" if c.value == (operator.name == EQ) else "is false"
    if operator.arity == DAYS:
        return _describe_days(c, today)
    if operator.arity == RANGE:
        return f"{label} {_show(c.value, prop)} and {_show(c.high_value, prop)}"
    if operator.arity == MANY:
        if len(c.values) == 1:
            label = OPERATOR_TABLE[operator.single].label(prop.type)
        return f"{label} {_show_many(c.values, prop)}"
    if operator.pattern:
        return f"{label} {c.value!r}"  # quoted: spaces and punctuation matter here
    return f"{label} {_show(c.value, prop)}"


def _describe_days(c: Condition, today: date | None) -> str:
    operator = OPERATOR_TABLE[c.operator]
    text = operator.sentence.format(days=f"{c.value} day" + ("" if c.value == 1 else "s"))
    if today is None:
        return text
    return f"{text} ({operator.anchor} {(today - timedelta(days=c.value)).isoformat()})"


def _show(value: Any, prop: Property | None = None) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if prop is not None and prop.type == ENUM:
        return prop.choice_label(value)
    return str(value)


def _show_many(values: tuple, prop: Property) -> str:
    shown = ", ".join(_show(v, prop) for v in values[:_SHOWN_VALUES])
    rest = len(values) - _SHOWN_VALUES
    return f"{shown} and {rest:,} more" if rest > 0 else shown
