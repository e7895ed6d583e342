"""One account's contact schema: the built-in properties (``domain.fields``) plus the
custom properties the account defined.

A ``Schema`` is a value: ``services.properties.schema_of`` builds it from the stored
definitions, and everything that names properties reads it instead of the built-in
registry alone - filter parsing (``parse_filter(..., schema=)``), the grid's columns and
sort, export headings, the filter builder's property list. Custom property names are
snake_case and never clash with a built-in name, a HubSpot internal name of one, or
the pseudo-property ``list``, so a name alone says which kind a property is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from .errors import ValidationError
from .fields import (ENUMERATION, FIELD_TYPES, FIELDS, GRID_FIELDS, HUBSPOT_NAMES, TEXT, Field, GridColumn)
from .filters.model import PROPERTIES, Property

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")  # its index name stays under 63 characters
MAX_LABEL = 200
MAX_OPTIONS = 100  # an enumeration with more values is text
MAX_OPTION_LENGTH = 200
CUSTOM_TEXT_MAX = 2_000  # a custom text value's most characters
RESERVED = frozenset(FIELDS) | frozenset(HUBSPOT_NAMES) | {"list", "custom"}


def snake_case(heading: str) -> str:
    """"Number of Employees" -> "number_of_employees"; accents dropped, a leading digit prefixed."""
    text = unicodedata.normalize("NFKD", str(heading)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    if text and text[0].isdigit():
        text = "p_" + text
    return text[:40].rstrip("_")


def check_name(name) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name.strip()):
        shown = str(name)[:40]
        raise ValidationError(f"property name {shown!r} is not snake_case (a-z, 0-9 and _, starting "
                              "with a letter, at most 40 characters)")
    name = name.strip()
    if name in RESERVED:
        raise ValidationError(f"property name {name!r} is taken by a built-in property")
    return name


def check_label(label) -> str:
    if not isinstance(label, str) or not label.strip() or len(label.strip()) > MAX_LABEL:
        raise ValidationError(f"a property needs a label of 1 to {MAX_LABEL} characters")
    return label.strip()


def check_type(type_) -> str:
    if type_ not in FIELD_TYPES:
        raise ValidationError(f"unknown property type {str(type_)[:40]!r} (one of {', '.join(FIELD_TYPES)})")
    return type_


def check_options(type_: str, options) -> tuple[str, ...]:
    if type_ != ENUMERATION:
        if options:
            raise ValidationError(f"only an enumeration has options, not a {type_} property")
        return ()
    if not isinstance(options, (list, tuple)) or not options:
        raise ValidationError("an enumeration needs its options (at least one)")
    if len(options) > MAX_OPTIONS:
        raise ValidationError(f"too many options ({len(options)}; at most {MAX_OPTIONS})")
    out: list[str] = []
    for o in options:
        if not isinstance(o, str) or not o.strip() or len(o.strip()) > MAX_OPTION_LENGTH:
            raise ValidationError(f"an option must be text of 1 to {MAX_OPTION_LENGTH} characters")
        if o.strip().lower() in {x.lower() for x in out}:
            raise ValidationError(f"option {o.strip()!r} is given twice")
        out.append(o.strip())
    return tuple(out)


def custom_field(name: str, label: str, type_: str, options=()) -> Field:
    """The ``Field`` of a custom property (checked: raises ValidationError)."""
    type_ = check_type(type_)
    label = check_label(label)
    return Field(check_name(name), type_, label, label, custom=True, options=check_options(type_, options),
                 max_length=CUSTOM_TEXT_MAX if type_ == TEXT else None, grid=GridColumn(label))


@dataclass(frozen=True)
class Schema:
    """The built-in fields and an account's custom ones (in the order they were made)."""

    custom: tuple[Field, ...] = ()

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {**FIELDS, **{f.name: f for f in self.custom}}

    @cached_property
    def custom_fields(self) -> dict[str, Field]:
        return {f.name: f for f in self.custom}

    @cached_property
    def properties(self) -> dict[str, Property]:
        """The filterable properties: the built-ins, the custom ones, then list membership."""
        if not self.custom:
            return PROPERTIES
        builtins = {n: p for n, p in PROPERTIES.items() if n != "list"}
        custom = {f.name: Property(f.name, f.filter_type, f.label, f.choices, field_type=f.type)
                  for f in self.custom}
        return {**builtins, **custom, "list": PROPERTIES["list"]}

    @cached_property
    def grid_columns(self) -> tuple[str, ...]:
        return GRID_FIELDS + tuple(f.name for f in self.custom)

    def field(self, name: str) -> Field | None:
        return self.fields.get(name)

    def is_custom(self, name: str) -> bool:
        return name in self.custom_fields


BUILTIN = Schema()

__all__ = ["Schema", "BUILTIN", "snake_case", "check_name", "check_label", "check_type", "check_options",
           "custom_field", "RESERVED", "CUSTOM_TEXT_MAX", "MAX_OPTIONS"]


# --- values ------------------------------------------------------------------------------

_TRUE = {"true", "yes", "y", "1", "on", "t"}
_FALSE = {"false", "no", "n", "0", "off", "f"}
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                     "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d %H:%M:%S.%f")


def _number(raw):
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, (int, float)):
        value = raw
    else:
        text = str(raw).strip().replace(",", "")
        try:
            value = int(text)
        except ValueError:
            value = float(text)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
        if value.is_integer() and abs(value) < 2**53:
            value = int(value)
    if abs(value) > 10**15:
        raise ValueError
    return value


def _bool(raw):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _datetime(raw):
    from datetime import datetime as dt

    if isinstance(raw, dt):
        moment = raw
    else:
        text = str(raw).strip()
        for fmt in _DATETIME_FORMATS:
            try:
                moment = dt.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            moment = dt.fromisoformat(text)  # with an offset: converted to UTC below
    if moment.tzinfo is not None:
        from datetime import timezone

        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if not 1900 <= moment.year <= 9998:
        raise ValueError
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _date(raw):
    from datetime import date as d, datetime as dt

    if isinstance(raw, dt):
        day = raw.date()
    elif isinstance(raw, d):
        day = raw
    else:
        text = str(raw).strip()
        try:
            day = d.fromisoformat(text)
        except ValueError:
            day = dt.strptime(text[:10], "%Y-%m-%d").date() if len(text) > 10 and text[10] in "T " else None
            if day is None:
                raise
    if not 1900 <= day.year <= 9998:
        raise ValueError
    return day.isoformat()


_EXPECTED = {"number": "a number", "boolean": "true or false", "date": "a date (YYYY-MM-DD)",
             "datetime": "a date and time (YYYY-MM-DD HH:MM)"}


def parse_value(field: Field, raw):
    """A custom property's value as stored (JSON: number, bool, ISO text, string); None for an
    empty value. Raises ValidationError naming the property when it does not fit the type."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        if field.type == "number":
            return _number(raw)
        if field.type == "boolean":
            return _bool(raw)
        if field.type == "date":
            return _date(raw)
        if field.type == "datetime":
            return _datetime(raw)
    except (ValueError, TypeError, OverflowError):
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:40] + "..."
        raise ValidationError(f"{field.name}: {shown!r} is not {_EXPECTED[field.type]}") from None
    if field.type == ENUMERATION:
        try:
            return field.parse_choice(str(raw))
        except ValidationError as e:
            raise ValidationError(f"{field.name}: {e}") from None
    text = str(raw).strip()
    if "\x00" in text:
        raise ValidationError(f"{field.name}: a value cannot contain the NUL character")
    if field.max_length and len(text) > field.max_length:
        raise ValidationError(f"{field.name}: longer than {field.max_length:,} characters")
    return text


__all__ += ["parse_value"]
