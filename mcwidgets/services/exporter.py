"""CSV export of contacts, with the headings import reads (an export re-imports cleanly).

Streamed: pages of ``page_size`` contacts in id order (keyset on ``id``, so every
page is one index range, never OFFSET) are written as they are read, all inside one
read transaction, so the file is one consistent snapshot and memory holds one page.
Dates are local times of the account's time zone with their offset (exact on
re-import), booleans Yes/No, the status "Marketing contact" / "Non-marketing contact".
Text is written as stored, except that a cell a spreadsheet would run as a formula
(leading ``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading single quote
(``domain.csv_safety.neutralise``); import takes it off again, so an export re-imports
to the stored text.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..domain.csv_safety import neutralise, safe_row
from ..domain.errors import ValidationError
from ..domain.fields import BOOLEAN, DATETIME, NUMBER
from ..domain.filters import parse_search_body
from ..domain.selection import Selection
from ..store import paging as sql_paging
from ..store import queries
from ..store.custom import DATETIME_FORMAT, custom_value, loaded
from ..store.models import Contact
from ..store.selection import selection_where
from . import csvcolumns as cols
from .context import Context
from .properties import schema_of

PAGE_SIZE = 5_000


def export_csv(ctx: Context, out_path_or_file, selection: Selection | dict | None = None, *,
               page_size: int = PAGE_SIZE, progress=None, columns: tuple[str, ...] | list[str] = (),
               sort: str | None = None, descending: bool = False) -> int:
    """Write the contacts of ``selection`` (None: all; a dict is a filter) as CSV; returns the count.

    ``out_path_or_file`` is a path (written as UTF-8) or a text file object (e.g.
    ``sys.stdout``). ``progress(done, None)`` is called after each page. ``columns``
    (property names; () = all) and ``sort`` (a grid sort column; None = id) shape the
    file, as a HubSpot search body's ``properties`` and ``sorts`` ask.
    """
    if page_size < 1:
        raise ValidationError("page_size must be at least 1")
    if isinstance(selection, dict):
        selection = Selection(filter=selection)
    schema = schema_of(ctx)  # custom properties are columns too: heading = label
    if selection is not None and isinstance(selection.filter, dict) and not columns and sort is None:
        body = parse_search_body(selection.filter, schema)  # a HubSpot search body: its sorts and properties
        columns, sort, descending = body.columns, body.sort, body.descending
    unknown = [p for p in columns if p not in cols.EXPORT_HEADINGS and not schema.is_custom(p)]
    if unknown:
        raise ValidationError(f"cannot export the unknown property {unknown[0]!r}")
    props = list(dict.fromkeys(columns)) or [*cols.EXPORT_HEADINGS, *schema.custom_fields]
    if sort is not None:
        sql_paging.sort_column(sort, schema)  # raises ValidationError for a column one cannot sort by
    if isinstance(out_path_or_file, (str, os.PathLike)):
        try:
            out = open(Path(out_path_or_file), "w", newline="", encoding="utf-8")
        except OSError as e:
            raise ValidationError(f"cannot write {out_path_or_file}: {e.strerror or e}")
        owned = True
    else:
        out, owned = out_path_or_file, False
    written = 0
    try:
        with ctx.read() as session:
            account = queries.get_account(session)
            tz_name = account.timezone if account is not None else "UTC"
            tz = ZoneInfo(tz_name)
            where = (selection_where(selection, now=ctx.now(), tz=tz_name, session=session)
                     if selection is not None else None)
            writer = csv.writer(out)
            writer.writerow(safe_row(cols.EXPORT_HEADINGS.get(p) or schema.custom_fields[p].label for p in props))
            if sort is not None:
                return _export_sorted(session, where, writer, props, tz, sort, descending, page_size, progress,
                                      schema)
            columns = [Contact.__table__.c[p] if p in cols.EXPORT_HEADINGS else
                       custom_value(p, schema.custom_fields[p].type) for p in ("id", *props)]
            last_id = 0
            while True:
                stmt = select(*columns).where(Contact.id > last_id)
                if where is not None:
                    stmt = stmt.where(where)
                rows = session.execute(stmt.order_by(Contact.id).limit(page_size)).all()
                if not rows:
                    break
                writer.writerows(_format(row[1:], props, tz, schema) for row in rows)
                written += len(rows)
                last_id = rows[-1][0]
                if progress:
                    progress(written, None)
                if len(rows) < page_size:
                    break
    finally:
        if owned:
            out.close()
        elif isinstance(out, io.TextIOBase):
            out.flush()
    return written


def _export_sorted(session, where, writer, props, tz, sort, descending, page_size, progress, schema=None) -> int:
    """Keyset pages in the order of ``sort`` (NULLs last, id breaking ties), as the grid orders."""
    written, key = 0, None
    while True:
        rows = sql_paging.fetch(session, where, sort, key=key, reverse=descending, limit=page_size, schema=schema)
        if not rows:
            break
        writer.writerows(_format([r[p] for p in props], props, tz, schema) for r in rows)
        written += len(rows)
        key = sql_paging.key_of(rows[-1], sort)
        if progress:
            progress(written, None)
        if len(rows) < page_size:
            break
    return written


def _format(row, props: list[str], tz: ZoneInfo, schema=None) -> list[str]:
    values = []
    for prop, v in zip(props, row):
        custom = schema.custom_fields.get(prop) if schema is not None else None
        if custom is not None:
            values.append(_format_custom(v, custom.type, tz))
        elif prop in cols.DATE_PROPERTIES:
            values.append(cols.format_datetime(v, tz))
        elif prop in cols.BOOL_PROPERTIES:
            values.append(cols.format_bool(v))
        elif prop == "marketing_status":
            values.append(cols.STATUS_LABELS.get(v, v or ""))
        elif prop == "id":
            values.append(v)
        else:  # text as stored, neutralised if a spreadsheet would run it as a formula
            values.append("" if v is None else neutralise(v))
    return values


def _format_custom(v, field_type: str, tz: ZoneInfo) -> str:
    """A custom value as import reads it back: datetimes local with their offset, booleans Yes/No."""
    v = loaded(v, field_type)
    if v is None:
        return ""
    if field_type == DATETIME:
        return cols.format_datetime(datetime.strptime(v, DATETIME_FORMAT), tz)
    if field_type == BOOLEAN:
        return cols.format_bool(v)
    if field_type == NUMBER:
        return str(v)
    return neutralise(str(v))  # dates are ISO text; text as stored, neutralised
