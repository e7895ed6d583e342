"""Use cases: the only way in for widgets, notebooks and the CLI.

Each function takes a :class:`~mcwidgets.services.context.Context` first. Write
use cases run in one transaction (``ctx.write()``), check permissions, apply any
due rollover first, and record an action with its audit rows.
"""
