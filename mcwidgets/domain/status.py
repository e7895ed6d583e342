"""The marketing contact status rules (the spec's status table).

A contact's state is (status, pending). ``pending`` is "marketing contact until
next update": it can only be true while the status is marketing.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Status(str, Enum):
    MARKETING = "marketing"
    NON_MARKETING = "non_marketing"

    @classmethod
    def parse(cls, text: str) -> "Status":
        """Accept the forms users type: marketing, non-marketing, non_marketing, Non-marketing contact..."""
        key = str(text).strip().lower().replace("-", "_").replace(" ", "_")
        key = key.removesuffix("_contact").removesuffix("_contacts")
        aliases = {"marketing": cls.MARKETING, "true": cls.MARKETING, "yes": cls.MARKETING,
                   "non_marketing": cls.NON_MARKETING, "nonmarketing": cls.NON_MARKETING,
                   "false": cls.NON_MARKETING, "no": cls.NON_MARKETING}
        if key not in aliases:
            from .errors import ValidationError

            raise ValidationError(
                f"unknown marketing contact status {text!r} (expected marketing or non-marketing)"
            )
        return aliases[key]


class State(NamedTuple):
    status: Status
    pending: bool  # "marketing contact until next update" = Yes

    @property
    def counts_toward_tier(self) -> bool:
        # Pending contacts still count until the update date.
        return self.status is Status.MARKETING


MARKETING = State(Status.MARKETING, False)
PENDING = State(Status.MARKETING, True)
NON_MARKETING = State(Status.NON_MARKETING, False)
ALL_STATES = (MARKETING, PENDING, NON_MARKETING)


def set_marketing(state: State) -> State:
    """Non-marketing becomes marketing at once; a pending change is cancelled."""
    return MARKETING


def set_non_marketing(state: State) -> State:
    """A marketing contact only becomes pending: it never leaves before the update date."""
    if state.status is Status.MARKETING:
        return PENDING
    return state


def roll_over(state: State) -> State:
    """At the update date, pending contacts become non-marketing."""
    return NON_MARKETING if state.pending else state


# The SQL layer implements each transition as one UPDATE whose WHERE clause selects
# exactly the states these functions change; the tests check both agree.
def changes(transition, state: State) -> bool:
    return transition(state) != state
