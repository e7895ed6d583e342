"""Lists in SQL: membership tests for filters and selections, set-based member changes.

A static list is ``EXISTS (SELECT 1 FROM list_members WHERE list_id = :id AND
contact_id = contacts.id)``; an active list compiles to its own filter, inline, so
"members of an active list" is computed live, in the same statement. An active list
may name other lists; one that names itself, directly or through others, is refused
(ValidationError), and so is nesting deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, false, func, insert, literal, literal_column, select, true
from sqlalchemy.orm import Session

from ..domain.errors import NotFound, ValidationError
from ..domain.filters import bind, parse_filter
from .custom import LazySchema
from .filter_sql import Clause, compile_filter
from .models import Contact, ContactList, ListMember

STATIC, ACTIVE = "static", "active"
KINDS = (STATIC, ACTIVE)
MAX_DEPTH = 5  # active lists naming active lists naming ...: at most this many levels


def find_list(session: Session, name: str) -> ContactList:
    row = session.scalar(select(ContactList).where(ContactList.name == name))
    if row is None:
        raise NotFound(f"no list named {name!r}")
    return row


def static_members(list_id: int) -> Clause:
    """The contact is a member of the static list (never NULL)."""
    # Correlated to contacts only: inside a DELETE FROM list_members the subquery
    # must still read list_members itself.
    return (select(literal_column("1"))
            .where(ListMember.list_id == list_id, ListMember.contact_id == Contact.id)
            .correlate(Contact).exists())


class ListResolver:
    """Turns list names into membership conditions, reading the lists once each.

    ``now`` and ``tz`` bind the relative dates of active lists' filters.
    """

    def __init__(self, session: Session | None, now: datetime, tz: str):
        self.session = session
        self.now = now
        self.tz = tz
        self._rows: dict[str, ContactList] = {}
        self._resolved: dict[str, Clause | None] = {}
        self._schema = None

    @property
    def schema(self):
        """The account's schema (custom properties), read once."""
        if self._schema is None:
            self._schema = LazySchema(self.session)
        return self._schema

    def row(self, name: str) -> ContactList:
        if name not in self._rows:
            if self.session is None:
                raise ValidationError(f"the filter uses list {name!r}, which cannot be "
                                      f"resolved here")
            self._rows[name] = find_list(self.session, name)
        return self._rows[name]

    def clause(self, name: str) -> Clause:
        """Membership of ``name`` as a condition that is never NULL (filters negate it)."""
        return self._clause(name, ())

    def where(self, name: str) -> Clause:
        """Membership of ``name`` for a top-level WHERE (NULL may stand for false)."""
        members = self._members(name, ())
        return true() if members is None else members

    def check_active(self, name: str, filter) -> None:
        """Validate the filter of a new or changed active list ``name``: the lists it
        names exist, it does not name itself (directly or not), nesting is shallow."""
        self._compile(filter, (name,))

    def _clause(self, name: str, chain: tuple[str, ...]) -> Clause:
        members = self._members(name, chain)
        if members is None:
            return true()
        if self.row(name).kind == STATIC:
            return members
        # An inline filter can be NULL where a column is NULL: make it two-valued, so
        # NOT_IN_LIST (its negation) matches exactly the non-members.
        return func.coalesce(members, false())

    def _members(self, name: str, chain: tuple[str, ...]) -> Clause | None:
        if name in chain:
            path = " -> ".join((*chain[chain.index(name):], name))
            raise ValidationError(f"list {name!r} refers to itself ({path})")
        if name in self._resolved:
            return self._resolved[name]
        row = self.row(name)
        if row.kind == STATIC:
            members: Clause | None = static_members(row.id)
        else:
            members = self._compile(row.filter or {}, (*chain, name))
        self._resolved[name] = members
        return members

    def _compile(self, filter, chain: tuple[str, ...]) -> Clause | None:
        if len(chain) > MAX_DEPTH:
            raise ValidationError(f"lists are nested too deep ({' -> '.join(chain)}; "
                                  f"at most {MAX_DEPTH} levels)")
        bound = bind(parse_filter(filter, self.schema), self.now, self.tz)
        return compile_filter(bound, list_clause=lambda n: self._clause(n, chain))


def add_members(session: Session, list_id: int, where: Clause) -> int:
    """INSERT ... SELECT the contacts matching ``where`` that are not members yet."""
    already = static_members(list_id)
    rows = select(literal(list_id), Contact.id).where(where, ~already)
    stmt = (insert(ListMember).from_select(["list_id", "contact_id"], rows)
            .execution_options(preserve_rowcount=True))
    return session.execute(stmt).rowcount


def remove_members(session: Session, list_id: int, where: Clause) -> int:
    matching = select(Contact.id).where(where)
    stmt = (delete(ListMember)
            .where(ListMember.list_id == list_id, ListMember.contact_id.in_(matching))
            .execution_options(synchronize_session=False, preserve_rowcount=True))
    return session.execute(stmt).rowcount


def count_matching(session: Session, where: Clause | None) -> int:
    stmt = select(func.count()).select_from(Contact)
    if where is not None:
        stmt = stmt.where(where)
    return session.scalar(stmt) or 0
