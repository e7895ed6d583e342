"""The command line's parser: global options, then each command group adds its commands.

Every command sets ``handler`` (``set_defaults(handler=...)``): ``main`` calls
``args.handler(app, args)``.
"""

from __future__ import annotations

import argparse

from . import account, contacts, demo, files, lists, properties, serve, workflows

# The order of ``mcwidgets --help``.
COMMANDS = (
    demo.add_demo, account.add_status, account.add_account, account.add_users,
    contacts.add_set_status, contacts.add_count, lists.add_lists, lists.add_views,
    contacts.add_history, contacts.add_actions, contacts.add_undo, account.add_defaults,
    workflows.add_workflows, workflows.add_held, account.add_rollover,
    files.add_import, files.add_export, serve.add_serve, properties.add_properties,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mcwidgets", description="Manage which contacts are marketing contacts.")
    p.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (default: $MCWIDGETS_DATABASE_URL "
                   "or sqlite:///data/mcwidgets.db)")
    p.add_argument("--now", metavar="ISO", help="fix the clock, e.g. 2026-12-26T09:00:00+01:00 (demos, tests)")
    as_user = argparse.ArgumentParser(add_help=False)
    as_user.add_argument("--as", dest="as_user", metavar="USER", help="act as this user (default: $MCWIDGETS_USER)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub, as_user)
    return p
