"""Reads the savings planner's ranking needs: the n-th candidate in an order."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from .custom import custom_value
from .filter_sql import COLUMNS
from .models import Contact


def nth_value(session: Session, where: ColumnElement[bool], prop: str, n: int, field_type: str | None = None):
    """The value of ``prop`` of the ``n``-th (1-based) contact matching ``where``, ordered by
    ``prop`` ascending, unknown (NULL) first, then by id; None when it is unknown.
    ``field_type``: ``prop`` is a custom property of that type (its stored value, as
    ``store.custom`` keeps it: a number, or ISO text for a date or date-time)."""
    col = custom_value(prop, field_type) if field_type is not None else COLUMNS[prop]
    stmt = (select(col).where(where).order_by(col.asc().nulls_first(), Contact.id).offset(n - 1).limit(1))
    return session.execute(stmt).scalar_one_or_none()


def nth_id(session: Session, where: ColumnElement[bool], n: int) -> int | None:
    """The id of the ``n``-th (1-based) contact matching ``where``, by id."""
    stmt = select(Contact.id).where(where).order_by(Contact.id).offset(n - 1).limit(1)
    return session.execute(stmt).scalar_one_or_none()
