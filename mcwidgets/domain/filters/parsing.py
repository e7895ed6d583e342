"""Parsing and validating the filter JSON into a ``Filter``.

Every error is a one-line ``ValidationError`` naming the group and filter (1-based),
the property and the operator; bad input is quoted short, never dumped.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from ..errors import ValidationError
from ..fields import FIELDS, HUBSPOT_NAMES
from .model import (MAX_DATE, MAX_DAYS, MAX_FILTERS_PER_GROUP, MAX_GROUPS, MAX_NUMBER, MAX_VALUES, MIN_DATE,
                    PROPERTIES, Condition, Filter, Group, Property)
from .operators import (BOOL, DATE, DAYS, ENUM, LIST, MANY, NO_VALUE, NUMBER, OPERATOR_TABLE, RANGE, TEXT,
                        Operator)

if TYPE_CHECKING:
    from ..schema import Schema

# Bad input is quoted in error messages, but short: never a dump of a huge or deeply
# nested value (a plain repr of one recurses, or runs to megabytes).
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 2, 40, 40, 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4


def _shown(raw: Any) -> str:
    """A short repr of any input value, for an error message."""
    try:
        return _REPR.repr(raw)
    except (ValueError, RecursionError):  # an int of more than 4,300 digits, a deep object
        return "a number with thousands of digits" if isinstance(raw, int) else "a deeply nested value"


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:200] if text else type(e).__name__


def parse_filter(data: dict | str | Filter, schema: "Schema | None" = None) -> Filter:
    """Validate the filter JSON (a dict, or JSON text) into a ``Filter``.

    ``schema`` (``domain.schema.Schema``) names the properties one may filter on: the
    account's custom properties as well as the built-ins (None: the built-ins only).
    Raises ``ValidationError`` naming the group and filter (1-based), the property
    and the operator. A ``Filter`` is returned as it is.
    """
    if isinstance(data, Filter):
        return data
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except RecursionError:
            raise ValidationError("the filter is not valid: it is nested too deeply") from None
        except ValueError as e:  # JSONDecodeError, or a number with thousands of digits
            raise ValidationError(f"the filter is not valid JSON: {_first_line(e)}") from None
    if not isinstance(data, dict):
        raise ValidationError(
            f'a filter must be a JSON object like {{"filterGroups": [...]}}, '
            f"not {type(data).__name__}")
    if set(data) & SEARCH_BODY_ONLY_KEYS:  # a HubSpot search request body: its filterGroups select
        from .search_body import parse_search_body  # builds on this module

        return parse_search_body(data, schema=schema).filter
    _refuse_unknown_keys(data, {"filterGroups"}, "the filter")
    # The built-ins are looked up first: a schema is read only for a name that is not one.
    properties = _Properties(schema)
    groups = data.get("filterGroups")
    groups = [] if groups is None else groups
    if not isinstance(groups, list):
        raise ValidationError("filterGroups must be a list of groups")
    if len(groups) > MAX_GROUPS:
        raise ValidationError(
            f"too many filter groups ({len(groups)}; at most {MAX_GROUPS})")
    return Filter(tuple(_parse_group(g, i, properties) for i, g in enumerate(groups, 1)))


class _Properties:
    """The built-in properties, then (only when asked for another name) the schema's."""

    def __init__(self, schema):
        self.schema = schema

    def get(self, name: str) -> Property | None:
        prop = PROPERTIES.get(name)
        if prop is None and name and self.schema is not None:
            prop = self.schema.properties.get(name)
        return prop


# The keys of a HubSpot CRM search request body besides filterGroups (``search_body``).
SEARCH_BODY_ONLY_KEYS = frozenset({"sorts", "properties", "limit", "after", "query"})


def _refuse_unknown_keys(data: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ValidationError(f"{where}: unknown key {_shown(unknown[0])} "
                              f"(expected {', '.join(sorted(allowed))})")


def _parse_group(raw: Any, g: int, properties: _Properties) -> Group:
    where = f"group {g}"
    if not isinstance(raw, dict):
        raise ValidationError(f'{where}: must be an object like {{"filters": [...]}}')
    _refuse_unknown_keys(raw, {"filters"}, where)
    filters = raw.get("filters")
    if not isinstance(filters, list):
        raise ValidationError(f"{where}: 'filters' must be a list of filters")
    if not filters:
        # An empty AND would silently mean "everything": make the user say so.
        raise ValidationError(f'{where}: has no filters (remove the group, or use '
                              f'{{"filterGroups": []}} for all contacts)')
    if len(filters) > MAX_FILTERS_PER_GROUP:
        raise ValidationError(f"{where}: too many filters ({len(filters)}; "
                              f"at most {MAX_FILTERS_PER_GROUP})")
    return Group(tuple(_parse_condition(f, g, i, properties) for i, f in enumerate(filters, 1)))


_CONDITION_KEYS = {"propertyName", "operator", "value", "values", "highValue"}


def _parse_condition(raw: Any, g: int, i: int, properties: _Properties) -> Condition:
    where = f"group {g}, filter {i}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: must be an object with propertyName and operator")
    _refuse_unknown_keys(raw, _CONDITION_KEYS, where)
    prop = _parse_property(raw.get("propertyName"), where, properties)
    operator = _parse_operator(raw.get("operator"), prop, where)
    where = f"{where} ({prop.name} {operator})"
    try:
        condition = _parse_values(raw, prop, operator)
    except ValidationError as e:
        raise ValidationError(f"{where}: {e}") from None
    if prop.field_type is not None:
        object.__setattr__(condition, "field_type", prop.field_type)
    return condition


def _parse_property(name: Any, where: str, properties: _Properties = _Properties(None)) -> Property:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{where}: propertyName is missing")
    key = name.strip().lower()
    prop = properties.get(key) or properties.get(HUBSPOT_NAMES.get(key, ""))  # ours, or HubSpot's name
    if prop is None:
        raise ValidationError(f"{where}: unknown property {_shown(name)}")
    return prop


def _parse_operator(operator: Any, prop: Property, where: str) -> str:
    if not isinstance(operator, str) or not operator.strip():
        raise ValidationError(f"{where}: operator is missing for property {prop.name!r}")
    op = operator.strip().upper()
    if op not in OPERATOR_TABLE:
        raise ValidationError(f"{where}: unknown operator {_shown(operator)} "
                              f"for property {prop.name!r}")
    if op not in prop.operators:
        raise ValidationError(
            f"{where}: operator {op} does not fit {prop.type} property {prop.name!r}")
    return op


def _parse_values(raw: dict, prop: Property, op: str) -> Condition:
    """Check the operator gets exactly the value keys it needs, then type them."""
    operator = OPERATOR_TABLE[op]
    given = {k for k in ("value", "values", "highValue") if raw.get(k) is not None}
    missing, extra = sorted(operator.keys - given), sorted(given - operator.keys)
    if missing:
        hint = " (a non-empty list)" if missing[0] == "values" else ""
        raise ValidationError(f"needs {missing[0]!r}{hint}")
    if extra:
        raise ValidationError(f"does not take {extra[0]!r}")

    if operator.arity == NO_VALUE:
        return Condition(prop.name, op)
    if operator.arity == DAYS:
        return Condition(prop.name, op, _parse_days(raw["value"]))
    if operator.arity == MANY:
        return Condition(prop.name, op, values=_parse_many(raw["values"], prop, operator))
    value = _parse_one(raw["value"], prop, operator)
    if operator.arity != RANGE:
        return Condition(prop.name, op, value)
    high = _parse_one(raw["highValue"], prop, operator)
    if value > high:
        raise ValidationError(f"the low value {_show(value)} is greater than "
                              f"the high value {_show(high)}")
    return Condition(prop.name, op, value, high_value=high)


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _parse_many(raw: Any, prop: Property, operator: Operator) -> tuple:
    if not isinstance(raw, list) or not raw:
        raise ValidationError("needs 'values' (a non-empty list)")
    if len(raw) > MAX_VALUES:
        raise ValidationError(f"too many values ({len(raw):,}; at most {MAX_VALUES:,})")
    # Duplicates add nothing but SQL parameters.
    return tuple(dict.fromkeys(_parse_one(v, prop, operator) for v in raw))


def _parse_one(raw: Any, prop: Property, operator: Operator) -> Any:
    if prop.type == TEXT:
        # "contains ''" would match every known value: surely not what was meant.
        return _parse_text(raw, empty_ok=not operator.pattern)
    return _VALUE_PARSERS[prop.type](raw, prop)


def _parse_text(raw: Any, empty_ok: bool) -> str:
    if not isinstance(raw, str):
        raise ValidationError(f"{_shown(raw)} is not text")
    if not raw and not empty_ok:
        raise ValidationError("needs a non-empty text")
    return raw


def _parse_number(raw: Any) -> int | float:
    if isinstance(raw, bool):  # bool is an int subclass: refuse it explicitly
        raise ValidationError(f"{_shown(raw)} is not a number")
    if isinstance(raw, str):
        text = raw.strip()
        try:
            raw = int(text)
        except ValueError:
            try:
                raw = float(text)
            except ValueError:
                raise ValidationError(f"{_shown(raw)} is not a number") from None
    if isinstance(raw, int) and not isinstance(raw, bool):
        if not -MAX_NUMBER <= raw <= MAX_NUMBER:
            raise ValidationError(f"{_shown(raw)} is out of range (at most 10^100 either way)")
        return raw
    if not isinstance(raw, float) or not math.isfinite(raw):
        raise ValidationError(f"{_shown(raw)} is not a number")
    return raw


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    elif _is_epoch_ms(raw):
        day = _date_from_epoch_ms(raw)
    elif isinstance(raw, str):
        day = _date_from_text(raw)
    else:
        raise ValidationError(f"{_shown(raw)} is not a date (use YYYY-MM-DD)")
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(f"{day.isoformat()} is out of range "
                              f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})")
    return day


# HubSpot's search API gives dates as milliseconds since 1970 (UTC), e.g. "1704067200000".
_EPOCH_MS = re.compile(r"-?\d{9,}")


def _is_epoch_ms(raw: Any) -> bool:
    """A whole number of at least 9 digits (an int, or a string of digits) reads as milliseconds."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return 10**8 <= abs(raw) < 10**16
    return isinstance(raw, str) and len(raw) < 40 and _EPOCH_MS.fullmatch(raw.strip()) is not None


def _date_from_epoch_ms(raw: int | str) -> date:
    """The UTC calendar day of a HubSpot millisecond timestamp (an int or a string of digits)."""
    try:
        ms = int(raw.strip() if isinstance(raw, str) else raw)
        return (datetime(1970, 1, 1) + timedelta(milliseconds=ms)).date()
    except (ValueError, OverflowError):
        raise ValidationError(f"{_shown(raw)} is out of range as a date in milliseconds") from None


def _date_from_text(raw: str) -> date:
    """Take "YYYY-MM-DD", or the date part of an ISO datetime (no time zone shift)."""
    text = raw.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        if len(text) > 10 and text[10] in "T ":
            return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    raise ValidationError(f"{_shown(raw)} is not a date (use YYYY-MM-DD)")


def _parse_days(raw: Any) -> int:
    days = raw
    if isinstance(raw, str) and raw.strip().isdigit():
        days = int(raw.strip())
    elif isinstance(raw, float) and raw.is_integer():
        days = int(raw)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise ValidationError(
            f"{_shown(raw)} is not a whole number of days from 0 to {MAX_DAYS:,}")
    return days


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ValidationError(f"{_shown(raw)} is not true or false")


def _parse_enum(raw: Any, prop: Property) -> str:
    if not isinstance(raw, str):
        raise ValidationError(f"{_shown(raw)} is not one of: {', '.join(prop.choices)}")
    if len(raw) > 200:  # the parsers' own messages quote the whole input
        raise ValidationError(f"{_shown(raw)} is not one of: {', '.join(prop.choices)}")
    if prop.custom:
        for choice in prop.choices:  # a custom option: ignoring case and surrounding spaces
            if choice.lower() == raw.strip().lower():
                return choice
        raise ValidationError(f"{_shown(raw)} is not one of: {', '.join(prop.choices)}")
    return FIELDS[prop.name].parse_choice(raw)  # raises ValidationError on unknown


def _parse_list_name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(f"{_shown(raw)} is not a list name")
    return raw.strip()


# property type -> parser of one value (text: ``_parse_text``, which depends on the operator)
_VALUE_PARSERS: dict[str, Callable[[Any, Property], Any]] = {
    NUMBER: lambda raw, prop: _parse_number(raw),
    DATE: lambda raw, prop: _parse_date(raw),
    BOOL: lambda raw, prop: _parse_bool(raw),
    ENUM: _parse_enum,
    LIST: lambda raw, prop: _parse_list_name(raw),
}


def list_names(filter: Filter | dict | str, schema: "Schema | None" = None) -> set[str]:
    """The list names the filter refers to (IN_LIST / NOT_IN_LIST)."""
    return {c.value for g in parse_filter(filter, schema).groups for c in g.conditions
            if c.type == LIST}
