"""A Selection as one WHERE clause over contacts.

Explicit ids now; the filter compiler extends this to filters, lists and
"all matching except these ids", so every bulk action stays one SQL statement.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, not_

from ..domain.errors import ValidationError
from ..domain.selection import Selection
from .ids import ids_in
from .models import Contact


def selection_where(selection: Selection, *, now: datetime, tz: str) -> ColumnElement[bool]:
    """``now`` and ``tz`` resolve relative dates in filters (the account's time zone)."""
    if selection.ids is not None:
        where = ids_in(Contact.id, selection.ids)
    else:
        raise ValidationError("only explicit contact ids can be selected in this version")
    if selection.exclude_ids:
        where = and_(where, not_(ids_in(Contact.id, selection.exclude_ids)))
    return where
