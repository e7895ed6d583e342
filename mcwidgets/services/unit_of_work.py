"""The unit of work: the one transaction of a write use case, and the read path of a read one.

Writers serialise on the account row (``Context.write``: BEGIN IMMEDIATE on SQLite,
SELECT ... FOR UPDATE on PostgreSQL). Reads never do: a read makes one cheap check
("is an update date due?") and writes only when one is, so a status or a forecast
answers at once while a bulk action runs, and still shows exactly what rollover acts on.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session

from ..store import queries
from ..store.engine import is_postgres
from .account_row import rollover_due
from .context import Context
from .rollover import apply_due_rollovers, rollover


def rollover_is_due(ctx: Context) -> bool:
    """The cheap check: one read of the account row, no lock."""
    with ctx.read() as session:
        return rollover_due(queries.get_account(session), ctx.now())


@contextmanager
def action_session(ctx: Context) -> Iterator[Session]:
    """The transaction of a write use case, with due rollovers applied first.

    Due update dates are committed on their own before the action starts (a write
    transaction only when the cheap check finds one due), so an action that is
    refused or fails rolls back only itself, never the rollover. The action's
    transaction checks again, in case a date passed in between.
    """
    if rollover_is_due(ctx):
        rollover(ctx)
    with ctx.write() as session:
        apply_due_rollovers(session, ctx)
        yield session


@contextmanager
def read_session(ctx: Context) -> Iterator[Session]:
    """The session of a read use case: never the write lock.

    If an update date is due it is rolled over first (in a write transaction of its
    own: the only case a read writes), so what is read is the state rollover leaves,
    e.g. the next update date after it. On PostgreSQL the session reads one snapshot
    (REPEATABLE READ, which never blocks a reader), so the counts and the tier it
    reads agree as they did under the lock; on SQLite a read transaction is one
    snapshot already.
    """
    with ctx.read() as session:
        _one_snapshot(session)
        if rollover_due(queries.get_account(session), ctx.now()):
            session.rollback()  # end this snapshot: the rollover commits, then we read again
            rollover(ctx)
            _one_snapshot(session)
        yield session


def _one_snapshot(session: Session) -> None:
    if is_postgres(session.get_bind()):
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
