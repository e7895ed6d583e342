"""Pages of contacts for the grid: keyset paging with opaque cursors.

``page(ctx, sort="last_name", size=50)`` is the first page; pass its
``next_cursor`` with ``position="next"`` (or ``prev_cursor`` with ``"prev"``) to
move; ``"last"`` jumps to the end and ``("offset", n)`` to the page starting at the
0-based row ``n``. No query ever skips rows with OFFSET except the one narrow,
index-only lookup of a deep jump's first key (see ``store.paging``).

Order: the sort column ascending with NULLs last, ``id`` breaking ties; descending
is its exact reverse (NULLs first). Pages are aligned on multiples of ``size``
counted from the first row, so "last" holds the remainder (``total % size`` rows,
or a full page) and "prev" from it lands on the same pages as "next" from the
first one. The row numbers carried in cursors assume the contacts do not change
between two calls; the rows themselves are always exact (keyset).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.orm import Session

from ..domain.errors import ValidationError
from ..domain.filters import parse_search_body
from ..domain.selection import Selection
from ..store import paging as sql
from ..store import queries
from ..store.custom import load_schema
from ..store.selection import selection_where
from .context import Context

POSITIONS = ("first", "next", "prev", "last")


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    total: int | None  # contacts matching the filter (None: not counted, ``count=False``)
    start: int  # 1-based row number of rows[0] (0 when the page is empty)
    size: int
    sort: str
    descending: bool
    next_cursor: str | None  # None when there is no next page
    prev_cursor: str | None
    has_next: bool
    has_prev: bool
    columns: tuple[str, ...] = field(default=sql.GRID_COLUMNS)

    @property
    def end(self) -> int:
        """1-based row number of the last row (0 when empty)."""
        return self.start + len(self.rows) - 1 if self.rows else 0

    @property
    def page_number(self) -> int:
        return (self.start - 1) // self.size + 1 if self.rows else 1

    @property
    def page_count(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.size))


def page(ctx: Context, *, selection_or_filter: Selection | dict | None = None, sort: str | None = None,
         descending: bool = False, size: int = 50, cursor: str | None = None,
         position: str | tuple = "first", total: int | None = None, count: bool = True) -> Page:
    """One page of the contacts matching ``selection_or_filter`` (None: all contacts).

    ``selection_or_filter`` is a ``Selection`` or a filter's JSON (a dict). ``sort``
    is any grid column (``store.paging.SORTABLE``); ``size`` is 1..500. Raises
    ValidationError for a bad sort column, size, position or cursor. ``total``:
    the number of matches when the caller knows it from the page before (same
    filter), which saves counting them again: on a million contacts the count costs
    more than the page. ``count=False`` (and no ``total``): the first, next and previous
    pages come without counting, their ``total`` and ``page_count`` are None (the grid
    shows the rows at once and counts in the background); "last" and offsets count anyway.

    A HubSpot search body as the filter (``domain.filters.parse_search_body``) gives
    the sort when ``sort`` is None, and the page's ``columns`` (its ``properties``);
    otherwise ``sort`` defaults to ``last_name`` and the columns are all grid columns.
    """
    body_filter = (selection_or_filter.filter if isinstance(selection_or_filter, Selection)
                   else selection_or_filter)
    with ctx.read() as session:
        schema = load_schema(session)  # the account's custom properties are columns and sort keys too
        body = parse_search_body(body_filter, schema) if isinstance(body_filter, dict) else None
        if sort is None:
            sort, descending = (body.sort, body.descending) if body is not None and body.sort else ("last_name",
                                                                                                    descending)
        columns = body.columns if body is not None and body.columns else schema.grid_columns
        sql.sort_column(sort, schema)
        sql.check_size(size)
        descending = bool(descending)
        where = _where(session, ctx, selection_or_filter)
        pager = _Pager(session, where, sort, descending, size, total, columns, schema, count=count)
        if position == "first":
            return pager.first()
        if position == "last":
            return pager.last()
        if position in ("next", "prev"):
            if cursor is None:
                raise ValidationError(f"position {position!r} needs a cursor from the current page")
            key, row_number = _decode(cursor, sort, descending, schema)
            return pager.next(key, row_number) if position == "next" else pager.prev(key, row_number)
        if isinstance(position, (tuple, list)) and len(position) == 2 and position[0] == "offset":
            n = position[1]
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ValidationError(f"bad page offset {n!r}: a whole number of rows, 0 or more")
            return pager.at_offset(n)
        raise ValidationError(f"bad page position {position!r}: one of first, next, prev, last "
                              "or ('offset', n)")


def _where(session: Session, ctx: Context, selection_or_filter):
    if selection_or_filter is None:
        return None
    if isinstance(selection_or_filter, dict):
        selection_or_filter = Selection(filter=selection_or_filter)
    if not isinstance(selection_or_filter, Selection):
        raise ValidationError("contacts to page through must be a Selection, a filter (dict) or None")
    account = queries.get_account(session)  # read-only: no account yet means UTC
    tz = account.timezone if account is not None else "UTC"
    return selection_where(selection_or_filter, now=ctx.now(), tz=tz, session=session)


class _Pager:
    def __init__(self, session: Session, where, sort: str, descending: bool, size: int, total: int | None,
                 columns: tuple[str, ...] = sql.GRID_COLUMNS, schema=None, count: bool = True):
        self.session, self.where, self.sort, self.desc, self.size = session, where, sort, descending, size
        self.columns, self.schema = columns, schema
        self._total = sql.count(session, where) if total is None and count else total

    @property
    def total(self) -> int:
        """The matches, counted when a page needs them (last, offsets) and not counted yet."""
        if self._total is None:
            self._total = sql.count(self.session, self.where)
        return self._total

    def _fetch(self, key, *, backwards: bool, limit: int, inclusive: bool = False) -> list[dict]:
        # "backwards" travels against the requested order.
        return sql.fetch(self.session, self.where, self.sort, key=key, reverse=self.desc != backwards,
                         limit=limit, inclusive=inclusive, schema=self.schema)

    def first(self) -> Page:
        rows = self._fetch(None, backwards=False, limit=self.size + 1)
        return self._page(rows[: self.size], 1, has_next=len(rows) > self.size, has_prev=False)

    def next(self, key: sql.Key, row_number: int) -> Page:
        rows = self._fetch(key, backwards=False, limit=self.size + 1)
        return self._page(rows[: self.size], row_number + 1, has_next=len(rows) > self.size, has_prev=True)

    def prev(self, key: sql.Key, row_number: int) -> Page:
        rows = self._fetch(key, backwards=True, limit=self.size + 1)
        has_prev = len(rows) > self.size
        if not has_prev and len(rows) < self.size:
            return self.first()  # near the start: a full first page rather than a stub
        rows = rows[: self.size][::-1]
        start = max(row_number - len(rows), 1) if has_prev else 1
        return self._page(rows, start, has_next=True, has_prev=has_prev)

    def last(self) -> Page:
        if self.total == 0:
            return self._page([], 1, has_next=False, has_prev=False)
        n = self.total - ((self.total - 1) // self.size) * self.size
        rows = self._fetch(None, backwards=True, limit=n)[::-1]
        start = self.total - len(rows) + 1
        return self._page(rows, start, has_next=False, has_prev=start > 1)

    def at_offset(self, n: int) -> Page:
        if n >= self.total:
            return self.last()
        if n == 0:
            return self.first()
        key = sql.key_at(self.session, self.where, self.sort, n, reverse=self.desc, schema=self.schema)
        if key is None:  # the table shrank since the count
            return self.last()
        rows = self._fetch(key, backwards=False, limit=self.size + 1, inclusive=True)
        return self._page(rows[: self.size], n + 1, has_next=len(rows) > self.size, has_prev=True)

    def _page(self, rows: list[dict], start: int, *, has_next: bool, has_prev: bool) -> Page:
        if not rows:
            return Page([], self._total if self._total is not None or start > 1 else 0, 0, self.size, self.sort, self.desc, None, None, False, False,
                        columns=self.columns)
        first, last = rows[0], rows[-1]
        return Page(
            rows=rows, total=self._total, start=start, size=self.size, sort=self.sort, descending=self.desc,
            next_cursor=_encode(sql.key_of(last, self.sort), start + len(rows) - 1, self.sort, self.desc)
            if has_next else None,
            prev_cursor=_encode(sql.key_of(first, self.sort), start, self.sort, self.desc) if has_prev else None,
            has_next=has_next, has_prev=has_prev, columns=self.columns,
        )


# ---------------------------------------------------------------------------
# Cursors: base64url of a small JSON object. Opaque to callers; validated on use.

def _encode(key: sql.Key, row_number: int, sort: str, descending: bool) -> str:
    value: Any = key.value
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    data = {"s": sort, "d": int(descending), "v": value, "i": key.id, "n": row_number}
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: str, descending: bool, schema=None) -> tuple[sql.Key, int]:
    try:
        text = str(cursor)
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        s, d, value, ident, n = data["s"], bool(data["d"]), data["v"], int(data["i"]), int(data["n"])
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValidationError(f"bad page cursor ({type(e).__name__}): start again from the first page")
    if (s, d) != (sort, descending):
        raise ValidationError(f"the cursor belongs to another order (sort {s!r}"
                              f"{' descending' if d else ''}): start again from the first page")
    col = sql.sort_column(sort, schema)
    if value is not None and isinstance(col.type, DateTime) and not isinstance(value, datetime):
        raise ValidationError("bad page cursor: start again from the first page")
    return sql.Key(value, ident), n
