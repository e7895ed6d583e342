"""Creating contacts, with the default marketing status of the tool that creates them."""

from __future__ import annotations

from dataclasses import field as dc_field, make_dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.contacts import DEFAULT_STATUS_BY_SOURCE, Source, normalize_email
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.fields import BOOLEAN, CREATABLE_FIELDS, DATETIME, ENUMERATION, FIELDS, TEXT, Field
from ..domain.status import Status
from ..store.models import AuditEvent, Contact, SourceDefault
from .account import check_tier_upgrade, ensure_account
from . import settings_audit
from .actions import start_action
from .context import Context
from .enrolment import run_enabled
from .permissions import acting_user, holds_edit_marketing, require_admin, require_edit_marketing, require_user
from .unit_of_work import action_session
from .status import ActionResult


def default_statuses(session: Session) -> dict[Source, Status]:
    """The default status of each source tool: the spec's defaults, overridden by settings."""
    result = dict(DEFAULT_STATUS_BY_SOURCE)
    for row in session.scalars(select(SourceDefault)):
        try:
            result[Source(row.source)] = Status(row.status)
        except ValueError:
            continue  # a tool this version does not know: ignore rather than fail
    return result


def get_default_statuses(ctx: Context) -> dict[str, str]:
    with ctx.read() as session:
        return {s.value: st.value for s, st in default_statuses(session).items()}


def set_default_status(ctx: Context, actor: Actor, source: str, status: str) -> dict[str, str]:
    """Change a source tool's default status (admins only)."""
    src, st = Source.parse(source), Status.parse(status)
    with ctx.write() as session:
        require_admin(session, actor, "change default statuses")
        before = default_statuses(session)[src].value
        row = session.get(SourceDefault, src.value)
        if row is None:
            session.add(SourceDefault(source=src.value, status=st.value))
        else:
            row.status = st.value
        settings_audit.record_default(session, actor, ctx.now(), src.value, before, st.value)
    return get_default_statuses(ctx)


def _new_contact_field(name: str):
    f = FIELDS[name]
    if f.type == BOOLEAN:
        return name, bool, dc_field(default=False)
    kind = {TEXT: str, ENUMERATION: str, DATETIME: datetime}[f.type]
    return (name, kind) if not f.nullable else (name, kind | None, dc_field(default=None))


# What a new contact is created with: the contact schema's creatable fields, in its order
# (email, first_name, last_name, company, country, lifecycle_stage, last_activity_at,
# hard_bounced, unsubscribed); email is required, texts are limited as the schema says.
NewContact = make_dataclass("NewContact", [_new_contact_field(n) for n in CREATABLE_FIELDS], frozen=True)
NewContact.__module__ = __name__


def new_contact_values(contact: NewContact) -> dict:
    """The columns of a new contact, checked as import checks them (the email apart:
    ``normalize_email``): texts stripped, blank as None, at most the schema's length;
    enumerations in their stored form. Raises ValidationError."""
    values = {}
    for name in CREATABLE_FIELDS:
        f, value = FIELDS[name], getattr(contact, name)
        if name == "email":
            continue
        if f.type == TEXT:
            value = _text(value, f)
        elif f.type == ENUMERATION:
            value = f.parse_choice(value) if value else None
        elif f.type == BOOLEAN:
            value = bool(value)
        values[name] = value
    return values


def create_contact(ctx: Context, actor: Actor, contact: NewContact, *, source: str = "manual",
                   status: str | None = None) -> tuple[int, ActionResult]:
    """Create one contact; its status is ``status`` if given, else its tool's default.

    Setting it as marketing explicitly needs the "Edit marketing contacts" permission.
    A signed-in user without it who relies on a tool default of marketing gets a
    non-marketing contact, and the result says so (``not_permitted``, ``note``);
    a visitor's form submission (actor: the form) follows the form default.
    The creation is an action with one audit row (from nothing to its status).
    """
    src = Source.parse(source)
    email = normalize_email(contact.email)
    values = new_contact_values(contact)
    with action_session(ctx) as session:
        require_user(session, actor)  # a user must exist; forms and imports act as themselves
        account = ensure_account(session, ctx.now())
        chosen = Status.parse(status) if status is not None else default_statuses(session)[src]
        if status is not None and chosen is Status.MARKETING:
            require_edit_marketing(session, actor)
        not_permitted, note = 0, None
        user = acting_user(session, actor)
        if chosen is Status.MARKETING and user is not None and not holds_edit_marketing(user):
            chosen, not_permitted = Status.NON_MARKETING, 1
            note = not_permitted_note(user.name, 1, src.value)
        if session.scalar(select(Contact.id).where(Contact.email == email)) is not None:
            raise Conflict(f"a contact with email {email} exists already")
        now = ctx.now()
        action = start_action(session, "create", actor, now, description=f"create {email} ({src.value})")
        row = Contact(email=email, **values, source=src.value, created_at=now,
                      marketing_status=chosen.value, pending_non_marketing=False)
        session.add(row)
        session.flush()
        session.add(AuditEvent(action_id=action.id, contact_id=row.id, at=now, old_status=None,
                               new_status=chosen.value, old_pending=None, new_pending=False))
        before, after = check_tier_upgrade(session, account, action, 1)
        action.matched = action.changed = 1
        run_enabled(session, ctx, only=Contact.id == row.id, requested_by=actor.name)
        return row.id, ActionResult(action.id, "create", 1, 1, before, after, not_permitted=not_permitted,
                                    note=note)


def not_permitted_note(user: str, n: int, tool: str) -> str:
    """Why contacts a tool's default would make marketing were created non-marketing."""
    return (f"{n:,} contact{'' if n == 1 else 's'} created non-marketing instead of the {tool} default "
            f"(marketing): {user} does not have the 'Edit marketing contacts' permission")


def get_contact(ctx: Context, contact_id: int) -> dict:
    with ctx.read() as session:
        row = session.get(Contact, contact_id)
        if row is None:
            raise NotFound(f"no contact with id {contact_id}")
        return contact_dict(row)


CONTACT_FIELDS: tuple[str, ...] = tuple(FIELDS)


def contact_dict(row: Contact) -> dict:
    return {f: getattr(row, f) for f in CONTACT_FIELDS}


def _text(value: str | None, f: Field) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if f.max_length is not None and len(value) > f.max_length:
        raise ValidationError(f"{f.label} too long ({len(value)} characters, at most {f.max_length}): "
                              f"{value[:40]!r}...")
    return value or None


__all__ = ["NewContact", "new_contact_values", "create_contact", "get_contact", "default_statuses", "set_default_status",
           "get_default_statuses", "CONTACT_FIELDS", "contact_dict"]
