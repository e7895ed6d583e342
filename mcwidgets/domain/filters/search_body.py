"""A HubSpot CRM search request body as a filter, a sort and columns.

A body copied from HubSpot's contacts search API::

    {"filterGroups": [...], "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}],
     "properties": ["email", "firstname"], "limit": 100, "after": "200", "query": "smith"}

``parse_search_body`` keeps what mcwidgets can honour and says what it ignores:

* ``filterGroups`` select, exactly as ``parse_filter`` reads them (our limits);
* ``sorts``: at most one ``{"propertyName", "direction"}`` (ASCENDING, the default, or
  DESCENDING) on a property the grid can sort by: the sort of the grid and the export;
* ``properties``: property names (ours or HubSpot's), the columns of the grid and the
  export, in the order given, duplicates dropped;
* ``limit`` and ``after`` are ignored (mcwidgets pages by itself), and so is ``query``
  (no free-text search): each with a note in ``SearchBody.notes``.

Property names may be ours or HubSpot's internal ones (``domain.fields.HUBSPOT_NAMES``);
the result always holds ours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError
from ..fields import FIELDS, GRID_FIELDS, canonical_name
from .model import Filter
from .parsing import _refuse_unknown_keys, _shown, parse_filter

ASCENDING, DESCENDING = "ASCENDING", "DESCENDING"
MAX_SORTS = 1
SEARCH_BODY_KEYS = frozenset({"filterGroups", "sorts", "properties", "limit", "after", "query"})

NOTE_PAGING = "mcwidgets pages by itself"
NOTE_QUERY = "no free-text search; use filters"


@dataclass(frozen=True)
class SearchBody:
    """What a search body means here: the filter, the sort (or None) and the columns (or ())."""

    filter: Filter
    sort: str | None = None
    descending: bool = False
    columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # one line each: what was ignored, and why


def parse_search_body(data: dict | str, schema=None) -> SearchBody:
    """Validate a HubSpot search request body (a dict, or JSON text); raises ``ValidationError``.

    A plain filter (``filterGroups`` only) is a body without sort, columns or notes.
    ``schema`` (``domain.schema.Schema``) adds the account's custom properties.
    """
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            return SearchBody(parse_filter(data, schema))  # parse_filter words the error
    if not isinstance(data, dict):
        return SearchBody(parse_filter(data, schema))
    _refuse_unknown_keys(data, set(SEARCH_BODY_KEYS), "the search body")
    filter = parse_filter({"filterGroups": data.get("filterGroups")} if "filterGroups" in data else {}, schema)
    sort, descending = _parse_sorts(data.get("sorts"), schema)
    columns = _parse_properties(data.get("properties"), schema)
    notes = []
    paging = [k for k in ("limit", "after") if data.get(k) is not None]
    if paging:
        notes.append(f"ignored: {', '.join(paging)} ({NOTE_PAGING})")
    if data.get("query") not in (None, ""):
        notes.append(f"ignored: query ({NOTE_QUERY})")
    return SearchBody(filter, sort, descending, columns, tuple(notes))


def _property(raw: Any, where: str, schema=None) -> str:
    name = canonical_name(raw) if isinstance(raw, str) and len(raw) <= 200 else None
    if name is None and schema is not None and isinstance(raw, str) and schema.is_custom(raw.strip().lower()):
        name = raw.strip().lower()
    if name is None:
        raise ValidationError(f"{where}: unknown property {_shown(raw)}")
    return name


def _parse_sorts(raw: Any, schema=None) -> tuple[str | None, bool]:
    if raw is None or raw == []:
        return None, False
    if not isinstance(raw, list):
        raise ValidationError('sorts must be a list like [{"propertyName": "createdate", '
                              '"direction": "DESCENDING"}]')
    if len(raw) > MAX_SORTS:
        raise ValidationError(f"too many sorts ({len(raw)}; at most {MAX_SORTS})")
    item = raw[0]
    if isinstance(item, str):  # HubSpot also takes a bare property name
        item = {"propertyName": item}
    if not isinstance(item, dict):
        raise ValidationError('sort 1: must be an object like {"propertyName": "createdate", '
                              '"direction": "DESCENDING"}')
    _refuse_unknown_keys(item, {"propertyName", "direction"}, "sort 1")
    name = _property(item.get("propertyName"), "sort 1", schema)
    if name not in (GRID_FIELDS if schema is None else schema.grid_columns):
        raise ValidationError(f"sort 1: cannot sort by {name!r}")
    direction = item.get("direction", ASCENDING)
    if not isinstance(direction, str) or direction.strip().upper() not in (ASCENDING, DESCENDING):
        raise ValidationError(f"sort 1: direction {_shown(direction)} is not ASCENDING or DESCENDING")
    return name, direction.strip().upper() == DESCENDING


def _parse_properties(raw: Any, schema=None) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise ValidationError('properties must be a list of property names like ["email", "firstname"]')
    most = len(FIELDS if schema is None else schema.fields) * 4
    if len(raw) > most:
        raise ValidationError(f"too many properties ({len(raw)}; at most {most})")
    return tuple(dict.fromkeys(_property(p, f"properties {i}", schema) for i, p in enumerate(raw, 1)))


__all__ = ["SearchBody", "parse_search_body", "ASCENDING", "DESCENDING", "MAX_SORTS", "SEARCH_BODY_KEYS"]
