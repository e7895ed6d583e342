"""Compile a bound filter (``domain.filters.BoundFilter``) into one SQL WHERE clause.

Each operator is a small function that returns a parameterised SQLAlchemy fragment
(one table per property type, like datasette's filters); values always travel as
bound parameters, never as SQL text. The fragments follow the semantics in the
package docstring of ``domain.filters`` exactly, and ``FRAGMENTS`` has a row for each
row of its predicate table (``domain.filters.PREDICATES``), so the SQL result on SQLite
and on PostgreSQL equals ``BoundFilter.matches`` in plain Python (a hypothesis test
checks it):

* Text is compared ASCII-case-insensitively: the column goes through
  ``ascii_lower`` (SQLite ``lower()``, which folds A-Z only; PostgreSQL
  ``lower(col COLLATE "C")``, which folds A-Z only too, whatever the database's
  own collation, where its plain lower() would fold every letter) and
  the value is folded in Python with ``ascii_fold`` before it is bound. Emails are
  stored lowercased (``normalize_email``), so their column is compared as it is and
  the unique index stays usable.
* CONTAINS_TOKEN / STARTS_WITH use ``LIKE ... ESCAPE '\\'`` with ``\\``, ``%`` and
  ``_`` in the value escaped (SQLite's LIKE ignores ASCII case, PostgreSQL's does
  not: both sides are folded, so both agree).
* A negative operator is ``NOT (col IS NOT NULL AND <positive>)``, written as
  ``col IS NULL OR NOT <positive>`` (just ``NOT <positive>`` on NOT NULL columns).
* Dates: ``lower <= col < upper`` with the naive-UTC bounds ``bind`` computed.
* Booleans are stored NOT NULL: ``col = true`` / ``col = false``.
* List membership is delegated to ``list_clause(name)``, which must return a
  condition that is never NULL (``NOT_IN_LIST`` is its plain negation).
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import (BigInteger, ColumnElement, DateTime, Float, Numeric, String, and_, bindparam,
                        false, not_, or_, true)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..domain.errors import ValidationError
from ..domain.fields import DATE as DATE_FIELD
from ..domain.filters import (BETWEEN, BOOL, CONTAINS_TOKEN, DATE, ENUM, EQ, GT, GTE,
                              HAS_PROPERTY, IN, IN_LIST, LIST, LT, LTE, NEQ, NO_VALUE,
                              NOT_HAS_PROPERTY, NUMBER, OPERATOR_TABLE, OPERATORS_BY_TYPE,
                              POSITIVE_OF, PROPERTIES, STARTS_WITH, TEXT, BoundCondition,
                              BoundFilter, ascii_fold)
from .custom import DATETIME_FORMAT, custom_bool, custom_number, custom_value
from .ids import SMALL, values_in
from .models import Contact

Clause = ColumnElement[bool]
ListClause = Callable[[str], Clause]

# Property name -> contacts column (every property except the pseudo-property "list").
COLUMNS = {name: Contact.__table__.c[name] for name, p in PROPERTIES.items() if p.type != LIST}

# Columns whose stored values contain no A-Z, so folding them changes nothing.
LOWERCASE_COLUMNS = frozenset({"email"})

# Above this many values an IN list becomes one array/JSON parameter (driver limits).
SMALL_IN = SMALL
# Ids are int4 in the store: clamping a number far outside that range keeps every
# comparison's result and keeps the parameter a valid BIGINT.
_NUMBER_LIMIT = 2 ** 62

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = _UPPER.lower()


# --- SQL constructs -----------------------------------------------------------------


class ascii_lower(FunctionElement):
    """Lower A-Z only, on every database (``ascii_fold`` in SQL)."""

    type = String()
    name = "ascii_lower"
    inherit_cache = True


@compiles(ascii_lower)
def _ascii_lower_default(element, compiler, **kw):
    # SQLite's built-in lower() folds ASCII letters only.
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(ascii_lower, "postgresql")
def _ascii_lower_pg(element, compiler, **kw):
    # PostgreSQL's lower() folds every letter ("É" -> "é") under a language collation,
    # but only A-Z under the "C" collation: exactly ascii_fold, and ~5x faster than
    # translate(col, 'A..Z', 'a..z') on a million rows.
    return f'lower(({compiler.process(element.clauses, **kw)}) COLLATE "C")'


class as_numeric(FunctionElement):
    """A numeric parameter on PostgreSQL (whose index on a numeric expression a float8
    comparison would not use); the parameter as it is on SQLite, where a CAST would keep
    the planner off the expression index."""

    type = Numeric()
    name = "as_numeric"
    inherit_cache = True


@compiles(as_numeric)
def _as_numeric_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(as_numeric, "postgresql")
def _as_numeric_pg(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS NUMERIC)"


# --- the compiler -------------------------------------------------------------------


def compile_filter(bound: BoundFilter, *, list_clause: ListClause) -> Clause | None:
    """One WHERE clause for ``bound``; None when it selects all contacts.

    ``list_clause(name)`` returns the membership test of the named list (never NULL:
    it is negated as it is for NOT_IN_LIST); it raises NotFound for unknown lists.
    """
    if not isinstance(bound, BoundFilter):
        raise TypeError("compile_filter needs a BoundFilter: bind(filter, now, tz) first")
    if bound.is_all:
        return None
    groups = [and_(*(compile_condition(c, list_clause) for c in g.conditions))
              for g in bound.groups]
    return groups[0] if len(groups) == 1 else or_(*groups)


def compile_condition(c: BoundCondition, list_clause: ListClause) -> Clause:
    if c.type == LIST:
        clause = list_clause(c.value)
        return clause if c.operator == IN_LIST else not_(clause)
    fragment = FRAGMENTS.get(c.type, {}).get(c.operator)
    if fragment is None:
        # parse_filter refuses these already; a hand-built condition may not have.
        raise ValidationError(f"operator {c.operator} does not fit {c.type} "
                              f"property {c.property!r}")
    col = COLUMNS.get(c.property)
    if col is None:
        if c.field_type is None:  # parse_filter refuses unknown properties; a hand-built one may not be
            raise ValidationError(f"unknown property {c.property!r}")
        # A custom property (``store.custom``): its indexed JSON expression stands for the column.
        col = custom_value(c.property, c.field_type)
    return fragment(col, c)


def _negate(fragment: Callable[[Any, BoundCondition], Clause]):
    """NOT (col IS NOT NULL AND positive): an unknown value matches a negative operator."""

    def negative(col, c: BoundCondition) -> Clause:
        positive = fragment(col, c)
        if not col.nullable:
            return not_(positive)
        return or_(col.is_(None), not_(positive))

    return negative


# --- text ---------------------------------------------------------------------------


def _folded(col):
    return col if getattr(col, "key", None) in LOWERCASE_COLUMNS else ascii_lower(col)


def _text_value(value: str) -> str:
    if "\x00" in value:  # PostgreSQL text cannot hold NUL; no stored value has one
        raise ValidationError("a text value cannot contain the NUL character")
    return ascii_fold(value)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_eq(col, c):
    return _folded(col) == bindparam(None, _text_value(c.value), type_=String())


def _text_in(col, c):
    return values_in(_folded(col), [_text_value(v) for v in c.values], String())


def _text_contains(col, c):
    pattern = "%" + _like_escape(_text_value(c.value)) + "%"
    return _folded(col).like(bindparam(None, pattern, type_=String()), escape="\\")


def _text_starts_with(col, c):
    pattern = _like_escape(_text_value(c.value)) + "%"
    return _folded(col).like(bindparam(None, pattern, type_=String()), escape="\\")


def _text_known(col, c):
    return and_(col.is_not(None), col != bindparam(None, "", type_=String()))


def _text_unknown(col, c):
    return or_(col.is_(None), col == bindparam(None, "", type_=String()))


# --- numbers ------------------------------------------------------------------------


def _number(value, col=None):
    if isinstance(value, float):
        param = bindparam(None, value, type_=Float())
    else:
        clamped = max(-_NUMBER_LIMIT, min(_NUMBER_LIMIT, int(value)))
        param = bindparam(None, clamped, type_=BigInteger())
    # A custom number is numeric: a numeric parameter keeps PostgreSQL on its index.
    return as_numeric(param) if isinstance(col, custom_number) else param


def _compare(method: str):
    def fragment(col, c):
        return getattr(col, method)(_number(c.value, col))

    return fragment


def _number_between(col, c):
    return and_(col >= _number(c.value, col), col <= _number(c.high_value, col))


def _known(col, c):
    return col.is_not(None)


def _unknown(col, c):
    return col.is_(None)


# --- dates, enumerations, booleans --------------------------------------------------


def _date_range(col, c):
    if c.field_type is not None:
        return _custom_date_range(col, c)
    parts = []
    if c.lower is not None:
        parts.append(col >= bindparam(None, c.lower, type_=DateTime()))
    if c.upper is not None:
        parts.append(col < bindparam(None, c.upper, type_=DateTime()))
    if not parts:  # bind always sets a bound; stay correct if it ever does not
        return col.is_not(None)
    return and_(*parts)


def _custom_date_range(col, c):
    """A custom date holds a calendar day (compared with the local days); a custom datetime
    an instant (naive UTC): both as fixed-width ISO text, which compares as they do."""
    if c.field_type == DATE_FIELD:
        low, high = (d.isoformat() if d is not None else None for d in (c.first_day, c.end_day))
    else:
        low, high = (d.strftime(DATETIME_FORMAT) if d is not None else None for d in (c.lower, c.upper))
    parts = [col >= bindparam(None, low, type_=String())] if low is not None else []
    if high is not None:
        parts.append(col < bindparam(None, high, type_=String()))
    return and_(*parts) if parts else col.is_not(None)


def _enum_eq(col, c):
    return col == bindparam(None, c.value, type_=String())


def _enum_in(col, c):
    return col.in_(bindparam(None, list(c.values), expanding=True, type_=String()))


def _bool_is(col, c):
    return _bool_equals(col, bool(c.value))


def _bool_is_not(col, c):
    return _bool_equals(col, not c.value)


def _bool_equals(col, value: bool):
    if value:
        return col == true()
    if isinstance(col, custom_bool):  # a custom boolean may be unknown: it reads as false
        return or_(col.is_(None), col == false())
    return col == false()


# --- the operator tables ------------------------------------------------------------

_TEXT = {EQ: _text_eq, IN: _text_in, CONTAINS_TOKEN: _text_contains,
         STARTS_WITH: _text_starts_with}
_NUMBER = {EQ: _compare("__eq__"), LT: _compare("__lt__"), LTE: _compare("__le__"),
           GT: _compare("__gt__"), GTE: _compare("__ge__"), BETWEEN: _number_between}
_ENUM = {EQ: _enum_eq, IN: _enum_in}


def _with_negatives(positives: dict, known, unknown) -> dict:
    table = dict(positives)
    for negative, positive in POSITIVE_OF.items():
        if positive in positives:
            table[negative] = _negate(positives[positive])
    table[HAS_PROPERTY], table[NOT_HAS_PROPERTY] = known, unknown
    return table


# property type -> operator -> fragment(column, bound condition)
FRAGMENTS: dict[str, dict[str, Callable[[Any, BoundCondition], Clause]]] = {
    TEXT: _with_negatives(_TEXT, _text_known, _text_unknown),
    NUMBER: _with_negatives(_NUMBER, _known, _unknown),
    DATE: {**{op: _date_range for op in OPERATORS_BY_TYPE[DATE] if OPERATOR_TABLE[op].arity != NO_VALUE},
           HAS_PROPERTY: _known, NOT_HAS_PROPERTY: _unknown},
    ENUM: _with_negatives(_ENUM, _known, _unknown),
    BOOL: {EQ: _bool_is, NEQ: _bool_is_not},
}

__all__ = ["compile_filter", "compile_condition", "ascii_lower", "FRAGMENTS", "COLUMNS",
           "Clause", "ListClause"]
