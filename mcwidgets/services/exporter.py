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
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..domain.csv_safety import neutralise, safe_row
from ..domain.errors import ValidationError
from ..domain.selection import Selection
from ..store import queries
from ..store.models import Contact
from ..store.selection import selection_where
from . import csvcolumns as cols
from .context import Context

PAGE_SIZE = 5_000


def export_csv(ctx: Context, out_path_or_file, selection: Selection | dict | None = None, *,
               page_size: int = PAGE_SIZE, progress=None) -> int:
    """Write the contacts of ``selection`` (None: all; a dict is a filter) as CSV; returns the count.

    ``out_path_or_file`` is a path (written as UTF-8) or a text file object (e.g.
    ``sys.stdout``). ``progress(done, None)`` is called after each page.
    """
    if page_size < 1:
        raise ValidationError("page_size must be at least 1")
    if isinstance(selection, dict):
        selection = Selection(filter=selection)
    props = list(cols.EXPORT_HEADINGS)
    columns = [Contact.__table__.c[p] for p in props]
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
            writer.writerow(safe_row(cols.EXPORT_HEADINGS[p] for p in props))
            last_id = 0
            while True:
                stmt = select(*columns).where(Contact.id > last_id)
                if where is not None:
                    stmt = stmt.where(where)
                rows = session.execute(stmt.order_by(Contact.id).limit(page_size)).all()
                if not rows:
                    break
                writer.writerows(_format(row, props, tz) for row in rows)
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


def _format(row, props: list[str], tz: ZoneInfo) -> list[str]:
    values = []
    for prop, v in zip(props, row):
        if prop in cols.DATE_PROPERTIES:
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
