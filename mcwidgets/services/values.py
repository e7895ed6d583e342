"""The values present in the data for a text property (the filter offers them as choices)."""

from __future__ import annotations

from ..domain.errors import ValidationError
from ..store import queries
from ..store.filter_sql import COLUMNS
from .context import Context

# The text properties whose "is" / "is any of" conditions choose among the values present.
CHOICE_PROPERTIES = ("country",)
MAX_CHOICES = 1_000


def known_values(ctx: Context, prop: str, limit: int = MAX_CHOICES) -> list[str]:
    """The distinct values of ``prop`` in the contacts, sorted (at most ``limit``)."""
    if prop not in CHOICE_PROPERTIES:
        raise ValidationError(f"no list of known values for {prop!r} (one of: {', '.join(CHOICE_PROPERTIES)})")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CHOICES:
        raise ValidationError(f"the limit must be a whole number from 1 to {MAX_CHOICES:,}")
    with ctx.read() as session:
        return queries.distinct_values(session, COLUMNS[prop], limit)


__all__ = ["CHOICE_PROPERTIES", "known_values"]
