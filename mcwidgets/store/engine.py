"""Engines: SQLite by default (a file under data/, WAL mode), any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ..domain.errors import NotFound, ValidationError

ENV_URL = "MCWIDGETS_DATABASE_URL"
DEFAULT_URL = "sqlite:///data/mcwidgets.db"

# Execution option that marks a connection as about to write: on SQLite its
# transaction starts with BEGIN IMMEDIATE, so two writers queue on the lock instead
# of failing when a read transaction tries to upgrade.
WRITE = "mcwidgets_write"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_URL) or DEFAULT_URL


def make_engine(url: str | None = None, *, create: bool = True, **kwargs) -> Engine:
    """An engine for ``url``. With ``create=False`` a SQLite file that does not exist is
    an error ("no database at PATH") and nothing is created, not even its folder; only
    the commands meant to create a database (demo, serve, users add, import) create one."""
    url = database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValidationError(f"bad database URL {url!r} (expected e.g. sqlite:///data/mcwidgets.db "
                              "or postgresql+psycopg://user@host/db)")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed, create=create, **kwargs)
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ArgumentError) as e:
        raise ValidationError(f"unsupported database URL {url!r}: {e}")


def _sqlite_engine(url, *, create: bool = True, **kwargs) -> Engine:
    db = url.database
    if db and db != ":memory:" and not db.startswith("file:"):
        path = Path(db).expanduser()
        if not create and not path.is_file():
            raise NotFound(f"no database at {path} (check --db; a new database is made only by demo, serve, "
                           "users add and import)")
        path.resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA cache_size=-8192")  # 8 MB page cache a connection
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def is_postgres(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "postgresql"
