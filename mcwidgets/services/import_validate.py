"""Validating an import's rows, one chunk at a time, column by column, into staging rows.

What makes a row bad (all its reasons are reported, joined with "; ")
    no email; an invalid email (``domain.contacts.normalize_email``'s rule); an
    email seen in an earlier row of the file (the first occurrence is kept); an
    unparsable date (see ``csvcolumns`` for the accepted ISO forms); an unknown
    marketing contact status or lifecycle stage; a yes/no column with another
    value; a name, company or country longer than the store holds; more values
    than headings; and, for a user without the "Edit marketing contacts"
    permission, a row that would set a contact as marketing ("no permission to set
    as marketing"). A bad row is never applied, not even in part. Stray HTML or
    quotes in text are data: stored as given (escaping is the user interface's job).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..domain.contacts import _EMAIL, LifecycleStage, Source
from ..domain.csv_safety import read_cell, read_cells
from ..domain.errors import ValidationError
from ..domain.fields import DATETIME, ENUMERATION, Field
from ..domain.schema import RESERVED, Schema, custom_field, parse_value, snake_case
from ..domain.status import Status
from ..store import importing as sql
from . import csvcolumns as cols

EMAIL_MAX = 254


@dataclass(frozen=True)
class CustomPlan:
    """The file's custom property columns: (column index, field) of each, the fields to
    create first (new properties), and the headings still ignored."""

    columns: tuple[tuple[int, Field], ...] = ()
    new: tuple[Field, ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def by_heading(self) -> dict[int, str]:
        return {i: f.name for i, f in self.columns}


def plan_custom_columns(src, headings: list[str], by_prop: dict[str, int], custom_mapping: dict[str, dict],
                        mapping: dict | None, schema: Schema) -> CustomPlan:
    """Which columns hold custom properties (see ``csvcolumns``): every heading no built-in
    property took and the mapping does not ignore (None), plus the mapping's custom entries.
    The types of new properties not given in the mapping are inferred from one pass over
    the file's values (``csvcolumns.infer_type``). Raises ValidationError for a bad entry."""
    taken = set(by_prop.values())
    lowered = {h.strip().lower(): i for i, h in reversed(list(enumerate(headings)))}
    ignored_on_purpose = {lowered.get(str(h).strip().lower()) for h, p in (mapping or {}).items() if p in (None, "")}
    wanted: dict[int, dict] = {}
    for heading, target in custom_mapping.items():
        i = lowered.get(str(heading).strip().lower())
        if i is None:
            raise ValidationError(f"the mapping names a column the file does not have: {heading!r} "
                                  f"(columns: {', '.join(headings)})")
        wanted[i] = target
    by_label = {f.label.strip().lower(): f for f in schema.custom}
    for i, h in enumerate(headings):
        if i in taken or i in wanted or i in ignored_on_purpose or not h.strip():
            continue
        if cols.property_for_heading(h) is not None or snake_case(h) in RESERVED:
            continue  # a built-in's heading the mapping gave to another column: ignored, as before
        existing = schema.custom_fields.get(snake_case(h)) or by_label.get(h.strip().lower())
        if existing is None and not snake_case(h):
            continue  # a heading of punctuation only names nothing
        wanted[i] = {"property": existing.name if existing is not None else snake_case(h)}
    columns, new, infer = [], [], []
    names: dict[str, int] = {}
    for i in sorted(wanted):
        target = wanted[i]
        name = str(target["property"]).strip()
        if name in names:
            raise ValidationError(f"columns {headings[names[name]]!r} and {headings[i]!r} both mean custom "
                                  f"property {name}: pass a mapping to choose one")
        names[name] = i
        f = schema.custom_fields.get(name)
        if f is not None:
            if target.get("type") not in (None, f.type):
                raise ValidationError(f"the mapping gives {headings[i]!r} the type {target['type']!r}, but "
                                      f"custom property {name} is a {f.type}")
            columns.append((i, f))
        elif target.get("type") is not None:
            options = () if target["type"] != ENUMERATION else None
            if options is None:
                infer.append((i, name, target))  # an enumeration: its options from the values
                continue
            f = custom_field(name, target.get("label") or headings[i], target["type"])
            columns.append((i, f))
            new.append(f)
        else:
            infer.append((i, name, target))
    if infer:
        values = {i: [] for i, _, _ in infer}
        for _, row, problem in src.records():
            if problem is None:
                for i in values:
                    values[i].append(read_cell(row[i]) if i < len(row) else "")
        for i, name, target in infer:
            type_, options = cols.infer_type(values[i])
            if target.get("type") == ENUMERATION and type_ != ENUMERATION:
                options = tuple(sorted({v for v in values[i] if v}, key=str.lower))
                type_ = ENUMERATION
            f = custom_field(name, target.get("label") or headings[i], type_, options)
            columns.append((i, f))
            new.append(f)
    chosen = {i for i, _ in columns}
    ignored = tuple(h for i, h in enumerate(headings) if i not in taken and i not in chosen and h.strip())
    return CustomPlan(tuple(sorted(columns, key=lambda c: c[0])), tuple(new), ignored)


class ChunkValidator:
    def __init__(self, headings: list[str], by_prop: dict[str, int], tz: ZoneInfo,
                 custom: tuple[tuple[int, Field], ...] = (), markers=()):
        self.headings, self.by_prop, self.tz = headings, by_prop, tz
        self.width = len(headings)
        self.custom = custom  # (column index, field) of the custom property columns
        self.markers = frozenset(markers)  # yes/no properties read from a marker column (csvcolumns)

    def validate(self, chunk: list[tuple[int, list[str], str | None]]) -> list[tuple]:
        """Staging rows (``store.importing.STAGING_COLUMNS`` order) for a chunk of records.

        Column by column: each distinct value of an enumeration, boolean or
        unparsable date is parsed once (``pd.factorize``), dates go through pandas in
        bulk, and simple per-value checks are list comprehensions over one column
        (pandas' own string methods on object columns loop in Python too, slower).
        """
        n = len(chunk)
        row_nos = [r for r, _, _ in chunk]
        rows = [row for _, row, _ in chunk]
        errors = np.full(n, None, dtype=object)
        for i in [i for i, (_, _, problem) in enumerate(chunk) if problem is not None]:
            errors[i] = chunk[i][2]
            rows[i] = [v.replace("\x00", "\ufffd") for v in rows[i]]  # a bad row; never stored with a NUL
        for i in [i for i, row in enumerate(rows) if len(row) > self.width]:
            if any(v.strip() for v in rows[i][self.width:]):
                _add(errors, [i], f"more values than headings ({len(rows[i])} > {self.width})")
        data = list(zip(*rows))  # every row has at least `width` values; zip drops any extra ones
        out: dict[str, object] = {}

        def column(prop: str) -> list[str] | None:
            i = self.by_prop.get(prop)
            return None if i is None else read_cells(data[i])

        # email
        vals = column("email")
        match = _EMAIL.match
        ok = np.fromiter((len(v) <= EMAIL_MAX and match(v) is not None for v in vals), dtype=bool, count=n)
        missing = np.fromiter((not v for v in vals), dtype=bool, count=n)
        ok &= ~missing
        _add(errors, np.flatnonzero(missing), "email is missing")
        bad = np.flatnonzero(~ok & ~missing)
        _add(errors, bad, [f"invalid email {_shown(vals[i])}" for i in bad])
        out["email"] = [v.lower() if good else v for v, good in zip(vals, ok.tolist())]
        out["email_ok"] = ok

        for prop, limit in cols.TEXT_LIMITS.items():
            vals = column(prop)
            if vals is None:
                continue
            lengths = np.fromiter(map(len, vals), dtype=np.int64, count=n)
            long = np.flatnonzero(lengths > limit)
            _add(errors, long, [f"{self._heading(prop)} too long ({lengths[i]} characters, at most {limit})"
                                for i in long])
            out[prop] = [v or None for v in vals]

        self._enum(column, errors, out, "lifecycle_stage", lambda v: LifecycleStage.parse(v).value)
        self._enum(column, errors, out, "marketing_status", lambda v: Status.parse(v).value)
        self._enum(column, errors, out, "source", _source_or_none)
        for prop in cols.DATE_PROPERTIES:
            vals = column(prop)
            if vals is None:
                continue
            values, bad = cols.parse_datetimes(vals, self.tz)
            h = self._heading(prop)
            _add(errors, np.flatnonzero(bad),
                 [f"unparsable {h} {_shown(vals[i])} (use ISO 8601: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], "
                  "optionally with an offset such as +01:00 or Z)" for i in np.flatnonzero(bad)])
            out[prop] = sql.datetime_texts(values)
        for prop in cols.BOOL_PROPERTIES:
            h = self._heading(prop)
            if prop in self.markers:  # any value (a time) means yes; blank keeps the stored value
                self._enum(column, errors, out, prop, lambda v: True)
                continue
            self._enum(column, errors, out, prop, cols.parse_bool,
                       lambda v, h=h: f"{h} {v!r} is not a yes/no value (yes, no, true, false, 1, 0)")

        status = out.get("marketing_status")
        pending_flag = out.get("pending_non_marketing")
        if status is None:
            status_v = intent = pending = itertools.repeat(None)
        else:
            says_m = status == "marketing"
            says_pending = says_m & (np.array([p is True for p in pending_flag]) if pending_flag is not None
                                     else np.zeros(n, dtype=bool))
            intent = np.where(says_m & ~says_pending, "set_marketing",
                              np.where(status == "non_marketing", "set_non_marketing", None)).astype(object)
            intent[says_pending] = "set_non_marketing"
            intent = intent.tolist()
            status_v = status.tolist()
            pending = [bool(p) if s is not None else None for p, s in zip(says_pending.tolist(), status_v)]

        def col(prop):
            v = out.get(prop)
            return itertools.repeat(None) if v is None else (v.tolist() if isinstance(v, np.ndarray) else v)

        custom = self._custom(data, errors, n) if self.custom else itertools.repeat(None)
        return list(zip(
            row_nos, col("email"), col("email_ok"), col("first_name"), col("last_name"), col("company"),
            col("country"), col("lifecycle_stage"), col("source"), col("created_at"), col("last_activity_at"),
            col("hard_bounced"), col("unsubscribed"), status_v, pending, intent, errors.tolist(), custom,
        ))

    def _custom(self, data, errors, n: int) -> list:
        """Each row's custom property values as JSON text (None: no value), each distinct value
        parsed once; a value that does not fit its property's type makes the row bad."""
        per_row: list[dict] = [{} for _ in range(n)]
        for i, f in self.custom:
            vals = read_cells(data[i])
            codes, uniques = pd.factorize(np.array(vals, dtype=object), sort=False)
            parsed = np.empty(len(uniques), dtype=object)
            reasons = np.full(len(uniques), None, dtype=object)
            for j, u in enumerate(uniques):
                if u == "":
                    continue
                try:
                    if f.type == DATETIME:  # as built-in dates: no offset means the account's local time
                        moment = cols.parse_datetime(u, self.tz)
                        parsed[j] = parse_value(f, moment)
                    else:
                        parsed[j] = parse_value(f, u)
                except (ValueError, OverflowError):
                    reasons[j] = (f"{self.headings[i]}: {_shown(u)} is not a date and time "
                                  "(YYYY-MM-DD HH:MM[:SS], optionally with an offset)")
                except ValidationError as e:
                    reasons[j] = f"{self.headings[i]}: {str(e).split(': ', 1)[-1]}"
            row_reasons = reasons[codes]
            bad = np.flatnonzero(row_reasons != None)  # noqa: E711 (elementwise)
            _add(errors, bad, row_reasons[bad].tolist())
            for r, value in enumerate(parsed[codes].tolist()):
                if value is not None:
                    per_row[r][f.name] = value
        return [json.dumps(d, ensure_ascii=False) if d else None for d in per_row]

    def _heading(self, prop: str) -> str:
        i = self.by_prop.get(prop)
        return cols.EXPORT_HEADINGS[prop] if i is None else self.headings[i]

    def _enum(self, column, errors, out, prop, parse, message=None) -> None:
        """Parse each distinct value once (pd.factorize), then spread the results."""
        vals = column(prop)
        if vals is None:
            return
        codes, uniques = pd.factorize(np.array(vals, dtype=object), sort=False)
        values = np.empty(len(uniques), dtype=object)
        reasons = np.full(len(uniques), None, dtype=object)
        for j, u in enumerate(uniques):
            if u == "":
                continue  # blank: unknown, keeps the stored value
            try:
                values[j] = parse(u)
            except (ValueError, ValidationError) as e:
                reasons[j] = message(u) if message else str(e)
        row_reasons = reasons[codes]
        bad = np.flatnonzero(row_reasons != None)  # noqa: E711 (elementwise)
        _add(errors, bad, row_reasons[bad].tolist())
        out[prop] = values[codes]


def _shown(value: str, limit: int = 100) -> str:
    """A value quoted for an error message, cut short when long."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value):,} characters)"


def _source_or_none(value: str):
    try:
        return Source.parse(value).value
    except ValidationError:
        return None  # a CRM's "Original Source" such as "Organic search": not a source tool


def _add(errors: np.ndarray, indexes, messages) -> None:
    if isinstance(messages, str):
        messages = itertools.repeat(messages)
    for i, m in zip(indexes, messages):
        errors[i] = m if errors[i] is None else f"{errors[i]}; {m}"

