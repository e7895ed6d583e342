"""The savings forecast every status-changing action shows (and records) before it commits."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from ..domain.forecast import Forecast, Plan, forecast
from ..domain.selection import Selection
from ..store import queries
from ..store.models import Account
from ..store.selection import selection_where
from .account_row import ensure_account
from .context import Context
from .unit_of_work import read_session


def plan_of(account: Account) -> Plan:
    return Plan(account.edition, account.tier, account.requested_tier, account.tier_steps, account.price_table)


def forecast_where(session: Session, account: Account, transition: str, where: ColumnElement[bool]) -> Forecast:
    overall, selected = queries.status_counts_with(session, where)
    return forecast(transition, overall, selected, plan_of(account))


def forecast_action(ctx: Context, transition: str, selection: Selection) -> Forecast:
    """What ``transition`` over ``selection`` would do, without doing it (due rollovers applied first).

    A read: no write lock, unless an update date is due (``unit_of_work.read_session``)."""
    selection.require_explicit_all()  # as the action itself would
    with read_session(ctx) as session:  # due rollovers first, so figures are current
        account = ensure_account(session, ctx.now())
        where = selection_where(selection, now=ctx.now(), tz=account.timezone, session=session)
        return forecast_where(session, account, transition, where)
