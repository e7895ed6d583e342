"""Plain functions behind the FilterBuilder: what a row offers, and the JSON it makes.

No widgets here: a row of the builder is (property, operator, values), where
``values`` is a tuple whose shape depends on the row's *value kind* (see
``value_kind``). ``condition_json`` turns a row into a filter condition (the JSON of
``domain.filters``), ``condition_values`` does the reverse for loading a filter,
and ``row_problem`` says in words what a row still lacks.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from ..domain.filters import (
    BOOL, CONTAINS_TOKEN, DATE, ENUM, LIST, MANY, NO_VALUE, NUMBER, ONE, OPERATOR_LABELS, OPERATOR_TABLE,
    OPERATORS_BY_TYPE, PROPERTIES, RANGE, TEXT, parse_filter,
)
from ..domain.filters import DAYS as _DAYS_ARITY  # an arity; DAYS below is the value kind

# Value kinds: which input(s) a row shows, and the shape of its values tuple.
NONE = "none"                  # ()                     is known / is unknown
TEXT_ONE = "text"              # (str,)
TEXT_MANY = "texts"            # (list[str],)           is any of / is none of
NUMBER_ONE = "number"          # (int | float,)
NUMBER_RANGE = "number_range"  # (low, high)            between
DATE_ONE = "date"              # (date | None,)
DATE_RANGE = "date_range"      # (date | None, date | None)
DAYS = "days"                  # (int,)                 in the last N days / more than N days ago
BOOL_ONE = "bool"              # (bool,)
ENUM_ONE = "enum"              # (str | None,)
ENUM_MANY = "enums"            # (tuple[str, ...],)
LIST_ONE = "list"              # (str | None,)          a list name

INTEGER_PROPERTIES = frozenset({"id"})  # number properties that hold whole numbers
DEFAULT_PROPERTY = "email"  # a new row: "Email contains ..." waiting for its text
DEFAULT_OPERATOR = CONTAINS_TOKEN
DEFAULT_DAYS = 30
BOOL_OPTIONS = [("Yes", True), ("No", False)]  # as the grid shows booleans
# Text properties whose exact conditions ("is", "is any of"...) choose among the values present
# in the data (``app.known_values``); "contains" and "starts with" stay free text.
CHOICE_PROPERTIES = frozenset({"country"})


def exact_text(prop: str, op: str, schema=None) -> bool:
    """A one-value text condition that compares whole values ("is", "is not"): typing its
    value letter by letter makes conditions nobody means, so it is applied when complete."""
    return value_kind(prop, op, schema) == TEXT_ONE and not OPERATOR_TABLE[op].pattern


def offers_choices(prop: str, op: str, schema=None) -> bool:
    """The row chooses among the property's known values (country "is", "is any of"...)."""
    return prop in CHOICE_PROPERTIES and (exact_text(prop, op, schema) or value_kind(prop, op, schema) == TEXT_MANY)


def _props(schema) -> dict:
    """The filterable properties: the built-ins, and the account's custom ones with a schema."""
    return PROPERTIES if schema is None else schema.properties


def property_options(schema=None) -> list[tuple[str, str]]:
    """(label, name) of every filterable property, for the property dropdown."""
    return [(p.label, p.name) for p in _props(schema).values()]


def operator_options(prop: str, schema=None) -> list[tuple[str, str]]:
    """(label, operator) of the operators that fit the property's type, in UI order."""
    kind = _props(schema)[prop].type
    return [(OPERATOR_LABELS[kind][op], op) for op in OPERATORS_BY_TYPE[kind]]


def enum_options(prop: str, schema=None) -> list[tuple[str, str]]:
    p = _props(schema)[prop]
    return [(p.choice_label(v), v) for v in p.choices]


# (property type, operator arity) -> value kind; list, boolean and "days" rows have one each.
_KINDS = {
    (TEXT, ONE): TEXT_ONE, (TEXT, MANY): TEXT_MANY,
    (NUMBER, ONE): NUMBER_ONE, (NUMBER, RANGE): NUMBER_RANGE,
    (DATE, ONE): DATE_ONE, (DATE, RANGE): DATE_RANGE, (DATE, _DAYS_ARITY): DAYS,
    (ENUM, ONE): ENUM_ONE, (ENUM, MANY): ENUM_MANY,
    (BOOL, ONE): BOOL_ONE, (LIST, ONE): LIST_ONE,
}


def value_kind(prop: str, op: str, schema=None) -> str:
    """Which input(s) a row shows: from the property's type and the operator's arity."""
    operator = OPERATOR_TABLE.get(op)
    if operator is None or _props(schema)[prop].type not in operator.types:
        raise ValueError(f"no input for {prop} {op}")
    if operator.arity == NO_VALUE:
        return NONE
    return _KINDS[_props(schema)[prop].type, operator.arity]


def default_values(prop: str, kind: str, list_names: list[str] | tuple[str, ...] = (), schema=None) -> tuple:
    """What a fresh input of ``kind`` holds."""
    if kind == NONE:
        return ()
    if kind == TEXT_ONE:
        return ("",)
    if kind in (TEXT_MANY, ENUM_MANY):
        return ((),)
    if kind == NUMBER_ONE:
        return (0,)
    if kind == NUMBER_RANGE:
        return (0, 0)
    if kind == DATE_ONE:
        return (None,)
    if kind == DATE_RANGE:
        return (None, None)
    if kind == DAYS:
        return (DEFAULT_DAYS,)
    if kind == BOOL_ONE:
        return (True,)
    if kind == ENUM_ONE:
        choices = _props(schema)[prop].choices
        return (choices[0] if choices else None,)
    if kind == LIST_ONE:
        return (list_names[0] if list_names else None,)
    raise ValueError(kind)


def carry_values(prop: str, old_kind: str, old: tuple, new_kind: str,
                 list_names: list[str] | tuple[str, ...] = (), schema=None) -> tuple:
    """The values a row keeps when its operator changes the value kind (same property):
    "is" 'NL' becomes "is any of" ['NL'], a date becomes the start of a range, ..."""
    new = default_values(prop, new_kind, list_names, schema=schema)
    if old_kind == new_kind:
        return old
    first = old[0] if old else None
    pairs = {(TEXT_ONE, TEXT_MANY), (ENUM_ONE, ENUM_MANY)}
    if (old_kind, new_kind) in pairs and first not in (None, ""):
        return ((first,) if new_kind == ENUM_MANY else [first],)
    if (new_kind, old_kind) in pairs and first:
        return (list(first)[0],)
    if {old_kind, new_kind} in ({NUMBER_ONE, NUMBER_RANGE}, {DATE_ONE, DATE_RANGE}) and first is not None:
        return (first, first) if new_kind in (NUMBER_RANGE, DATE_RANGE) else (first,)
    return new


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def condition_json(prop: str, op: str, values: tuple, schema=None) -> dict:
    """The filter condition of a row (unchecked: ``parse_filter`` validates it)."""
    kind = value_kind(prop, op, schema)
    out: dict[str, Any] = {"propertyName": prop, "operator": op}
    if kind == NONE:
        return out
    if kind in (TEXT_MANY, ENUM_MANY):
        out["values"] = [_json_value(v) for v in values[0]]
    elif kind in (NUMBER_RANGE, DATE_RANGE):
        out["value"], out["highValue"] = _json_value(values[0]), _json_value(values[1])
    else:
        out["value"] = _json_value(values[0])
    return out


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def condition_values(condition: dict, schema=None) -> tuple:
    """The values tuple of a canonical condition (``Filter.to_json()`` form)."""
    prop, op = condition["propertyName"], condition["operator"]
    kind = value_kind(prop, op, schema)
    if kind == NONE:
        return ()
    if kind == TEXT_MANY:
        return (list(condition["values"]),)
    if kind == ENUM_MANY:
        return (tuple(condition["values"]),)
    if kind == DATE_RANGE:
        return (_as_date(condition["value"]), _as_date(condition["highValue"]))
    if kind == NUMBER_RANGE:
        return (condition["value"], condition["highValue"])
    if kind == DATE_ONE:
        return (_as_date(condition["value"]),)
    return (condition["value"],)


def canonical(filter: dict | str | None, schema=None) -> dict:
    """The filter JSON as ``parse_filter`` normalises it (raises ValidationError)."""
    return parse_filter({"filterGroups": []} if filter is None else filter, schema).to_json()


def groups_of(filter: dict) -> list[list[dict]]:
    """The conditions of a canonical filter, group by group."""
    return [list(g["filters"]) for g in filter.get("filterGroups", [])]


def row_label(prop: str, op: str, schema=None) -> str:
    p = _props(schema)[prop]
    return f"{p.label} {OPERATOR_LABELS[p.type][op]}"


def row_problem(prop: str, op: str, values: tuple, schema=None) -> str | None:
    """What a row still lacks, in words; None when it is complete (the parser may still
    refuse it, e.g. a range whose low end is above its high end)."""
    kind = value_kind(prop, op, schema)
    if kind in (DATE_ONE, DATE_RANGE) and any(v is None for v in values):
        return "choose a date" if kind == DATE_ONE else "choose both dates"
    if kind == TEXT_MANY and not values[0]:
        return "add at least one value"
    if kind == ENUM_MANY and not values[0]:
        return "choose at least one value"
    if kind == ENUM_ONE and values[0] is None:
        return "choose a value"
    if kind == LIST_ONE and not values[0]:
        return "choose a list (there are no lists yet)" if values[0] is None else "choose a list"
    if kind == TEXT_ONE and OPERATOR_TABLE[op].pattern and not values[0]:
        return "type some text"
    if kind == TEXT_ONE and not (values[0] or "").strip():
        return "choose a value" if offers_choices(prop, op, schema) else "type a value, then press Enter"
    if kind in (NUMBER_ONE, NUMBER_RANGE, DAYS) and any(v is None for v in values):
        return "type a number"
    return None


def filter_from_rows(groups: list[list[tuple[str, str, tuple]]], schema=None) -> tuple[dict | None, str | None]:
    """(canonical filter, None) for complete, valid rows, or (None, problem in words).

    ``groups``: per group, the (property, operator, values) of each row.
    """
    from ..domain.errors import ValidationError

    for g, rows in enumerate(groups, 1):
        for i, (prop, op, values) in enumerate(rows, 1):
            problem = row_problem(prop, op, values, schema)
            if problem:
                where = f"Group {g}, condition {i}" if len(groups) > 1 else f"Condition {i}"
                return None, f"{where} ({row_label(prop, op, schema)}): {problem}"
    raw = {"filterGroups": [{"filters": [condition_json(p, o, v, schema) for p, o, v in rows]}
                            for rows in groups]}
    try:
        return canonical(raw, schema), None
    except ValidationError as e:
        text = str(e)
        return None, text[:1].upper() + text[1:]



_SCHEMA_FUNCTIONS = frozenset({"property_options", "operator_options", "enum_options", "value_kind",
                               "default_values", "carry_values", "condition_json", "condition_values",
                               "canonical", "row_label", "row_problem", "filter_from_rows",
                               "exact_text", "offers_choices"})


class Model:
    """This module bound to an account's schema (``App.schema()``): its functions offer the
    custom properties too. Attributes other than those functions are the module's."""

    def __init__(self, schema=None):
        self.schema = schema

    def __getattr__(self, name: str):
        attr = globals()[name] if name in globals() else None
        if attr is None:
            raise AttributeError(name)
        if name in _SCHEMA_FUNCTIONS:
            return functools.partial(attr, schema=self.schema)
        return attr
