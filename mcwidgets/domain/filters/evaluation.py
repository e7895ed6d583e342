"""Evaluating a bound filter in plain Python: one predicate per (property type, operator).

``PREDICATES`` mirrors the store's SQL fragment table (``store.filter_sql.FRAGMENTS``)
row for row, and follows the same semantics (the package docstring): a positive
operator never matches an unknown value, a negative one is exactly its negation, and
booleans read a missing value as False.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..errors import ValidationError
from .binding import naive_utc
from .model import ascii_fold
from .operators import (BETWEEN, BOOL, CONTAINS_TOKEN, DATE, ENUM, EQ, GT, GTE, HAS_PROPERTY, IN, LIST, LT,
                        LTE, NEQ, NOT_HAS_PROPERTY, NUMBER, OPERATORS_BY_TYPE, POSITIVE_OF, STARTS_WITH, TEXT)

if TYPE_CHECKING:
    from .binding import BoundCondition, BoundFilter

Predicate = Callable[["BoundCondition", Any], bool]


def matches(bound: "BoundFilter", contact: Mapping[str, Any],
            in_list: Callable[[str, Mapping], bool] | None = None) -> bool:
    """``BoundFilter.matches``: any group whose conditions all hold."""
    if bound.is_all:
        return True
    return any(all(holds(c, contact, in_list) for c in g.conditions) for g in bound.groups)


def holds(c: "BoundCondition", contact: Mapping[str, Any],
          in_list: Callable[[str, Mapping], bool] | None) -> bool:
    if c.type == LIST:
        if in_list is None:
            raise ValidationError(f"the filter uses list {c.value!r}: "
                                  f"list membership is needed to evaluate it")
        result = bool(in_list(c.value, contact))
        return not result if c.operator in POSITIVE_OF else result
    predicate = PREDICATES.get(c.type, {}).get(c.operator)
    if predicate is None:  # parse_filter refuses these already; a hand-built condition may not have
        raise ValidationError(f"operator {c.operator} does not fit {c.type} property {c.property!r}")
    return predicate(c, contact.get(c.property))


# --- building blocks -------------------------------------------------------------------


def _known(test: Predicate) -> Predicate:
    """A positive test: never true for an unknown value."""
    return lambda c, value: value is not None and test(c, value)


def _negate(positive: Predicate) -> Predicate:
    return lambda c, value: not positive(c, value)


def _folded(test: Callable[[Any, str], bool]) -> Predicate:
    return lambda c, value: test(c, ascii_fold(str(value)))


def _in_range(c, value) -> bool:
    if isinstance(value, date) and not isinstance(value, datetime):  # a calendar day (custom date)
        return (c.first_day is None or value >= c.first_day) and (c.end_day is None or value < c.end_day)
    value = naive_utc(value)
    return (c.lower is None or value >= c.lower) and (c.upper is None or value < c.upper)


def _with_negatives(type_: str, positives: dict[str, Predicate], known: Predicate) -> dict[str, Predicate]:
    """The type's row: its positive tests, "is known", and the negation of each (those the type offers)."""
    table = {op: _known(test) for op, test in positives.items()}
    table[HAS_PROPERTY] = known
    for negative, positive in POSITIVE_OF.items():
        if positive in table and negative in OPERATORS_BY_TYPE[type_]:
            table[negative] = _negate(table[positive])
    return table


# --- the predicate table ---------------------------------------------------------------

_TEXT = {EQ: _folded(lambda c, v: v == ascii_fold(c.value)),
         IN: _folded(lambda c, v: v in {ascii_fold(x) for x in c.values}),
         CONTAINS_TOKEN: _folded(lambda c, v: ascii_fold(c.value) in v),
         STARTS_WITH: _folded(lambda c, v: v.startswith(ascii_fold(c.value)))}
_NUMBER = {EQ: lambda c, v: v == c.value, LT: lambda c, v: v < c.value, LTE: lambda c, v: v <= c.value,
           GT: lambda c, v: v > c.value, GTE: lambda c, v: v >= c.value,
           BETWEEN: lambda c, v: c.value <= v <= c.high_value}
_ENUM = {EQ: lambda c, v: v == c.value,  # str-valued Enum members compare as their values
         IN: lambda c, v: v in c.values}
_DATE = {op: _in_range for op in OPERATORS_BY_TYPE[DATE] if op not in (HAS_PROPERTY, NOT_HAS_PROPERTY)}


def _is_known(c, value) -> bool:
    return value is not None


def _text_is_known(c, value) -> bool:
    return value is not None and value != ""


def _bool_is(c, value) -> bool:
    return bool(value) == c.value  # stored NOT NULL; a missing value reads as False


# property type -> operator -> predicate(bound condition, the contact's value)
PREDICATES: dict[str, dict[str, Predicate]] = {
    TEXT: _with_negatives(TEXT, _TEXT, _text_is_known),
    NUMBER: _with_negatives(NUMBER, _NUMBER, _is_known),
    DATE: _with_negatives(DATE, _DATE, _is_known),
    ENUM: _with_negatives(ENUM, _ENUM, _is_known),
    BOOL: {EQ: _bool_is, NEQ: _negate(_bool_is)},
}
