"""Command line: ``mcwidgets [--db URL] [--now ISO-8601] COMMAND ... [--as USER]``.

Every command goes through :class:`mcwidgets.app.App` and so through the
service layer, with its permission checks and audit. Errors are one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .app import App
from .domain.errors import McError
from .domain.selection import parse_ids

EXIT_ERROR = 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mcwidgets", description="Manage which contacts are marketing contacts.")
    p.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (default: $MCWIDGETS_DATABASE_URL "
                   "or sqlite:///data/mcwidgets.db)")
    p.add_argument("--now", metavar="ISO", help="fix the clock, e.g. 2026-12-26T09:00:00+01:00 (demos, tests)")
    as_user = argparse.ArgumentParser(add_help=False)
    as_user.add_argument("--as", dest="as_user", metavar="USER", help="act as this user (default: $MCWIDGETS_USER)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    d = sub.add_parser("demo", parents=[as_user], help="create or refill a deterministic demo database")
    d.add_argument("--contacts", type=_count, default=10_000, metavar="N")
    d.add_argument("--seed", type=int, default=42, metavar="S")

    s = sub.add_parser("status", parents=[as_user], help="marketing, non-marketing and pending counts, tier")
    s.add_argument("--json", action="store_true", help="print JSON")

    a = sub.add_parser("account", parents=[as_user], help="show or change billing, edition, tier, time zone")
    a.add_argument("--billing", choices=["monthly", "annual"])
    a.add_argument("--start", metavar="DATE", help="billing start date, YYYY-MM-DD")
    a.add_argument("--edition", choices=["starter", "professional", "enterprise"])
    a.add_argument("--tier", type=_count, metavar="N", help="a higher tier applies now; a lower one is "
                   "requested for the next update date")
    a.add_argument("--timezone", metavar="TZ", help="IANA time zone, e.g. Europe/Amsterdam")
    a.add_argument("--spike-limit", type=_count, metavar="N")
    a.add_argument("--json", action="store_true")

    u = sub.add_parser("users", help="users and the 'Edit marketing contacts' permission")
    usub = u.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    ua = usub.add_parser("add", parents=[as_user], help="add a user (the first user is an admin)")
    ua.add_argument("name")
    ua.add_argument("--admin", action="store_true")
    for name, text in (("restrict", "switch 'Edit marketing contacts' off"),
                       ("allow", "switch 'Edit marketing contacts' on")):
        x = usub.add_parser(name, parents=[as_user], help=text)
        x.add_argument("name")
    usub.add_parser("list", parents=[as_user], help="list users").add_argument("--json", action="store_true")

    ss = sub.add_parser("set-status", parents=[as_user], help="set contacts as marketing or non-marketing")
    ss.add_argument("status", choices=["marketing", "non-marketing"])
    ss.add_argument("--ids", required=True, metavar="1,2,3", help="contact ids (ranges like 5-9 too)")
    ss.add_argument("--json", action="store_true")
    ss.add_argument("--dry-run", action="store_true", help="print the forecast; change nothing")

    h = sub.add_parser("history", help="a contact's status history (audit)")
    h.add_argument("contact_id", type=int)
    h.add_argument("--json", action="store_true")

    al = sub.add_parser("actions", help="actions: what, who, when, how many")
    alsub = al.add_subparsers(dest="actions_command", metavar="ACTION", required=True)
    alist = alsub.add_parser("list", help="the newest actions first")
    alist.add_argument("--limit", type=_count, default=20)
    alist.add_argument("--json", action="store_true")

    un = sub.add_parser("undo", parents=[as_user], help="undo a set-as-non-marketing action while pending")
    un.add_argument("action_id", type=int)

    df = sub.add_parser("defaults", help="default marketing status per source tool")
    dfsub = df.add_subparsers(dest="defaults_command", metavar="ACTION", required=True)
    dfsub.add_parser("show", help="show the defaults").add_argument("--json", action="store_true")
    dfs = dfsub.add_parser("set", parents=[as_user], help="set a tool's default (admins)")
    dfs.add_argument("source", help="forms, chatflows, import, integrations, manual, ads, meetings, "
                     "sales_email_extension")
    dfs.add_argument("status", choices=["marketing", "non-marketing"])

    r = sub.add_parser("rollover", help="apply due update dates: pending contacts become non-marketing")
    r.add_argument("--json", action="store_true")
    return p


def _count(text: str) -> int:
    try:
        value = int(str(text).replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        app = App.open(args.db, now=args.now, user=getattr(args, "as_user", None))
        try:
            return COMMANDS[args.command](app, args) or 0
        finally:
            app.close()
    except McError as e:
        print(f"mcwidgets: error: {e}", file=sys.stderr)
    except OperationalError as e:
        print(f"mcwidgets: error: cannot use the database: {_first_line(e.orig or e)}", file=sys.stderr)
    except SQLAlchemyError as e:
        print(f"mcwidgets: error: database error: {_first_line(e)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("mcwidgets: interrupted; nothing half-done was kept", file=sys.stderr)
    return EXIT_ERROR


def _first_line(e) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def cmd_demo(app: App, args) -> int:
    started = time.perf_counter()
    progress = _progress_bar("loading contacts") if sys.stderr.isatty() else None
    result = app.demo(contacts=args.contacts, seed=args.seed, progress=progress)
    print(f"demo database ready: {result.contacts:,} contacts ({result.marketing:,} marketing, "
          f"{result.pending:,} pending, {result.non_marketing:,} non-marketing) "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_status(app: App, args) -> int:
    r = app.status()
    if args.json:
        print(json.dumps(r.as_json(), indent=2))
        return 0
    rows = [
        ("Marketing contacts", f"{r.marketing:,}", f"of which {r.pending:,} pending (non-marketing after the update date)"),
        ("Non-marketing contacts", f"{r.non_marketing:,}", ""),
        ("Total contacts", f"{r.total:,}", ""),
        ("Tier", f"{r.tier:,}", f"{r.edition}, {r.usage_percent:.1f} % used"
         + (f", lower tier {r.requested_tier:,} requested" if r.requested_tier else "")),
        ("Next update date", r.next_update_date.isoformat(), f"{r.projected_marketing:,} marketing contacts after it"),
    ]
    width = max(len(a) for a, _, _ in rows)
    vw = max(len(b) for _, b, _ in rows)
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:>{vw}}  {c}".rstrip())
    if r.alerts:
        print("Alerts: usage reached " + ", ".join(r.alerts))
    return 0


def cmd_account(app: App, args) -> int:
    changes = {k: v for k, v in {"billing": args.billing, "start": args.start, "edition": args.edition,
                                 "tier": args.tier, "timezone": args.timezone,
                                 "spike_limit": args.spike_limit}.items() if v is not None}
    info = app.configure_account(**changes) if changes else app.account()
    data = {"name": info.name, "billing": info.billing_period, "start": info.billing_start.isoformat(),
            "timezone": info.timezone, "edition": info.edition, "tier": info.tier,
            "requested_tier": info.requested_tier, "next_update_date": info.next_update_date.isoformat(),
            "spike_limit": info.spike_limit}
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for k, v in data.items():
            print(f"{k:<17} {'' if v is None else v}")
    return 0


def cmd_users(app: App, args) -> int:
    if args.users_command == "add":
        u = app.add_user(args.name, admin=args.admin)
        print(f"added {u.role} {u.name}")
    elif args.users_command in ("restrict", "allow"):
        u = app.set_permission(args.name, args.users_command == "allow")
        state = "may" if u.can_edit_marketing else "may not"
        print(f"{u.name} {state} set contacts as marketing")
    else:
        rows = app.users()
        if args.json:
            print(json.dumps([r.__dict__ for r in rows], indent=2))
        for r in ([] if args.json else rows):
            perm = "edit marketing contacts" if r.can_edit_marketing else "may NOT set marketing"
            print(f"{r.name:<20} {r.role:<6} {perm}")
    return 0


def cmd_set_status(app: App, args) -> int:
    ids = parse_ids(args.ids)
    if args.dry_run:
        transition = "set_marketing" if args.status == "marketing" else "set_non_marketing"
        return print_forecast(app.forecast(transition, ids), args.json)
    result = app.set_marketing(ids) if args.status == "marketing" else app.set_non_marketing(ids)
    if args.json:
        print(json.dumps(dataclasses.asdict(result), indent=2))
        return 0
    verb = "set as marketing" if args.status == "marketing" else "set as non-marketing (pending until the next update date)"
    print(f"action {result.action_id}: {result.changed:,} of {result.matched:,} matching contacts {verb}")
    if result.tier_after != result.tier_before:
        print(f"tier upgraded from {result.tier_before:,} to {result.tier_after:,}")
    return 0


def print_forecast(fc, as_json: bool) -> int:
    if as_json:
        print(json.dumps(fc.as_json(), indent=2))
        return 0
    b, a = fc.before, fc.after
    print(f"dry run: {fc.changes:,} of {fc.selected:,} selected contacts would change; nothing was changed")
    print(f"{'':<28}{'now':>14}{'after action':>14}")
    for label, x, y in (("Marketing contacts", b.marketing, a.marketing), ("  of which pending", b.pending, a.pending),
                        ("Non-marketing contacts", b.non_marketing, a.non_marketing), ("Tier", b.tier, a.tier),
                        ("Marketing after update date", b.marketing_at_update, a.marketing_at_update),
                        ("Tier after update date", b.tier_at_update, a.tier_at_update)):
        print(f"{label:<28}{x:>14,}{y:>14,}")
    if a.cost is not None or b.cost is not None:
        print(f"{'Monthly cost':<28}{_money(b.cost):>14}{_money(a.cost):>14}")
    return 0


def _money(x) -> str:
    return "-" if x is None else f"{x:,.2f}"


def cmd_history(app: App, args) -> int:
    rows = app.history(args.contact_id)
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, default=str))
        return 0
    for r in rows:
        old = f"{r.old_status or '-'}{' (pending)' if r.old_pending else ''}"
        new = f"{r.new_status}{' (pending)' if r.new_pending else ''}"
        print(f"{r.at:%Y-%m-%d %H:%M}  action {r.action_id:<6} {r.action:<18} by {r.actor_kind}:{r.actor:<12} {old} -> {new}")
    return 0


def cmd_actions(app: App, args) -> int:
    rows = app.actions(limit=args.limit)
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, default=str))
        return 0
    for r in rows:
        undone = f"  (undone by {r.undone_by})" if r.undone_by else ""
        print(f"{r.id:>6}  {r.at:%Y-%m-%d %H:%M}  {r.kind:<18} {r.actor:<12} {r.changed:>9,} of {r.matched:>9,}  "
              f"{r.description}{undone}")
    return 0


def cmd_undo(app: App, args) -> int:
    r = app.undo(args.action_id)
    print(f"action {r.action_id}: undid action {args.action_id}; {r.changed:,} contacts are marketing again "
          "(no longer pending)")
    return 0


def cmd_defaults(app: App, args) -> int:
    if args.defaults_command == "set":
        app.set_default_status(args.source, args.status)
    table = app.default_statuses()
    if getattr(args, "json", False):
        print(json.dumps(table, indent=2))
    else:
        for source, status in table.items():
            print(f"{source:<24} {status.replace('_', '-')}")
    return 0


def cmd_rollover(app: App, args) -> int:
    r = app.rollover()
    if args.json:
        print(json.dumps({"update_dates": [d.isoformat() for d in r.update_dates], "changed": r.changed,
                          "tier_before": r.tier_before, "tier_after": r.tier_after}, indent=2))
    elif not r.update_dates:
        print("nothing due: no update date has passed since the last rollover")
    else:
        dates = ", ".join(d.isoformat() for d in r.update_dates)
        print(f"rolled over update date(s) {dates}: {r.changed:,} contacts became non-marketing")
        if r.tier_after != r.tier_before:
            print(f"tier changed from {r.tier_before:,} to {r.tier_after:,} (requested lower tier)")
    return 0


def _progress_bar(label: str):
    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        print(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    return show


COMMANDS = {
    "demo": cmd_demo,
    "status": cmd_status,
    "account": cmd_account,
    "users": cmd_users,
    "set-status": cmd_set_status,
    "rollover": cmd_rollover,
    "history": cmd_history,
    "actions": cmd_actions,
    "undo": cmd_undo,
    "defaults": cmd_defaults,
}
