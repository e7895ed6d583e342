"""What a contact is: its fields, lifecycle stages and the tools that create contacts."""

from __future__ import annotations

import re
from enum import Enum

from .errors import ValidationError
from .status import Status


class LifecycleStage(str, Enum):
    SUBSCRIBER = "subscriber"
    LEAD = "lead"
    MQL = "marketing_qualified_lead"
    SQL = "sales_qualified_lead"
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"
    EVANGELIST = "evangelist"
    OTHER = "other"

    @classmethod
    def parse(cls, text: str) -> "LifecycleStage":
        key = re.sub(r"[\s\-]+", "_", str(text).strip().lower())
        aliases = {"mql": cls.MQL, "sql": cls.SQL, "marketingqualifiedlead": cls.MQL,
                   "salesqualifiedlead": cls.SQL}
        try:
            return cls(key)
        except ValueError:
            if key in aliases:
                return aliases[key]
            raise ValidationError(f"unknown lifecycle stage {text!r}")


class Source(str, Enum):
    """The tool that created a contact; each has a default marketing status."""

    FORMS = "forms"
    CHATFLOWS = "chatflows"
    IMPORT = "import"
    INTEGRATIONS = "integrations"
    MANUAL = "manual"
    ADS = "ads"
    MEETINGS = "meetings"
    SALES_EMAIL_EXTENSION = "sales_email_extension"

    @classmethod
    def parse(cls, text: str) -> "Source":
        key = re.sub(r"[\s\-]+", "_", str(text).strip().lower())
        try:
            return cls(key)
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValidationError(f"unknown source tool {text!r} (one of: {names})")


# The spec's defaults: forms create marketing contacts, every other tool non-marketing.
DEFAULT_STATUS_BY_SOURCE: dict[Source, Status] = {
    s: (Status.MARKETING if s is Source.FORMS else Status.NON_MARKETING) for s in Source
}

# Deliberately simple: one @, something on each side, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(text: str) -> str:
    """Strip and check an email; matching is case-insensitive, so we store it lowercased."""
    email = (text or "").strip()
    if not email:
        raise ValidationError("email is missing")
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationError(f"invalid email {email!r}")
    return email.lower()
