"""Who may do what. Enforced here, below every user interface."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain.actors import Actor, ActorKind, Role
from ..domain.errors import NotFound, PermissionDenied
from ..store import queries
from ..store.models import User


def acting_user(session: Session, actor: Actor) -> User | None:
    """The user behind an actor (None for system actors such as rollover)."""
    if actor.kind is not ActorKind.USER:
        return None
    user = queries.find_user(session, actor.name)
    if user is None:
        raise NotFound(f"unknown user {actor.name!r}")
    return user


def holds_edit_marketing(user: User) -> bool:
    """Admins always hold "Edit marketing contacts"; other users as their switch says."""
    return user.role == Role.ADMIN.value or bool(user.can_edit_marketing)


def require_admin(session: Session, actor: Actor, what: str) -> None:
    if actor.kind is ActorKind.SYSTEM:
        return
    user = acting_user(session, actor)
    if user is None or user.role != Role.ADMIN.value:
        raise PermissionDenied(f"only admins may {what}; {actor} is not an admin")


def require_edit_marketing(session: Session, actor: Actor) -> None:
    """Setting contacts as marketing needs the "Edit marketing contacts" permission."""
    if actor.kind is ActorKind.SYSTEM:
        return
    user = acting_user(session, actor)
    if user is not None and not holds_edit_marketing(user):
        raise PermissionDenied(
            f"{user.name} does not have the 'Edit marketing contacts' permission "
            "and cannot set contacts as marketing"
        )


def require_user(session: Session, actor: Actor) -> None:
    acting_user(session, actor)
