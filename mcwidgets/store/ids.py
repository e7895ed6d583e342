"""``expr IN (...)`` for any number of values, as one bound parameter.

A long IN list would need one parameter per value and hits the drivers' parameter
limits; instead SQLite reads a JSON array with json_each and PostgreSQL an array.
The one construct behind both selections by id (``ids_in``) and the filters' text
IN lists (``store.filter_sql``). It is a ``ColumnElement`` subclass compiled per
dialect with ``@compiles``, and this is the one place that leans on a private
SQLAlchemy attribute (``_is_implicitly_boolean``, so SQLite gets no ``= 1``).
"""

from __future__ import annotations

import json

from sqlalchemy import BigInteger, ColumnElement, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement as _CE
from sqlalchemy.types import Boolean, TypeEngine

SMALL = 200  # up to this many, a plain IN list is simplest and lets the planner see the values


class _ManyIn(_CE):
    """``expr IN <many values>`` as ONE bound parameter (a JSON array / a typed array)."""

    inherit_cache = False
    type = Boolean()
    _is_implicitly_boolean = True  # a predicate: no "= 1" appended on SQLite

    def __init__(self, expr, values: list, element_type: TypeEngine):
        self.expr = expr
        self.values = values
        self.element_type = element_type


@compiles(_ManyIn)
def _many_in_default(element, compiler, **kw):
    param = bindparam(None, json.dumps(element.values), type_=String(), unique=True)
    return (f"({compiler.process(element.expr, **kw)} IN "
            f"(SELECT value FROM json_each({compiler.process(param, **kw)})))")


@compiles(_ManyIn, "postgresql")
def _many_in_pg(element, compiler, **kw):
    from sqlalchemy.dialects.postgresql import ARRAY

    param = bindparam(None, element.values, type_=ARRAY(element.element_type), unique=True)
    return f"({compiler.process(element.expr, **kw)} = ANY({compiler.process(param, **kw)}))"


def values_in(expr, values, element_type: TypeEngine) -> ColumnElement[bool]:
    """``expr IN values`` (duplicates dropped): a plain IN list up to ``SMALL`` values,
    one JSON/array parameter above. ``values`` must be JSON-serialisable."""
    values = list(dict.fromkeys(values))
    if len(values) <= SMALL:
        return expr.in_(bindparam(None, values, expanding=True, type_=element_type))
    return _ManyIn(expr, values, element_type)


def ids_in(column, ids) -> ColumnElement[bool]:
    return values_in(column, ids, BigInteger())


__all__ = ["ids_in", "values_in", "SMALL"]
