"""Form submissions, default statuses per tool, and the permission on the paths built so far."""

import pytest

from mcwidgets.domain.errors import PermissionDenied
from mcwidgets.services import contacts, forms, users
from mcwidgets.services.contacts import NewContact
from tests.conftest import ADMIN, ALICE, BOB
from tests.services.helpers import all_states, audit_rows, make_contact, state_of


@pytest.mark.parametrize("source, expected", [
    ("forms", "marketing"), ("chatflows", "non_marketing"), ("import", "non_marketing"),
    ("integrations", "non_marketing"), ("manual", "non_marketing"), ("ads", "non_marketing"),
    ("meetings", "non_marketing"), ("sales email extension", "non_marketing"),
])
def test_default_status_by_source_tool(ctx, source, expected):
    cid, _ = contacts.create_contact(ctx, ALICE, NewContact(email=f"{source.replace(' ', '')}@x.org"), source=source)
    assert state_of(ctx, cid) == (expected, False)


def test_admin_changes_a_tools_default(ctx):
    contacts.set_default_status(ctx, ADMIN, "ads", "marketing")
    cid, _ = contacts.create_contact(ctx, ALICE, NewContact(email="ad@x.org"), source="ads")
    assert state_of(ctx, cid) == ("marketing", False)
    with pytest.raises(PermissionDenied, match="only admins may change default statuses"):
        contacts.set_default_status(ctx, ALICE, "ads", "non-marketing")
    assert contacts.get_default_statuses(ctx)["ads"] == "marketing"


def test_new_form_submission_uses_the_forms_default(ctx):
    sub = forms.submit_form(ctx, "newsletter", NewContact(email="New@Example.com", first_name="Ann"))
    assert sub.created and sub.status == "marketing"
    assert contacts.get_contact(ctx, sub.contact_id)["email"] == "new@example.com"


def test_form_option_sets_existing_non_marketing_contact_as_marketing(ctx):
    cid = make_contact(ctx, "non_marketing", email="known@example.com")
    sub = forms.submit_form(ctx, "webinar", NewContact(email="KNOWN@example.com"))
    assert not sub.created and not sub.set_as_marketing and state_of(ctx, cid) == ("non_marketing", False)
    sub = forms.submit_form(ctx, "webinar", NewContact(email="known@example.com"), set_existing_as_marketing=True)
    assert sub.set_as_marketing and state_of(ctx, cid) == ("marketing", False)
    from mcwidgets.services.history import contact_history

    last = contact_history(ctx, cid)[-1]
    assert (last.actor_kind, last.actor, last.action) == ("form", "webinar", "form")


def test_restricted_user_cannot_create_a_marketing_contact(ctx):
    before = all_states(ctx), audit_rows(ctx)
    with pytest.raises(PermissionDenied, match="bob does not have"):
        contacts.create_contact(ctx, BOB, NewContact(email="b@x.org"), status="marketing")
    assert (all_states(ctx), audit_rows(ctx)) == before
    # a non-marketing contact is fine
    cid, _ = contacts.create_contact(ctx, BOB, NewContact(email="b@x.org"))
    assert state_of(ctx, cid) == ("non_marketing", False)


def test_only_admins_manage_users_and_permissions(ctx):
    with pytest.raises(PermissionDenied, match="only admins may add users"):
        users.add_user(ctx, ALICE, "carol")
    with pytest.raises(PermissionDenied, match="only admins may change permissions"):
        users.set_permission(ctx, ALICE, "bob", True)
    assert users.get_user(ctx, "bob").can_edit_marketing is False
    users.set_permission(ctx, ADMIN, "bob", True)
    assert users.get_user(ctx, "bob").can_edit_marketing is True
