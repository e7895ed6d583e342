"""Fast bulk loading of contacts, around the ORM.

Loading a million contacts through ORM objects takes minutes; these functions hand
rows straight to the database driver instead:

* SQLite: the contacts' secondary indexes are dropped, the rows go in with
  ``executemany`` on the raw sqlite3 connection in chunks, and the indexes are built
  again afterwards from the models' own ``Index`` objects, all in one transaction
  (SQLite DDL is transactional: a failure leaves the table as it was).
* PostgreSQL (psycopg 3): ``COPY contacts (...) FROM STDIN``, then ``ANALYZE``.

Values are converted column by column with pandas/numpy, in the forms SQLAlchemy
itself writes (on SQLite, datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` text, so that
rows loaded here sort and compare exactly like rows written by the ORM).
"""

from __future__ import annotations

from itertools import islice
from typing import Callable, Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, DateTime, Engine, Integer, delete, text
from sqlalchemy.orm import Session

from ..domain.errors import ValidationError
from .engine import WRITE, is_postgres, is_sqlite
from .models import Action, AuditEvent, Contact, ListMember, TierEvent, UsageSnapshot

Progress = Callable[[int, int], None]

CHUNK_SIZE = 50_000

CONTACTS = Contact.__table__
CONTACT_COLUMNS: tuple[str, ...] = tuple(c.name for c in CONTACTS.columns)


def load_contacts(engine: Engine, frame: pd.DataFrame, *, progress: Progress | None = None,
                  chunk_size: int = CHUNK_SIZE) -> int:
    """Insert the rows of ``frame`` into contacts; returns the number of rows inserted.

    The frame's columns are Contact column names; ``id`` is optional (the database
    assigns ids when it is absent). Columns left out get their server defaults or
    NULL. Datetimes are naive UTC (aware ones are converted to UTC). ``progress(done,
    total)`` is called after each chunk. Emails are loaded as given: callers
    normalise them (lowercase) first. A duplicate email or a bad value loads nothing
    and raises ValidationError.
    """
    unknown = [c for c in frame.columns if c not in CONTACT_COLUMNS]
    if unknown:
        raise ValidationError(f"unknown contact columns: {', '.join(map(str, unknown))}")
    columns = [c for c in CONTACT_COLUMNS if c in frame.columns]
    total = len(frame)
    if total == 0:
        if progress:
            progress(0, 0)
        return 0
    values = [_column_values(frame[name], CONTACTS.c[name].type) for name in columns]
    rows = zip(*values)
    if is_sqlite(engine):
        load = _load_sqlite
    elif is_postgres(engine):
        load = _load_postgres
    else:
        raise ValidationError(f"bulk loading is not supported on {engine.dialect.name}")
    dbapi = engine.dialect.loaded_dbapi
    try:
        load(engine, columns, rows, total, progress, chunk_size)
    except (dbapi.IntegrityError, dbapi.DataError) as e:
        # The driver's own error (we bypass SQLAlchemy); nothing was loaded.
        raise ValidationError(f"contacts not loaded: {str(e).strip()}") from e
    return total


def clear_demo_data(session: Session, keep_action_kinds: Iterable[str] = ()) -> None:
    """Delete every contact with its audit trail, actions, usage snapshots and list
    memberships (ids restart, so old memberships would name new contacts).

    Audit events go first (they reference actions). The account, users, source
    defaults, lists (now empty) and saved views are kept, and so are the actions of
    ``keep_action_kinds`` (changes of settings, which touch no contact). On PostgreSQL
    TRUNCATE ... RESTART IDENTITY does it, and the actions' id sequence restarts after
    the kept ones, so a refilled store numbers its rows as SQLite does after a DELETE.
    """
    keep = sorted(set(keep_action_kinds))
    other_actions = delete(Action).where(Action.kind.not_in(keep)) if keep else delete(Action)
    if is_postgres(session.get_bind()):
        if not keep:
            session.execute(text("TRUNCATE audit_events, actions, tier_events, usage_snapshots, list_members, "
                                 "contacts RESTART IDENTITY"))
            return
        session.execute(text("TRUNCATE audit_events, tier_events, usage_snapshots, list_members, contacts "
                             "RESTART IDENTITY"))
        session.execute(other_actions)
        session.execute(text("SELECT setval(pg_get_serial_sequence('actions', 'id'), "
                             "COALESCE((SELECT max(id) FROM actions), 0) + 1, false)"))
        return
    for stmt in (delete(AuditEvent), delete(TierEvent), other_actions, delete(UsageSnapshot), delete(ListMember),
                 delete(Contact)):
        session.execute(stmt)


# ---------------------------------------------------------------------------
# Column conversion: one pass per column, vectorised, into plain Python values.

def _column_values(series: pd.Series, sqltype) -> list:
    if isinstance(sqltype, DateTime):
        return _datetime_strings(series)
    if series.isna().any():
        values = series.to_numpy(dtype=object, na_value=None)
        if isinstance(sqltype, Boolean):
            return [None if v is None else bool(v) for v in values]
        if isinstance(sqltype, Integer):
            return [None if v is None else int(v) for v in values]
        return values.tolist()  # strings: NaN/NA/None all become NULL
    if isinstance(sqltype, Boolean):
        return series.to_numpy().astype(bool).tolist()
    if isinstance(sqltype, Integer):
        return series.to_numpy().astype(np.int64).tolist()
    return series.to_numpy(dtype=object).tolist()


def _datetime_strings(series: pd.Series) -> list:
    """Naive-UTC datetimes as SQLAlchemy writes them: 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    s = series if pd.api.types.is_datetime64_any_dtype(series) else pd.to_datetime(series)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    arr = s.to_numpy(dtype="datetime64[us]")
    # Fixed width 'YYYY-MM-DDTHH:MM:SS.ffffff' (years 0001-9999, as Python datetimes);
    # the 'T' is overwritten in place through a view of the UCS-4 code points.
    text = arr.astype("U26")
    if len(text):
        text.view(np.uint32).reshape(len(text), 26)[:, 10] = ord(" ")
    strings = text.astype(object)
    strings[np.isnat(arr)] = None
    return strings.tolist()


# ---------------------------------------------------------------------------
# Loaders

def _chunks(rows: Iterable[tuple], size: int):
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _secondary_indexes():
    return sorted((ix for ix in CONTACTS.indexes if not ix.unique), key=lambda ix: ix.name)


def _load_sqlite(engine: Engine, columns, rows, total, progress, chunk_size) -> None:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO contacts ({names}) VALUES ({marks})"
    indexes = _secondary_indexes()
    # BEGIN IMMEDIATE (the WRITE option): queue behind other writers, don't fail midway.
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        for ix in indexes:
            ix.drop(conn, checkfirst=True)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            done = 0
            for chunk in _chunks(rows, chunk_size):
                cursor.executemany(sql, chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        finally:
            cursor.close()
        for ix in indexes:
            ix.create(conn, checkfirst=True)


def _load_postgres(engine: Engine, columns, rows, total, progress, chunk_size) -> None:
    names = ", ".join(columns)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            with cur.copy(f"COPY contacts ({names}) FROM STDIN") as copy:
                done = 0
                for chunk in _chunks(rows, chunk_size):
                    for row in chunk:
                        copy.write_row(row)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            if "id" in columns:
                # Explicit ids: move the id sequence past them.
                cur.execute("SELECT setval(pg_get_serial_sequence('contacts', 'id'), "
                            "(SELECT max(id) FROM contacts))")
        conn.commit()
        with conn.cursor() as cur:
            cur.execute("ANALYZE contacts")
        conn.commit()
    except BaseException:
        raw.driver_connection.rollback()
        raise
    finally:
        raw.close()
