"""Command line: ``mcwidgets [--db URL] [--now ISO-8601] COMMAND ... [--as USER]``.

Every command goes through :class:`mcwidgets.app.App` and so through the
service layer, with its permission checks and audit. Errors are one line on
stderr and a non-zero exit, never a traceback.

One module per command group (``account``, ``contacts``, ``lists``, ``workflows``,
``files``, ``demo``, ``serve``), each adding its commands to the parser
(``parser.build_parser``) with ``set_defaults(handler=...)``.
"""

from __future__ import annotations

import sys

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..app import App
from ..domain.errors import McError
from .args import first_line
from .output import EXIT_ERROR
from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        app = App.open(args.db, now=args.now, user=getattr(args, "as_user", None), create=creates_database(args))
        try:
            return args.handler(app, args) or 0
        finally:
            app.close()
    except McError as e:
        print(f"mcwidgets: error: {e}", file=sys.stderr)
    except OperationalError as e:
        print(f"mcwidgets: error: cannot use the database: {first_line(e.orig or e)}", file=sys.stderr)
    except SQLAlchemyError as e:
        print(f"mcwidgets: error: database error: {first_line(e)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("mcwidgets: interrupted; nothing half-done was kept", file=sys.stderr)
    return EXIT_ERROR


def creates_database(args) -> bool:
    """Only the commands meant to create a database may create one (a mistyped SQLite
    path is refused by the others with "no database at PATH")."""
    return args.command in ("demo", "serve", "import") or \
        (args.command == "users" and args.users_command == "add")


__all__ = ["main", "build_parser", "creates_database", "EXIT_ERROR"]
