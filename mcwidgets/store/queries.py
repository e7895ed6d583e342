"""Read queries the services share: status counts, the account row, users."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from ..domain.forecast import Counts
from ..domain.status import Status
from .models import Account, Contact, User


def status_counts(session: Session, where: ColumnElement[bool] | None = None) -> Counts:
    """Marketing, pending and non-marketing counts (of the contacts matching ``where``).

    Without ``where``: grouped by the two status columns, so it reads only the
    (marketing_status, pending) index, not the table. With ``where``: conditional sums
    in one pass over the matching rows (a GROUP BY there makes SQLite walk that index
    and look every row up in the table: twice as slow as a scan at 1,000,000 contacts).
    """
    if where is not None:
        is_marketing = Contact.marketing_status == Status.MARKETING.value
        row = session.execute(select(
            func.count(),
            func.coalesce(func.sum(case((is_marketing, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(is_marketing, Contact.pending_non_marketing), 1), else_=0)), 0),
        ).select_from(Contact).where(where)).one()
        total, marketing, pending = (int(v or 0) for v in row)
        return Counts(marketing=marketing, pending=pending, non_marketing=total - marketing)
    stmt = (select(Contact.marketing_status, Contact.pending_non_marketing, func.count())
            .group_by(Contact.marketing_status, Contact.pending_non_marketing))
    marketing = pending = non_marketing = 0
    for status, is_pending, n in session.execute(stmt):
        if status == Status.MARKETING.value:
            marketing += n
            pending += n if is_pending else 0
        else:
            non_marketing += n
    return Counts(marketing=marketing, pending=pending, non_marketing=non_marketing)


def status_counts_with(session: Session, where: ColumnElement[bool]) -> tuple[Counts, Counts]:
    """Overall counts and the counts within ``where``."""
    return status_counts(session), status_counts(session, where)


def marketing_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Contact).where(Contact.marketing_status == Status.MARKETING.value)
    ) or 0


def get_account(session: Session) -> Account | None:
    return session.get(Account, 1)


def find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def distinct_values(session: Session, column, limit: int) -> list[str]:
    """The distinct non-empty values of a text ``column``, in order, at most ``limit``."""
    stmt = select(column).where(column.is_not(None), column != "").distinct().order_by(column).limit(limit)
    return [v for (v,) in session.execute(stmt)]
