"""The contact schema (``domain.fields``) and the SQLAlchemy model (``store.models.Contact``) agree."""

from sqlalchemy import Boolean, DateTime, Integer, String

from mcwidgets.domain.fields import BOOLEAN, DATE, DATETIME, ENUMERATION, FIELDS, NUMBER, TEXT
from mcwidgets.store import paging
from mcwidgets.store.filter_sql import COLUMNS
from mcwidgets.store.models import Contact

# Columns that are not built-in contact properties: none since the status stamps moved
# to the audit rows (migration 0006), but ``custom``, the values of custom properties (0007).
INTERNAL: set[str] = {"custom"}
SQL_TYPES = {TEXT: String, ENUMERATION: String, NUMBER: Integer, DATETIME: DateTime, BOOLEAN: Boolean}


def test_every_field_is_a_contact_column_and_every_other_column_is_internal():
    columns = Contact.__table__.c
    assert set(FIELDS) | INTERNAL == set(columns.keys())
    assert [c for c in columns.keys() if c in FIELDS] == list(FIELDS)  # same order


def test_types_lengths_and_nullability_agree():
    columns = Contact.__table__.c
    for name, f in FIELDS.items():
        col = columns[name]
        assert f.type != DATE, "no date-only contact column yet: add its SQL type here"
        assert isinstance(col.type, SQL_TYPES[f.type]), name
        if f.type == TEXT:
            assert col.type.length == f.max_length, name
        if f.type == ENUMERATION:
            assert max(len(v) for v in f.choices) <= col.type.length, name
        assert col.nullable == f.nullable or col.primary_key, name


def test_the_store_pages_sorts_and_filters_the_schemas_fields():
    assert paging.GRID_COLUMNS == tuple(f.name for f in FIELDS.values() if f.grid)
    assert paging.SORTABLE == paging.GRID_COLUMNS
    assert set(COLUMNS) == {n for n, f in FIELDS.items() if f.filterable}
