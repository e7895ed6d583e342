"""mcwidgets: manage which contacts are marketing contacts.

The layers: ``domain`` (pure rules), ``store`` (SQLAlchemy), ``services`` (use
cases, permissions, audit), ``widgets`` (views), wired together in ``app``.
"""

__version__ = "0.1.0"


def connect(db_url=None, *, now=None, user=None):
    """Open a store and return an :class:`mcwidgets.app.App` acting as ``user``."""
    from .app import App

    return App.open(db_url, now=now, user=user)
