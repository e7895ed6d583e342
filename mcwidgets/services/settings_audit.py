"""The audit of settings: every change to users, permissions, default statuses and the
account settings is recorded as an action, like any status change.

Each change is one row in ``actions`` (kind in ``SETTINGS_KINDS``): who, when, a
one-line description saying what changed from what to what, and ``details`` holding
``{"subject": ..., "before": {...}, "after": {...}}`` with only the fields that
changed. No contact changes, so ``matched`` and ``changed`` are 0. ``actions list``
and the Activity panel show them with the other actions; a demo refill keeps them
(they describe the users and the account, which a refill keeps too).

A call that changes nothing records nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from ..domain.actors import Actor, ActorKind
from ..store.models import Account, Action, User
from .actions import start_action

USER_ADDED = "user_added"
PERMISSION_CHANGED = "permission_changed"
DEFAULT_CHANGED = "default_changed"
ACCOUNT_CHANGED = "account_changed"
# Custom contact properties (``services.properties``): their definitions are settings too.
PROPERTY_CREATED, PROPERTY_CHANGED, PROPERTY_DELETED = "property_created", "property_changed", "property_deleted"
SETTINGS_KINDS = frozenset({USER_ADDED, PERMISSION_CHANGED, DEFAULT_CHANGED, ACCOUNT_CHANGED,
                            PROPERTY_CREATED, PROPERTY_CHANGED, PROPERTY_DELETED})

# Who added the very first user of a store (anyone may: there is nobody to ask).
SETUP = Actor(ActorKind.SYSTEM, "setup")

ACCOUNT_FIELDS = ("name", "billing_period", "billing_start", "timezone", "edition", "tier", "requested_tier",
                  "spike_limit", "tier_steps", "price_table")
ACCOUNT_LABELS = {"name": "name", "billing_period": "billing", "billing_start": "billing start",
                  "timezone": "time zone", "edition": "edition", "tier": "tier", "requested_tier": "requested tier",
                  "spike_limit": "spike limit", "tier_steps": "tier steps", "price_table": "price table"}
PERMISSION = "Edit marketing contacts"


def _plain(value):
    """A JSON-friendly copy of a setting's value."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _shown(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (dict, list)):
        return "custom" if value else "none"
    return str(value)


def record(session: Session, kind: str, actor: Actor | None, now: datetime, description: str,
           before: dict | None, after: dict | None, subject: str | None = None) -> Action:
    """One settings action (in the caller's transaction: it commits or rolls back with the change)."""
    details = {"subject": subject, "before": before, "after": after}
    return start_action(session, kind, actor or SETUP, now, description=description, details=details)


def record_user_added(session: Session, actor: Actor | None, now: datetime, user: User) -> Action:
    perm = "holds" if user.can_edit_marketing else "does not hold"
    return record(session, USER_ADDED, actor, now,
                  f"added {user.role} {user.name} ({perm} '{PERMISSION}')", None,
                  {"name": user.name, "role": user.role, "can_edit_marketing": bool(user.can_edit_marketing)},
                  subject=user.name)


def record_permission(session: Session, actor: Actor | None, now: datetime, user: User,
                      before: bool, after: bool) -> Action | None:
    if bool(before) == bool(after):
        return None
    return record(session, PERMISSION_CHANGED, actor, now,
                  f"{user.name}: '{PERMISSION}' {_shown(bool(before))} → {_shown(bool(after))}",
                  {"can_edit_marketing": bool(before)}, {"can_edit_marketing": bool(after)}, subject=user.name)


def record_default(session: Session, actor: Actor | None, now: datetime, source: str,
                   before: str, after: str) -> Action | None:
    if before == after:
        return None
    shown = {"marketing": "marketing", "non_marketing": "non-marketing"}
    return record(session, DEFAULT_CHANGED, actor, now,
                  f"default status of {source}: {shown.get(before, before)} → {shown.get(after, after)}",
                  {"status": before}, {"status": after}, subject=source)


def account_snapshot(account: Account) -> dict:
    """The account's settings as plain values, to compare before and after a change."""
    return {f: _plain(getattr(account, f)) for f in ACCOUNT_FIELDS}


def record_account_change(session: Session, actor: Actor | None, now: datetime, before: dict,
                          account: Account) -> Action | None:
    """Record what ``configure`` changed in the account (nothing if nothing changed)."""
    after = account_snapshot(account)
    changed = [f for f in ACCOUNT_FIELDS if before.get(f) != after.get(f)]
    if not changed:
        return None
    text = ", ".join(f"{ACCOUNT_LABELS[f]} {_shown(before.get(f))} → {_shown(after.get(f))}" for f in changed)
    return record(session, ACCOUNT_CHANGED, actor, now, f"account settings: {text}",
                  {f: before.get(f) for f in changed}, {f: after.get(f) for f in changed}, subject="account")
