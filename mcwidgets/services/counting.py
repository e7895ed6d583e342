"""How many contacts a filter, a list or a selection names, in the account's time zone."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.filters import describe_filter
from ..domain.selection import Selection
from ..store.lists import count_matching
from ..store.selection import selection_where
from .context import Context
from .lists import account_tz, as_selection
from .properties import SchemaOf


@dataclass(frozen=True)
class CountResult:
    count: int
    description: str  # "Country is any of NL, BE and last activity more than ..."


def count(ctx: Context, selection_or_filter=None) -> int:
    """Contacts matching a Selection, a filter (dict, JSON text, Filter) or ids;
    None counts every contact. Relative dates use the account's time zone."""
    return count_described(ctx, selection_or_filter).count


def count_described(ctx: Context, selection_or_filter=None) -> CountResult:
    """The count and a sentence saying what was counted (exact dates for relative ones)."""
    schema = SchemaOf(ctx)
    selection = as_selection({} if selection_or_filter is None else selection_or_filter, schema)
    with ctx.read() as session:
        tz, now = account_tz(session), ctx.now()
        where = selection_where(selection, now=now, tz=tz, session=session)
        n = count_matching(session, where)
    return CountResult(n, describe(selection, now, tz, schema))


def describe(selection: Selection, now, tz: str, schema=None) -> str:
    if selection.filter is None:
        return selection.describe()
    text = describe_filter(selection.filter, now, tz, schema)
    if selection.exclude_ids:
        text += f" except {len(selection.exclude_ids)} chosen contact(s)"
    return text


__all__ = ["count", "count_described", "CountResult"]
