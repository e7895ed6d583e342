"""Editing a workflow (``workflows.update_workflow``): only while off, with the create checks."""

import pytest

from mcwidgets.domain.actors import Actor, ActorKind
from mcwidgets.domain.errors import Conflict, PermissionDenied, ValidationError
from mcwidgets.services import workflows
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import make_contact, state_of

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
DE = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "DE"}]}]}


def test_update_changes_name_trigger_action_and_reenrollment(ctx):
    workflows.create(ctx, ADMIN, "Dutch out", NL, "non-marketing")
    info = workflows.update_workflow(ctx, ADMIN, "Dutch out", new_name="German in", trigger=DE, action="marketing",
                            reenroll=True)
    assert (info.name, info.trigger, info.action, info.reenroll, info.enabled) == \
        ("German in", DE, "marketing", True, False)
    assert [w.name for w in workflows.list_workflows(ctx)] == ["German in"]
    # fields not given stay as they are
    info = workflows.update_workflow(ctx, ADMIN, "German in", reenroll=False)
    assert (info.trigger, info.action, info.reenroll) == (DE, "marketing", False)


def test_update_refuses_on_workflows_users_and_bad_input(ctx):
    workflows.create(ctx, ADMIN, "Dutch out", NL, "non-marketing")
    workflows.create(ctx, ADMIN, "Other", DE, "non-marketing")
    with pytest.raises(PermissionDenied, match="only admins may edit workflows"):
        workflows.update_workflow(ctx, ALICE, "Dutch out", trigger=DE)
    with pytest.raises(Conflict, match="exists already"):
        workflows.update_workflow(ctx, ADMIN, "Dutch out", new_name="Other")
    with pytest.raises(ValidationError, match="at least one enrollment trigger"):
        workflows.update_workflow(ctx, ADMIN, "Dutch out", trigger={"filterGroups": []})
    with pytest.raises(ValidationError, match="trigger"):
        workflows.update_workflow(ctx, ADMIN, "Dutch out", trigger={"filterGroups": [{"filters": [
            {"propertyName": "list", "operator": "IN_LIST", "value": "no such list"}]}]})
    workflows.turn_on(ctx, ADMIN, "Dutch out", enroll_existing=False)
    with pytest.raises(Conflict, match="turn it off before editing it"):
        workflows.update_workflow(ctx, ADMIN, "Dutch out", trigger=DE)
    assert workflows.get(ctx, "Dutch out").trigger == NL


def test_update_to_set_marketing_needs_the_permission(ctx):
    # Admins always hold the permission; a stored admin row with it off (older databases)
    # holds it too, so the check is tried on the workflow's path by bob, who is no admin.
    workflows.create(ctx, ADMIN, "Dutch out", NL, "non-marketing")
    bob = Actor(ActorKind.USER, "bob")
    with pytest.raises(PermissionDenied, match="Edit marketing contacts|not an admin"):
        workflows.update_workflow(ctx, bob, "Dutch out", action="marketing")
    assert workflows.get(ctx, "Dutch out").action == "non_marketing"


def test_enrolled_contacts_stay_enrolled_after_an_edit(ctx):
    cid = make_contact(ctx, "marketing", 1, country="NL")
    workflows.create(ctx, ADMIN, "Dutch out", NL, "non-marketing")
    workflows.turn_on(ctx, ADMIN, "Dutch out", enroll_existing=True)
    assert state_of(ctx, cid) == ("marketing", True)
    workflows.turn_off(ctx, ADMIN, "Dutch out")
    workflows.update_workflow(ctx, ADMIN, "Dutch out", new_name="Dutch out again")
    assert workflows.get(ctx, "Dutch out again").enrolled == 1
    assert workflows.dry_run(ctx, "Dutch out again").would_enroll == 0
