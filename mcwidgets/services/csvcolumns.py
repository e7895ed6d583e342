"""The CSV columns that import reads and export writes: headings, aliases, value forms.

Export writes ``EXPORT_HEADINGS``; import recognises each of them and the aliases
of a typical CRM contacts export, compared after lowercasing and dropping every
character that is not a letter or digit ("E-mail", "email_address" and "Email
Address" are all the same heading).

Value forms (import accepts, export writes the first form):

* booleans: Yes/No, also true/false, 1/0, y/n, t/f (any case); blank = unknown;
* marketing contact status: "Marketing contact" / "Non-marketing contact", or any
  form ``Status.parse`` reads (marketing, non-marketing, non_marketing, ...);
* lifecycle stage: the stored value (lead, marketing_qualified_lead, ...), or any
  form ``LifecycleStage.parse`` reads (Marketing Qualified Lead, MQL, ...);
* dates: ISO 8601 as ``datetime.fromisoformat`` reads it: ``2026-11-26``,
  ``2026-11-26 13:05``, ``2026-11-26T13:05:00``, ``2026-11-26 13:05:00.250000+01:00``,
  ``2026-11-26T12:05:00Z``. Without an offset a value is a local time in the
  account's time zone (a date alone is its local midnight). Day-first or
  month-first forms such as ``26/11/2026`` are refused, never guessed. Export
  writes local times with their offset, so an export re-imports exactly.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..domain.errors import ValidationError
from ..domain.fields import BOOLEAN, DATETIME, FIELDS, canonical_name, names_of, text_limits

# All derived from the contact schema (``domain.fields``).

# property -> the heading export writes (and import reads)
EXPORT_HEADINGS: dict[str, str] = {f.name: f.csv_heading for f in FIELDS.values()}

# The headings import recognises, per property: the export heading, then those of CRM exports,
# then HubSpot's internal name (a file of HubSpot API output is headed "firstname", "createdate").
ALIASES: dict[str, tuple[str, ...]] = {
    f.name: (f.csv_heading, *f.csv_aliases, *((f.hubspot_name,) if f.hubspot_name else ()))
    for f in FIELDS.values()}

PROPERTIES: tuple[str, ...] = tuple(EXPORT_HEADINGS)

# Free-text columns and their most characters (the email has its own rules: ``normalize_email``).
TEXT_LIMITS = {name: limit for name, limit in text_limits().items() if name != "email"}
DATE_PROPERTIES = names_of(DATETIME)
BOOL_PROPERTIES = names_of(BOOLEAN)

TRUE_WORDS = frozenset({"yes", "true", "1", "y", "t"})
FALSE_WORDS = frozenset({"no", "false", "0", "n", "f"})

STATUS_LABELS = {"marketing": "Marketing contact", "non_marketing": "Non-marketing contact"}


def heading_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


_BY_KEY: dict[str, str] = {}
for _prop, _names in ALIASES.items():
    for _name in (*_names, _prop):
        _BY_KEY.setdefault(heading_key(_name), _prop)


def property_for_heading(heading: str) -> str | None:
    return _BY_KEY.get(heading_key(heading))


def resolve_columns(headings: list[str], mapping: dict | None) -> tuple[dict[str, int], dict[int, str], list[str]]:
    """(property -> column index, column index -> property, ignored headings).

    ``mapping`` {"CSV heading": "property" or None} overrides the automatic
    recognition (a property is named as ours or as HubSpot's internal name:
    "firstname", "lifecyclestage", "hs_marketable_status"...) for the headings it names (None or "" ignores a column); headings are
    compared case-insensitively. Raises ValidationError for a mapping naming a
    heading the file lacks or an unknown property, for two columns meaning the same
    property, and when no column holds the email.
    """
    by_index: dict[int, str | None] = {}
    owner: dict[str, int] = {}  # property -> the column that holds it
    if mapping:
        lowered = {h.strip().lower(): i for i, h in reversed(list(enumerate(headings)))}
        for heading, prop in mapping.items():
            if isinstance(prop, str) and prop and prop not in PROPERTIES:
                prop = canonical_name(prop) or prop  # HubSpot's internal name -> ours
            i = lowered.get(str(heading).strip().lower())
            if i is None:
                raise ValidationError(f"the mapping names a column the file does not have: {heading!r} "
                                      f"(columns: {', '.join(headings)})")
            if prop not in (None, "") and prop not in PROPERTIES:
                raise ValidationError(f"the mapping maps {heading!r} to an unknown property {prop!r} "
                                      f"(properties: {', '.join(PROPERTIES)})")
            if prop and prop in owner:
                raise ValidationError(f"the mapping maps both {headings[owner[prop]]!r} and {heading!r} "
                                      f"to {prop}")
            by_index[i] = prop or None
            if prop:
                owner[prop] = i
    explicit = set(owner)
    for i, h in enumerate(headings):
        if i in by_index:
            continue
        prop = property_for_heading(h)
        if prop is not None and prop in owner:
            if prop in explicit:  # the explicit mapping wins; this column is ignored
                prop = None
            else:
                raise ValidationError(f"columns {headings[owner[prop]]!r} and {h!r} both mean {prop}: "
                                      "pass a mapping to choose one")
        by_index[i] = prop
        if prop:
            owner[prop] = i
    if "email" not in owner:
        raise ValidationError("the file has no email column (expected a heading such as Email, E-mail or "
                              f"Email Address, or a mapping to 'email'); its columns: {', '.join(headings)}")
    used = dict(owner)
    ignored = [headings[i] for i in sorted(by_index) if by_index[i] is None]
    return used, {i: p for p, i in used.items()}, ignored


def parse_bool(text: str) -> bool | None:
    """Yes/No forms; '' is None; raises ValueError for anything else."""
    key = text.strip().lower()
    if not key:
        return None
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(text)


def parse_datetime(text: str, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 date or date-time as naive UTC; '' is None; raises ValueError otherwise."""
    value = text.strip()
    if not value:
        return None
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):  # fromisoformat also reads 20261126, 2026W48...
        raise ValueError(text)
    dt = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?\Z")
_AWARE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+-]\d{2}:?\d{2})\Z")


_FIRST = np.datetime64("0001-01-01T00:00:00", "us")
_LAST = np.datetime64("9999-12-31T23:59:59.999999", "us")


def parse_datetimes(values: list[str], tz: ZoneInfo) -> tuple[np.ndarray, np.ndarray]:
    """``parse_datetime`` over a column of stripped strings, vectorised.

    Returns (naive-UTC ``datetime64[us]`` array with NaT for blanks and bad values,
    bad-value mask). The common forms go through pandas in one call each; whatever
    pandas leaves out (local times in a DST gap or overlap, other ISO forms) goes
    through ``parse_datetime`` value by value, so both paths mean the same.
    """
    n = len(values)
    result = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    naive_match, aware_match = _NAIVE.match, _AWARE.match
    naive = np.fromiter((naive_match(v) is not None for v in values), dtype=bool, count=n)
    aware = ~naive & np.fromiter((aware_match(v) is not None for v in values), dtype=bool, count=n)
    series = pd.Series(values, dtype=object)
    if naive.any():
        parsed = pd.to_datetime(series[naive], format="ISO8601", errors="coerce")
        parsed = (parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
                  .dt.tz_convert("UTC").dt.tz_localize(None))
        result[naive] = parsed.to_numpy(dtype="datetime64[us]")
    if aware.any():
        parsed = pd.to_datetime(series[aware], format="ISO8601", errors="coerce", utc=True)
        result[aware] = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    # a local time or offset can take a date past 9999-12-31 or before 0001-01-01 in UTC
    result[(result < _FIRST) | (result > _LAST)] = np.datetime64("NaT")
    blank = np.fromiter((not v for v in values), dtype=bool, count=n)
    bad = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~blank & np.isnat(result))
    cache: dict[str, datetime | None] = {}
    for i in rest:
        text = values[i]
        if text not in cache:
            try:
                cache[text] = parse_datetime(text, tz)
            except (ValueError, OverflowError):  # e.g. 0001-01-01 00:00+01:00 is before year 1 in UTC
                cache[text] = None
        if cache[text] is None:
            bad[i] = True
        else:
            result[i] = np.datetime64(cache[text], "us")
    return result, bad


def format_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(tz).isoformat(sep=" ")


def format_bool(value) -> str:
    return "" if value is None else ("Yes" if value else "No")


# --- custom properties ------------------------------------------------------------------
#
# A heading no built-in property recognises is a custom property (``domain.schema``): an
# existing one whose name or label it is, else a new one named ``snake_case(heading)``,
# labelled with the heading, its type inferred from the column's values (``infer_type``)
# or given in the mapping: ``{"Job Title": {"property": "job_title", "type": "text"}}``.

ENUM_MAX_OPTIONS = 10  # an enumeration when a column has at most this many distinct values,
# and some value repeats (eight different job titles in eight rows are text)


def split_mapping(mapping: dict | None, custom_names=()) -> tuple[dict | None, dict[str, dict]]:
    """(the mapping of built-in properties, {heading: {"property", "type"?}} of custom ones).

    A custom entry is the ``{"property": ..., "type": ...}`` form, or a plain name of an
    existing custom property (``custom_names``); its heading is left out of the built-in
    mapping (and so of its recognition)."""
    if not mapping:
        return mapping, {}
    builtin: dict = {}
    custom: dict[str, dict] = {}
    for heading, target in mapping.items():
        if isinstance(target, dict):
            unknown = sorted(set(map(str, target)) - {"property", "type", "label"})
            if unknown or not isinstance(target.get("property"), str):
                raise ValidationError(f"the mapping of {heading!r} must be like "
                                      '{"property": "job_title", "type": "text"}'
                                      + (f" (unknown key {unknown[0]!r})" if unknown else ""))
            if canonical_name(target["property"]):  # the long form of a built-in
                builtin[heading] = target["property"]
                continue
            custom[heading] = dict(target)
        elif isinstance(target, str) and target.strip() in custom_names:
            custom[heading] = {"property": target.strip()}
        else:
            builtin[heading] = target
    return builtin, custom


def infer_type(values) -> tuple[str, tuple[str, ...]]:
    """(type, enumeration options) that every non-blank value of a column fits."""
    from ..domain.schema import MAX_OPTION_LENGTH, parse_value, custom_field

    probes = {t: custom_field("probe", "probe", t) for t in ("boolean", "number", "date", "datetime")}
    seen: dict[str, int] = {}
    fits = {t: True for t in probes}
    rows = 0
    for v in values:
        if not v:
            continue
        rows += 1
        if v not in seen:
            if len(seen) <= 10_000:
                seen[v] = 0
            for t, f in probes.items():
                if fits[t]:
                    try:
                        parse_value(f, v)
                        if t == "date" and len(v.strip()) > 10:
                            raise ValidationError("a time")
                        if t == "boolean" and v.strip().lower() in ("0", "1"):
                            raise ValidationError("a digit")
                    except ValidationError:
                        fits[t] = False
        if v in seen:
            seen[v] += 1
    if not rows:
        return "text", ()
    for t in ("boolean", "number", "date", "datetime"):
        if fits[t]:
            return t, ()
    if len(seen) <= ENUM_MAX_OPTIONS and rows > len(seen) and \
            all(len(v) <= MAX_OPTION_LENGTH for v in seen):
        return "enumeration", tuple(sorted(seen, key=str.lower))
    return "text", ()


# --- marker columns ---------------------------------------------------------------------
#
# A Mailchimp audience export comes as one file per state: its "cleaned" file (addresses
# that hard-bounced) has a CLEAN_TIME column, its "unsubscribed" file an UNSUB_TIME
# column. Such a column sets the yes/no property it stands for on every row where it
# holds a value (its value is when it happened, not yes/no), unless the file also has
# that property's own column.
MARKER_HEADINGS: dict[str, str] = {"cleantime": "hard_bounced", "unsubtime": "unsubscribed"}


def marker_columns(headings: list[str], by_prop: dict[str, int], mapping: dict | None) -> dict[str, int]:
    """{yes/no property: column index} of the marker columns the file has (see above)."""
    named = {str(h).strip().lower() for h in (mapping or {})}
    out: dict[str, int] = {}
    for i, h in enumerate(headings):
        prop = MARKER_HEADINGS.get(heading_key(h))
        if prop and prop not in by_prop and prop not in out and h.strip().lower() not in named:
            out[prop] = i
    return out
