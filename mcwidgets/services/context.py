"""The context every service runs in: the store, the clock, and transactions."""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from ..store import migrate
from ..store.engine import WRITE, make_engine
from ..store.models import Account
from .account_row import bootstrap_account


RETRIES = 3


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialisation failure (PostgreSQL) or a busy database (SQLite):
    the database asks for the transaction to be run again."""
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) in ("40001", "40P01"):
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(orig or error)


def retry_on_conflict(fn):
    """Run a write use case again (up to RETRIES times) when the database asks."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(RETRIES):
            try:
                return fn(*args, **kwargs)
            except DBAPIError as e:
                if attempt == RETRIES - 1 or not is_retryable(e):
                    raise
                time.sleep(0.05 * (attempt + 1))

    return wrapper


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    engine: Engine
    clock: Callable[[], datetime] = utc_now
    # Hook for the tests of "a failure midway changes nothing": called between the
    # steps of a write use case with the step's name.
    checkpoint: Callable[[str], None] = field(default=lambda step: None)

    @classmethod
    def open(cls, url: str | None = None, *, now: datetime | None = None,
             clock: Callable[[], datetime] | None = None, migrate_schema: bool = True,
             create: bool = True) -> "Context":
        """The one bootstrap: open the engine, migrate, and create the account row
        (if missing) with this context's clock. ``clock`` (or a fixed ``now``) is
        the only source of time; the wall clock is used only when neither is given.
        ``create=False``: a SQLite file that does not exist is refused (NotFound)."""
        engine = make_engine(url, create=create)
        if migrate_schema:
            migrate.upgrade(engine)
        if clock is None:
            clock = (lambda: now) if now is not None else utc_now
        ctx = cls(engine=engine, clock=clock)
        if migrate_schema:
            bootstrap_account(ctx)
        return ctx

    def now(self) -> datetime:
        """The current instant as naive UTC, the form stored in the database."""
        t = self.clock()
        if t.tzinfo is not None:
            t = t.astimezone(timezone.utc).replace(tzinfo=None)
        return t

    def now_aware(self) -> datetime:
        return self.now().replace(tzinfo=timezone.utc)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that commits on success and rolls back on any error.

        Writers are serialised on the account row (PostgreSQL: SELECT ... FOR
        UPDATE; SQLite: BEGIN IMMEDIATE), so the status counts, the tier and the
        rollover date that a use case reads stay true until it commits.
        """
        with Session(self.engine.execution_options(**{WRITE: True}), expire_on_commit=False) as session:
            with session.begin():
                session.execute(select(Account.id).where(Account.id == 1).with_for_update())
                yield session

    def dispose(self) -> None:
        self.engine.dispose()
