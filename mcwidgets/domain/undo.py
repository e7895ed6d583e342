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


def can_undo(kind: str, undone_by: int | None, update_date_passed: bool = False) -> bool:
    return undo_refusal(0, kind, undone_by, "-" if update_date_passed else None) is None


__all__ = ["UNDOABLE_KINDS", "can_undo", "undo_refusal"]
