"""Which actions can be undone: one rule for the service that undoes and the views
that offer Undo.

An action that set contacts as non-marketing can be undone, once, while its
contacts are still pending: before the next update date processed after it.
"""

from __future__ import annotations

UNDOABLE_KINDS = frozenset({"set_non_marketing", "wizard", "workflow_non_marketing"})


def undo_refusal(action_id: int, kind: str, undone_by: int | None, passed_update_date: str | None = None
                 ) -> str | None:
    """Why action ``action_id`` cannot be undone (one line), or None if it can.
    ``passed_update_date``: the update date processed since the action, if any."""
    if kind not in UNDOABLE_KINDS:
        return (f"action {action_id} ({kind}) cannot be undone: only actions that set contacts as "
                "non-marketing can")
    if undone_by is not None:
        return f"action {action_id} was already undone by action {undone_by}"
    if passed_update_date is not None:
        return (f"action {action_id} cannot be undone: the update date ({passed_update_date}) has passed and "
                "its contacts are non-marketing now")
    return None


def undo_question(what: str) -> str:
    """The one question asked before an undo (the wizard and the Activity tab): ``what``
    names the action, e.g. "action #12 (Wizard, …, 5 contacts)"."""
    return (f"Undo {what}? Its contacts that are still pending and that no later action changed stay "
            "marketing contacts: their change to non-marketing at the next update date is cancelled.")


def undone_phrase(kind: str, n: int) -> str:
    """What an undo of a ``kind`` action did to its ``n`` contacts, after the count.

    An undone set-as-non-marketing (any UNDOABLE_KINDS) cancels a pending change: the
    contacts were marketing all along, so they *stay* marketing (never "again")."""
    contacts = "contact" if n == 1 else "contacts"
    if kind == "set_marketing":
        return f"{contacts} {'is' if n == 1 else 'are'} non-marketing again"
    return (f"{contacts} {'stays' if n == 1 else 'stay'} marketing {contacts} (their change to non-marketing "
            "at the next update date is cancelled)")


def undone_message(kind: str, n: int) -> str:
    """E.g. "5 contacts stay marketing contacts (their change … is cancelled)"."""
    return f"{n:,} {undone_phrase(kind, n)}"


def can_undo(kind: str, undone_by: int | None, update_date_passed: bool = False) -> bool:
    return undo_refusal(0, kind, undone_by, "-" if update_date_passed else None) is None


__all__ = ["UNDOABLE_KINDS", "can_undo", "undo_question", "undo_refusal", "undone_message", "undone_phrase"]
