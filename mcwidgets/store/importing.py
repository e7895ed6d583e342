"""The set-based SQL of a CSV import: a staging table, then a few statements over it.

The import service streams the file in chunks, validates each chunk and loads it
into a temporary staging table (one row per data row of the file, good or bad, with
the reason in ``error``). Everything else is one statement each, whatever the size
of the file:

1. ``match_existing``: the id of the contact with the same (lowercase) email;
2. ``mark_duplicates``: the second and later rows of an email are bad rows;
3. ``mark_not_permitted``: rows that would set a contact as marketing, for a user
   without the "Edit marketing contacts" permission, are bad rows;
4. ``update_existing``: ONE UPDATE of the matched contacts from staging: the
   properties the file gives (a blank cell keeps the stored value) and the status
   change the row asks for, through the status rules of ``store.transitions``,
   after ONE INSERT ... SELECT of the audit rows of the contacts whose status or
   pending flag it changes (old values read before the UPDATE);
5. ``insert_new``: ONE INSERT ... SELECT of the new contacts, then ONE INSERT ...
   SELECT of their audit rows (the staged rows joined to the contacts they created).

Each statement takes ``rows=(first, last)`` to work on one chunk's staged rows only
(PostgreSQL applies a file chunk by chunk while the next is read: ``services.importer``).

An import the spike guard holds keeps its staged rows in ``held_import_rows``
(``hold_rows``); its approval loads exactly those back into a new staging table
(``load_held_rows``) instead of reading the file again.

The staging table is a TEMPORARY table of the import's own connection, created and
dropped inside the import's transaction (on PostgreSQL also ON COMMIT DROP), so a
failure anywhere leaves nothing behind and concurrent imports never see each
other's rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Iterator, Sequence

import pandas as pd

from sqlalchemy import (Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text, and_,
                        case, cast, false, func, insert, literal, null, or_, select, true, update)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from .bulk import _datetime_strings, _secondary_indexes
from .engine import is_postgres, is_sqlite
from .models import AuditEvent, Contact, HeldImportRow
from .transitions import AUDIT_COLUMNS, TRANSITIONS

STAGING_NAME = "mcw_import_staging"
WORK_MEM = "256MB"  # PostgreSQL: per sort or hash of the import's statements

# The columns the import service fills, in this order.
STAGING_COLUMNS: tuple[str, ...] = (
    "row_no", "email", "email_ok", "first_name", "last_name", "company", "country", "lifecycle_stage",
    "source", "created_at", "last_activity_at", "hard_bounced", "unsubscribed", "status", "pending",
    "intent", "error", "custom",
)
# Contact properties an import can set on an existing contact (blank keeps the stored value).
UPDATABLE = ("first_name", "last_name", "company", "country", "lifecycle_stage", "created_at",
             "last_activity_at", "hard_bounced", "unsubscribed")

NO_PERMISSION = "no permission to set as marketing"


def _table() -> Table:
    md = MetaData()
    return Table(
        STAGING_NAME, md,
        Column("row_no", Integer, primary_key=True, autoincrement=False),
        Column("email", Text),  # normalised; the raw text (any length) when email_ok is false
        Column("email_ok", Boolean, nullable=False),
        Column("first_name", Text), Column("last_name", Text), Column("company", Text),
        Column("country", Text), Column("lifecycle_stage", String(32)), Column("source", String(32)),
        Column("created_at", DateTime), Column("last_activity_at", DateTime),
        Column("hard_bounced", Boolean), Column("unsubscribed", Boolean),
        Column("status", String(16)),  # the row's marketing contact status, if given
        Column("pending", Boolean),  # true: marketing, pending ("until next update" = Yes)
        Column("intent", String(20)),  # set_marketing | set_non_marketing | NULL (no status given)
        Column("contact_id", Integer),
        Column("error", Text),
        Column("custom", Text),  # the row's custom property values as JSON text (store.custom), or NULL
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )


def create_staging(session: Session) -> Table:
    table = _table()
    conn = session.connection()
    if is_postgres(session.get_bind()):
        # sorts and hashes over the staged rows (file order, duplicates) in memory, for this
        # transaction only: the default 4 MB spills a million rows to disk
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_qualified(session)}")  # never left over, but be sure
    table.create(conn)
    return table


def drop_staging(session: Session, table: Table) -> None:
    session.connection().exec_driver_sql(f"DROP TABLE IF EXISTS {_qualified(session)}")


def _qualified(session: Session) -> str:
    return f"{'pg_temp' if is_postgres(session.get_bind()) else 'temp'}.{STAGING_NAME}"


def datetime_texts(values) -> list:
    """Naive-UTC ``datetime64`` values as the text SQLAlchemy writes on SQLite
    ('YYYY-MM-DD HH:MM:SS.ffffff'; NaT -> None). SQLite keeps that text, so the
    INSERT ... SELECT copies it into contacts in the form every query compares with;
    PostgreSQL's COPY reads the same text into a timestamp."""
    return _datetime_strings(pd.Series(values, dtype="datetime64[us]"))


def load_staging(session: Session, table: Table, rows: Sequence[tuple]) -> None:
    """Append rows (tuples in ``STAGING_COLUMNS`` order) through the raw driver."""
    if not rows:
        return
    names = ", ".join(STAGING_COLUMNS)
    dbapi = session.connection().connection.dbapi_connection
    if is_postgres(session.get_bind()):
        with dbapi.cursor() as cur:
            with cur.copy(f"COPY {STAGING_NAME} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" for _ in STAGING_COLUMNS)
    cur = dbapi.cursor()
    try:
        cur.executemany(f"INSERT INTO {STAGING_NAME} ({names}) VALUES ({marks})", rows)
    finally:
        cur.close()


def index_staging(session: Session, table: Table) -> None:
    conn = session.connection()
    Index(f"{STAGING_NAME}_email", table.c.email, table.c.row_no).create(conn)
    analyze_staging(session)


def analyze_staging(session: Session) -> None:
    """PostgreSQL: statistics of the staged rows for the planner (autovacuum never
    analyses a temporary table)."""
    if is_postgres(session.get_bind()):
        session.connection().exec_driver_sql(f"ANALYZE {STAGING_NAME}")


# A chunk of the file: its first and last row numbers. The statements below take one
# (``rows=``) to work on those staged rows only, or None for every staged row.
RowRange = tuple[int, int]


def _within(t, rows: RowRange | None):
    return true() if rows is None else t.c.row_no.between(rows[0], rows[1])


def match_existing(session: Session, t: Table, *, unmatched_only: bool = False, rows: RowRange | None = None) -> None:
    """contact_id := the contact with the same email (emails are stored lowercase)."""
    stmt = update(t).where(_within(t, rows), t.c.email_ok, t.c.email == Contact.email)
    if unmatched_only:
        stmt = stmt.where(t.c.contact_id.is_(None))
    session.execute(stmt.values(contact_id=Contact.id).execution_options(synchronize_session=False))


def marketing_changes(session: Session, t: Table, *, initial_status: str, rows: RowRange | None = None) -> int:
    """How many contacts the good rows would set as marketing (for the spike guard):
    new contacts created marketing, and existing ones that set_marketing changes."""
    changes, _ = TRANSITIONS["set_marketing"]
    good = and_(_within(t, rows), t.c.error.is_(None), t.c.email_ok)
    new = session.scalar(select(func.count()).select_from(t).where(
        good, t.c.contact_id.is_(None), func.coalesce(t.c.status, literal(initial_status)) == "marketing"))
    existing = session.scalar(select(func.count()).select_from(t).join(Contact, Contact.id == t.c.contact_id)
                              .where(good, t.c.intent == "set_marketing", changes))
    return int(new or 0) + int(existing or 0)


def imported_contacts(session: Session, t: Table):
    """After ``insert_new``: every contact a good row created or updated, as a WHERE clause
    (valid until the staging table is dropped)."""
    match_existing(session, t, unmatched_only=True)
    return Contact.id.in_(select(t.c.contact_id).where(t.c.error.is_(None), t.c.contact_id.is_not(None)))


def _append_error(t: Table, message):
    return case((t.c.error.is_(None), message), else_=t.c.error + literal("; ") + message)


def mark_duplicates(session: Session, t: Table, *, rows: RowRange | None = None) -> None:
    """The second and later rows with the same email are bad rows.

    With ``rows``: the rows of that chunk, each against the rows staged before it (the
    chunks are staged in file order, so an earlier row with the same email is staged
    already): one probe of the staging index per row, and a second only for a duplicate.
    """
    if rows is None:
        first = (select(t.c.email, func.min(t.c.row_no).label("first_row"))
                 .where(t.c.email_ok).group_by(t.c.email).having(func.count() > 1).subquery("dups"))
        message = (literal("duplicate email in the file (first in row ") + cast(first.c.first_row, String)
                   + literal(")"))
        session.execute(
            update(t).where(t.c.email_ok, t.c.email == first.c.email, t.c.row_no > first.c.first_row)
            .values(error=_append_error(t, message)).execution_options(synchronize_session=False)
        )
        return
    earlier = t.alias("earlier")  # its own name, so the subqueries correlate with the updated row
    same = and_(earlier.c.email == t.c.email, earlier.c.email_ok)
    first_row = select(func.min(earlier.c.row_no)).where(same).scalar_subquery()
    message = literal("duplicate email in the file (first in row ") + cast(first_row, String) + literal(")")
    session.execute(
        update(t).where(_within(t, rows), t.c.email_ok,
                        select(earlier.c.row_no).where(same, earlier.c.row_no < t.c.row_no).exists())
        .values(error=_append_error(t, message)).execution_options(synchronize_session=False)
    )


def mark_not_permitted(session: Session, t: Table, *, new_default_is_marketing: bool,
                       rows: RowRange | None = None) -> None:
    """For a user who may not set contacts as marketing: the rows that would, as bad rows.

    An existing contact is set as marketing when the row says marketing and the
    contact is non-marketing or pending (the status rules' set_marketing changes it);
    a new contact when the row says marketing and the import's default is not.
    """
    changes, _ = TRANSITIONS["set_marketing"]
    good = and_(_within(t, rows), t.c.error.is_(None))
    session.execute(
        update(t).where(good, t.c.contact_id == Contact.id, t.c.intent == "set_marketing", changes)
        .values(error=NO_PERMISSION).execution_options(synchronize_session=False)
    )
    if not new_default_is_marketing:
        session.execute(
            update(t).where(good, t.c.email_ok, t.c.contact_id.is_(None), t.c.status == "marketing")
            .values(error=NO_PERMISSION).execution_options(synchronize_session=False)
        )


def update_existing(session: Session, t: Table, present: Iterable[str], action_id: int, now: datetime,
                    rows: RowRange | None = None) -> None:
    """ONE UPDATE of every matched contact of a good row (see the module docstring)."""
    c = Contact.__table__.c
    conds = {name: and_(t.c.intent == name, TRANSITIONS[name][0])
             for name in ("set_marketing", "set_non_marketing")}
    changed = or_(*conds.values())
    values: dict = {name: func.coalesce(t.c[name], c[name]) for name in UPDATABLE if name in present}
    if "custom" in present:  # the row's custom values over the stored ones (a blank cell keeps its value)
        values["custom"] = case((t.c.custom.is_(None), c.custom), else_=_merged_custom(session, c.custom, t.c.custom))
    for col in ("marketing_status", "pending_non_marketing"):
        whens = [(conds[name], literal(new[col], c[col].type))
                 for name, (_, new) in TRANSITIONS.items() if name in conds and col in new]
        if whens:
            values[col] = case(*whens, else_=c[col])
    # The audit rows first, while the contacts still hold their old values; the import
    # holds the write lock (the account row on PostgreSQL), so no status changes between.
    good = and_(_within(t, rows), t.c.error.is_(None))
    session.execute(insert(AuditEvent).from_select(AUDIT_COLUMNS, select(
        c.id, literal(action_id, Integer), literal(now, DateTime), c.marketing_status,
        values.get("marketing_status", c.marketing_status), c.pending_non_marketing,
        values.get("pending_non_marketing", c.pending_non_marketing),
    ).select_from(t).join(Contact, Contact.id == t.c.contact_id).where(good, changed)))
    session.execute(
        update(Contact).where(Contact.id == t.c.contact_id, good).values(**values)
        .execution_options(synchronize_session=False)
    )


# On SQLite, inserting at least this many contacts, and more than the table holds
# already, drops the contacts' secondary indexes and builds them again afterwards
# (as ``store.bulk`` does): ~2x faster for a large import into a small table. Inside
# the import's transaction, so readers never see the table without them.
REBUILD_INDEXES_FROM = 50_000


def insert_new(session: Session, t: Table, *, initial_status: str, action_id: int, now: datetime,
               new_rows: int = 0, rows: RowRange | None = None) -> None:
    """ONE INSERT ... SELECT of the good rows with no contact yet, in file order.

    Status: the row's own, else ``initial_status`` (the import's default, or
    marketing for an "import as marketing"); pending only for a row saying marketing
    with "until next update" = Yes. Source: the row's source tool, else "import".
    ``new_rows`` (how many that is) decides whether to rebuild the indexes after.
    """
    rebuild = secondary_indexes_to_rebuild(session, new_rows)
    conn = session.connection()
    for ix in rebuild:
        ix.drop(conn)
    new = and_(t.c.email_ok, t.c.contact_id.is_(None))
    pg = is_postgres(session.get_bind())
    before = None if pg else session.scalar(select(func.max(Contact.id)))
    sel = select(
        t.c.email, t.c.first_name, t.c.last_name, t.c.company, t.c.country, t.c.lifecycle_stage,
        func.coalesce(t.c.source, literal("import")),
        func.coalesce(t.c.created_at, literal(now, DateTime)),
        t.c.last_activity_at,
        func.coalesce(t.c.hard_bounced, false()),
        func.coalesce(t.c.unsubscribed, false()),
        func.coalesce(t.c.status, literal(initial_status)),
        func.coalesce(t.c.pending, false()),
        _json(session, t.c.custom),
    ).where(_within(t, rows), new, t.c.error.is_(None)).order_by(t.c.row_no)
    created = insert(Contact).from_select(
        ["email", "first_name", "last_name", "company", "country", "lifecycle_stage", "source",
         "created_at", "last_activity_at", "hard_bounced", "unsubscribed", "marketing_status",
         "pending_non_marketing", "custom"], sel)
    # One audit row per contact created, without looking the contacts up again by email.
    if pg:  # the INSERT's RETURNING feeds the audit INSERT: one statement, one pass
        ins = created.returning(Contact.id, Contact.marketing_status, Contact.pending_non_marketing).cte("created")
        session.execute(insert(AuditEvent).from_select(AUDIT_COLUMNS, select(
            ins.c.id, literal(action_id, Integer), literal(now, DateTime), null(), ins.c.marketing_status, null(),
            ins.c.pending_non_marketing).order_by(ins.c.id)))
        return
    session.execute(created)
    for ix in rebuild:
        ix.create(conn)
    # SQLite: the import writes alone (the database's write lock), so the contacts it
    # created are exactly those with an id above the largest before it.
    session.execute(insert(AuditEvent).from_select(AUDIT_COLUMNS, select(
        Contact.id, literal(action_id, Integer), literal(now, DateTime), null(), Contact.marketing_status,
        null(), Contact.pending_non_marketing,
    ).where(Contact.id > (before or 0)).order_by(Contact.id)))


def secondary_indexes_to_rebuild(session: Session, new_rows: int) -> list:
    """SQLite: the contacts' secondary indexes, when inserting ``new_rows`` is faster with
    them dropped and built again after (see REBUILD_INDEXES_FROM); else none."""
    if is_sqlite(session.get_bind()) and new_rows >= REBUILD_INDEXES_FROM:
        existing = session.scalar(select(func.count()).select_from(Contact)) or 0
        if new_rows > existing:
            return _secondary_indexes()
    return []


def _json(session: Session, text_column):
    """Staged JSON text as the contacts' custom column holds it (JSONB on PostgreSQL)."""
    return cast(text_column, JSONB) if is_postgres(session.get_bind()) else text_column


def _merged_custom(session: Session, stored, staged):
    if is_postgres(session.get_bind()):
        return func.coalesce(stored, cast(literal("{}"), JSONB)).op("||")(cast(staged, JSONB))
    return func.json_patch(func.coalesce(stored, literal("{}")), staged)


def outcome_counts(session: Session, t: Table) -> tuple[int, int, int]:
    """(new contacts, existing contacts, bad rows) among the staged rows."""
    good = t.c.error.is_(None)
    row = session.execute(select(
        func.coalesce(func.sum(case((and_(good, t.c.contact_id.is_(None)), 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(good, t.c.contact_id.is_not(None)), 1), else_=0)), 0),
        func.coalesce(func.sum(case((good, 0), else_=1)), 0),
    )).one()
    return int(row[0]), int(row[1]), int(row[2])


def stamped_count(session: Session, action_id: int) -> int:
    """Contacts the import created or whose status it changed: its audit rows."""
    return int(session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action_id == action_id)) or 0)


def error_rows(session: Session, t: Table, limit: int | None = None) -> Iterator[tuple[int, str | None, str]]:
    """(row number, email as given, reason) of the bad rows in file order, streamed."""
    stmt = select(t.c.row_no, t.c.email, t.c.error).where(t.c.error.is_not(None)).order_by(t.c.row_no)
    if limit is not None:
        stmt = stmt.limit(limit)
    for row in session.execute(stmt.execution_options(yield_per=2000)):
        yield int(row[0]), row[1], row[2]


# Held imports: the staged rows kept in the database until an admin decides.
HELD_COLUMNS = STAGING_COLUMNS


def hold_rows(session: Session, t: Table, held_id: int) -> int:
    """Copy every staged row (good and bad, with its reason) to ``held_import_rows``."""
    h = HeldImportRow.__table__
    session.execute(insert(h).from_select(
        ["held_id", *HELD_COLUMNS], select(literal(held_id, Integer), *(t.c[n] for n in HELD_COLUMNS))))
    return int(session.scalar(select(func.count()).select_from(h).where(h.c.held_id == held_id)) or 0)


def load_held_rows(session: Session, t: Table, held_id: int) -> int:
    """Fill a fresh staging table with the rows held under ``held_id``; returns how many."""
    h = HeldImportRow.__table__
    session.execute(insert(t).from_select(
        list(HELD_COLUMNS), select(*(h.c[n] for n in HELD_COLUMNS)).where(h.c.held_id == held_id)))
    return int(session.scalar(select(func.count()).select_from(t)) or 0)


def release_held_rows(session: Session, held_id: int) -> None:
    h = HeldImportRow.__table__
    session.execute(h.delete().where(h.c.held_id == held_id))
