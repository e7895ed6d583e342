"""Use cases: the only way in for widgets, notebooks and the CLI.

Each function takes a :class:`~mcwidgets.services.context.Context` first. Write
use cases run in one transaction (``unit_of_work.action_session``: ``ctx.write()``
after any due rollover), check permissions, and record an action with its audit
rows. Read use cases take no write lock (``unit_of_work.read_session``): they write
only when an update date is due.
"""
