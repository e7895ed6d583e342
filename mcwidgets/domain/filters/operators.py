"""The filter operators: ONE table that parsing, binding, evaluation, description and the
filter builder all read (and the store's SQL fragment table mirrors).

Each ``Operator`` row says which property types it applies to and its short label
for each (in the order a dropdown shows them), which value keys it takes (its
*arity*), whether it is the exact negation of a positive twin, and how a sentence
words it where the label alone does not do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# --- names ----------------------------------------------------------------------------

EQ, NEQ = "EQ", "NEQ"
LT, LTE, GT, GTE, BETWEEN = "LT", "LTE", "GT", "GTE", "BETWEEN"
IN, NOT_IN = "IN", "NOT_IN"
HAS_PROPERTY, NOT_HAS_PROPERTY = "HAS_PROPERTY", "NOT_HAS_PROPERTY"
CONTAINS_TOKEN, NOT_CONTAINS_TOKEN = "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"
STARTS_WITH = "STARTS_WITH"
IN_LAST_DAYS, MORE_THAN_DAYS_AGO = "IN_LAST_DAYS", "MORE_THAN_DAYS_AGO"
IN_LIST, NOT_IN_LIST = "IN_LIST", "NOT_IN_LIST"

# Property types (``domain.fields.Field.filter_type``, and the pseudo-property "list").
TEXT, NUMBER, DATE, BOOL, ENUM, LIST = "text", "number", "date", "bool", "enum", "list"
TYPES = (TEXT, NUMBER, DATE, BOOL, ENUM, LIST)

# Arity: the value keys an operator takes.
NO_VALUE = "none"  # nothing
ONE = "one"  # value
MANY = "many"  # values: a non-empty list
RANGE = "range"  # value and highValue (inclusive)
DAYS = "days"  # value: a whole number of days

KEYS: dict[str, frozenset[str]] = {
    NO_VALUE: frozenset(), ONE: frozenset({"value"}), MANY: frozenset({"values"}),
    RANGE: frozenset({"value", "highValue"}), DAYS: frozenset({"value"}),
}


@dataclass(frozen=True)
class Operator:
    name: str
    labels: Mapping[str, str]  # property type -> short label; its keys are the types it applies to
    arity: str = ONE
    positive: str | None = None  # a negative operator is exactly "not <positive>" (unknowns match)
    pattern: bool = False  # a text pattern: needs a non-empty text; a sentence quotes it
    single: str | None = None  # a one-value list reads as this operator ("is any of NL" -> "is NL")
    sentence: str | None = None  # wording with the number of days: "in the last {days}"
    anchor: str | None = None  # ... and the word before its exact date: "since 2026-05-30"
    keys: frozenset[str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "keys", KEYS[self.arity])

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, type_: str) -> str:
        return self.labels[type_]


def _same(label: str, *types: str, **other: str) -> dict[str, str]:
    """One label for several types, with other labels for some (``date="on"``)."""
    return {t: other.get(t, label) for t in types}


# In the order a dropdown offers them for each type.
OPERATOR_TABLE: dict[str, Operator] = {o.name: o for o in (
    Operator(EQ, _same("is", TEXT, NUMBER, DATE, BOOL, ENUM, date="on")),
    Operator(NEQ, _same("is not", TEXT, NUMBER, BOOL, ENUM), positive=EQ),
    Operator(LT, _same("is less than", NUMBER, DATE, date="before")),
    Operator(LTE, _same("is at most", NUMBER, DATE, date="on or before")),
    Operator(GT, _same("is greater than", NUMBER, DATE, date="after")),
    Operator(GTE, _same("is at least", NUMBER, DATE, date="on or after")),
    Operator(BETWEEN, _same("is between", NUMBER, DATE, date="between"), arity=RANGE),
    Operator(IN, _same("is any of", TEXT, ENUM), arity=MANY, single=EQ),
    Operator(NOT_IN, _same("is none of", TEXT, ENUM), arity=MANY, positive=IN, single=NEQ),
    Operator(CONTAINS_TOKEN, {TEXT: "contains"}, pattern=True),
    Operator(NOT_CONTAINS_TOKEN, {TEXT: "does not contain"}, positive=CONTAINS_TOKEN, pattern=True),
    Operator(STARTS_WITH, {TEXT: "starts with"}, pattern=True),
    Operator(IN_LAST_DAYS, {DATE: "in the last N days"}, arity=DAYS,
             sentence="in the last {days}", anchor="since"),
    Operator(MORE_THAN_DAYS_AGO, {DATE: "more than N days ago"}, arity=DAYS,
             sentence="more than {days} ago", anchor="before"),
    Operator(HAS_PROPERTY, _same("is known", TEXT, NUMBER, DATE, ENUM), arity=NO_VALUE),
    Operator(NOT_HAS_PROPERTY, _same("is unknown", TEXT, NUMBER, DATE, ENUM), arity=NO_VALUE,
             positive=HAS_PROPERTY),
    Operator(IN_LIST, {LIST: "is member of list"}),
    Operator(NOT_IN_LIST, {LIST: "is not member of list"}, positive=IN_LIST),
)}

# --- derived views of the table ------------------------------------------------------------

OPERATORS: tuple[str, ...] = tuple(OPERATOR_TABLE)

# Each negative operator is evaluated as "not <positive twin>" (see the package docstring).
POSITIVE_OF: dict[str, str] = {o.name: o.positive for o in OPERATOR_TABLE.values() if o.positive}

# Ordered as a UI dropdown should show them.
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    t: tuple(o.name for o in OPERATOR_TABLE.values() if t in o.labels) for t in TYPES}

# Short operator labels for a UI dropdown, by property type; describe_filter uses them too.
OPERATOR_LABELS: dict[str, dict[str, str]] = {
    t: {op: OPERATOR_TABLE[op].labels[t] for op in ops} for t, ops in OPERATORS_BY_TYPE.items()}


def arity(op: str) -> str:
    return OPERATOR_TABLE[op].arity


__all__ = ["Operator", "OPERATOR_TABLE", "OPERATORS", "POSITIVE_OF", "OPERATORS_BY_TYPE", "OPERATOR_LABELS",
           "TYPES", "KEYS", "NO_VALUE", "ONE", "MANY", "RANGE", "DAYS", "arity",
           "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY",
           "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN", "STARTS_WITH", "IN_LAST_DAYS",
           "MORE_THAN_DAYS_AGO", "IN_LIST", "NOT_IN_LIST", "TEXT", "NUMBER", "DATE", "BOOL", "ENUM", "LIST"]
