"""Every filter operator run on SQLite and PostgreSQL against six fixed contacts.

Each row gives a filter and the ids it must select; the same row is also checked
against ``BoundFilter.matches`` in plain Python, so the expectations, the SQL and
the evaluator all agree. Filters are bound at 2026-03-29 10:00 UTC in
Europe/Amsterdam: the day the clocks go forward, so "on 2026-03-29" is the 23
hours [2026-03-28 23:00, 2026-03-29 22:00) UTC.

Lists: "vip" is static with members 1 and 3; "dutch" is active (country is NL);
"nested" is active: not in "dutch" and in "vip".
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from mcwidgets.domain.errors import NotFound, ValidationError
from mcwidgets.domain.filters import MAX_VALUES, bind
from mcwidgets.store.bulk import load_contacts
from mcwidgets.store.engine import make_engine
from mcwidgets.store.models import Contact, ContactList, ListMember
from mcwidgets.store.selection import filter_where, selection_where
from mcwidgets.domain.selection import Selection
from tests.store.dbs import ENGINES, module_db_url

NOW = datetime(2026, 3, 29, 10, 0)
TZ = "Europe/Amsterdam"
D = datetime
ALL = {1, 2, 3, 4, 5, 6}

COLUMNS = ("id", "email", "first_name", "last_name", "company", "country", "lifecycle_stage",
           "source", "created_at", "last_activity_at", "hard_bounced", "unsubscribed",
           "marketing_status", "pending_non_marketing")
ROWS = [
    (1, "ann@example.com", "Ann", "O'Brien", "Acme", "NL", "lead", "forms",
     D(2026, 3, 28, 22, 30), D(2026, 3, 29, 0, 30), False, False, "marketing", False),
    (2, "bob@example.com", "BOB", "Smith", "50% off_sale", "be", "customer", "import",
     D(2026, 3, 28, 23, 0), None, True, False, "non_marketing", False),
    (3, "eva@example.org", "Éva", "École", "ÉCOLE SA", None, None, "manual",
     D(2026, 3, 29, 21, 59, 59), D(2025, 9, 29, 21, 59), False, True, "marketing", True),
    (4, "dan@example.net", "", None, "", "NL", "customer", "forms",
     D(2026, 3, 29, 22, 0), D(2026, 3, 22, 23, 0), False, False, "marketing", False),
    (5, "zoe_x@example.com", "zoë", "smith", "Back\\Slash", "DE", "subscriber", "ads",
     D(2020, 1, 1), D(2026, 3, 21, 22, 59), False, False, "non_marketing", False),
    (6, "big@example.com", None, None, "50 percent", "nl", None, "forms",
     D(2026, 3, 1, 12, 0), D(2026, 3, 21, 23, 0), False, False, "marketing", False),
]
CONTACTS = [dict(zip(COLUMNS, row)) for row in ROWS]


def cond(prop, op, **extra) -> dict:
    return {"propertyName": prop, "operator": op, **extra}


def where(*conditions) -> dict:
    return {"filterGroups": [{"filters": list(conditions)}]}


DUTCH = where(cond("country", "EQ", value="NL"))
NESTED = where(cond("list", "NOT_IN_LIST", value="dutch"), cond("list", "IN_LIST", value="vip"))
VIP = {1, 3}
ACTIVE = {"dutch": DUTCH, "nested": NESTED}


def in_list(name: str, contact) -> bool:
    """The Python side of list membership, for BoundFilter.matches."""
    if name == "vip":
        return contact["id"] in VIP
    return bind(ACTIVE[name], NOW, TZ).matches(contact, in_list)


CASES = [
    # text: ASCII-only case folding, NULL and '' handling, LIKE escaping
    (where(cond("first_name", "EQ", value="ann")), {1}),
    (where(cond("first_name", "EQ", value="bob")), {2}),
    (where(cond("first_name", "EQ", value="éva")), set()),  # É is not folded
    (where(cond("first_name", "EQ", value="Éva")), {3}),
    (where(cond("first_name", "EQ", value="")), {4}),
    (where(cond("first_name", "NEQ", value="Ann")), {2, 3, 4, 5, 6}),  # NULL included
    (where(cond("first_name", "IN", values=["ANN", "bob"])), {1, 2}),
    (where(cond("first_name", "NOT_IN", values=["ann", "bob"])), {3, 4, 5, 6}),
    (where(cond("country", "EQ", value="NL")), {1, 4, 6}),
    (where(cond("country", "NOT_IN", values=["nl"])), {2, 3, 5}),
    (where(cond("company", "CONTAINS_TOKEN", value="%")), {2}),  # not a wildcard
    (where(cond("company", "CONTAINS_TOKEN", value="_")), {2}),
    (where(cond("company", "CONTAINS_TOKEN", value="\\")), {5}),
    (where(cond("company", "CONTAINS_TOKEN", value="école")), set()),
    (where(cond("company", "CONTAINS_TOKEN", value="École")), {3}),
    (where(cond("company", "CONTAINS_TOKEN", value="50")), {2, 6}),
    (where(cond("company", "NOT_CONTAINS_TOKEN", value="50")), {1, 3, 4, 5}),
    (where(cond("company", "HAS_PROPERTY")), {1, 2, 3, 5, 6}),  # '' is unknown
    (where(cond("company", "NOT_HAS_PROPERTY")), {4}),
    (where(cond("last_name", "STARTS_WITH", value="o'b")), {1}),
    (where(cond("last_name", "STARTS_WITH", value="SMI")), {2, 5}),
    (where(cond("last_name", "STARTS_WITH", value="_")), set()),
    (where(cond("last_name", "NOT_HAS_PROPERTY")), {4, 6}),
    (where(cond("email", "EQ", value="ANN@EXAMPLE.COM")), {1}),
    (where(cond("email", "NEQ", value="ann@example.com")), {2, 3, 4, 5, 6}),
    (where(cond("email", "IN", values=["Bob@Example.com", "nobody@x.y"])), {2}),
    (where(cond("email", "NOT_IN", values=["ann@example.com"])), {2, 3, 4, 5, 6}),
    (where(cond("email", "STARTS_WITH", value="ZOE_")), {5}),
    (where(cond("email", "STARTS_WITH", value="zoe%")), set()),
    (where(cond("email", "CONTAINS_TOKEN", value=".ORG")), {3}),
    # numbers
    (where(cond("id", "EQ", value=3)), {3}),
    (where(cond("id", "EQ", value=2.0)), {2}),
    (where(cond("id", "NEQ", value=3)), {1, 2, 4, 5, 6}),
    (where(cond("id", "LT", value=3)), {1, 2}),
    (where(cond("id", "LT", value=2.5)), {1, 2}),
    (where(cond("id", "LTE", value=3)), {1, 2, 3}),
    (where(cond("id", "GT", value=4)), {5, 6}),
    (where(cond("id", "GTE", value=4)), {4, 5, 6}),
    (where(cond("id", "BETWEEN", value=2, highValue=4)), {2, 3, 4}),
    (where(cond("id", "GT", value=10 ** 30)), set()),
    (where(cond("id", "LT", value=10 ** 30)), ALL),
    (where(cond("id", "GT", value=-(10 ** 30))), ALL),
    (where(cond("id", "HAS_PROPERTY")), ALL),
    (where(cond("id", "NOT_HAS_PROPERTY")), set()),
    # dates, as local days in Europe/Amsterdam around the DST change
    (where(cond("created_at", "EQ", value="2026-03-29")), {2, 3}),
    (where(cond("created_at", "LT", value="2026-03-29")), {1, 5, 6}),
    (where(cond("created_at", "LTE", value="2026-03-29")), {1, 2, 3, 5, 6}),
    (where(cond("created_at", "GT", value="2026-03-29")), {4}),
    (where(cond("created_at", "GTE", value="2026-03-29")), {2, 3, 4}),
    (where(cond("created_at", "BETWEEN", value="2026-03-01", highValue="2026-03-28")), {1, 6}),
    (where(cond("created_at", "IN_LAST_DAYS", value=0)), {2, 3, 4}),
    (where(cond("created_at", "HAS_PROPERTY")), ALL),
    (where(cond("last_activity_at", "EQ", value="2026-03-29")), {1}),
    (where(cond("last_activity_at", "IN_LAST_DAYS", value=7)), {1, 4, 6}),
    (where(cond("last_activity_at", "MORE_THAN_DAYS_AGO", value=7)), {3, 5}),
    (where(cond("last_activity_at", "MORE_THAN_DAYS_AGO", value=180)), {3}),
    (where(cond("last_activity_at", "HAS_PROPERTY")), {1, 3, 4, 5, 6}),
    (where(cond("last_activity_at", "NOT_HAS_PROPERTY")), {2}),
    # booleans
    (where(cond("hard_bounced", "EQ", value=True)), {2}),
    (where(cond("hard_bounced", "EQ", value=False)), {1, 3, 4, 5, 6}),
    (where(cond("hard_bounced", "NEQ", value=True)), {1, 3, 4, 5, 6}),
    (where(cond("unsubscribed", "EQ", value="true")), {3}),
    (where(cond("pending_non_marketing", "NEQ", value=False)), {3}),
    # enumerations
    (where(cond("lifecycle_stage", "EQ", value="customer")), {2, 4}),
    (where(cond("lifecycle_stage", "EQ", value="MQL")), set()),
    (where(cond("lifecycle_stage", "NEQ", value="customer")), {1, 3, 5, 6}),
    (where(cond("lifecycle_stage", "IN", values=["lead", "Subscriber"])), {1, 5}),
    (where(cond("lifecycle_stage", "NOT_IN", values=["lead", "subscriber"])), {2, 3, 4, 6}),
    (where(cond("lifecycle_stage", "HAS_PROPERTY")), {1, 2, 4, 5}),
    (where(cond("lifecycle_stage", "NOT_HAS_PROPERTY")), {3, 6}),
    (where(cond("source", "EQ", value="forms")), {1, 4, 6}),
    (where(cond("source", "NEQ", value="forms")), {2, 3, 5}),
    (where(cond("marketing_status", "EQ", value="non-marketing")), {2, 5}),
    (where(cond("marketing_status", "NOT_IN", values=["marketing"])), {2, 5}),
    # lists: static, active (its filter inline), active naming active and static
    (where(cond("list", "IN_LIST", value="vip")), {1, 3}),
    (where(cond("list", "NOT_IN_LIST", value="vip")), {2, 4, 5, 6}),
    (where(cond("list", "IN_LIST", value="dutch")), {1, 4, 6}),
    (where(cond("list", "NOT_IN_LIST", value="dutch")), {2, 3, 5}),  # 3: country NULL
    (where(cond("list", "IN_LIST", value="nested")), {3}),
    (where(cond("list", "NOT_IN_LIST", value="nested")), {1, 2, 4, 5, 6}),
    # groups
    ({"filterGroups": [{"filters": [cond("country", "EQ", value="nl"), cond("id", "GT", value=1)]},
                       {"filters": [cond("hard_bounced", "EQ", value=True)]}]}, {2, 4, 6}),
    ({"filterGroups": []}, ALL),
]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    url = module_db_url(request, tmp_path_factory, request.param)
    eng = make_engine(url)
    load_contacts(eng, pd.DataFrame(CONTACTS, columns=list(COLUMNS)))
    with Session(eng) as s, s.begin():
        vip = ContactList(name="vip", kind="static", created_by="t", created_at=NOW)
        s.add_all([vip, ContactList(name="dutch", kind="active", filter=DUTCH, created_by="t",
                                    created_at=NOW),
                   ContactList(name="nested", kind="active", filter=NESTED, created_by="t",
                               created_at=NOW)])
        s.flush()
        s.add_all([ListMember(list_id=vip.id, contact_id=i) for i in VIP])
    yield eng
    eng.dispose()


def selected(engine, filter) -> set[int]:
    with Session(engine) as s:
        clause = filter_where(filter, now=NOW, tz=TZ, session=s)
        return set(s.scalars(select(Contact.id).where(clause)))


def _case_id(case) -> str:
    groups = case[0]["filterGroups"]
    if not groups:
        return "all"
    c = groups[0]["filters"][0]
    value = c.get("value", c.get("values", ""))
    return f"{c['propertyName']}-{c['operator']}-{value}"[:60]


@pytest.mark.parametrize("filter, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_sql_selects_the_expected_contacts(engine, filter, expected):
    assert selected(engine, filter) == expected


@pytest.mark.parametrize("filter, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_python_evaluator_agrees_with_the_table(filter, expected):
    bound = bind(filter, NOW, TZ)
    assert {c["id"] for c in CONTACTS if bound.matches(c, in_list)} == expected


def test_the_loaded_rows_read_back_as_given(engine):
    # Guards the table above: what the SQL sees is exactly CONTACTS.
    with Session(engine) as s:
        rows = s.execute(select(*(Contact.__table__.c[c] for c in COLUMNS)).order_by(Contact.id))
        assert [dict(zip(COLUMNS, r)) for r in rows] == CONTACTS


def test_selections_over_filters_lists_and_exceptions(engine):
    with Session(engine) as s:
        def ids(selection):
            return set(s.scalars(select(Contact.id).where(
                selection_where(selection, now=NOW, tz=TZ, session=s))))

        assert ids(Selection(filter=DUTCH)) == {1, 4, 6}
        assert ids(Selection(filter=DUTCH, exclude_ids=(4,))) == {1, 6}
        assert ids(Selection(filter={"filterGroups": []}, exclude_ids=(1, 2))) == {3, 4, 5, 6}
        assert ids(Selection(list_name="vip")) == {1, 3}
        assert ids(Selection(list_name="dutch", exclude_ids=(1,))) == {4, 6}
        assert ids(Selection(list_name="nested")) == {3}


class StatementCounter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)


BAD = [
    (where(cond("colour", "EQ", value="red")), "group 1, filter 1: unknown property 'colour'"),
    (where(cond("hard_bounced", "CONTAINS_TOKEN", value="x")),
     "operator CONTAINS_TOKEN does not fit bool property 'hard_bounced'"),
    (where(cond("id", "IN", values=[1, 2])), "operator IN does not fit number property 'id'"),
    (where(cond("country", "LT", value="NL")), "operator LT does not fit text property 'country'"),
    (where(cond("id", "EQ", value="abc")), "(id EQ): 'abc' is not a number"),
    (where(cond("created_at", "EQ", value="yesterday")),
     "(created_at EQ): 'yesterday' is not a date (use YYYY-MM-DD)"),
    (where(cond("hard_bounced", "EQ", value="yes")), "(hard_bounced EQ): 'yes' is not true or false"),
    (where(cond("lifecycle_stage", "EQ", value="boss")), "unknown lifecycle stage 'boss'"),
    (where(cond("country", "IN", values=[f"c{i}" for i in range(MAX_VALUES + 1)])),
     "(country IN): too many values (1,001; at most 1,000)"),
    (where(cond("country", "IN", values=[])), "(country IN): needs 'values' (a non-empty list)"),
    (where(cond("company", "EQ", value="a\x00b")), "a text value cannot contain the NUL character"),
    ("{not json", "the filter is not valid JSON"),
]


@pytest.mark.parametrize("filter, message", BAD, ids=[m[:40] for _, m in BAD])
def test_bad_filters_are_refused_and_nothing_runs(engine, filter, message):
    with Session(engine) as s, StatementCounter(engine) as counter:
        with pytest.raises(ValidationError) as e:
            filter_where(filter, now=NOW, tz=TZ, session=s)
    assert message in str(e.value)
    # Only an unknown name is looked up, in the account's custom property definitions.
    assert [q for q in counter.statements if q != "BEGIN" and "FROM custom_properties" not in q] == []


def test_an_unknown_list_is_not_found_by_name(engine):
    with Session(engine) as s, StatementCounter(engine) as counter:
        with pytest.raises(NotFound, match="no list named 'ghost'"):
            filter_where(where(cond("list", "IN_LIST", value="ghost")), now=NOW, tz=TZ, session=s)
        with pytest.raises(NotFound, match="no list named 'ghost'"):
            selection_where(Selection(list_name="ghost"), now=NOW, tz=TZ, session=s)
    # only the look-ups of the list ran, never a query over contacts
    queries = [sql for sql in counter.statements if sql != "BEGIN"]
    assert queries and all("FROM contact_lists" in sql and "FROM contacts" not in sql
                           for sql in queries)
