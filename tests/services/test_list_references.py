"""Lists are referenced safely: renaming a list rewrites every stored filter that names
it (active lists, saved views, workflow triggers); deleting one is refused while any
of them names it. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from mcwidgets.domain.errors import Conflict
from mcwidgets.services import contacts, lists, views, workflows
from mcwidgets.services.contacts import NewContact
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import state_of


def where(prop, op, value) -> dict:
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": op, "value": value}]}]}


DUTCH = where("country", "EQ", "NL")


def new(ctx, email, **fields) -> int:
    cid, _ = contacts.create_contact(ctx, ADMIN, NewContact(email=email, **fields), status="marketing")
    return cid


def test_renaming_a_list_an_enabled_workflow_uses_keeps_creating_and_enrolling(ctx):
    lists.create_list(ctx, ALICE, "VIP", DUTCH)
    workflows.create(ctx, ADMIN, "VIPs out", where("list", "IN_LIST", "VIP"), "non-marketing")
    workflows.turn_on(ctx, ADMIN, "VIPs out", enroll_existing=False)
    lists.rename_list(ctx, ALICE, "VIP", "Very important")
    info = workflows.get(ctx, "VIPs out")
    assert info.trigger == where("list", "IN_LIST", "Very important")
    assert "Very important" in info.trigger_text and "'VIP'" not in info.trigger_text
    dutch, belgian = new(ctx, "a@x.nl", country="NL"), new(ctx, "b@x.be", country="BE")
    assert state_of(ctx, dutch) == ("marketing", True)  # enrolled: pending non-marketing
    assert state_of(ctx, belgian) == ("marketing", False)
    assert workflows.get(ctx, "VIPs out").enrolled == 1


def test_renaming_rewrites_workflows_that_are_off_too(ctx):
    lists.create_list(ctx, ALICE, "VIP")
    workflows.create(ctx, ADMIN, "not VIPs", where("list", "NOT_IN_LIST", "VIP"), "non-marketing")
    lists.rename_list(ctx, ALICE, "VIP", "Gold")
    assert workflows.get(ctx, "not VIPs").trigger == where("list", "NOT_IN_LIST", "Gold")
    workflows.turn_on(ctx, ADMIN, "not VIPs", enroll_existing=False)
    cid = new(ctx, "c@x.nl")
    assert state_of(ctx, cid) == ("marketing", True)


def test_deleting_a_list_a_workflow_uses_is_refused_naming_it(ctx):
    lists.create_list(ctx, ALICE, "VIP", DUTCH)
    workflows.create(ctx, ADMIN, "VIPs out", where("list", "IN_LIST", "VIP"), "non-marketing")
    workflows.turn_on(ctx, ADMIN, "VIPs out", enroll_existing=False)
    views.save_view(ctx, ALICE, "VIPs", where("list", "IN_LIST", "VIP"))
    with pytest.raises(Conflict, match=r"^list 'VIP' is used by saved view 'VIPs', workflow 'VIPs out': "
                                       r"change or delete them first$"):
        lists.delete_list(ctx, ALICE, "VIP")
    views.delete_view(ctx, ALICE, "VIPs")
    with pytest.raises(Conflict, match=r"^list 'VIP' is used by workflow 'VIPs out': change or delete it first$"):
        lists.delete_list(ctx, ALICE, "VIP")
    new(ctx, "still@x.nl", country="NL")  # the refused delete broke nothing
    workflows.delete(ctx, ADMIN, "VIPs out")
    lists.delete_list(ctx, ALICE, "VIP")
    assert lists.list_lists(ctx) == []
