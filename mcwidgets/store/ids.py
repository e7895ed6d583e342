"""``id IN (...)`` for any number of ids, as one bound parameter.

A long IN list would need one parameter per id and hits the drivers' parameter
limits; instead SQLite reads a JSON array with json_each and PostgreSQL an array.
"""

from __future__ import annotations

import json

from sqlalchemy import ColumnElement, bindparam, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement as _CE
from sqlalchemy.types import Boolean

SMALL = 200  # below this, a plain IN list is simplest and lets the planner see the values


class _IdsIn(_CE):
    inherit_cache = False
    type = Boolean()
    _is_implicitly_boolean = True  # render as a predicate, not "... = 1"

    def __init__(self, column, ids):
        self.column = column
        self.ids = list(ids)


@compiles(_IdsIn)
def _ids_in_default(element, compiler, **kw):
    param = bindparam(None, json.dumps(element.ids), unique=True)
    return (f"{compiler.process(element.column, **kw)} IN "
            f"(SELECT value FROM json_each({compiler.process(param, **kw)}))")


@compiles(_IdsIn, "postgresql")
def _ids_in_pg(element, compiler, **kw):
    from sqlalchemy.dialects.postgresql import ARRAY
    from sqlalchemy import BigInteger

    param = bindparam(None, element.ids, type_=ARRAY(BigInteger), unique=True)
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(param, **kw)})"


def ids_in(column, ids) -> ColumnElement[bool]:
    ids = list(dict.fromkeys(ids))
    if len(ids) <= SMALL:
        return column.in_(ids)
    return _IdsIn(column, ids)


__all__ = ["ids_in", "literal_column"]
