"""The SQL transitions (``store.transitions.TRANSITIONS``) do what the spec's status
table (``domain.status``) says, for every state: same contacts changed, same result."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mcwidgets.domain import status as table
from mcwidgets.domain.actors import Actor, ActorKind
from mcwidgets.domain.status import ALL_STATES, State, Status
from mcwidgets.services.actions import start_action
from mcwidgets.store.models import Contact
from mcwidgets.store.transitions import TRANSITIONS, apply_transition
from tests.services.helpers import make_contact

RULES = {"set_marketing": table.set_marketing, "set_non_marketing": table.set_non_marketing,
         "rollover": table.roll_over}
NAMES = {table.MARKETING: "marketing", table.PENDING: "pending", table.NON_MARKETING: "non_marketing"}


def test_every_sql_transition_has_its_rule():
    assert set(TRANSITIONS) == set(RULES)


@pytest.mark.parametrize("transition", sorted(RULES))
def test_sql_transition_follows_the_status_table(ctx, transition):
    ids = {state: make_contact(ctx, NAMES[state], i) for i, state in enumerate(ALL_STATES)}
    with ctx.write() as s:
        action = start_action(s, transition, Actor(ActorKind.SYSTEM, "test"), ctx.now())
        changed = apply_transition(s, transition, Contact.id.in_(ids.values()), action.id, ctx.now())
    rule = RULES[transition]
    assert changed == sum(table.changes(rule, state) for state in ALL_STATES)
    with ctx.read() as s:
        now = {cid: State(Status(st), bool(p)) for cid, st, p in s.execute(
            select(Contact.id, Contact.marketing_status, Contact.pending_non_marketing))}
    assert {state: now[cid] for state, cid in ids.items()} == {state: rule(state) for state in ALL_STATES}
