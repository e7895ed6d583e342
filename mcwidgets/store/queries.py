"""Read queries the services share: status counts, the account row, users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from ..domain.status import Status
from .models import Account, Contact, User


@dataclass(frozen=True)
class Counts:
    marketing: int  # includes pending: they still count until the update date
    pending: int
    non_marketing: int

    @property
    def total(self) -> int:
        return self.marketing + self.non_marketing

    @property
    def projected_marketing(self) -> int:
        """Marketing contacts left after the next update date."""
        return self.marketing - self.pending


def status_counts(session: Session, where: ColumnElement[bool] | None = None) -> Counts:
    """Marketing, pending and non-marketing counts in one scan (of ``where`` if given)."""
    is_m = Contact.marketing_status == Status.MARKETING.value
    stmt = select(
        func.count(),
        func.coalesce(func.sum(case((is_m, 1), else_=0)), 0),
        func.coalesce(func.sum(case((is_m & Contact.pending_non_marketing, 1), else_=0)), 0),
    ).select_from(Contact)
    if where is not None:
        stmt = stmt.where(where)
    total, marketing, pending = session.execute(stmt).one()
    return Counts(marketing=int(marketing), pending=int(pending), non_marketing=int(total - marketing))


def marketing_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Contact).where(Contact.marketing_status == Status.MARKETING.value)
    ) or 0


def get_account(session: Session) -> Account | None:
    return session.get(Account, 1)


def find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))
