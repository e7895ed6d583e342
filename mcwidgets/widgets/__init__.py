"""Widgets: thin views over :class:`mcwidgets.app.App` (no database access here)."""
