"""Custom property values in SQL: the storage layout, its expressions and its indexes.

Layout, and why: every contact row has one JSON column ``custom`` (JSONB on PostgreSQL,
JSON text read with JSON1 on SQLite) holding ``{property name: value}`` for the custom
properties it has a value for, and each custom property gets ONE expression index on
its value, created with the property (``create_index``), dropped with it and renamed
with its key. Why not the alternatives:

* a column per property (ALTER TABLE ADD COLUMN) is the fastest to read but turns an
  import into DDL and, on SQLite, a table rebuild for a rename or drop at 1M rows;
* typed side tables (EAV, one row per contact and property) need a join per condition
  and per grid column, and make a page of 50 contacts read 50 x N extra rows;
* a GIN index on the whole JSONB answers containment (``@>``) only, not ranges or
  LIKE, and SQLite has nothing like it.

With the JSON column, a filter on a custom property is a comparison on an indexed
expression - the same plan as on a built-in indexed column (``benchmarks/run.py``
part ``custom`` measures it at 1,000,000 contacts) - and the row stays one read for
the grid. The SQL text of each expression (``custom_value``) is exactly the indexed
expression, so both engines match the index:

=============  =====================================  ==================================================
type           SQLite                                 PostgreSQL
=============  =====================================  ==================================================
number         ``json_extract(custom, '$.x')``        ``((custom ->> 'x')::numeric)``
date/datetime  ``json_extract(custom, '$.x')``        ``((custom ->> 'x') COLLATE "C")`` (ISO text)
boolean        ``json_extract(custom, '$.x')`` (1/0)  ``((custom ->> 'x')::boolean)``
enumeration    ``json_extract(custom, '$.x')``        ``(custom ->> 'x')``
text           ``lower(json_extract(...))`` indexed   ``lower((custom ->> 'x') COLLATE "C")`` indexed
=============  =====================================  ==================================================

Values are stored typed: numbers as JSON numbers, booleans as true/false, a date as
``YYYY-MM-DD``, a datetime as naive UTC ``YYYY-MM-DD HH:MM:SS`` (fixed-width ISO text
sorts and compares as the instants do), enumerations and text as strings. An unknown
value is an absent key, never JSON null. Property names are checked snake_case
(``domain.schema.check_name``) before they reach the SQL text here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Numeric, String, literal_column, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from ..domain.errors import ValidationError
from ..domain.fields import BOOLEAN, DATE, DATETIME, NUMBER, TEXT
from ..domain.schema import NAME_PATTERN, Schema, custom_field
from .models import Contact, CustomProperty

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _checked(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):  # never reaches SQL text unless snake_case
        raise ValidationError(f"bad custom property name {name[:40]!r}")
    return name


# --- the value expressions ---------------------------------------------------------------


class _CustomValue(FunctionElement):
    """A custom property's stored value in SQL (the indexed expression)."""

    inherit_cache = True
    nullable = True  # store.filter_sql negates as "IS NULL OR NOT ..." on it

    def __init__(self, name: str):
        super().__init__(Contact.__table__.c.custom, literal_column(f"'{_checked(name)}'"))
        self.property_name = name


class custom_number(_CustomValue):
    type = Numeric()
    name = "custom_number"
    inherit_cache = True


class custom_text(_CustomValue):  # text and enumerations
    type = String()
    name = "custom_text"
    inherit_cache = True


class custom_instant(_CustomValue):  # dates and datetimes: fixed-width ISO text
    type = String()
    name = "custom_instant"
    inherit_cache = True


class custom_bool(_CustomValue):
    type = Boolean()
    name = "custom_bool"
    inherit_cache = True


_KINDS = {NUMBER: custom_number, DATE: custom_instant, DATETIME: custom_instant, BOOLEAN: custom_bool}


def custom_value(name: str, field_type: str) -> _CustomValue:
    """The SQL value of custom property ``name`` of type ``field_type`` (NULL when unknown)."""
    return _KINDS.get(field_type, custom_text)(name)


def _parts(element, compiler, **kw) -> tuple[str, str]:
    column, key = element.clauses.clauses
    return compiler.process(column, **kw), key.name.strip("'")


def _sqlite(element, compiler, **kw):
    column, name = _parts(element, compiler, **kw)
    return f"json_extract({column}, '$.{name}')"


_PG_FORMS = {custom_number: "(({column} ->> '{name}')::numeric)",
             custom_instant: "(({column} ->> '{name}') COLLATE \"C\")",
             custom_bool: "(({column} ->> '{name}')::boolean)",
             custom_text: "({column} ->> '{name}')"}

for _cls, _form in _PG_FORMS.items():
    compiles(_cls)(_sqlite)

    def _pg(element, compiler, _form=_form, **kw):
        column, name = _parts(element, compiler, **kw)
        return _form.format(column=column, name=name)

    compiles(_cls, "postgresql")(_pg)


# --- indexes -----------------------------------------------------------------------------


def index_name(name: str) -> str:
    return f"ix_contacts_custom_{_checked(name)}"


def _index_expression(dialect: str, name: str, field_type: str) -> str:
    cls = _KINDS.get(field_type, custom_text)
    if dialect == "postgresql":
        expr = _PG_FORMS[cls].format(column="custom", name=name)
        return f'lower({expr} COLLATE "C")' if field_type == TEXT else expr
    expr = f"json_extract(custom, '$.{name}')"
    return f"lower({expr})" if field_type == TEXT else expr


def create_index(session: Session, name: str, field_type: str) -> None:
    dialect = session.get_bind().dialect.name
    session.execute(text(f"CREATE INDEX {index_name(name)} ON contacts "
                         f"(({_index_expression(dialect, _checked(name), field_type)}))"))


def drop_index(session: Session, name: str) -> None:
    session.execute(text(f"DROP INDEX IF EXISTS {index_name(name)}"))


# --- values ------------------------------------------------------------------------------


def rename_key(session: Session, old: str, new: str, field_type: str) -> None:
    """Move every contact's value of ``old`` to ``new``, and the index with it."""
    old, new = _checked(old), _checked(new)
    drop_index(session, old)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"UPDATE contacts SET custom = (custom - '{old}') || "
                             f"jsonb_build_object('{new}', custom -> '{old}') WHERE custom ? '{old}'"))
    else:
        # custom -> '$.x' is the value as JSON (true stays true; json_extract would give 1)
        session.execute(text(f"UPDATE contacts SET custom = json_set(json_remove(custom, '$.{old}'), "
                             f"'$.{new}', json(custom -> '$.{old}')) "
                             f"WHERE json_type(custom, '$.{old}') IS NOT NULL"))
    create_index(session, new, field_type)


def remove_key(session: Session, name: str) -> int:
    """Forget every contact's value of ``name`` and drop its index; the number of contacts that had one."""
    name = _checked(name)
    if session.get_bind().dialect.name == "postgresql":
        n = session.execute(text(f"UPDATE contacts SET custom = custom - '{name}' WHERE custom ? '{name}'")).rowcount
    else:
        n = session.execute(text(f"UPDATE contacts SET custom = json_remove(custom, '$.{name}') "
                                 f"WHERE json_type(custom, '$.{name}') IS NOT NULL")).rowcount
    drop_index(session, name)
    return int(n or 0)


def stored(value: Any, field_type: str) -> Any:
    """A typed Python value as it is kept in the JSON (None: no value)."""
    if value is None:
        return None
    if field_type == DATETIME and isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if field_type == DATE and isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def loaded(value: Any, field_type: str) -> Any:
    """A value read through ``custom_value`` as the grid and export use it (dates stay ISO text:
    they are the keyset's sort keys)."""
    if value is None:
        return None
    if field_type == NUMBER:
        if isinstance(value, str):
            value = Decimal(value)
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value
    if field_type == BOOLEAN:
        if isinstance(value, str):
            return value == "true"
        return bool(value)
    return value


# --- definitions -------------------------------------------------------------------------


def load_schema(session: Session | None) -> Schema:
    """The account's schema: the built-ins plus its custom properties, in the order made."""
    if session is None:
        return Schema()
    rows = session.execute(select(CustomProperty).order_by(CustomProperty.id)).scalars().all()
    return Schema(tuple(custom_field(r.name, r.label, r.type, tuple(r.options or ())) for r in rows))


class LazySchema:
    """``load_schema(session)`` read on first use: a filter on built-in properties only
    never reads the definitions (and a refused filter runs no statement at all)."""

    def __init__(self, session: Session | None):
        self._session, self._schema = session, None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._schema is None:
            self._schema = load_schema(self._session)
        return getattr(self._schema, name)


__all__ = ["LazySchema", "custom_value", "create_index", "drop_index", "rename_key", "remove_key", "load_schema", "stored",
           "loaded", "index_name", "DATETIME_FORMAT"]
