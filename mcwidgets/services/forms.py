"""Form submissions: create the contact with the forms tool's default status, or update it.

A form option can set an existing non-marketing contact who submits as marketing
(the spec's "set as marketing on form submission"). The actor is the form.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain.actors import Actor, ActorKind
from ..domain.contacts import Source, normalize_email
from ..domain.status import Status
from ..store.models import Contact
from ..store.transitions import apply_transition
from .account import check_tier_upgrade, ensure_account
from .actions import start_action
from .contacts import NewContact, create_contact, default_statuses
from .context import Context
from .unit_of_work import action_session


@dataclass(frozen=True)
class Submission:
    contact_id: int
    created: bool
    status: str
    set_as_marketing: bool


def submit_form(ctx: Context, form: str, contact: NewContact, *,
                set_existing_as_marketing: bool = False) -> Submission:
    actor = Actor(ActorKind.FORM, form)
    email = normalize_email(contact.email)
    with ctx.read() as session:
        existing = session.scalar(select(Contact.id).where(Contact.email == email))
    if existing is None:
        cid, _ = create_contact(ctx, actor, contact, source=Source.FORMS.value)
        with ctx.read() as session:
            st = default_statuses(session)[Source.FORMS]
        return Submission(cid, True, st.value, False)
    with action_session(ctx) as session:
        account = ensure_account(session, ctx.now())
        now = ctx.now()
        row = session.get(Contact, existing)
        changed = 0
        if set_existing_as_marketing and row.marketing_status == Status.NON_MARKETING.value:
            action = start_action(session, "form", actor, now, description=f"form {form}: {email} submitted")
            changed = apply_transition(session, "set_marketing", Contact.id == existing, action.id, now)
            action.matched, action.changed = 1, changed
            check_tier_upgrade(session, account, action, 1)
        session.refresh(row)
        return Submission(existing, False, row.marketing_status, bool(changed))
