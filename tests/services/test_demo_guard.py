"""Issue 12, finding 2: demo refuses a database that holds more than demo data, unless an
admin passes replace_all_data; a restricted or unknown user loses nothing (both engines)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mcwidgets.app import App
from mcwidgets.domain.actors import Actor, ActorKind
from mcwidgets.domain.errors import Conflict, NotFound, PermissionDenied
from mcwidgets.domain.selection import Selection
from mcwidgets.services import lists, status
from mcwidgets.services.demo import build_demo
from mcwidgets.store.models import Action, AuditEvent, Contact, ListMember
from tests.conftest import ADMIN, ALICE, BOB, NOW
from tests.services.helpers import make_contact

MALLORY = Actor(ActorKind.USER, "mallory")


def stored(ctx):
    with ctx.read() as s:
        return (s.execute(select(Contact.id, Contact.email, Contact.marketing_status)
                          .order_by(Contact.id)).all(),
                s.execute(select(Action.id, Action.kind).order_by(Action.id)).all(),
                s.scalar(select(func.count()).select_from(AuditEvent)))


@pytest.fixture
def real(ctx):
    """A store with real data: contacts created by a user, and a status change."""
    ids = [make_contact(ctx, "marketing", i) for i in range(4)]
    status.set_non_marketing(ctx, ALICE, Selection.of_ids(ids[:2]))
    return ctx


@pytest.mark.parametrize("actor", [BOB, ALICE, MALLORY, ADMIN, None], ids=["bob", "alice", "mallory", "admin", "operator"])
def test_demo_without_the_option_refuses_real_data_for_anyone(real, actor):
    before = stored(real)
    with pytest.raises((Conflict, NotFound)) as e:
        build_demo(real, 10, actor=actor)
    message = str(e.value)
    assert "\n" not in message
    if actor is not MALLORY:
        assert "not demo data" in message and "--replace-all-data" in message and "nothing was changed" in message
    assert stored(real) == before


@pytest.mark.parametrize("actor, error", [(BOB, PermissionDenied), (ALICE, PermissionDenied),
                                          (MALLORY, NotFound)], ids=["bob", "alice", "mallory"])
def test_replace_all_data_is_for_admins_only(real, actor, error):
    before = stored(real)
    with pytest.raises(error):
        build_demo(real, 10, actor=actor, replace_all_data=True)
    assert stored(real) == before


def test_the_python_api_as_bob_refuses(real):
    before = stored(real)
    with pytest.raises(Conflict):
        App(real, "bob").demo(contacts=10)
    with pytest.raises(PermissionDenied):
        App(real, "bob").demo(contacts=10, replace_all_data=True)
    assert stored(real) == before


def test_an_admin_replaces_real_data_explicitly_and_settings_history_is_kept(real):
    settings = [(a.id, a.kind) for a in App(real).actions(100) if a.kind == "user_added"]
    assert len(settings) == 3
    result = App(real, "admin").demo(contacts=10, replace_all_data=True)
    assert result.contacts == 10
    actions = [(a.id, a.kind) for a in reversed(App(real).actions(100))]
    assert actions[:-1] == sorted(settings) and actions[-1][1] == "demo" and actions[-1][0] > settings[-1][0]
    with real.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 10
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_an_empty_store_with_users_and_a_demo_only_store_need_no_option(ctx):
    assert build_demo(ctx, 20, actor=ALICE).contacts == 20  # users and settings, but no data
    assert build_demo(ctx, 30, seed=3, actor=ALICE).contacts == 30  # a refill of demo data
    assert App(ctx, "bob").demo(contacts=25).contacts == 25
    kinds = [a.kind for a in App(ctx).actions(100)]
    assert kinds.count("demo") == 1 and kinds.count("user_added") == 3
    with pytest.raises(NotFound, match="mallory"):  # an unknown user is never let in
        build_demo(ctx, 10, actor=MALLORY)


def test_work_on_demo_data_is_data(ctx):
    build_demo(ctx, 20, actor=ADMIN)
    status.set_non_marketing(ctx, ALICE, Selection.of_ids([1, 2]))
    with pytest.raises(Conflict, match="1 action on contacts"):
        build_demo(ctx, 20, actor=ADMIN)


def test_static_list_members_are_data(ctx):
    build_demo(ctx, 20, actor=ADMIN)
    lists.create_list(ctx, ALICE, "Keep")
    lists.add_members(ctx, ALICE, "Keep", Selection.of_ids([1, 2, 3]))
    with pytest.raises(Conflict, match="3 static list members"):
        build_demo(ctx, 20, actor=ADMIN)
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(ListMember)) == 3


def test_a_rollover_that_changed_nothing_is_not_data(ctx, clock):
    App(ctx, "admin").rollover()
    clock.set(NOW + timedelta(days=70))
    App(ctx, "admin").status()  # due update dates roll over an empty store
    assert build_demo(ctx, 5, actor=ADMIN).contacts == 5
