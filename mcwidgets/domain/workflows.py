"""Workflows: what a definition must hold, and which status transition its action is."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ValidationError
from .filters import Filter, parse_filter
from .status import Status

# A workflow run or import that would set more contacts than this as marketing at
# once is held for an admin's approval, unless the account sets its own limit.
DEFAULT_SPIKE_LIMIT = 10_000


def effective_spike_limit(configured: int | None) -> int:
    """The spike limit in force: the account's, or the default when it sets none."""
    return DEFAULT_SPIKE_LIMIT if configured is None else configured


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    trigger: Filter
    action: Status  # the status the action "Set marketing contact status" sets
    reenroll: bool = False

    @property
    def transition(self) -> str:
        return "set_marketing" if self.action is Status.MARKETING else "set_non_marketing"

    @property
    def sets_marketing(self) -> bool:
        return self.action is Status.MARKETING


NAME_ERROR = "a workflow needs a name"  # the start of the error about a workflow's name


def define(name: str, trigger, action: str, reenroll: bool = False, schema=None) -> WorkflowDefinition:
    """``schema`` (``domain.schema.Schema``): the account's custom properties may be triggers too."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError(f"{NAME_ERROR} of 1 to 200 characters")
    try:
        flt = parse_filter(trigger, schema)
    except ValidationError as e:
        raise ValidationError(f"workflow {name!r} trigger: {e}")
    if flt.is_all:
        # Enrolling every contact is almost always a mistake, and unbounded.
        raise ValidationError(f"workflow {name!r} needs at least one enrollment trigger")
    return WorkflowDefinition(name, flt, Status.parse(action), bool(reenroll))
