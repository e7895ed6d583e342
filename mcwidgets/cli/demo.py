"""``mcwidgets demo``: create or refill a deterministic demo database."""

from __future__ import annotations

import sys
import time

from ..app import App
from .args import count_arg
from .output import progress_bar


def add_demo(sub, as_user) -> None:
    d = sub.add_parser("demo", parents=[as_user], help="create or refill a deterministic demo database")
    d.add_argument("--contacts", type=count_arg, default=10_000, metavar="N")
    d.add_argument("--seed", type=int, default=42, metavar="S")
    d.add_argument("--replace-all-data", action="store_true", help="admins: replace a database that holds "
                   "more than demo data (on a terminal, type the database name to confirm)")
    d.set_defaults(handler=cmd_demo)


def cmd_demo(app: App, args) -> int:
    started = time.perf_counter()
    if args.replace_all_data and sys.stdin.isatty():
        _confirm_database_name(app)
    progress = progress_bar("loading contacts") if sys.stderr.isatty() else None
    result = app.demo(contacts=args.contacts, seed=args.seed, progress=progress,
                      replace_all_data=args.replace_all_data)
    print(f"demo database ready: {result.contacts:,} contacts ({result.marketing:,} marketing, "
          f"{result.pending:,} pending, {result.non_marketing:,} non-marketing) "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def _confirm_database_name(app: App) -> None:
    """--replace-all-data on a terminal: the database's name must be typed back."""
    from pathlib import Path

    from ..domain.errors import ValidationError

    url = app.ctx.engine.url
    database = url.database or ""
    names = {database, Path(database).name} if url.get_backend_name() == "sqlite" else {database}
    shown = Path(database).name if url.get_backend_name() == "sqlite" else database
    try:
        typed = input(f"demo --replace-all-data replaces ALL contacts, actions and audit rows of {shown!r} "
                      "with demo data. Type the database name to confirm: ")
    except EOFError:
        typed = ""
    if typed.strip() not in names - {""}:
        raise ValidationError("the database name was not typed: nothing was changed")
