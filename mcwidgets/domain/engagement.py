"""Engagement properties: which of an account's custom properties measure e-mail engagement.

Pure. An imported CRM export brings engagement columns as custom properties (see
``domain.schema``): HubSpot's "Marketing emails opened" (internal name ``hs_email_open``),
"Marketing emails clicked" (``hs_email_click``), "Last marketing email open date"
(``hs_email_last_open_date``), and Mailchimp's ``MEMBER_RATING`` (1 to 5 stars).
:func:`engagement_of` recognises them by name or label (compared as snake_case, so
``marketing_emails_opened``, the label "Marketing emails opened" and ``hs_email_open``
all name the opens count), with a typed check: a count or a rating must be a number
property, a last-open date a date or date-time property. A property that has the
name but not the type is not used, and is listed in ``ignored`` with the reason.
When two properties name the same measure, the first made wins.

Two uses:

* The wizard's "No marketing e-mail opened in the last N months" box
  (:func:`not_opened_groups`): it is offered when the last-open date or the opens
  count is known. Its rule, chosen to select only contacts the data shows as not
  opening: a last open date before the day N calendar months before today (in the
  account's zone); or, when the opens count exists too, no last open date and zero
  opens. A contact with no last open date and no opens count (or no opens count
  property) is not selected: nothing says it did not open. With only the opens count,
  zero opens (never opened) is the rule.
* The savings planner's ranking (:meth:`Engagement.ranking`): the measures in the
  order last open date, opens, clicks, rating - least engaged first, at most two.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from .errors import ValidationError
from .fields import DATE, DATETIME, NUMBER
from .schema import snake_case

OPENS, CLICKS, LAST_OPEN, RATING = "opens", "clicks", "last_open", "rating"
MEASURES = (LAST_OPEN, OPENS, CLICKS, RATING)  # the savings ranking's order

# measure -> (the names and labels that mean it, as snake_case; the property types it may have)
RULES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    OPENS: (frozenset({"hs_email_open", "marketing_emails_opened", "email_opens", "emails_opened"}), (NUMBER,)),
    CLICKS: (frozenset({"hs_email_click", "marketing_emails_clicked", "email_clicks", "emails_clicked"}),
             (NUMBER,)),
    LAST_OPEN: (frozenset({"hs_email_last_open_date", "last_marketing_email_open_date", "last_email_open_date",
                           "last_open_date"}), (DATE, DATETIME)),
    RATING: (frozenset({"member_rating"}), (NUMBER,)),
}
TYPE_WORDS = {(NUMBER,): "a number", (DATE, DATETIME): "a date or date-time"}

MAX_RANKING = 2  # more engagement levels would not fit a filter's groups (``domain.savings``)
DEFAULT_MONTHS, MAX_MONTHS = 6, 120


def measure_of(name: str, label: str = "") -> str | None:
    """The measure a property's name or label means, or None."""
    keys = {snake_case(name), snake_case(label)} - {""}
    for measure, (names, _types) in RULES.items():
        if keys & names:
            return measure
    return None


@dataclass(frozen=True)
class Engagement:
    """The engagement properties present: measure -> (property name, property type)."""

    properties: tuple[tuple[str, str, str], ...] = ()  # (measure, name, type)
    ignored: tuple[tuple[str, str], ...] = ()  # (name, why)

    def get(self, measure: str) -> str | None:
        for m, name, _t in self.properties:
            if m == measure:
                return name
        return None

    def type_of(self, measure: str) -> str | None:
        for m, _n, t in self.properties:
            if m == measure:
                return t
        return None

    @property
    def present(self) -> bool:
        return bool(self.properties)

    @property
    def offers_not_opened(self) -> bool:
        """The wizard's "not opened in N months" box needs the last open date or the opens count."""
        return self.get(LAST_OPEN) is not None or self.get(OPENS) is not None

    def ranking(self, limit: int = MAX_RANKING) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The savings ranking's properties, least engaged first (at most ``limit``), and
        those among them compared by calendar day (a date-time's local day)."""
        names = tuple(n for m in MEASURES if (n := self.get(m)) is not None)[:max(0, limit)]
        days = tuple(n for m, n, t in self.properties if n in names and t == DATETIME)
        return names, days


def engagement_of(fields) -> Engagement:
    """The engagement properties among ``fields`` (custom ``Field`` s: name, label, type)."""
    found: dict[str, tuple[str, str, str]] = {}
    ignored: list[tuple[str, str]] = []
    for f in fields:
        measure = measure_of(f.name, f.label)
        if measure is None:
            continue
        types = RULES[measure][1]
        if f.type not in types:
            ignored.append((f.name, f"{measure.replace('_', ' ')} must be {TYPE_WORDS[types]} property, "
                                    f"not {f.type}"))
        elif measure in found:
            ignored.append((f.name, f"{found[measure][1]} already gives the {measure.replace('_', ' ')}"))
        else:
            found[measure] = (measure, f.name, f.type)
    return Engagement(tuple(found[m] for m in MEASURES if m in found), tuple(ignored))


def check_months(months) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationError(f"the number of months {months!r} must be a whole number from 1 to {MAX_MONTHS}")
    return months


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    total = day.year * 12 + day.month - 1 - check_months(months)
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def not_opened_groups(engagement: Engagement, today: date, months: int) -> list[dict]:
    """The filter groups of "No marketing e-mail opened in the last ``months`` months"
    (``today``: the account's local day); [] when the box is not offered."""
    cutoff = months_before(today, months)
    last_open, opens = engagement.get(LAST_OPEN), engagement.get(OPENS)
    groups: list[dict] = []
    if last_open is not None:
        groups.append({"filters": [{"propertyName": last_open, "operator": "LT", "value": cutoff.isoformat()}]})
        if opens is not None:
            groups.append({"filters": [{"propertyName": last_open, "operator": "NOT_HAS_PROPERTY"},
                                       {"propertyName": opens, "operator": "EQ", "value": 0}]})
    elif opens is not None:
        groups.append({"filters": [{"propertyName": opens, "operator": "EQ", "value": 0}]})
    return groups


def not_opened_label(months: int) -> str:
    return f"No marketing e-mail opened in the last {months} month{'' if months == 1 else 's'}"


__all__ = ["Engagement", "engagement_of", "measure_of", "not_opened_groups", "not_opened_label",
           "months_before", "check_months", "OPENS", "CLICKS", "LAST_OPEN", "RATING", "MEASURES",
           "DEFAULT_MONTHS", "MAX_MONTHS", "MAX_RANKING"]
