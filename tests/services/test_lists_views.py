"""Selections over filters and lists, lists and saved views: services on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event, func, select

from mcwidgets.domain.actors import Actor, ActorKind
from mcwidgets.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, counting, lists, status, views
from mcwidgets.store.models import ListMember
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import all_states, audit_rows, make_contact


def cond(prop, op, **extra) -> dict:
    return {"propertyName": prop, "operator": op, **extra}


def where(*conditions) -> dict:
    return {"filterGroups": [{"filters": list(conditions)}]}


NL = where(cond("country", "EQ", value="nl"))


@pytest.fixture
def people(ctx):
    """Five contacts: three Dutch (one pending, one non-marketing), a Belgian, one unknown."""
    return {
        "nl1": make_contact(ctx, "marketing", 1, country="NL", first_name="Ann"),
        "nl2": make_contact(ctx, "pending", 2, country="nl", first_name="Bram"),
        "nl3": make_contact(ctx, "non_marketing", 3, country="NL", first_name="Cees"),
        "be": make_contact(ctx, "marketing", 4, country="BE", first_name="Dirk"),
        "x": make_contact(ctx, "marketing", 5),
    }


class Statements:
    """The SQL statements run inside the block."""

    def __init__(self, engine):
        self.engine, self.sql = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.sql.append((" ".join(statement.split()), executemany))

    def starting(self, prefix: str) -> list[str]:
        return [s for s, _ in self.sql if s.upper().startswith(prefix.upper())]

    def containing(self, part: str) -> list[str]:
        return [s for s, _ in self.sql if part.upper() in s.upper()]


# --- selections: filter, list, "all matching except" --------------------------------


def test_set_non_marketing_over_a_filter_is_one_update(ctx, people):
    with Statements(ctx.engine) as st:
        r = status.set_non_marketing(ctx, ALICE, Selection(filter=NL))
    assert (r.matched, r.changed) == (3, 1)  # nl2 pending already, nl3 non-marketing
    assert audit_rows(ctx, r.action_id) == [(people["nl1"], "marketing", "marketing", False, True)]
    # PostgreSQL: one statement, WITH changed AS (UPDATE contacts ...) INSERT INTO audit_events ...;
    # SQLite: INSERT INTO audit_events ... SELECT, then UPDATE contacts
    assert len(st.containing("UPDATE contacts")) == 1
    assert not any(many for s, many in st.sql if "UPDATE CONTACTS" in s.upper())
    assert len(st.containing("INSERT INTO audit_events")) == 1


def test_set_marketing_over_a_filter_except_ids(ctx, people):
    f = where(cond("first_name", "HAS_PROPERTY"))
    r = status.set_marketing(ctx, ALICE, Selection(filter=f, exclude_ids=(people["nl2"],)))
    assert (r.matched, r.changed) == (3, 1)
    assert audit_rows(ctx, r.action_id) == [(people["nl3"], "non_marketing", "marketing", False, False)]
    assert all_states(ctx)[people["nl2"]] == ("marketing", True)  # excluded: still pending


def test_set_non_marketing_over_a_static_list_and_an_active_list(ctx, people):
    lists.create_list(ctx, ALICE, "Fair")
    lists.add_members(ctx, ALICE, "Fair", [people["be"], people["nl3"]])
    r = status.set_non_marketing(ctx, ALICE, Selection(list_name="Fair"))
    assert (r.matched, r.changed) == (2, 1)
    assert [row[0] for row in audit_rows(ctx, r.action_id)] == [people["be"]]

    lists.create_list(ctx, ALICE, "Dutch", NL)
    r = status.set_non_marketing(ctx, ALICE, Selection(list_name="Dutch", exclude_ids=(people["nl1"],)))
    assert (r.matched, r.changed) == (2, 0)
    r = status.set_non_marketing(ctx, ALICE, Selection(list_name="Dutch"))
    assert (r.matched, r.changed) == (3, 1)
    assert audit_rows(ctx, r.action_id) == [(people["nl1"], "marketing", "marketing", False, True)]
    assert all_states(ctx)[people["x"]] == ("marketing", False)


def test_a_filter_naming_a_list(ctx, people):
    lists.create_list(ctx, ALICE, "Fair")
    lists.add_members(ctx, ALICE, "Fair", [people["nl1"]])
    f = where(cond("country", "EQ", value="NL"), cond("list", "NOT_IN_LIST", value="Fair"))
    r = status.set_non_marketing(ctx, ALICE, Selection(filter=f))
    assert (r.matched, r.changed) == (2, 0)
    assert counting.count(ctx, where(cond("list", "IN_LIST", value="Fair"))) == 1


def test_set_marketing_over_a_list_needs_the_permission(ctx, people):
    lists.create_list(ctx, BOB, "Mine")  # bob may manage lists...
    lists.add_members(ctx, BOB, "Mine", [people["nl3"]])
    before = all_states(ctx)
    with pytest.raises(PermissionDenied, match="bob does not have"):  # ...not set marketing
        status.set_marketing(ctx, BOB, Selection(list_name="Mine"))
    assert all_states(ctx) == before


def test_selection_of_an_unknown_list_or_a_bad_filter_changes_nothing(ctx, people):
    before, audit = all_states(ctx), audit_rows(ctx)
    with pytest.raises(NotFound, match="no list named 'Nope'"):
        status.set_non_marketing(ctx, ALICE, Selection(list_name="Nope"))
    with pytest.raises(ValidationError, match="unknown property 'colour'"):
        status.set_non_marketing(ctx, ALICE, Selection(filter=where(cond("colour", "EQ", value="x"))))
    assert (all_states(ctx), audit_rows(ctx)) == (before, audit)


def test_relative_dates_use_the_account_time_zone(ctx, clock):
    account.configure(ctx, ADMIN, timezone="Pacific/Auckland")  # UTC+13 in November
    clock.set(datetime(2026, 11, 26, 12, 0))  # 01:00 on Nov 27 in Auckland
    a = make_contact(ctx, "marketing", 1, last_activity_at=datetime(2026, 11, 26, 11, 0))  # Nov 27 00:00
    make_contact(ctx, "marketing", 2, last_activity_at=datetime(2026, 11, 26, 10, 59))  # Nov 26 23:59
    today = where(cond("last_activity_at", "IN_LAST_DAYS", value=0))
    assert counting.count(ctx, today) == 1
    r = status.set_non_marketing(ctx, ALICE, Selection(filter=today))
    assert [row[0] for row in audit_rows(ctx, r.action_id)] == [a]
    described = counting.count_described(ctx, today)
    assert described.description == "Last activity in the last 0 days (since 2026-11-27)"


def test_count_accepts_filters_selections_ids_and_nothing(ctx, people):
    lists.create_list(ctx, ALICE, "Dutch", NL)
    assert counting.count(ctx) == 5
    assert counting.count(ctx, NL) == 3
    assert counting.count(ctx, '{"filterGroups": []}') == 5
    assert counting.count(ctx, Selection(list_name="Dutch", exclude_ids=(people["nl1"],))) == 2
    assert counting.count(ctx, [people["be"], 99_999]) == 1
    r = counting.count_described(ctx, Selection(filter=NL, exclude_ids=(people["nl1"],)))
    assert (r.count, r.description) == (2, "Country is nl except 1 chosen contact(s)")
    with pytest.raises(ValidationError, match="operator LT does not fit text property 'country'"):
        counting.count(ctx, where(cond("country", "LT", value="x")))


# --- lists ------------------------------------------------------------------------------


def test_static_list_members_are_added_set_based_and_only_once(ctx, people):
    info = lists.create_list(ctx, ALICE, "  Fair 2026 ")
    assert (info.name, info.kind, info.members, info.created_by) == ("Fair 2026", "static", 0, "alice")
    change = lists.add_members(ctx, ALICE, "Fair 2026", [people["nl1"], people["be"], 424242])
    assert (change.matched, change.changed, change.members) == (2, 2, 2)  # unknown id ignored
    with Statements(ctx.engine) as st:
        change = lists.add_members(ctx, ALICE, "Fair 2026", NL)
    assert (change.matched, change.changed, change.members) == (3, 2, 4)
    inserts = st.starting("INSERT INTO list_members")
    assert len(inserts) == 1 and "SELECT" in inserts[0].upper()
    with pytest.raises(ValidationError, match="no conditions"):  # everyone: only when said explicitly
        lists.add_members(ctx, ALICE, "Fair 2026", Selection(filter={"filterGroups": []}))
    change = lists.add_members(ctx, ALICE, "Fair 2026", Selection(all_contacts=True,
                                                                  exclude_ids=(people["x"],)))
    assert (change.matched, change.changed, change.members) == (4, 0, 4)
    assert lists.count_members(ctx, "Fair 2026") == 4


def test_members_are_removed_by_ids_filter_or_list(ctx, people):
    lists.create_list(ctx, ALICE, "All")
    lists.add_members(ctx, ALICE, "All", Selection(filter={"filterGroups": []}, all_contacts=True))
    lists.create_list(ctx, ALICE, "Some")
    lists.add_members(ctx, ALICE, "Some", [people["be"], people["x"]])
    assert lists.remove_members(ctx, ALICE, "All", [people["nl1"]]).changed == 1
    assert lists.remove_members(ctx, ALICE, "All", Selection(list_name="Some")).changed == 2
    change = lists.remove_members(ctx, ALICE, "All", NL)
    assert (change.matched, change.changed, change.members) == (3, 2, 0)
    # removing everything that is in the list itself, but one
    lists.add_members(ctx, ALICE, "Some", NL)
    change = lists.remove_members(ctx, ALICE, "Some", Selection(list_name="Some", exclude_ids=(people["be"],)))
    assert (change.changed, change.members) == (4, 1)


def test_active_list_members_are_live(ctx, people, clock):
    info = lists.create_list(ctx, ALICE, "Dutch", NL)
    assert (info.kind, info.members, info.filter) == ("active", 3, NL)
    make_contact(ctx, "marketing", 9, country="nl")
    assert lists.count_members(ctx, "Dutch") == 4
    with pytest.raises(ValidationError, match="'Dutch' is an active list"):
        lists.add_members(ctx, ALICE, "Dutch", [people["be"]])
    with pytest.raises(ValidationError, match="'Dutch' is an active list"):
        lists.remove_members(ctx, ALICE, "Dutch", [people["nl1"]])


def test_active_lists_may_name_lists_but_never_themselves(ctx, people):
    lists.create_list(ctx, ALICE, "VIP")
    lists.add_members(ctx, ALICE, "VIP", [people["nl1"], people["be"]])
    info = lists.create_list(ctx, ALICE, "Dutch non-VIP",
                             where(cond("list", "NOT_IN_LIST", value="VIP"), cond("country", "EQ", value="NL")))
    assert info.members == 2
    with pytest.raises(ValidationError, match=r"list 'Loop' refers to itself \(Loop -> Loop\)"):
        lists.create_list(ctx, ALICE, "Loop", where(cond("list", "IN_LIST", value="Loop")))
    with pytest.raises(NotFound, match="no list named 'Ghost'"):
        lists.create_list(ctx, ALICE, "Bad", where(cond("list", "IN_LIST", value="Ghost")))
    with pytest.raises(ValidationError, match=r"group 1, filter 1 \(id EQ\): 'x' is not a number"):
        lists.create_list(ctx, ALICE, "Bad", where(cond("id", "EQ", value="x")))
    assert [i.name for i in lists.list_lists(ctx)] == ["Dutch non-VIP", "VIP"]


def test_nesting_of_active_lists_is_limited(ctx, people):
    lists.create_list(ctx, ALICE, "L0")
    for i in range(1, 6):
        lists.create_list(ctx, ALICE, f"L{i}", where(cond("list", "NOT_IN_LIST", value=f"L{i - 1}")))
    assert lists.count_members(ctx, "L5") == 5  # not(not(not(not(not(empty))))) = everyone
    with pytest.raises(ValidationError, match="lists are nested too deep"):
        lists.create_list(ctx, ALICE, "L6", where(cond("list", "IN_LIST", value="L5")))


def test_list_names_are_unique_and_checked(ctx):
    lists.create_list(ctx, ALICE, "A")
    with pytest.raises(Conflict, match="a list named 'A' exists already"):
        lists.create_list(ctx, ADMIN, " A ", NL)
    with pytest.raises(ValidationError, match="a list needs a name"):
        lists.create_list(ctx, ALICE, "  ")
    with pytest.raises(ValidationError, match="list name too long"):
        lists.create_list(ctx, ALICE, "x" * 201)
    with pytest.raises(NotFound, match="unknown user 'mallory'"):
        lists.create_list(ctx, Actor(ActorKind.USER, "mallory"), "B")
    with pytest.raises(NotFound, match="no list named 'B'"):
        lists.get_list(ctx, "B")


def test_rename_carries_references_along(ctx, people):
    lists.create_list(ctx, ALICE, "VIP")
    lists.add_members(ctx, ALICE, "VIP", [people["nl1"]])
    lists.create_list(ctx, ALICE, "Others", where(cond("list", "NOT_IN_LIST", value="VIP")))
    views.save_view(ctx, ALICE, "VIPs", where(cond("list", "IN_LIST", value="VIP")))
    lists.create_list(ctx, ALICE, "Taken")
    with pytest.raises(Conflict, match="a list named 'Taken' exists already"):
        lists.rename_list(ctx, ALICE, "VIP", "Taken")
    info = lists.rename_list(ctx, ALICE, "VIP", "Very important")
    assert (info.name, info.members) == ("Very important", 1)
    assert lists.get_list(ctx, "Others").filter == where(cond("list", "NOT_IN_LIST", value="Very important"))
    assert views.get_view(ctx, "VIPs").filter == where(cond("list", "IN_LIST", value="Very important"))
    assert lists.count_members(ctx, "Others") == 4
    with pytest.raises(NotFound, match="no list named 'VIP'"):
        lists.rename_list(ctx, ALICE, "VIP", "Again")


def test_delete_is_refused_while_named_and_removes_memberships(ctx, people):
    lists.create_list(ctx, ALICE, "VIP")
    lists.add_members(ctx, ALICE, "VIP", [people["nl1"], people["be"]])
    lists.create_list(ctx, ALICE, "Others", where(cond("list", "NOT_IN_LIST", value="VIP")))
    views.save_view(ctx, ALICE, "VIPs", where(cond("list", "IN_LIST", value="VIP")))
    with pytest.raises(Conflict, match="list 'VIP' is used by active list 'Others', saved view 'VIPs'"):
        lists.delete_list(ctx, ALICE, "VIP")
    lists.delete_list(ctx, ALICE, "Others")
    views.delete_view(ctx, ALICE, "VIPs")
    lists.delete_list(ctx, ALICE, "VIP")
    assert lists.list_lists(ctx) == []
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(ListMember)) == 0
    assert len(all_states(ctx)) == 5  # the contacts stay
    with pytest.raises(NotFound, match="no list named 'VIP'"):
        lists.delete_list(ctx, ALICE, "VIP")


# --- saved views ------------------------------------------------------------------------


def test_views_are_saved_replaced_listed_renamed_and_deleted(ctx, people):
    v = views.save_view(ctx, ALICE, "Dutch", NL, sort="last_name", columns=["email", "country"])
    assert (v.name, v.filter, v.sort, v.columns, v.created_by) == (
        "Dutch", NL, {"column": "last_name", "descending": False}, ["email", "country"], "alice")
    v2 = views.save_view(ctx, BOB, "Dutch", where(cond("country", "IN", values=["NL", "BE"])),
                         sort={"column": "created_at", "descending": True}, columns="id,email")
    assert v2.id == v.id and v2.created_by == "alice"  # replaced in place
    assert (v2.sort, v2.columns) == ({"column": "created_at", "descending": True}, ["id", "email"])
    views.save_view(ctx, ALICE, "All", {"filterGroups": []})
    assert [x.name for x in views.list_views(ctx)] == ["All", "Dutch"]
    assert views.get_view(ctx, "Dutch").describe() == "Country is any of NL, BE"
    with pytest.raises(Conflict, match="a saved view named 'All' exists already"):
        views.rename_view(ctx, ALICE, "Dutch", "All")
    assert views.rename_view(ctx, ALICE, "Dutch", "Benelux").name == "Benelux"
    views.delete_view(ctx, ALICE, "All")
    assert [x.name for x in views.list_views(ctx)] == ["Benelux"]
    with pytest.raises(NotFound, match="no saved view named 'All'"):
        views.get_view(ctx, "All")
    with pytest.raises(NotFound, match="no saved view named 'All'"):
        views.delete_view(ctx, ALICE, "All")


def test_saved_view_filters_are_stored_normalised(ctx):
    raw = where({"propertyName": " Lifecycle_Stage ", "operator": "in", "values": ["MQL", "mql"]})
    v = views.save_view(ctx, ALICE, "Leads", raw)
    assert v.filter == where(cond("lifecycle_stage", "IN", values=["marketing_qualified_lead"]))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"filter": where(cond("colour", "EQ", value="x"))}, ValidationError, "unknown property 'colour'"),
    ({"filter": where(cond("list", "IN_LIST", value="Ghost"))}, NotFound, "no list named 'Ghost'"),
    ({"sort": "shoe_size"}, ValidationError, "cannot sort by 'shoe_size'"),
    ({"sort": "last_name:up"}, ValidationError, "bad sort direction 'up'"),
    ({"sort": {"column": "id", "descending": "yes"}}, ValidationError, "descending must be true or false"),
    ({"sort": {"column": "id", "order": "asc"}}, ValidationError, "sort: unknown key 'order'"),
    ({"columns": ["email", "shoe_size"]}, ValidationError, "unknown column 'shoe_size'"),
    ({"columns": "email,email"}, ValidationError, "column 'email' is given twice"),
    ({"columns": []}, ValidationError, "columns must be a non-empty list"),
    ({"name": ""}, ValidationError, "a view needs a name"),
])
def test_bad_views_are_refused(ctx, kwargs, error, message):
    args = {"name": "V", "filter": NL, **kwargs}
    with pytest.raises(error, match=message):
        views.save_view(ctx, ALICE, args.pop("name"), args.pop("filter"), **args)
    assert views.list_views(ctx) == []


def test_clearing_the_demo_data_empties_static_lists(ctx, people):
    from mcwidgets.store.bulk import clear_demo_data

    lists.create_list(ctx, ALICE, "VIP")
    lists.add_members(ctx, ALICE, "VIP", [people["nl1"]])
    views.save_view(ctx, ALICE, "Dutch", NL)
    with ctx.write() as session:
        clear_demo_data(session)
    make_contact(ctx, "marketing", 7)  # may get an old contact's id back
    assert [(i.name, i.members) for i in lists.list_lists(ctx)] == [("VIP", 0)]
    assert [v.name for v in views.list_views(ctx)] == ["Dutch"]


def test_list_names_counts_no_members(ctx, people):
    lists.create_list(ctx, ADMIN, "Dutch", NL)  # active: its count would be a count over the contacts
    lists.create_list(ctx, ADMIN, "A static one")
    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(ctx.engine, "before_cursor_execute", listener)
    try:
        assert lists.all_list_names(ctx) == ["A static one", "Dutch"]
    finally:
        event.remove(ctx.engine, "before_cursor_execute", listener)
    assert statements and not any("contacts" in s or "list_members" in s for s in statements)
