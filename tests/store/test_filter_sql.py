"""The filter compiler's SQL, operator by operator, on SQLite and PostgreSQL.

Table-driven like datasette's filter tests: each row is one condition, the WHERE
clause it compiles to on SQLite and on PostgreSQL (psycopg), and the bound
parameters. ``TR(col)`` in the PostgreSQL column stands for the ASCII-only fold
``lower((col) COLLATE "C")``. The filter is bound at 2026-03-29 10:00 UTC in
Europe/Amsterdam, the day clocks go forward (the day lasts 23 hours).
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.filters import BoundCondition, BoundFilter, Group, bind, parse_filter
from mcwidgets.store.filter_sql import SMALL_IN, compile_filter
from mcwidgets.store.lists import static_members
from mcwidgets.store.models import Contact

NOW = datetime(2026, 3, 29, 10, 0)
TZ = "Europe/Amsterdam"
SQLITE, PG = sqlite.dialect(), psycopg.dialect()


def pg(sql: str) -> str:
    return re.sub(r"TR\((contacts\.\w+)\)", r'lower((\1) COLLATE "C")', sql)


def lists(name: str):
    assert name == "vip"
    return static_members(7)


def where_sql(filter: dict, dialect, **kw) -> tuple[str, dict]:
    """The WHERE clause of ``SELECT contacts.id FROM contacts WHERE ...`` and its params."""
    clause = compile_filter(bind(filter, NOW, TZ), list_clause=lists)
    compiled = select(Contact.id).where(clause).compile(dialect=dialect, compile_kwargs=kw)
    sql = " ".join(str(compiled).split())
    return sql.split(" WHERE ", 1)[1], dict(compiled.params)


def one(condition: dict) -> dict:
    return {"filterGroups": [{"filters": [condition]}]}


CASES = [
    ({'propertyName': 'first_name', 'operator': 'EQ', 'value': 'Ann'},
     'lower(contacts.first_name) = ?',
     'TR(contacts.first_name) = %(param_1)s::VARCHAR',
     {'param_1': 'ann'}),
    ({'propertyName': 'first_name', 'operator': 'NEQ', 'value': 'Ann'},
     'contacts.first_name IS NULL OR lower(contacts.first_name) != ?',
     'contacts.first_name IS NULL OR TR(contacts.first_name) != %(param_1)s::VARCHAR',
     {'param_1': 'ann'}),
    ({'propertyName': 'country', 'operator': 'IN', 'values': ['NL', 'be']},
     'lower(contacts.country) IN (__[POSTCOMPILE_param_1])',
     'TR(contacts.country) IN (__[POSTCOMPILE_param_1])',
     {'param_1': ['nl', 'be']}),
    ({'propertyName': 'country', 'operator': 'NOT_IN', 'values': ['NL', 'be']},
     'contacts.country IS NULL OR (lower(contacts.country) NOT IN (__[POSTCOMPILE_param_1]))',
     'contacts.country IS NULL OR (TR(contacts.country) NOT IN (__[POSTCOMPILE_param_1]))',
     {'param_1': ['nl', 'be']}),
    ({'propertyName': 'company', 'operator': 'CONTAINS_TOKEN', 'value': '50%_A\\b'},
     "lower(contacts.company) LIKE ? ESCAPE '\\'",
     "TR(contacts.company) LIKE %(param_1)s::VARCHAR ESCAPE '\\'",
     {'param_1': '%50\\%\\_a\\\\b%'}),
    ({'propertyName': 'company', 'operator': 'NOT_CONTAINS_TOKEN', 'value': 'Acme'},
     "contacts.company IS NULL OR lower(contacts.company) NOT LIKE ? ESCAPE '\\'",
     "contacts.company IS NULL OR TR(contacts.company) NOT LIKE %(param_1)s::VARCHAR ESCAPE '\\'",
     {'param_1': '%acme%'}),
    ({'propertyName': 'last_name', 'operator': 'STARTS_WITH', 'value': "O'Br"},
     "lower(contacts.last_name) LIKE ? ESCAPE '\\'",
     "TR(contacts.last_name) LIKE %(param_1)s::VARCHAR ESCAPE '\\'",
     {'param_1': "o'br%"}),
    ({'propertyName': 'company', 'operator': 'HAS_PROPERTY'},
     'contacts.company IS NOT NULL AND contacts.company != ?',
     'contacts.company IS NOT NULL AND contacts.company != %(param_1)s::VARCHAR',
     {'param_1': ''}),
    ({'propertyName': 'company', 'operator': 'NOT_HAS_PROPERTY'},
     'contacts.company IS NULL OR contacts.company = ?',
     'contacts.company IS NULL OR contacts.company = %(param_1)s::VARCHAR',
     {'param_1': ''}),
    ({'propertyName': 'email', 'operator': 'EQ', 'value': 'Ann@Example.COM'},
     'contacts.email = ?',
     'contacts.email = %(param_1)s::VARCHAR',
     {'param_1': 'ann@example.com'}),
    ({'propertyName': 'email', 'operator': 'NEQ', 'value': 'Ann@Example.COM'},
     'contacts.email != ?',
     'contacts.email != %(param_1)s::VARCHAR',
     {'param_1': 'ann@example.com'}),
    ({'propertyName': 'email', 'operator': 'CONTAINS_TOKEN', 'value': '@Example.'},
     "contacts.email LIKE ? ESCAPE '\\'",
     "contacts.email LIKE %(param_1)s::VARCHAR ESCAPE '\\'",
     {'param_1': '%@example.%'}),
    ({'propertyName': 'id', 'operator': 'EQ', 'value': 7},
     'contacts.id = ?',
     'contacts.id = %(param_1)s::BIGINT',
     {'param_1': 7}),
    ({'propertyName': 'id', 'operator': 'NEQ', 'value': 7},
     'contacts.id != ?',
     'contacts.id != %(param_1)s::BIGINT',
     {'param_1': 7}),
    ({'propertyName': 'id', 'operator': 'LT', 'value': 7},
     'contacts.id < ?',
     'contacts.id < %(param_1)s::BIGINT',
     {'param_1': 7}),
    ({'propertyName': 'id', 'operator': 'LTE', 'value': 7.5},
     'contacts.id <= ?',
     'contacts.id <= %(param_1)s',
     {'param_1': 7.5}),
    ({'propertyName': 'id', 'operator': 'GT', 'value': 7},
     'contacts.id > ?',
     'contacts.id > %(param_1)s::BIGINT',
     {'param_1': 7}),
    ({'propertyName': 'id', 'operator': 'GTE', 'value': 7},
     'contacts.id >= ?',
     'contacts.id >= %(param_1)s::BIGINT',
     {'param_1': 7}),
    ({'propertyName': 'id', 'operator': 'BETWEEN', 'value': 3, 'highValue': 9},
     'contacts.id >= ? AND contacts.id <= ?',
     'contacts.id >= %(param_1)s::BIGINT AND contacts.id <= %(param_2)s::BIGINT',
     {'param_1': 3, 'param_2': 9}),
    ({'propertyName': 'id', 'operator': 'LT', 'value': 1000000000000000000000000000000},
     'contacts.id < ?',
     'contacts.id < %(param_1)s::BIGINT',
     {'param_1': 4611686018427387904}),
    ({'propertyName': 'id', 'operator': 'HAS_PROPERTY'},
     'contacts.id IS NOT NULL',
     'contacts.id IS NOT NULL',
     {}),
    ({'propertyName': 'id', 'operator': 'NOT_HAS_PROPERTY'},
     'contacts.id IS NULL',
     'contacts.id IS NULL',
     {}),
    ({'propertyName': 'created_at', 'operator': 'EQ', 'value': '2026-03-29'},
     'contacts.created_at >= ? AND contacts.created_at < ?',
     'contacts.created_at >= %(param_1)s::TIMESTAMP WITHOUT TIME ZONE AND contacts.created_at < %(param_2)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 28, 23, 0), 'param_2': datetime(2026, 3, 29, 22, 0)}),
    ({'propertyName': 'created_at', 'operator': 'LT', 'value': '2026-03-29'},
     'contacts.created_at < ?',
     'contacts.created_at < %(param_1)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 28, 23, 0)}),
    ({'propertyName': 'created_at', 'operator': 'LTE', 'value': '2026-03-29'},
     'contacts.created_at < ?',
     'contacts.created_at < %(param_1)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 29, 22, 0)}),
    ({'propertyName': 'created_at', 'operator': 'GT', 'value': '2026-03-29'},
     'contacts.created_at >= ?',
     'contacts.created_at >= %(param_1)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 29, 22, 0)}),
    ({'propertyName': 'created_at', 'operator': 'GTE', 'value': '2026-03-29'},
     'contacts.created_at >= ?',
     'contacts.created_at >= %(param_1)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 28, 23, 0)}),
    ({'propertyName': 'last_activity_at', 'operator': 'BETWEEN', 'value': '2026-03-28', 'highValue': '2026-03-29'},
     'contacts.last_activity_at >= ? AND contacts.last_activity_at < ?',
     'contacts.last_activity_at >= %(param_1)s::TIMESTAMP WITHOUT TIME ZONE AND contacts.last_activity_at < %(param_2)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 27, 23, 0), 'param_2': datetime(2026, 3, 29, 22, 0)}),
    ({'propertyName': 'last_activity_at', 'operator': 'IN_LAST_DAYS', 'value': 7},
     'contacts.last_activity_at >= ?',
     'contacts.last_activity_at >= %(param_1)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2026, 3, 21, 23, 0)}),
    ({'propertyName': 'last_activity_at', 'operator': 'MORE_THAN_DAYS_AGO', 'value': 180},
     'contacts.last_activity_at < ?',
     'contacts.last_activity_at < %(param_1)s::TIMESTAMP WITHOUT TIME ZONE',
     {'param_1': datetime(2025, 9, 29, 22, 0)}),
    ({'propertyName': 'last_activity_at', 'operator': 'HAS_PROPERTY'},
     'contacts.last_activity_at IS NOT NULL',
     'contacts.last_activity_at IS NOT NULL',
     {}),
    ({'propertyName': 'last_activity_at', 'operator': 'NOT_HAS_PROPERTY'},
     'contacts.last_activity_at IS NULL',
     'contacts.last_activity_at IS NULL',
     {}),
    ({'propertyName': 'hard_bounced', 'operator': 'EQ', 'value': True},
     'contacts.hard_bounced = 1',
     'contacts.hard_bounced = true',
     {}),
    ({'propertyName': 'hard_bounced', 'operator': 'EQ', 'value': False},
     'contacts.hard_bounced = 0',
     'contacts.hard_bounced = false',
     {}),
    ({'propertyName': 'unsubscribed', 'operator': 'NEQ', 'value': True},
     'contacts.unsubscribed = 0',
     'contacts.unsubscribed = false',
     {}),
    ({'propertyName': 'unsubscribed', 'operator': 'NEQ', 'value': False},
     'contacts.unsubscribed = 1',
     'contacts.unsubscribed = true',
     {}),
    ({'propertyName': 'lifecycle_stage', 'operator': 'EQ', 'value': 'MQL'},
     'contacts.lifecycle_stage = ?',
     'contacts.lifecycle_stage = %(param_1)s::VARCHAR',
     {'param_1': 'marketing_qualified_lead'}),
    ({'propertyName': 'lifecycle_stage', 'operator': 'NEQ', 'value': 'lead'},
     'contacts.lifecycle_stage IS NULL OR contacts.lifecycle_stage != ?',
     'contacts.lifecycle_stage IS NULL OR contacts.lifecycle_stage != %(param_1)s::VARCHAR',
     {'param_1': 'lead'}),
    ({'propertyName': 'lifecycle_stage', 'operator': 'IN', 'values': ['lead', 'customer']},
     'contacts.lifecycle_stage IN (__[POSTCOMPILE_param_1])',
     'contacts.lifecycle_stage IN (__[POSTCOMPILE_param_1])',
     {'param_1': ['lead', 'customer']}),
    ({'propertyName': 'lifecycle_stage', 'operator': 'NOT_IN', 'values': ['lead', 'customer']},
     'contacts.lifecycle_stage IS NULL OR (contacts.lifecycle_stage NOT IN (__[POSTCOMPILE_param_1]))',
     'contacts.lifecycle_stage IS NULL OR (contacts.lifecycle_stage NOT IN (__[POSTCOMPILE_param_1]))',
     {'param_1': ['lead', 'customer']}),
    ({'propertyName': 'lifecycle_stage', 'operator': 'HAS_PROPERTY'},
     'contacts.lifecycle_stage IS NOT NULL',
     'contacts.lifecycle_stage IS NOT NULL',
     {}),
    ({'propertyName': 'lifecycle_stage', 'operator': 'NOT_HAS_PROPERTY'},
     'contacts.lifecycle_stage IS NULL',
     'contacts.lifecycle_stage IS NULL',
     {}),
    ({'propertyName': 'source', 'operator': 'NEQ', 'value': 'forms'},
     'contacts.source != ?',
     'contacts.source != %(param_1)s::VARCHAR',
     {'param_1': 'forms'}),
    ({'propertyName': 'marketing_status', 'operator': 'NOT_IN', 'values': ['marketing']},
     '(contacts.marketing_status NOT IN (__[POSTCOMPILE_param_1]))',
     '(contacts.marketing_status NOT IN (__[POSTCOMPILE_param_1]))',
     {'param_1': ['marketing']}),
    ({'propertyName': 'list', 'operator': 'IN_LIST', 'value': 'vip'},
     'EXISTS (SELECT 1 FROM list_members WHERE list_members.list_id = ? AND list_members.contact_id = contacts.id)',
     'EXISTS (SELECT 1 FROM list_members WHERE list_members.list_id = %(list_id_1)s::INTEGER AND list_members.contact_id = contacts.id)',
     {'list_id_1': 7}),
    ({'propertyName': 'list', 'operator': 'NOT_IN_LIST', 'value': 'vip'},
     'NOT (EXISTS (SELECT 1 FROM list_members WHERE list_members.list_id = ? AND list_members.contact_id = contacts.id))',
     'NOT (EXISTS (SELECT 1 FROM list_members WHERE list_members.list_id = %(list_id_1)s::INTEGER AND list_members.contact_id = contacts.id))',
     {'list_id_1': 7}),
]


def _id(case) -> str:
    c = case[0]
    return f"{c['propertyName']}-{c['operator']}"


@pytest.mark.parametrize("condition, sqlite_sql, pg_sql, params", CASES, ids=[_id(c) for c in CASES])
def test_operator_sql(condition, sqlite_sql, pg_sql, params):
    assert where_sql(one(condition), SQLITE) == (sqlite_sql, params)
    assert where_sql(one(condition), PG) == (pg(pg_sql), params)


def test_every_operator_of_every_type_has_a_row():
    from mcwidgets.domain.filters import OPERATORS_BY_TYPE, PROPERTIES

    covered = {(PROPERTIES[c[0]["propertyName"]].type, c[0]["operator"]) for c in CASES}
    expected = {(t, op) for t, ops in OPERATORS_BY_TYPE.items() for op in ops}
    assert expected - covered == set()


def _literals_in(value) -> list:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _literals_in(v)]
    return [value]


@pytest.mark.parametrize("condition", [c[0] for c in CASES], ids=[_id(c) for c in CASES])
@pytest.mark.parametrize("dialect", [SQLITE, PG], ids=["sqlite", "pg"])
def test_values_reach_sql_only_as_parameters(condition, dialect):
    # Even with expanding IN lists rendered, no value is pasted into the SQL text.
    sql, params = where_sql(one(condition), dialect, render_postcompile=True)
    given = [condition.get("value"), condition.get("highValue"), *condition.get("values", [])]
    for value in [v for v in given if v is not None] + _literals_in(list(params.values())):
        if isinstance(value, str) and value:
            assert f"'{value}'" not in sql and f"'{value.lower()}'" not in sql
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            assert not re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", sql)
        elif isinstance(value, (date, datetime)):
            assert str(value.year) not in sql


def test_groups_are_ored_and_conditions_anded():
    f = {"filterGroups": [
        {"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"},
                     {"propertyName": "id", "operator": "GT", "value": 10}]},
        {"filters": [{"propertyName": "hard_bounced", "operator": "EQ", "value": True}]},
    ]}
    assert where_sql(f, SQLITE) == (
        "lower(contacts.country) = ? AND contacts.id > ? OR contacts.hard_bounced = 1",
        {"param_1": "nl", "param_2": 10})
    assert where_sql(f, PG) == (
        pg("TR(contacts.country) = %(param_1)s::VARCHAR AND contacts.id > %(param_2)s::BIGINT "
           "OR contacts.hard_bounced = true"),
        {"param_1": "nl", "param_2": 10})


def test_negative_operators_inside_an_or_keep_their_parentheses():
    f = {"filterGroups": [
        {"filters": [{"propertyName": "company", "operator": "NEQ", "value": "x"},
                     {"propertyName": "id", "operator": "EQ", "value": 1}]},
        {"filters": [{"propertyName": "id", "operator": "EQ", "value": 2}]},
    ]}
    sql, _ = where_sql(f, SQLITE)
    assert sql == ("(contacts.company IS NULL OR lower(contacts.company) != ?) AND contacts.id = ? "
                   "OR contacts.id = ?")


def test_no_groups_means_all_contacts():
    assert compile_filter(bind({"filterGroups": []}, NOW, TZ), list_clause=lists) is None


def test_a_long_values_list_is_one_parameter():
    values = [f"C{i}" for i in range(SMALL_IN + 1)]
    f = one({"propertyName": "country", "operator": "IN", "values": values})
    sql, params = where_sql(f, SQLITE)
    assert sql == "(lower(contacts.country) IN (SELECT value FROM json_each(?)))"
    assert list(params.values()) == ['["' + '", "'.join(v.lower() for v in values) + '"]']
    sql, params = where_sql(f, PG)
    assert sql == pg("(TR(contacts.country) = ANY(%(param_1)s::VARCHAR[]))")
    assert params == {"param_1": [v.lower() for v in values]}
    f = one({"propertyName": "country", "operator": "NOT_IN", "values": values})
    assert where_sql(f, SQLITE)[0] == (
        "contacts.country IS NULL OR NOT (lower(contacts.country) IN (SELECT value FROM json_each(?)))")


def test_a_nul_character_is_refused_before_any_sql():
    f = one({"propertyName": "company", "operator": "EQ", "value": "a\x00b"})
    with pytest.raises(ValidationError, match="NUL"):
        compile_filter(bind(f, NOW, TZ), list_clause=lists)


def test_only_bound_filters_compile():
    with pytest.raises(TypeError, match="bind"):
        compile_filter(parse_filter({"filterGroups": []}), list_clause=lists)


def test_a_hand_built_condition_with_a_wrong_operator_is_refused():
    bad = BoundFilter((Group((BoundCondition("hard_bounced", "LT", True),)),), NOW, TZ)
    with pytest.raises(ValidationError, match="operator LT does not fit bool property 'hard_bounced'"):
        compile_filter(bad, list_clause=lists)


def test_compiled_statements_are_cached_by_shape_not_by_value():
    # Same shape, other values: SQLAlchemy's statement cache key must not differ.
    a = compile_filter(bind(one({"propertyName": "first_name", "operator": "EQ", "value": "a"}),
                            NOW, TZ), list_clause=lists)
    b = compile_filter(bind(one({"propertyName": "first_name", "operator": "EQ", "value": "b"}),
                            NOW, TZ), list_clause=lists)
    assert select(Contact.id).where(a)._generate_cache_key().key == \
        select(Contact.id).where(b)._generate_cache_key().key


def test_the_sql_fragment_table_mirrors_the_python_predicate_table():
    from mcwidgets.domain.filters import PREDICATES
    from mcwidgets.store.filter_sql import FRAGMENTS

    assert {t: set(row) for t, row in FRAGMENTS.items()} == {t: set(row) for t, row in PREDICATES.items()}
