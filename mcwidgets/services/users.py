"""Users, roles and the "Edit marketing contacts" permission.

Admins always hold the permission: an admin is added with it and switching it off
for an admin is refused (an admin could switch it on again anyway). Every user added
and every permission changed is recorded as an action (``settings_audit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..domain.actors import Actor, Role
from ..domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..store import queries
from ..store.models import User
from .context import Context
from . import settings_audit
from .permissions import holds_edit_marketing, require_admin


@dataclass(frozen=True)
class UserRow:
    name: str
    role: str
    can_edit_marketing: bool


def _row(u: User) -> UserRow:
    return UserRow(u.name, u.role, holds_edit_marketing(u))


def add_user(ctx: Context, actor: Actor | None, name: str, *, admin: bool = False,
             can_edit_marketing: bool = True) -> UserRow:
    """Add a user. The very first user may be added by anyone and is always an admin."""
    name = (name or "").strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise ValidationError(f"bad user name {name!r} (one word, at most 100 characters)")
    with ctx.write() as session:
        first = (session.scalar(select(func.count()).select_from(User)) or 0) == 0
        if not first:
            if actor is None:
                raise ValidationError("--as USER is needed: only admins add users")
            require_admin(session, actor, "add users")
        if queries.find_user(session, name) is not None:
            raise Conflict(f"user {name!r} exists already")
        is_admin = admin or first
        user = User(name=name, role=(Role.ADMIN if is_admin else Role.USER).value,
                    can_edit_marketing=bool(can_edit_marketing or is_admin), created_at=ctx.now())
        session.add(user)
        session.flush()
        settings_audit.record_user_added(session, actor, ctx.now(), user)
        return _row(user)


def set_permission(ctx: Context, actor: Actor | None, name: str, allowed: bool) -> UserRow:
    """Switch a user's "Edit marketing contacts" permission (admins only; an admin's
    own permission cannot be switched off: admins always hold it)."""
    with ctx.write() as session:
        if actor is None:
            raise ValidationError("--as USER is needed: only admins change permissions")
        require_admin(session, actor, "change permissions")
        user = queries.find_user(session, name)
        if user is None:
            raise NotFound(f"unknown user {name!r}")
        if user.role == Role.ADMIN.value and not allowed:
            raise PermissionDenied(f"{user.name} is an admin, and admins always hold the 'Edit marketing "
                                   "contacts' permission: it cannot be switched off for an admin")
        before = holds_edit_marketing(user)
        user.can_edit_marketing = bool(allowed)
        settings_audit.record_permission(session, actor, ctx.now(), user, before, holds_edit_marketing(user))
        return _row(user)


def list_users(ctx: Context) -> list[UserRow]:
    with ctx.read() as session:
        return [_row(u) for u in session.scalars(select(User).order_by(User.name))]


def get_user(ctx: Context, name: str) -> UserRow:
    with ctx.read() as session:
        user = queries.find_user(session, name)
        if user is None:
            raise NotFound(f"unknown user {name!r}")
        return _row(user)


def first_admin(ctx: Context) -> str | None:
    with ctx.read() as session:
        return session.scalar(select(User.name).where(User.role == Role.ADMIN.value).order_by(User.id).limit(1))
