"""Contact filters: parse, validate, bind, evaluate and describe the filter JSON.

The filter JSON is the HubSpot CRM search shape::

    {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                    "values": ["NL", "BE"]}]}]}

Groups are ORed, the filters inside a group ANDed; no groups means "all contacts".
Saved views, lists and workflow triggers store this JSON; ``parse_filter`` turns it
into immutable, typed ``Filter`` objects, ``bind`` resolves its dates against a clock
and a time zone, and both the SQL compiler (store layer) and ``BoundFilter.matches``
(plain Python) evaluate the bound form. They must agree, so the semantics are exact:

Text (email, names, company, country)
    Compared ASCII-case-insensitively: both sides go through ``ascii_fold``, which
    lowers A-Z only (SQLite's lower() folds ASCII only, so "ÉCOLE" != "école").
    EQ/IN: folded equality. CONTAINS_TOKEN: folded substring. STARTS_WITH: folded
    prefix. HAS_PROPERTY: not NULL and not the empty string.
    SQL must fold the same way (on PostgreSQL: translate A-Z to a-z, not lower()) and
    must not let % or _ in a value act as LIKE wildcards.
Number (id)
    Ordinary comparisons; BETWEEN is inclusive on both ends.
Enumeration (lifecycle_stage, source, marketing_status)
    Exact equality with the normalised value (values are stored normalised).
Boolean (hard_bounced, unsubscribed, pending_non_marketing)
    Never NULL in the store; the evaluator reads a missing value as False.
Date (created_at, last_activity_at; stored as naive-UTC datetimes)
    Calendar days in the account's time zone. ``bind`` turns every date condition
    except HAS/NOT_HAS into a half-open UTC range ``lower <= value < upper`` (a None
    bound is open); see ``bind`` for each operator.
List membership (pseudo-property ``list``)
    IN_LIST: the contact is a member of the named list (static or active).

Unknown values (NULL/None): every negative operator (NEQ, NOT_IN, NOT_CONTAINS_TOKEN,
NOT_IN_LIST, NOT_HAS_PROPERTY) is exactly the negation of its positive twin, and no
positive operator matches an unknown value - so negative operators match unknowns.
In SQL: ``NOT (col IS NOT NULL AND <positive test>)``.
"""

from __future__ import annotations

import json
import math
import reprlib
import string
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError
from .fields import CHOICE_LABELS, FIELDS

# --- limits (the HubSpot search API's) ---------------------------------------------

MAX_GROUPS = 10
MAX_FILTERS_PER_GROUP = 25
MAX_VALUES = 1_000
MAX_DAYS = 36_500  # a hundred years: anything larger is a typo
MIN_DATE = date(1900, 1, 1)  # keeps day arithmetic and UTC conversion in range
MAX_DATE = date(9998, 12, 31)
MAX_NUMBER = 10**100  # the SQL compiler clamps large numbers; beyond this, refuse (10**5000 breaks str())

# --- operators ---------------------------------------------------------------------

EQ, NEQ = "EQ", "NEQ"
LT, LTE, GT, GTE, BETWEEN = "LT", "LTE", "GT", "GTE", "BETWEEN"
IN, NOT_IN = "IN", "NOT_IN"
HAS_PROPERTY, NOT_HAS_PROPERTY = "HAS_PROPERTY", "NOT_HAS_PROPERTY"
CONTAINS_TOKEN, NOT_CONTAINS_TOKEN = "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"
STARTS_WITH = "STARTS_WITH"
IN_LAST_DAYS, MORE_THAN_DAYS_AGO = "IN_LAST_DAYS", "MORE_THAN_DAYS_AGO"
IN_LIST, NOT_IN_LIST = "IN_LIST", "NOT_IN_LIST"

OPERATORS = (EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY,
             CONTAINS_TOKEN, NOT_CONTAINS_TOKEN, STARTS_WITH, IN_LAST_DAYS,
             MORE_THAN_DAYS_AGO, IN_LIST, NOT_IN_LIST)

# Each negative operator is evaluated as "not <positive twin>" (see module docstring).
POSITIVE_OF = {NEQ: EQ, NOT_IN: IN, NOT_CONTAINS_TOKEN: CONTAINS_TOKEN,
               NOT_IN_LIST: IN_LIST, NOT_HAS_PROPERTY: HAS_PROPERTY}

# Property types.
TEXT, NUMBER, DATE, BOOL, ENUM, LIST = "text", "number", "date", "bool", "enum", "list"

# Ordered as a UI dropdown should show them.
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    TEXT: (EQ, NEQ, IN, NOT_IN, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN, STARTS_WITH,
           HAS_PROPERTY, NOT_HAS_PROPERTY),
    NUMBER: (EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, HAS_PROPERTY, NOT_HAS_PROPERTY),
    DATE: (EQ, LT, LTE, GT, GTE, BETWEEN, IN_LAST_DAYS, MORE_THAN_DAYS_AGO,
           HAS_PROPERTY, NOT_HAS_PROPERTY),
    BOOL: (EQ, NEQ),
    ENUM: (EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY),
    LIST: (IN_LIST, NOT_IN_LIST),
}

_KNOWN = {HAS_PROPERTY: "is known", NOT_HAS_PROPERTY: "is unknown"}
# Short operator labels for a UI dropdown, by property type; describe_filter uses them too.
OPERATOR_LABELS: dict[str, dict[str, str]] = {
    TEXT: {EQ: "is", NEQ: "is not", IN: "is any of", NOT_IN: "is none of",
           CONTAINS_TOKEN: "contains", NOT_CONTAINS_TOKEN: "does not contain",
           STARTS_WITH: "starts with", **_KNOWN},
    NUMBER: {EQ: "is", NEQ: "is not", LT: "is less than", LTE: "is at most",
             GT: "is greater than", GTE: "is at least", BETWEEN: "is between", **_KNOWN},
    DATE: {EQ: "on", LT: "before", LTE: "on or before", GT: "after", GTE: "on or after",
           BETWEEN: "between", IN_LAST_DAYS: "in the last N days",
           MORE_THAN_DAYS_AGO: "more than N days ago", **_KNOWN},
    BOOL: {EQ: "is", NEQ: "is not"},
    ENUM: {EQ: "is", NEQ: "is not", IN: "is any of", NOT_IN: "is none of", **_KNOWN},
    LIST: {IN_LIST: "is member of list", NOT_IN_LIST: "is not member of list"},
}

# How many value keys each operator takes.
_NO_VALUE = {HAS_PROPERTY, NOT_HAS_PROPERTY}
_MANY_VALUES = {IN, NOT_IN}
_RANGE = {BETWEEN}
_DAYS = {IN_LAST_DAYS, MORE_THAN_DAYS_AGO}

# --- properties --------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """A filterable contact property, with what a UI needs to offer it."""

    name: str
    type: str
    label: str
    choices: tuple[str, ...] = ()  # enum values, normalised

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS_BY_TYPE[self.type]

    def choice_label(self, value: str) -> str:
        return CHOICE_LABELS.get(value, value.replace("_", " "))


# Every filterable field of the contact schema (``domain.fields``), then list membership;
# grouped by type as a dropdown shows them (registry order within a type).
_TYPE_ORDER = (NUMBER, TEXT, ENUM, DATE, BOOL, LIST)
PROPERTIES: dict[str, Property] = {p.name: p for p in sorted(
    [*(Property(f.name, f.filter_type, f.label, f.choices) for f in FIELDS.values() if f.filterable),
     Property("list", LIST, "List membership")],
    key=lambda p: _TYPE_ORDER.index(p.type))}

_ENUM_PARSERS: dict[str, Callable[[str], str]] = {
    f.name: f.parse_choice for f in FIELDS.values() if f.filterable and f.filter_type == ENUM}

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

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))  # keep it hashable

    @property
    def type(self) -> str:
        return PROPERTIES[self.property].type

    def to_json(self) -> dict:
        out: dict[str, Any] = {"propertyName": self.property, "operator": self.operator}
        if self.operator in _MANY_VALUES:
            out["values"] = [_json_value(v) for v in self.values]
        elif self.operator not in _NO_VALUE:
            out["value"] = _json_value(self.value)
        if self.operator in _RANGE:
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
        return bind(self, now, tz)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- parsing and validation --------------------------------------------------------

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


def parse_filter(data: dict | str | Filter) -> Filter:
    """Validate the filter JSON (a dict, or JSON text) into a ``Filter``.

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
    _refuse_unknown_keys(data, {"filterGroups"}, "the filter")
    groups = data.get("filterGroups")
    groups = [] if groups is None else groups
    if not isinstance(groups, list):
        raise ValidationError("filterGroups must be a list of groups")
    if len(groups) > MAX_GROUPS:
        raise ValidationError(
            f"too many filter groups ({len(groups)}; at most {MAX_GROUPS})")
    return Filter(tuple(_parse_group(g, i) for i, g in enumerate(groups, 1)))


def _refuse_unknown_keys(data: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ValidationError(f"{where}: unknown key {_shown(unknown[0])} "
                              f"(expected {', '.join(sorted(allowed))})")


def _parse_group(raw: Any, g: int) -> Group:
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
    return Group(tuple(_parse_condition(f, g, i) for i, f in enumerate(filters, 1)))


_CONDITION_KEYS = {"propertyName", "operator", "value", "values", "highValue"}


def _parse_condition(raw: Any, g: int, i: int) -> Condition:
    where = f"group {g}, filter {i}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: must be an object with propertyName and operator")
    _refuse_unknown_keys(raw, _CONDITION_KEYS, where)
    prop = _parse_property(raw.get("propertyName"), where)
    operator = _parse_operator(raw.get("operator"), prop, where)
    where = f"{where} ({prop.name} {operator})"
    try:
        return _parse_values(raw, prop, operator)
    except ValidationError as e:
        raise ValidationError(f"{where}: {e}") from None


def _parse_property(name: Any, where: str) -> Property:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{where}: propertyName is missing")
    prop = PROPERTIES.get(name.strip().lower())
    if prop is None:
        raise ValidationError(f"{where}: unknown property {_shown(name)}")
    return prop


def _parse_operator(operator: Any, prop: Property, where: str) -> str:
    if not isinstance(operator, str) or not operator.strip():
        raise ValidationError(f"{where}: operator is missing for property {prop.name!r}")
    op = operator.strip().upper()
    if op not in OPERATORS:
        raise ValidationError(f"{where}: unknown operator {_shown(operator)} "
                              f"for property {prop.name!r}")
    if op not in prop.operators:
        raise ValidationError(
            f"{where}: operator {op} does not fit {prop.type} property {prop.name!r}")
    return op


def _parse_values(raw: dict, prop: Property, op: str) -> Condition:
    """Check the operator gets exactly the value keys it needs, then type them."""
    given = {k for k in ("value", "values", "highValue") if raw.get(k) is not None}
    needed = ({"values"} if op in _MANY_VALUES else {"value", "highValue"} if op in _RANGE
              else set() if op in _NO_VALUE else {"value"})
    missing, extra = sorted(needed - given), sorted(given - needed)
    if missing:
        hint = " (a non-empty list)" if missing[0] == "values" else ""
        raise ValidationError(f"needs {missing[0]!r}{hint}")
    if extra:
        raise ValidationError(f"does not take {extra[0]!r}")

    if op in _NO_VALUE:
        return Condition(prop.name, op)
    if op in _DAYS:
        return Condition(prop.name, op, _parse_days(raw["value"]))
    if op in _MANY_VALUES:
        return Condition(prop.name, op, values=_parse_many(raw["values"], prop, op))
    value = _parse_one(raw["value"], prop, op)
    if op not in _RANGE:
        return Condition(prop.name, op, value)
    high = _parse_one(raw["highValue"], prop, op)
    if value > high:
        raise ValidationError(f"the low value {_show(value)} is greater than "
                              f"the high value {_show(high)}")
    return Condition(prop.name, op, value, high_value=high)


def _parse_many(raw: Any, prop: Property, op: str) -> tuple:
    if not isinstance(raw, list) or not raw:
        raise ValidationError("needs 'values' (a non-empty list)")
    if len(raw) > MAX_VALUES:
        raise ValidationError(f"too many values ({len(raw):,}; at most {MAX_VALUES:,})")
    # Duplicates add nothing but SQL parameters.
    return tuple(dict.fromkeys(_parse_one(v, prop, op) for v in raw))


def _parse_one(raw: Any, prop: Property, op: str) -> Any:
    if prop.type == TEXT:
        return _parse_text(raw, empty_ok=op not in (CONTAINS_TOKEN, NOT_CONTAINS_TOKEN,
                                                    STARTS_WITH))
    if prop.type == NUMBER:
        return _parse_number(raw)
    if prop.type == DATE:
        return _parse_date(raw)
    if prop.type == BOOL:
        return _parse_bool(raw)
    if prop.type == ENUM:
        return _parse_enum(raw, prop)
    return _parse_list_name(raw)


def _parse_text(raw: Any, empty_ok: bool) -> str:
    if not isinstance(raw, str):
        raise ValidationError(f"{_shown(raw)} is not text")
    if not raw and not empty_ok:
        # "contains ''" would match every known value: surely not what was meant.
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
    elif isinstance(raw, str):
        day = _date_from_text(raw)
    else:
        raise ValidationError(f"{_shown(raw)} is not a date (use YYYY-MM-DD)")
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(f"{day.isoformat()} is out of range "
                              f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})")
    return day


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
    return _ENUM_PARSERS[prop.name](raw)  # raises ValidationError on unknown


def _parse_list_name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(f"{_shown(raw)} is not a list name")
    return raw.strip()


# --- binding dates -----------------------------------------------------------------


@dataclass(frozen=True)
class BoundCondition(Condition):
    """A condition with its dates resolved to naive-UTC bounds: lower <= v < upper.

    Set for every date operator except HAS/NOT_HAS_PROPERTY; None means open (and
    is always None for other types).
    """

    lower: datetime | None = None
    upper: datetime | None = None


@dataclass(frozen=True)
class BoundFilter:
    """A filter ready to evaluate: the SQL compiler and ``matches`` read the same bounds."""

    groups: tuple[Group, ...]  # of BoundCondition
    now: datetime  # naive UTC
    tz: str

    @property
    def is_all(self) -> bool:
        return not self.groups

    def matches(self, contact: Mapping[str, Any],
                in_list: Callable[[str, Mapping], bool] | None = None) -> bool:
        """Evaluate in plain Python. ``contact`` maps property names to values
        (datetimes naive UTC); ``in_list(name, contact)`` answers list conditions."""
        if self.is_all:
            return True
        return any(all(_matches(c, contact, in_list) for c in g.conditions)
                   for g in self.groups)


def bind(filter: Filter | dict | str, now: datetime, tz: str) -> BoundFilter:
    """Resolve date conditions into half-open naive-UTC ranges [lower, upper).

    start(D) is local midnight of D in ``tz`` converted to UTC (DST-safe: a day may
    last 23 or 25 hours); today is the local date of ``now`` (aware, or naive UTC).

    EQ D -> [start(D), start(D+1))       LT D  -> [-inf, start(D))
    LTE D -> [-inf, start(D+1))          GT D  -> [start(D+1), +inf)
    GTE D -> [start(D), +inf)            BETWEEN D1 D2 -> [start(D1), start(D2+1))
    IN_LAST_DAYS N -> [start(today-N), +inf)
    MORE_THAN_DAYS_AGO N -> [-inf, start(today-N))
    """
    filter = parse_filter(filter)
    zone = _zone(tz)
    now_utc = _naive_utc(now)
    today = _local_today(now_utc, zone)
    groups = tuple(Group(tuple(_bind_condition(c, zone, today) for c in g.conditions))
                   for g in filter.groups)
    return BoundFilter(groups, now_utc, tz)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(f"unknown time zone {tz!r}") from None


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _local_today(now_utc: datetime, zone: ZoneInfo) -> date:
    return now_utc.replace(tzinfo=timezone.utc).astimezone(zone).date()


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of ``day`` as naive UTC.

    fold=0 resolves a midnight skipped by DST to the first instant of the day and an
    ambiguous one to its earlier occurrence, so consecutive days never overlap.
    """
    local = datetime.combine(day, time(0), tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _bind_condition(c: Condition, zone: ZoneInfo, today: date) -> BoundCondition:
    bound = BoundCondition(c.property, c.operator, c.value, c.values, c.high_value)
    if c.type != DATE or c.operator in _NO_VALUE:
        return bound
    lower, upper = _date_range(c, today)
    return BoundCondition(c.property, c.operator, c.value, c.values, c.high_value,
                          lower=None if lower is None else _day_start(lower, zone),
                          upper=None if upper is None else _day_start(upper, zone))


def _date_range(c: Condition, today: date) -> tuple[date | None, date | None]:
    """The condition as local days [first, end) - end exclusive, None open."""
    one = timedelta(days=1)
    op, d = c.operator, c.value
    if op == EQ:
        return d, d + one
    if op == LT:
        return None, d
    if op == LTE:
        return None, d + one
    if op == GT:
        return d + one, None
    if op == GTE:
        return d, None
    if op == BETWEEN:
        return d, c.high_value + one
    if op == IN_LAST_DAYS:
        return today - timedelta(days=d), None
    if op == MORE_THAN_DAYS_AGO:
        return None, today - timedelta(days=d)
    raise AssertionError(f"unhandled date operator {op}")


# --- evaluation --------------------------------------------------------------------


def _matches(c: BoundCondition, contact: Mapping[str, Any],
             in_list: Callable[[str, Mapping], bool] | None) -> bool:
    positive = POSITIVE_OF.get(c.operator)
    op = positive or c.operator
    if c.type == LIST:
        if in_list is None:
            raise ValidationError(f"the filter uses list {c.value!r}: "
                                  f"list membership is needed to evaluate it")
        result = bool(in_list(c.value, contact))
    else:
        result = _holds(c, op, contact.get(c.property))
    return not result if positive else result


def _holds(c: BoundCondition, op: str, value: Any) -> bool:
    """The positive operator ``op`` on ``value``; never true for an unknown value."""
    if c.type == BOOL:  # stored NOT NULL; a missing value reads as False
        return bool(value) == c.value
    if value is None:
        return False
    if op == HAS_PROPERTY:
        return not (c.type == TEXT and value == "")
    if c.type == TEXT:
        return _holds_text(c, op, ascii_fold(str(value)))
    if c.type == DATE:
        value = _naive_utc(value)
        return ((c.lower is None or value >= c.lower)
                and (c.upper is None or value < c.upper))
    return _holds_compare(c, op, value)  # str-valued Enum members compare as their values


def _holds_text(c: Condition, op: str, folded: str) -> bool:
    if op == EQ:
        return folded == ascii_fold(c.value)
    if op == IN:
        return folded in {ascii_fold(v) for v in c.values}
    if op == CONTAINS_TOKEN:
        return ascii_fold(c.value) in folded
    if op == STARTS_WITH:
        return folded.startswith(ascii_fold(c.value))
    raise AssertionError(f"unhandled text operator {op}")


def _holds_compare(c: Condition, op: str, value: Any) -> bool:
    """Numbers and enum values: plain comparisons."""
    if op == EQ:
        return value == c.value
    if op == IN:
        return value in c.values
    if op == LT:
        return value < c.value
    if op == LTE:
        return value <= c.value
    if op == GT:
        return value > c.value
    if op == GTE:
        return value >= c.value
    if op == BETWEEN:
        return c.value <= value <= c.high_value
    raise AssertionError(f"unhandled operator {op}")


# --- description -------------------------------------------------------------------

_SHOWN_VALUES = 5  # a sentence, not a dump: longer value lists are cut short


def describe_filter(data: Filter | dict | str, now: datetime | None = None,
                    tz: str = "UTC") -> str:
    """A short sentence, e.g. "Country is any of NL, BE and last activity more than
    180 days ago (before 2026-05-30)". Relative dates show their exact local dates
    when ``now`` is given."""
    filter = parse_filter(data)
    if filter.is_all:
        return "All contacts"
    today = _local_today(_naive_utc(now), _zone(tz)) if now is not None else None
    several = len(filter.groups) > 1
    parts = []
    for group in filter.groups:
        text = " and ".join(_describe_condition(c, today) for c in group.conditions)
        parts.append(f"({text})" if several and len(group.conditions) > 1 else text)
    return _capitalize(" or ".join(parts))


def _capitalize(text: str) -> str:
    i = 1 if text.startswith("(") else 0
    return text[:i] + text[i:i + 1].upper() + text[i + 1:]


def _describe_condition(c: Condition, today: date | None) -> str:
    prop = PROPERTIES[c.property]
    if prop.type == LIST:
        return f"contact {OPERATOR_LABELS[LIST][c.operator]} {c.value!r}"
    subject = prop.label[:1].lower() + prop.label[1:]
    return f"{subject} {_describe_test(c, prop, today)}"


def _describe_test(c: Condition, prop: Property, today: date | None) -> str:
    op, label = c.operator, OPERATOR_LABELS[prop.type][c.operator]
    if op in _NO_VALUE:
        return label
    if prop.type == BOOL:
        return "is true" if c.value == (op == EQ) else "is false"
    if op in _DAYS:
        return _describe_days(c, today)
    if op == BETWEEN:
        return f"{label} {_show(c.value, prop)} and {_show(c.high_value, prop)}"
    if op in _MANY_VALUES:
        if len(c.values) == 1:
            label = OPERATOR_LABELS[prop.type][EQ if op == IN else NEQ]
        return f"{label} {_show_many(c.values, prop)}"
    if op in (CONTAINS_TOKEN, NOT_CONTAINS_TOKEN, STARTS_WITH):
        return f"{label} {c.value!r}"  # quoted: spaces and punctuation matter here
    return f"{label} {_show(c.value, prop)}"


def _describe_days(c: Condition, today: date | None) -> str:
    days = f"{c.value} day" + ("" if c.value == 1 else "s")
    if c.operator == IN_LAST_DAYS:
        text, word = f"in the last {days}", "since"
    else:
        text, word = f"more than {days} ago", "before"
    if today is None:
        return text
    return f"{text} ({word} {(today - timedelta(days=c.value)).isoformat()})"


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


# --- helpers for callers -----------------------------------------------------------


def list_names(filter: Filter | dict | str) -> set[str]:
    """The list names the filter refers to (IN_LIST / NOT_IN_LIST)."""
    return {c.value for g in parse_filter(filter).groups for c in g.conditions
            if c.type == LIST}
