"""Errors every layer raises and every entry point turns into a readable message."""


class McError(Exception):
    """Base class: the message is meant for the user, as it stands."""


class ValidationError(McError):
    """Bad input: a value, a date, a filter, a CSV row."""


class PermissionDenied(McError):
    """The acting user may not do this."""


class NotFound(McError):
    """A named thing (user, contact, list, action) does not exist."""


class Conflict(McError):
    """The action cannot happen in the current state (e.g. undo after the update date)."""
