"""The parsed filter: limits, filterable properties, and the immutable Filter/Group/Condition."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..fields import CHOICE_LABELS, FIELDS, FILTER_TYPES
from .operators import BOOL, DATE, ENUM, LIST, MANY, NO_VALUE, NUMBER, OPERATORS_BY_TYPE, RANGE, TEXT, arity

if TYPE_CHECKING:
    from .binding import BoundFilter

# --- limits (the HubSpot search API's) ---------------------------------------------

MAX_GROUPS = 10
MAX_FILTERS_PER_GROUP = 25
MAX_VALUES = 1_000
MAX_DAYS = 36_500  # a hundred years: anything larger is a typo
MIN_DATE = date(1900, 1, 1)  # keeps day arithmetic and UTC conversion in range
MAX_DATE = date(9998, 12, 31)
MAX_NUMBER = 10**100  # the SQL compiler clamps large numbers; beyond this, refuse (10**5000 breaks str())

# --- properties --------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """A filterable contact property, with what a UI needs to offer it."""

    name: str
    type: str
    label: str
    choices: tuple[str, ...] = ()  # enum values, normalised
    field_type: str | None = None  # a custom property's field type (``domain.schema``); None: built-in

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS_BY_TYPE[self.type]

    @property
    def custom(self) -> bool:
        return self.field_type is not None

    def choice_label(self, value: str) -> str:
        if self.custom:
            return value
        return CHOICE_LABELS.get(value, value.replace("_", " "))


# Every filterable field of the contact schema (``domain.fields``), then list membership;
# grouped by type as a dropdown shows them (registry order within a type).
_TYPE_ORDER = (NUMBER, TEXT, ENUM, DATE, BOOL, LIST)
PROPERTIES: dict[str, Property] = {p.name: p for p in sorted(
    [*(Property(f.name, f.filter_type, f.label, f.choices) for f in FIELDS.values() if f.filterable),
     Property("list", LIST, "List membership")],
    key=lambda p: _TYPE_ORDER.index(p.type))}

# --- text folding ------------------------------------------------------------------

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def ascii_fold(text: str) -> str:
    """Lower A-Z only, like SQLite's lower(): "ÉCOLE" folds to "École", never "école"."""
    return text.translate(_ASCII_LOWER)


# --- the parsed filter -------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One filter: property, operator and typed, normalised value(s).

    ``value``: int/float (number), ``date`` (date; whole days for IN_LAST_DAYS and
    MORE_THAN_DAYS_AGO), bool, normalised enum string, text as given, or list name.
    ``values``: for IN/NOT_IN. ``high_value``: the upper end of BETWEEN.
    """

    property: str
    operator: str
    value: Any = None
    values: tuple = ()
    high_value: Any = None
    # A custom property's field type (``domain.schema``), so that binding, evaluation and
    # the SQL compiler need no schema; None for built-in properties.
    field_type: str | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))  # keep it hashable

    @property
    def type(self) -> str:
        if self.field_type is not None:
            return FILTER_TYPES[self.field_type]
        return PROPERTIES[self.property].type

    def to_json(self) -> dict:
        out: dict[str, Any] = {"propertyName": self.property, "operator": self.operator}
        kind = arity(self.operator)
        if kind == MANY:
            out["values"] = [_json_value(v) for v in self.values]
        elif kind != NO_VALUE:
            out["value"] = _json_value(self.value)
        if kind == RANGE:
            out["highValue"] = _json_value(self.high_value)
        return out


@dataclass(frozen=True)
class Group:
    """Conditions that must all hold (AND)."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Filter:
    """Groups of which at least one must hold (OR); no groups = all contacts."""

    groups: tuple[Group, ...] = ()

    @property
    def is_all(self) -> bool:
        return not self.groups

    def to_json(self) -> dict:
        return {"filterGroups": [{"filters": [c.to_json() for c in g.conditions]}
                                 for g in self.groups]}

    def bind(self, now: datetime, tz: str) -> "BoundFilter":
        from .binding import bind  # binding builds on this module

        return bind(self, now, tz)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
