"""A Selection as one WHERE clause over contacts.

Explicit ids, a filter (compiled by ``filter_sql``), a list (static or active) and
"all matching except these ids": every bulk action stays one SQL statement.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, not_, true
from sqlalchemy.orm import Session

from ..domain.filters import bind, parse_filter
from ..domain.selection import Selection
from .custom import LazySchema
from .filter_sql import compile_filter
from .ids import ids_in
from .lists import ListResolver
from .models import Contact


def selection_where(selection: Selection, *, now: datetime, tz: str,
                    session: Session | None = None) -> ColumnElement[bool]:
    """``now`` and ``tz`` resolve relative dates in filters (the account's time zone);
    ``session`` reads the lists a list selection or a filter names."""
    if selection.ids is not None:
        where = ids_in(Contact.id, selection.ids)
    elif selection.filter is not None:
        where = filter_where(selection.filter, now=now, tz=tz, session=session)
    else:
        where = ListResolver(session, now, tz).where(selection.list_name)
    if selection.exclude_ids:
        where = and_(where, not_(ids_in(Contact.id, selection.exclude_ids)))
    return where


def filter_where(filter, *, now: datetime, tz: str,
                 session: Session | None = None) -> ColumnElement[bool]:
    """The filter (JSON, text or Filter) as a WHERE clause; ``true()`` for all contacts."""
    bound = bind(parse_filter(filter, LazySchema(session)), now, tz)
    where = compile_filter(bound, list_clause=ListResolver(session, now, tz).clause)
    return true() if where is None else where
