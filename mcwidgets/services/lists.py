"""Contact lists: static (explicit members) and active (a filter, members computed live).

Names are unique (exact, after trimming spaces). An active list's filter is checked
when the list is created: the lists it names must exist and it must not name itself,
directly or through other active lists. Every place that stores a filter is listed
once, in ``FILTER_HOLDERS`` (active lists, saved views, workflow triggers; held actions
store none): renaming a list rewrites the filters there that name it, deleting a list
that any of them names is refused, naming them. Members are added and removed set-based (``INSERT ... SELECT``, ``DELETE ...
WHERE``) from any selection: ids, a filter, another list, "all matching except".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.errors import Conflict, ValidationError
from ..domain.filters import LIST, Filter, Group, list_names, parse_filter
from ..domain.selection import Selection
from ..store import lists as sql
from ..store import queries
from ..store.custom import LazySchema
from ..store.lists import ACTIVE, STATIC, ListResolver, find_list
from ..store.models import ContactList, ListMember, SavedView, Workflow
from ..store.selection import selection_where
from .context import Context
from .permissions import require_user
from .properties import SchemaOf

MAX_NAME = 200


@dataclass(frozen=True)
class ListInfo:
    id: int
    name: str
    kind: str  # 'static' | 'active'
    filter: dict | None  # the filter JSON of an active list
    created_by: str
    created_at: datetime
    members: int  # live count for an active list

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "filter": self.filter,
                "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "members": self.members}


@dataclass(frozen=True)
class MemberChange:
    name: str
    matched: int  # contacts the selection named
    changed: int  # members actually added or removed
    members: int  # members afterwards


# --- helpers -----------------------------------------------------------------------


def account_tz(session: Session) -> str:
    """The account's time zone (UTC while there is no account row yet)."""
    account = queries.get_account(session)
    return account.timezone if account is not None else "UTC"


def check_name(name: Any, what: str = "list") -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"a {what} needs a name")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise ValidationError(f"{what} name too long ({len(name)} characters, at most {MAX_NAME})")
    return name


def as_selection(what, schema=None) -> Selection:
    """A Selection from a Selection, a filter (dict, JSON text, Filter) or contact ids.
    ``schema``: the account's (``services.properties.SchemaOf``), for custom properties."""
    if isinstance(what, Selection):
        return what
    if isinstance(what, (dict, str, Filter)):
        return Selection(filter=parse_filter(what, schema).to_json())
    if isinstance(what, Iterable):
        return Selection.of_ids(what)
    raise ValidationError("contacts must be given as ids, a filter or a Selection")


def _info(session: Session, row: ContactList, resolver: ListResolver) -> ListInfo:
    members = sql.count_matching(session, resolver.where(row.name))
    return ListInfo(row.id, row.name, row.kind, row.filter, row.created_by, row.created_at, members)


def _resolver(ctx: Context, session: Session) -> ListResolver:
    return ListResolver(session, ctx.now(), account_tz(session))


def _static(row: ContactList) -> ContactList:
    if row.kind != STATIC:
        raise ValidationError(f"list {row.name!r} is an active list: its members come from "
                              f"its filter and cannot be added or removed")
    return row


@dataclass(frozen=True)
class FilterHolder:
    """A table whose rows store a filter that may name lists."""
    label: str  # how a row is named in messages: "<label> '<name>'"
    model: type
    column: str  # the JSON column holding the filter
    only: tuple = ()  # extra conditions: which rows hold a filter at all

    def rows(self, session: Session):
        return session.scalars(select(self.model).where(*self.only).order_by(self.model.name))


# Every place that stores a filter. A new one (a stored filter elsewhere) goes here, so
# renaming and deleting lists keep it right. Held actions store no filter: a held
# workflow runs its workflow's current trigger, a held import its staged rows.
FILTER_HOLDERS = (
    FilterHolder("active list", ContactList, "filter", (ContactList.kind == ACTIVE,)),
    FilterHolder("saved view", SavedView, "filter"),
    FilterHolder("workflow", Workflow, "trigger"),
)


def _naming(session: Session, name: str):
    """(holder, row) for every stored filter that names list ``name`` (not the list itself)."""
    for holder in FILTER_HOLDERS:
        for row in holder.rows(session):
            if not (holder.model is ContactList and row.name == name) \
                    and name in _names_in(getattr(row, holder.column), LazySchema(session)):
                yield holder, row


def _users_of(session: Session, name: str) -> list[str]:
    """Who names list ``name`` in a stored filter: active lists, saved views, workflows."""
    return [f"{holder.label} {row.name!r}" for holder, row in _naming(session, name)]


def _names_in(filter, schema=None) -> set[str]:
    try:
        return list_names(filter or {}, schema)
    except ValidationError:  # a stored filter a newer version wrote: names nothing we know
        return set()


def rename_in_filter(filter: dict, old: str, new: str, schema=None) -> dict | None:
    """The filter with list ``old`` renamed to ``new``; None if it does not name ``old``."""
    parsed = parse_filter(filter, schema)
    if old not in list_names(parsed):
        return None
    groups = tuple(Group(tuple(replace(c, value=new) if c.type == LIST and c.value == old else c
                               for c in g.conditions)) for g in parsed.groups)
    return Filter(groups).to_json()


# --- use cases ---------------------------------------------------------------------


def create_list(ctx: Context, actor: Actor, name: str, filter=None) -> ListInfo:
    """A static list (no filter) or an active list (its members: the filter, live)."""
    name = check_name(name)
    with ctx.write() as session:
        require_user(session, actor)
        if session.scalar(select(ContactList.id).where(ContactList.name == name)) is not None:
            raise Conflict(f"a list named {name!r} exists already")
        resolver = _resolver(ctx, session)
        stored = None
        if filter is not None:
            parsed = parse_filter(filter, resolver.schema)
            resolver.check_active(name, parsed)
            stored = parsed.to_json()
        row = ContactList(name=name, kind=STATIC if filter is None else ACTIVE, filter=stored,
                          created_by=actor.name, created_at=ctx.now())
        session.add(row)
        session.flush()
        return _info(session, row, resolver)


def rename_list(ctx: Context, actor: Actor, old: str, new: str) -> ListInfo:
    """Rename; the stored filters that name the list (``FILTER_HOLDERS``: active lists,
    saved views, workflow triggers) follow the new name."""
    old, new = check_name(old), check_name(new)
    with ctx.write() as session:
        require_user(session, actor)
        row = find_list(session, old)
        if new != old:
            if session.scalar(select(ContactList.id).where(ContactList.name == new)) is not None:
                raise Conflict(f"a list named {new!r} exists already")
            for holder, other in list(_naming(session, old)):
                setattr(other, holder.column, rename_in_filter(getattr(other, holder.column), old, new,
                                                               LazySchema(session)))
            row.name = new
            session.flush()
        return _info(session, row, _resolver(ctx, session))


def delete_list(ctx: Context, actor: Actor, name: str) -> None:
    """Delete a list and its memberships (the contacts stay). Refused while a stored
    filter (an active list, a saved view, a workflow trigger) names it."""
    name = check_name(name)
    with ctx.write() as session:
        require_user(session, actor)
        row = find_list(session, name)
        users = _users_of(session, name)
        if users:
            raise Conflict(f"list {name!r} is used by {', '.join(users)}: "
                           f"change or delete {'them' if len(users) > 1 else 'it'} first")
        session.execute(delete(ListMember).where(ListMember.list_id == row.id))
        session.delete(row)


def add_members(ctx: Context, actor: Actor, name: str, contacts) -> MemberChange:
    """Add the contacts (ids, a filter or a Selection) to static list ``name``;
    contacts already in it are skipped, unknown ids ignored."""
    return _change_members(ctx, actor, name, contacts, sql.add_members)


def remove_members(ctx: Context, actor: Actor, name: str, contacts) -> MemberChange:
    return _change_members(ctx, actor, name, contacts, sql.remove_members)


def _change_members(ctx: Context, actor: Actor, name: str, contacts, change) -> MemberChange:
    name = check_name(name)
    selection = as_selection(contacts, SchemaOf(ctx))
    selection.require_explicit_all()
    with ctx.write() as session:
        require_user(session, actor)
        row = _static(find_list(session, name))
        tz = account_tz(session)
        where = selection_where(selection, now=ctx.now(), tz=tz, session=session)
        matched = sql.count_matching(session, where)
        changed = change(session, row.id, where)
        members = sql.count_matching(session, sql.static_members(row.id))
        return MemberChange(row.name, matched, changed, members)


def count_members(ctx: Context, name: str) -> int:
    with ctx.read() as session:
        resolver = _resolver(ctx, session)
        return sql.count_matching(session, resolver.where(check_name(name)))


def get_list(ctx: Context, name: str) -> ListInfo:
    with ctx.read() as session:
        return _info(session, find_list(session, check_name(name)), _resolver(ctx, session))


def all_list_names(ctx: Context) -> list[str]:
    """The names of every list, sorted: no member is counted (an active list's count is a
    count over the contacts, seconds at 10,000,000; a filter's list row needs the names only)."""
    with ctx.read() as session:
        return list(session.scalars(select(ContactList.name).order_by(ContactList.name)))


def list_lists(ctx: Context) -> list[ListInfo]:
    """Every list, by name, with its member count."""
    with ctx.read() as session:
        resolver = _resolver(ctx, session)
        rows = session.scalars(select(ContactList).order_by(ContactList.name)).all()
        return [_info(session, row, resolver) for row in rows]


__all__ = ["ListInfo", "MemberChange", "create_list", "rename_list", "delete_list", "add_members",
           "remove_members", "count_members", "get_list", "list_lists", "all_list_names", "as_selection",
           "rename_in_filter", "FILTER_HOLDERS", "STATIC", "ACTIVE"]
