"""Custom properties in the store: the JSON column, one expression index per property, and
filters on them compiled to SQL that agrees with the plain-Python evaluation."""

from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from mcwidgets.domain.errors import Conflict, ValidationError
from mcwidgets.domain.filters import bind, parse_filter
from mcwidgets.domain.selection import Selection
from mcwidgets.services import properties
from mcwidgets.store import paging
from mcwidgets.store.custom import index_name, load_schema
from mcwidgets.store.models import Contact
from mcwidgets.store.selection import selection_where
from tests.conftest import ADMIN
from tests.services.helpers import make_contact

PROPS = [("employees", "Employees", "number", ()), ("tier", "Tier", "enumeration", ("Gold", "Silver")),
         ("job_title", "Job Title", "text", ()), ("renewal", "Renewal date", "date", ()),
         ("last_open", "Last open", "datetime", ()), ("vip", "VIP", "boolean", ())]

VALUES = [
    {"employees": 600, "tier": "Gold", "job_title": "Head of Sales", "renewal": "2026-06-01",
     "last_open": "2026-05-31 23:30:00", "vip": True},
    {"employees": 10, "tier": "Silver", "job_title": "CTO_%", "renewal": "2026-06-02",
     "last_open": "2026-06-01 00:30:00", "vip": False},
    {"employees": 2.5, "job_title": ""},
    {},
]


@pytest.fixture
def shop(ctx):
    for name, label, type_, options in PROPS:
        properties.create_property(ctx, ADMIN, name, label, type_, options)
    ids = []
    for i, values in enumerate(VALUES):
        cid = make_contact(ctx, "marketing", i)
        if values:
            properties.set_values(ctx, ADMIN, cid, values)
        ids.append(cid)
    return ctx, ids


def _flt(prop, op, **kw):
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": op, **kw}]}]}


def _sql_ids(ctx, flt, tz="UTC"):
    with ctx.read() as s:
        where = selection_where(Selection(filter=flt), now=ctx.now(), tz=tz, session=s)
        return sorted(s.scalars(select(Contact.id).where(where)))


def _python_ids(ctx, ids, flt, tz="UTC"):
    with ctx.read() as s:
        schema = load_schema(s)
        bound = bind(parse_filter(flt, schema), ctx.now(), tz)
        out = []
        for cid in ids:
            row = s.get(Contact, cid)
            values = {}
            for name, raw in (row.custom or {}).items():
                f = schema.fields[name]
                values[name] = (date.fromisoformat(raw) if f.type == "date" else
                                datetime.fromisoformat(raw) if f.type == "datetime" else raw)
            if bound.matches(values):
                out.append(cid)
        return sorted(out)


CASES = [
    (("employees", "GT"), {"value": 500}, [0]),
    (("employees", "LT"), {"value": "11"}, [1, 2]),
    (("employees", "BETWEEN"), {"value": 2, "highValue": 10}, [1, 2]),
    (("employees", "NEQ"), {"value": 10}, [0, 2, 3]),
    (("employees", "NOT_HAS_PROPERTY"), {}, [3]),
    (("tier", "EQ"), {"value": "gold"}, [0]),
    (("tier", "NOT_IN"), {"values": ["Gold"]}, [1, 2, 3]),
    (("tier", "HAS_PROPERTY"), {}, [0, 1]),
    (("job_title", "EQ"), {"value": "head of sales"}, [0]),
    (("job_title", "CONTAINS_TOKEN"), {"value": "_%"}, [1]),
    (("job_title", "NOT_CONTAINS_TOKEN"), {"value": "sales"}, [1, 2, 3]),
    (("job_title", "STARTS_WITH"), {"value": "HEAD"}, [0]),
    (("job_title", "NOT_HAS_PROPERTY"), {}, [2, 3]),
    (("renewal", "EQ"), {"value": "2026-06-01"}, [0]),
    (("renewal", "GT"), {"value": "2026-06-01"}, [1]),
    (("renewal", "LTE"), {"value": "2026-06-02"}, [0, 1]),
    (("last_open", "EQ"), {"value": "2026-06-01"}, [1]),
    (("last_open", "LT"), {"value": "2026-06-01"}, [0]),
    (("last_open", "IN_LAST_DAYS"), {"value": 178}, [1]),
    (("last_open", "MORE_THAN_DAYS_AGO"), {"value": 178}, [0]),
    (("vip", "EQ"), {"value": True}, [0]),
    (("vip", "EQ"), {"value": False}, [1, 2, 3]),
    (("vip", "NEQ"), {"value": True}, [1, 2, 3]),
]


@pytest.mark.parametrize("cond,values,expected", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, (c, _, _) in
                                                            enumerate(CASES)])
def test_filters_on_custom_properties_in_sql_and_python(shop, cond, values, expected):
    ctx, ids = shop
    flt = _flt(*cond, **values)
    want = sorted(ids[i] for i in expected)
    assert _sql_ids(ctx, flt) == want
    assert _python_ids(ctx, ids, flt) == want


def test_a_datetime_compares_by_calendar_day_in_the_account_time_zone(shop):
    ctx, ids = shop
    # 2026-05-31 23:30 UTC is 2026-06-01 in Amsterdam; 2026-06-01 00:30 UTC too.
    flt = _flt("last_open", "EQ", value="2026-06-01")
    assert _sql_ids(ctx, flt, tz="Europe/Amsterdam") == [ids[0], ids[1]]
    assert _python_ids(ctx, ids, flt, tz="Europe/Amsterdam") == [ids[0], ids[1]]
    # A date holds a day: the time zone does not move it.
    flt = _flt("renewal", "EQ", value="2026-06-01")
    assert _sql_ids(ctx, flt, tz="America/New_York") == [ids[0]]


def test_unknown_property_is_a_clear_error(shop):
    ctx, _ = shop
    with pytest.raises(ValidationError, match="unknown property 'employes'"):
        _sql_ids(ctx, _flt("employes", "GT", value=1))
    with pytest.raises(ValidationError, match="does not fit"):
        _sql_ids(ctx, _flt("tier", "GT", value=1))
    with pytest.raises(ValidationError, match="not one of: Gold, Silver"):
        _sql_ids(ctx, _flt("tier", "EQ", value="Bronze"))


def _plan(ctx, flt) -> str:
    with ctx.read() as s:
        where = selection_where(Selection(filter=flt), now=ctx.now(), tz="UTC", session=s)
        stmt = select(Contact.id).where(where)
        compiled = stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET enable_seqscan = off"))
            return "\n".join(r[0] for r in s.execute(text(f"EXPLAIN {compiled}")))
        return "\n".join(str(r[-1]) for r in s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.parametrize("cond,values,name", [
    (("employees", "GT"), {"value": 500}, "employees"),
    (("tier", "EQ"), {"value": "Gold"}, "tier"),
    (("job_title", "EQ"), {"value": "cto"}, "job_title"),
    (("last_open", "IN_LAST_DAYS"), {"value": 3}, "last_open"),
    (("renewal", "GT"), {"value": "2026-01-01"}, "renewal"),
])
def test_each_property_has_an_expression_index_its_filters_use(shop, cond, values, name):
    ctx, _ = shop
    assert index_name(name) in _plan(ctx, _flt(*cond, **values))


def test_rename_moves_values_and_index_and_delete_removes_them(shop):
    ctx, ids = shop
    properties.rename_property(ctx, ADMIN, "vip", "key_account", label="Key account")
    assert _sql_ids(ctx, _flt("key_account", "EQ", value=True)) == [ids[0]]
    with ctx.read() as s:
        assert s.get(Contact, ids[0]).custom["key_account"] is True
        assert "vip" not in s.get(Contact, ids[0]).custom
    assert index_name("key_account") in _plan(ctx, _flt("key_account", "EQ", value=True))
    with pytest.raises(ValidationError, match="unknown property 'vip'"):
        _sql_ids(ctx, _flt("vip", "EQ", value=True))
    assert properties.delete_property(ctx, ADMIN, "employees") == 3
    with ctx.read() as s:
        assert all("employees" not in (s.get(Contact, i).custom or {}) for i in ids)
        names = {r[0] for r in s.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'contacts'" if s.get_bind().dialect.name ==
            "postgresql" else "SELECT name FROM sqlite_master WHERE type = 'index'"))}
    assert index_name("employees") not in names
    assert index_name("key_account") in names and index_name("vip") not in names


def test_values_are_checked_against_the_type_and_nothing_is_half_written(shop):
    ctx, ids = shop
    with pytest.raises(ValidationError, match="employees: 'many' is not a number"):
        properties.set_values(ctx, ADMIN, ids[3], {"tier": "Gold", "employees": "many"})
    with ctx.read() as s:
        assert s.get(Contact, ids[3]).custom is None
    with pytest.raises(ValidationError, match="unknown custom property"):
        properties.set_values(ctx, ADMIN, ids[3], {"nope": 1})


def test_names_are_snake_case_and_never_a_builtin(ctx):
    with pytest.raises(ValidationError, match="snake_case"):
        properties.create_property(ctx, ADMIN, "Job Title", "Job title", "text")
    with pytest.raises(ValidationError, match="built-in"):
        properties.create_property(ctx, ADMIN, "firstname", "First", "text")
    with pytest.raises(ValidationError, match="options"):
        properties.create_property(ctx, ADMIN, "tier", "Tier", "enumeration")
    properties.create_property(ctx, ADMIN, "tier", "Tier", "text")
    with pytest.raises(Conflict, match="exists already"):
        properties.create_property(ctx, ADMIN, "tier", "Tier", "number")


def test_grid_pages_show_and_sort_by_custom_columns(shop):
    ctx, ids = shop
    with ctx.read() as s:
        schema = load_schema(s)
        rows = paging.fetch(s, None, "employees", key=None, reverse=False, limit=10, schema=schema)
        assert [r["id"] for r in rows] == [ids[2], ids[1], ids[0], ids[3]]  # NULLs last
        assert [r["employees"] for r in rows] == [2.5, 10, 600, None]
        assert rows[0]["vip"] is None and rows[1]["vip"] is False and rows[2]["vip"] is True
        after = paging.fetch(s, None, "employees", key=paging.key_of(rows[1], "employees"), reverse=False,
                             limit=10, schema=schema)
        assert [r["id"] for r in after] == [ids[0], ids[3]]
        desc = paging.fetch(s, None, "renewal", key=None, reverse=True, limit=10, schema=schema)
        assert [r["id"] for r in desc][:2] == [ids[3], ids[2]] and desc[2]["renewal"] == "2026-06-02"
