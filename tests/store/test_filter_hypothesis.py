"""Property: for any valid filter and any contacts, SQL selects exactly the contacts
``BoundFilter.matches`` accepts in plain Python - on SQLite and on PostgreSQL.

Filters and contacts are drawn from a small vocabulary that is dense in edge cases:
NULLs and empty texts, mixed case and non-ASCII letters ('É' is not folded), LIKE
metacharacters ('%', '_', '\\'), instants around the daylight-saving changes of a
few time zones (and the exact local midnights), numbers around the ids, and list
membership: a static list "L1" with random members, and an active list "A1" whose
filter is full of NULL-able tests and names "L1" (so NOT_IN_LIST of it needs its
inline filter to be two-valued).

One database per engine for the whole test; each example deletes the previous
rows and loads its own with one bulk INSERT.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from mcwidgets.domain.contacts import LifecycleStage, Source
from mcwidgets.domain.filters import (BETWEEN, IN_LAST_DAYS, MORE_THAN_DAYS_AGO, NOT_IN,
                                      OPERATORS_BY_TYPE, PROPERTIES, IN, bind, parse_filter)
from mcwidgets.domain.status import Status
from mcwidgets.store.engine import make_engine
from mcwidgets.store.models import Contact, ContactList, ListMember
from mcwidgets.store.selection import filter_where
from tests.store.dbs import ENGINES, module_db_url

# ~100 per engine keeps the run to seconds; MCW_FILTER_EXAMPLES=5000 for a long soak.
EXAMPLES = int(os.environ.get("MCW_FILTER_EXAMPLES", "100"))

ZONES = ["Europe/Amsterdam", "America/New_York", "UTC", "Australia/Lord_Howe"]
# UTC midnights near the 2026 DST changes (EU: Mar 29 / Oct 25; US: Mar 8 / Nov 1;
# Lord Howe, half-hour DST: Apr 5 / Oct 4).
BASES = [datetime(2026, 3, 28), datetime(2026, 10, 24), datetime(2026, 3, 7),
         datetime(2026, 10, 31), datetime(2026, 4, 4), datetime(2026, 10, 3)]
TEXTS = ["", "a", "A", "ab", "Ab", "AB", "É", "é", "école", "École", "ÉCOLE", "%", "_", "a%",
         "a_b", "\\", "x y", "nl", "NL", "be"]
ALPHABET = "aAbBÉé%_\\ "

A1_FILTER = {"filterGroups": [
    {"filters": [{"propertyName": "country", "operator": "IN", "values": ["nl", "É"]}]},
    {"filters": [{"propertyName": "last_activity_at", "operator": "IN_LAST_DAYS", "value": 1}]},
    {"filters": [{"propertyName": "list", "operator": "NOT_IN_LIST", "value": "L1"},
                 {"propertyName": "first_name", "operator": "NOT_CONTAINS_TOKEN", "value": "a"},
                 {"propertyName": "company", "operator": "HAS_PROPERTY"}]},
]}

# --- strategies ----------------------------------------------------------------------
# Dense on purpose: few distinct values, so that contacts and conditions collide.
# Each example happens around ONE base date in ONE zone (now, contacts' instants and
# the filter's days), with instants on whole and half hours so they often fall
# exactly on a local midnight.

texts = st.one_of(st.sampled_from(TEXTS), st.sampled_from(TEXTS), st.sampled_from(TEXTS),
                  st.text(ALPHABET, max_size=3))
nonempty_texts = texts.filter(bool)
STAGES = [s.value for s in LifecycleStage][:3]  # a few, so that they repeat
SOURCES = [s.value for s in Source][:3]
STATUSES = [s.value for s in Status]
# The pseudo-property "list" and the text properties come up more often.
PROPERTY_CHOICES = sorted(PROPERTIES) + ["list"] * 3 + ["first_name", "company", "country"]


def local_midnight(day: date, tz: str) -> datetime:
    """Local midnight of ``day`` in ``tz`` as naive UTC (as ``bind`` computes it)."""
    local = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(tz))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


class Scenario:
    def __init__(self, base: datetime, tz: str):
        self.base, self.tz = base, tz
        grid = st.builds(lambda h, m: base + timedelta(hours=h, minutes=m),
                         st.integers(-30, 80), st.sampled_from([0, 0, 0, 30, 59]))
        # Exactly on (or a hair before / after) a local midnight: the edges of every range.
        midnights = [local_midnight(base.date() + timedelta(days=n), tz) for n in range(-5, 6)]
        edges = st.builds(lambda m, d: m + d, st.sampled_from(midnights),
                          st.sampled_from([timedelta(0), timedelta(0), -timedelta(microseconds=1),
                                           timedelta(minutes=1)]))
        self.instants = st.one_of(grid, edges)
        self.days = st.builds(lambda n: base.date() + timedelta(days=n), st.integers(-2, 3))


scenarios = st.builds(Scenario, st.sampled_from(BASES), st.sampled_from(ZONES))


def contacts(sc: Scenario):
    @st.composite
    def draw_contacts(draw):
        ids = draw(st.lists(st.integers(1, 60), unique=True, min_size=6, max_size=40))
        rows = []
        for i in ids:
            local = draw(st.text("abÉé%_", max_size=2)).lower()
            rows.append({
                "id": i, "email": f"{local}{i}@ex.com",
                "first_name": draw(st.none() | texts), "last_name": draw(st.none() | texts),
                "company": draw(st.none() | texts), "country": draw(st.none() | texts),
                "lifecycle_stage": draw(st.none() | st.sampled_from(STAGES)),
                "source": draw(st.sampled_from(SOURCES)),
                "created_at": draw(sc.instants), "last_activity_at": draw(st.none() | sc.instants),
                "hard_bounced": draw(st.booleans()), "unsubscribed": draw(st.booleans()),
                "marketing_status": draw(st.sampled_from(STATUSES)),
                "pending_non_marketing": draw(st.booleans()),
            })
        members = draw(st.sets(st.sampled_from(ids)))
        return rows, members

    return draw_contacts()


def _value(draw, sc: Scenario, prop: str, op: str):
    t = PROPERTIES[prop].type
    if t == "text":
        return draw(nonempty_texts if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
                                             "STARTS_WITH") else texts)
    if t == "number":
        return draw(st.integers(-1, 62) | st.sampled_from([2.5, 0.5, 40.0, 10 ** 20]))
    if t == "date":
        if op in (IN_LAST_DAYS, MORE_THAN_DAYS_AGO):
            return draw(st.integers(0, 3))
        return draw(sc.days).isoformat()
    if t == "bool":
        return draw(st.booleans())
    if t == "enum":
        choices = {"lifecycle_stage": STAGES, "source": SOURCES}.get(prop, STATUSES)
        return draw(st.sampled_from(choices))
    return draw(st.sampled_from(["L1", "A1"]))


def conditions(sc: Scenario):
    @st.composite
    def draw_condition(draw):
        prop = draw(st.sampled_from(PROPERTY_CHOICES))
        op = draw(st.sampled_from(OPERATORS_BY_TYPE[PROPERTIES[prop].type]))
        out = {"propertyName": prop, "operator": op}
        if op in (IN, NOT_IN):
            out["values"] = [_value(draw, sc, prop, op) for _ in range(draw(st.integers(1, 3)))]
        elif op == BETWEEN:
            low, high = sorted([_value(draw, sc, prop, op), _value(draw, sc, prop, op)])
            out["value"], out["highValue"] = low, high
        elif op not in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
            out["value"] = _value(draw, sc, prop, op)
        return out

    return draw_condition()


def filters(sc: Scenario):
    return st.builds(lambda groups: {"filterGroups": [{"filters": g} for g in groups]},
                     st.lists(st.lists(conditions(sc), min_size=1, max_size=3), min_size=1,
                              max_size=3))


@st.composite
def examples(draw):
    sc = draw(scenarios)
    rows, members = draw(contacts(sc))
    return rows, members, draw(filters(sc)), draw(sc.instants), sc.tz


# --- the test --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    eng = make_engine(module_db_url(request, tmp_path_factory, request.param))
    with Session(eng) as s, s.begin():
        s.add_all([ContactList(id=1, name="L1", kind="static", created_by="t",
                               created_at=datetime(2026, 1, 1)),
                   ContactList(id=2, name="A1", kind="active", filter=A1_FILTER, created_by="t",
                               created_at=datetime(2026, 1, 1))])
    yield eng
    eng.dispose()


def load(engine, rows, members) -> None:
    with engine.begin() as conn:
        conn.execute(delete(ListMember))
        conn.execute(delete(Contact))
        if rows:
            conn.execute(insert(Contact), rows)
        if members:
            conn.execute(insert(ListMember), [{"list_id": 1, "contact_id": i} for i in members])


_elapsed: dict[str, float] = {}


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(example=examples())
def test_sql_agrees_with_python(engine, example):
    rows, members, filter, now, tz = example
    parse_filter(filter)  # the strategy only makes valid filters

    def in_list(name, contact):
        if name == "L1":
            return contact["id"] in members
        return bind(A1_FILTER, now, tz).matches(contact, in_list)

    bound = bind(filter, now, tz)
    expected = {r["id"] for r in rows if bound.matches(r, in_list)}
    load(engine, rows, members)
    with Session(engine) as s:
        where = filter_where(filter, now=now, tz=tz, session=s)
        got = set(s.scalars(select(Contact.id).where(where)))
    assert got == expected, (filter, now, tz)


def test_date_vocabulary_reaches_the_dst_days():
    # The strategies above must cover the days on which the clocks change.
    reachable = {b.date() + timedelta(days=n) for b in BASES for n in range(-3, 5)}
    assert {date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 8), date(2026, 11, 1),
            date(2026, 4, 5), date(2026, 10, 4)} <= reachable
