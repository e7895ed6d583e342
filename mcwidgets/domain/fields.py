"""The contact schema: one registry of every contact property, from which the rest derives.

Each ``Field`` says what a property is (name, type, label), how a CSV names it
(heading and aliases), how long its text may be, whether a new contact may set it,
and how the grid shows it. What reads it:

* ``store.paging``: the columns a page holds and the columns one may sort by;
* ``widgets.grid``: the columns it can show, the default ones, their headings;
* ``services.csvcolumns``: export headings, import aliases, text limits, typed columns;
* ``services.contacts``: the fields of ``NewContact`` and their limits;
* ``domain.filters``: the filterable properties, their filter type and choices
  (the operators each type offers live in ``domain.filters.operators``).

The SQLAlchemy columns stay declared in ``store.models``; a test keeps the two in
agreement (names, types, lengths, nullability). Adding a property is a data entry
here, a column there and a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .contacts import LifecycleStage, Source
from .errors import ValidationError
from .status import Status

# --- field types --------------------------------------------------------------------

TEXT, NUMBER, DATE, DATETIME, BOOLEAN, ENUMERATION = (
    "text", "number", "date", "datetime", "boolean", "enumeration")
FIELD_TYPES = (TEXT, NUMBER, DATE, DATETIME, BOOLEAN, ENUMERATION)

# The filter type of each field type (``domain.filters`` compares calendar days for
# both dates and datetimes).
FILTER_TYPES = {TEXT: "text", NUMBER: "number", DATE: "date", DATETIME: "date",
                BOOLEAN: "bool", ENUMERATION: "enum"}

# Enum values that read better with a hyphen than with a space.
CHOICE_LABELS = {"non_marketing": "non-marketing"}


@dataclass(frozen=True)
class GridColumn:
    """How the contacts grid shows a field."""

    label: str  # the column heading (short)
    default: bool = False  # one of the columns shown before the user picks


@dataclass(frozen=True)
class Field:
    """One contact property."""

    name: str
    type: str  # one of FIELD_TYPES
    label: str  # as a filter or a form names it
    csv_heading: str  # what export writes (import reads it too)
    csv_aliases: tuple[str, ...] = ()  # further headings import recognises
    max_length: int | None = None  # text: at most this many characters (after stripping)
    enum: type[Enum] | None = None  # enumeration: its values and their parser
    nullable: bool = True  # may be unknown (NULL)
    creatable: bool = False  # a field of ``NewContact`` (given when a contact is created)
    filterable: bool = True
    grid: GridColumn | None = None
    hubspot_name: str | None = None  # HubSpot's internal name of the same property (filters, mappings)
    hubspot_values: tuple[tuple[str, str], ...] = ()  # HubSpot's internal value -> our stored value
    custom: bool = False  # an account's own property (``domain.schema``), stored in ``contacts.custom``
    options: tuple[str, ...] = ()  # a custom enumeration's values (built-ins have ``enum``)

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")
        if self.custom:
            if self.enum is not None or (self.options and self.type != ENUMERATION):
                raise ValueError(f"field {self.name}: only a custom enumeration has options")
        elif (self.type == ENUMERATION) != (self.enum is not None):
            raise ValueError(f"field {self.name}: an enumeration needs an enum, and only it")

    @property
    def filter_type(self) -> str:
        return FILTER_TYPES[self.type]

    @property
    def choices(self) -> tuple[str, ...]:
        """The stored values of an enumeration, in order; () for other types."""
        if self.custom:
            return self.options
        return tuple(m.value for m in self.enum) if self.enum is not None else ()

    def parse_choice(self, text: str) -> str:
        """The stored value for a user's form of it, or HubSpot's internal value (raises ValidationError)."""
        if self.custom:  # a custom option, matched ignoring case and surrounding spaces
            key = str(text).strip().lower()
            for option in self.options:
                if option.lower() == key:
                    return option
            shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "..."
            raise ValidationError(f"{shown!r} is not one of: {', '.join(self.options)}")
        hubspot = dict(self.hubspot_values).get(str(text).strip().lower())
        return hubspot if hubspot is not None else self.enum.parse(text).value

    def choice_label(self, value: str) -> str:
        if self.custom:
            return value
        return CHOICE_LABELS.get(value, value.replace("_", " "))

    @property
    def operators(self) -> tuple[str, ...]:
        """The filter operators this field offers, in the order a dropdown shows them."""
        from .filters import OPERATORS_BY_TYPE  # filters reads this registry: import late

        return OPERATORS_BY_TYPE[self.filter_type]


FIELDS: dict[str, Field] = {f.name: f for f in (
    Field("id", NUMBER, "Contact ID", "Record ID", ("Contact ID", "ID"), nullable=False,
          grid=GridColumn("ID"), hubspot_name="hs_object_id"),
    Field("email", TEXT, "Email", "Email", ("E-mail", "Email Address", "E-mail Address"),
          max_length=254, nullable=False, creatable=True, grid=GridColumn("Email", default=True),
          hubspot_name="email"),
    Field("first_name", TEXT, "First name", "First Name", ("Firstname", "Given Name"),
          max_length=100, creatable=True, grid=GridColumn("First name", default=True), hubspot_name="firstname"),
    Field("last_name", TEXT, "Last name", "Last Name", ("Lastname", "Surname", "Family Name"),
          max_length=100, creatable=True, grid=GridColumn("Last name", default=True), hubspot_name="lastname"),
    Field("company", TEXT, "Company name", "Company Name", ("Company", "Organization", "Organisation"),
          max_length=200, creatable=True, grid=GridColumn("Company"), hubspot_name="company"),
    Field("country", TEXT, "Country", "Country/Region", ("Country", "Country / Region"),
          max_length=100, creatable=True, grid=GridColumn("Country", default=True), hubspot_name="country"),
    Field("lifecycle_stage", ENUMERATION, "Lifecycle stage", "Lifecycle Stage", ("Lifecycle",),
          enum=LifecycleStage, creatable=True, grid=GridColumn("Lifecycle stage"), hubspot_name="lifecyclestage",
          hubspot_values=(("marketingqualifiedlead", "marketing_qualified_lead"),
                          ("salesqualifiedlead", "sales_qualified_lead"))),
    Field("source", ENUMERATION, "Source", "Source", ("Original Source", "Source Tool", "Record Source"),
          enum=Source, nullable=False, grid=GridColumn("Source")),
    Field("created_at", DATETIME, "Create date", "Create Date",
          ("Created Date", "Created At", "Creation Date"), nullable=False, grid=GridColumn("Created"),
          hubspot_name="createdate"),
    Field("last_activity_at", DATETIME, "Last activity", "Last Activity Date",
          ("Last Activity", "Last Activity At"), creatable=True, grid=GridColumn("Last activity"),
          hubspot_name="notes_last_updated"),
    Field("hard_bounced", BOOLEAN, "Hard bounced", "Email hard bounced",
          ("Hard bounce", "Hard bounced", "Email hard bounce"), nullable=False, creatable=True,
          grid=GridColumn("Hard bounced")),
    Field("unsubscribed", BOOLEAN, "Unsubscribed from all email", "Unsubscribed from all email",
          ("Unsubscribed", "Opted out of all email", "Unsubscribed from all emails"), nullable=False,
          creatable=True, grid=GridColumn("Unsubscribed"), hubspot_name="hs_email_optout"),
    Field("marketing_status", ENUMERATION, "Marketing contact status", "Marketing contact status",
          ("Marketing status", "Marketing contact"), enum=Status, nullable=False,
          grid=GridColumn("Marketing status", default=True), hubspot_name="hs_marketable_status",
          hubspot_values=(("true", "marketing"), ("false", "non_marketing"))),
    Field("pending_non_marketing", BOOLEAN, "Marketing contact until next update",
          "Marketing contact until next update", ("Pending non-marketing", "Until next update"),
          nullable=False, grid=GridColumn("Until next update", default=True),
          hubspot_name="hs_marketable_until_renewal"),
)}

# The grid's columns in the order it shows them, and those it shows by default.
GRID_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS.values() if f.grid is not None)
DEFAULT_GRID_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS.values() if f.grid and f.grid.default)
# The fields a new contact is created with (``services.contacts.NewContact``).
CREATABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS.values() if f.creatable)

# HubSpot's internal property name -> ours, for the built-in properties that map cleanly.
# Left out on purpose: ``lastmodifieddate`` (we keep no last-modified date),
# ``hs_email_hard_bounce_reason_enum`` (a reason, not our yes/no "hard bounced"),
# ``hs_analytics_source`` (its values, ORGANIC_SEARCH..., are not our sources).
HUBSPOT_NAMES: dict[str, str] = {f.hubspot_name: f.name for f in FIELDS.values() if f.hubspot_name}


def canonical_name(name: str) -> str | None:
    """Our property name for ours or HubSpot's internal one (any case), else None."""
    key = str(name).strip().lower()
    if key in FIELDS:
        return key
    return HUBSPOT_NAMES.get(key)


def text_limits() -> dict[str, int]:
    """Text field -> its most characters (email included)."""
    return {f.name: f.max_length for f in FIELDS.values() if f.type == TEXT and f.max_length}


def names_of(type_: str) -> tuple[str, ...]:
    """The fields of one type, in registry order."""
    return tuple(f.name for f in FIELDS.values() if f.type == type_)


__all__ = ["Field", "GridColumn", "FIELDS", "FIELD_TYPES", "GRID_FIELDS", "DEFAULT_GRID_FIELDS",
           "CREATABLE_FIELDS", "HUBSPOT_NAMES", "canonical_name", "TEXT", "NUMBER", "DATE", "DATETIME", "BOOLEAN", "ENUMERATION",
           "text_limits", "names_of"]
