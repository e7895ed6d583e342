"""Issue 12, finding 8: every change to users, permissions, defaults and account settings
is an action (who, when, what, before/after); admins always hold "Edit marketing contacts"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mcwidgets.app import App
from mcwidgets.domain.actors import Actor, ActorKind
from mcwidgets.domain.errors import PermissionDenied, ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, contacts, history, status, users
from tests.conftest import ADMIN, ALICE, BOB, NOW
from tests.services.helpers import make_contact

ADMIN2 = Actor(ActorKind.USER, "admin2")


def newest(ctx, n: int = 1):
    rows = history.list_actions(ctx, limit=n)
    return rows[0] if n == 1 else rows


def action_count(ctx) -> int:
    return len(history.list_actions(ctx, limit=1000))


def test_adding_users_is_recorded(ctx):
    kinds = [(a.kind, a.actor, a.details["subject"]) for a in reversed(history.list_actions(ctx))]
    assert kinds == [("user_added", "setup", "admin"), ("user_added", "admin", "alice"),
                     ("user_added", "admin", "bob")]
    bob = newest(ctx)
    assert bob.details["before"] is None
    assert bob.details["after"] == {"name": "bob", "role": "user", "can_edit_marketing": False}
    assert bob.at == NOW.replace(tzinfo=None)
    assert "bob" in bob.description and (bob.matched, bob.changed) == (0, 0)


def test_permission_change_is_recorded_with_before_and_after(ctx, clock):
    clock.set(NOW + timedelta(hours=1))
    users.set_permission(ctx, ADMIN, "bob", True)
    a = newest(ctx)
    assert (a.kind, a.actor_kind, a.actor, a.at) == ("permission_changed", "user", "admin",
                                                      (NOW + timedelta(hours=1)).replace(tzinfo=None))
    assert a.details == {"subject": "bob", "before": {"can_edit_marketing": False},
                         "after": {"can_edit_marketing": True}}
    assert "bob" in a.description and "off → on" in a.description
    before = action_count(ctx)
    users.set_permission(ctx, ADMIN, "bob", True)  # no change: nothing recorded
    assert action_count(ctx) == before


def test_non_admins_never_change_permissions_and_leave_no_record(ctx):
    before = action_count(ctx)
    for actor in (ALICE, BOB):
        with pytest.raises(PermissionDenied):
            users.set_permission(ctx, actor, "bob", True)
    with pytest.raises(ValidationError):
        users.set_permission(ctx, None, "bob", True)
    assert users.get_user(ctx, "bob").can_edit_marketing is False
    assert action_count(ctx) == before


def test_admins_always_hold_the_permission(ctx):
    users.add_user(ctx, ADMIN, "admin2", admin=True, can_edit_marketing=False)
    assert users.get_user(ctx, "admin2").can_edit_marketing is True
    before = action_count(ctx)
    for actor in (ADMIN, ADMIN2):
        with pytest.raises(PermissionDenied, match="admins always hold"):
            users.set_permission(ctx, actor, "admin2", False)
    assert action_count(ctx) == before
    # ... and may set contacts as marketing
    cid = make_contact(ctx, "non_marketing", 1)
    r = status.set_marketing(ctx, ADMIN2, Selection.of_ids([cid]))
    assert r.changed == 1


def test_a_restricted_admin_row_still_holds_the_permission(ctx):
    """An admin stored with the switch off (an older database) holds the permission anyway."""
    from mcwidgets.store import queries

    with ctx.write() as s:
        queries.find_user(s, "admin").can_edit_marketing = False
    assert users.get_user(ctx, "admin").can_edit_marketing is True
    cid = make_contact(ctx, "non_marketing", 1)
    assert status.set_marketing(ctx, ADMIN, Selection.of_ids([cid])).changed == 1


def test_default_status_change_is_recorded(ctx):
    contacts.set_default_status(ctx, ADMIN, "ads", "marketing")
    a = newest(ctx)
    assert (a.kind, a.actor) == ("default_changed", "admin")
    assert a.details == {"subject": "ads", "before": {"status": "non_marketing"}, "after": {"status": "marketing"}}
    assert "ads" in a.description and "non-marketing → marketing" in a.description
    before = action_count(ctx)
    contacts.set_default_status(ctx, ADMIN, "ads", "marketing")
    assert action_count(ctx) == before
    with pytest.raises(PermissionDenied):
        contacts.set_default_status(ctx, ALICE, "ads", "non-marketing")
    assert action_count(ctx) == before


def test_account_change_is_recorded_with_only_what_changed(ctx):
    old = account.get_info(ctx)
    account.configure(ctx, ADMIN, spike_limit=5, timezone="Europe/Amsterdam")
    a = newest(ctx)
    assert (a.kind, a.actor) == ("account_changed", "admin")
    assert a.details["before"] == {"timezone": old.timezone, "spike_limit": old.spike_limit}
    assert a.details["after"] == {"timezone": "Europe/Amsterdam", "spike_limit": 5}
    assert "spike limit none → 5" in a.description and "time zone UTC → Europe/Amsterdam" in a.description
    before = action_count(ctx)
    account.configure(ctx, ADMIN, spike_limit=5)  # no change
    with pytest.raises(ValidationError):
        account.configure(ctx, ADMIN, spike_limit=7, edition="platinum")  # refused: rolled back, no record
    with pytest.raises(PermissionDenied):
        account.configure(ctx, ALICE, spike_limit=9)
    assert action_count(ctx) == before
    assert account.get_info(ctx).spike_limit == 5


def test_settings_actions_in_the_app_and_the_actions_list(ctx):
    app = App(ctx, "admin")
    app.set_permission("bob", True)
    app.set_default_status("meetings", "marketing")
    app.configure_account(tier=account.get_info(ctx).tier + 5_000)
    kinds = [a.kind for a in app.actions(3)]
    assert kinds == ["account_changed", "default_changed", "permission_changed"]
