"""Saved views: a named filter with its sort order and its columns.

``save_view`` creates a view or replaces the one of that name. The filter is
validated (and stored normalised); the lists it names must exist. Sort:
``{"column": "last_name", "descending": false}`` (or the text ``"last_name:desc"``);
columns: contact column names, in order. Either may be left out (the grid's defaults).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..domain.actors import Actor
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.filters import describe_filter, list_names, parse_filter
from ..store.lists import ListResolver
from ..store.models import SavedView
from ..store.paging import GRID_COLUMNS, SORTABLE
from .context import Context
from .properties import SchemaOf
from .lists import account_tz, check_name
from .permissions import require_user


@dataclass(frozen=True)
class ViewInfo:
    id: int
    name: str
    filter: dict
    sort: dict | None
    columns: list[str] | None
    created_by: str
    created_at: datetime

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "filter": self.filter, "sort": self.sort,
                "columns": self.columns, "created_by": self.created_by,
                "created_at": self.created_at.isoformat()}

    def describe(self, schema=None) -> str:
        """``schema``: the account's (``App.schema()``), which names its custom properties."""
        return describe_filter(self.filter, schema=schema)


def parse_sort(sort: Any, schema=None) -> dict | None:
    """``{"column": c, "descending": b}``, ``"c"`` or ``"c:desc"`` / ``"c:asc"`` -> dict."""
    if sort is None or sort == "":
        return None
    if isinstance(sort, str):
        column, _, direction = sort.strip().partition(":")
        direction = direction.strip().lower()
        if direction not in ("", "asc", "desc"):
            raise ValidationError(f"bad sort direction {direction!r} (asc or desc)")
        sort = {"column": column.strip(), "descending": direction == "desc"}
    if not isinstance(sort, dict) or not isinstance(sort.get("column"), str):
        raise ValidationError('a sort is like {"column": "last_name", "descending": false}')
    unknown = sorted(set(sort) - {"column", "descending"})
    if unknown:
        raise ValidationError(f"sort: unknown key {unknown[0]!r} (expected column, descending)")
    descending = sort.get("descending", False)
    if not isinstance(descending, bool):
        raise ValidationError(f"sort: descending must be true or false, not {descending!r}")
    column = sort["column"].strip()
    sortable = SORTABLE if schema is None or column in SORTABLE else schema.grid_columns
    if column not in sortable:
        raise ValidationError(f"cannot sort by {column!r}: sort by one of {', '.join(sortable)}")
    return {"column": column, "descending": descending}


def parse_columns(columns: Any, schema=None) -> list[str] | None:
    """A list of grid columns (or "a,b,c"); no duplicates, at least one."""
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    if not isinstance(columns, (list, tuple)) or not columns:
        raise ValidationError("columns must be a non-empty list of column names")
    out: list[str] = []
    for c in columns:
        if not isinstance(c, str) or c.strip() not in GRID_COLUMNS:
            known = GRID_COLUMNS if schema is None else schema.grid_columns
            if not isinstance(c, str) or c.strip() not in known:
                raise ValidationError(f"unknown column {c!r} (one of {', '.join(known)})")
        if c.strip() in out:
            raise ValidationError(f"column {c.strip()!r} is given twice")
        out.append(c.strip())
    return out


def _info(row: SavedView) -> ViewInfo:
    return ViewInfo(row.id, row.name, row.filter, row.sort, row.columns, row.created_by,
                    row.created_at)


def _find(session, name: str) -> SavedView:
    row = session.scalar(select(SavedView).where(SavedView.name == name))
    if row is None:
        raise NotFound(f"no saved view named {name!r}")
    return row


def save_view(ctx: Context, actor: Actor, name: str, filter, *, sort=None,
              columns=None) -> ViewInfo:
    """Create the view, or replace the filter, sort and columns of the one so named."""
    name = check_name(name, "view")
    schema = SchemaOf(ctx)
    parsed = parse_filter(filter, schema)
    sort, columns = parse_sort(sort, schema), parse_columns(columns, schema)
    with ctx.write() as session:
        require_user(session, actor)
        resolver = ListResolver(session, ctx.now(), account_tz(session))
        for list_name in sorted(list_names(parsed)):
            resolver.where(list_name)  # NotFound for an unknown list
        row = session.scalar(select(SavedView).where(SavedView.name == name))
        if row is None:
            row = SavedView(name=name, created_by=actor.name, created_at=ctx.now())
            session.add(row)
        row.filter, row.sort, row.columns = parsed.to_json(), sort, columns
        session.flush()
        return _info(row)


def get_view(ctx: Context, name: str) -> ViewInfo:
    with ctx.read() as session:
        return _info(_find(session, check_name(name, "view")))


def list_views(ctx: Context) -> list[ViewInfo]:
    with ctx.read() as session:
        return [_info(r) for r in session.scalars(select(SavedView).order_by(SavedView.name))]


def rename_view(ctx: Context, actor: Actor, old: str, new: str) -> ViewInfo:
    old, new = check_name(old, "view"), check_name(new, "view")
    with ctx.write() as session:
        require_user(session, actor)
        row = _find(session, old)
        if new != old:
            if session.scalar(select(SavedView.id).where(SavedView.name == new)) is not None:
                raise Conflict(f"a saved view named {new!r} exists already")
            row.name = new
            session.flush()
        return _info(row)


def delete_view(ctx: Context, actor: Actor, name: str) -> None:
    name = check_name(name, "view")
    with ctx.write() as session:
        require_user(session, actor)
        session.delete(_find(session, name))


__all__ = ["ViewInfo", "save_view", "get_view", "list_views", "rename_view", "delete_view",
           "parse_sort", "parse_columns"]
