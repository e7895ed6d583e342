"""Run the Manage marketing contacts wizard: one set-as-non-marketing action, kind "wizard".

Only admins run the wizard; the check is in ``status.set_non_marketing`` (the kind
"wizard" is admin-only), below every user interface. The run is undoable as a whole
(``undo.UNDOABLE``) while its contacts are pending.
"""

from __future__ import annotations

from ..domain.actors import Actor
from ..domain.errors import ValidationError
from ..domain.filters import parse_filter
from ..domain.selection import Selection
from .context import Context
from .properties import SchemaOf
from .status import ActionResult, set_non_marketing

KIND = "wizard"


def run_wizard(ctx: Context, actor: Actor, filter: dict | str) -> ActionResult:
    """Set the contacts of ``filter`` (see ``domain.wizard.wizard_filter``) as non-marketing."""
    parsed = parse_filter(filter, SchemaOf(ctx))
    if parsed.is_all:
        raise ValidationError("the wizard has nothing to update: choose unengaged contacts, a filter "
                              "or lists (an empty filter would select every contact)")
    return set_non_marketing(ctx, actor, Selection(filter=parsed.to_json()), kind=KIND)
