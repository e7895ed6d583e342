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
from .domain.filters import describe_filter
from .domain.selection import MAX_ID, Selection, parse_ids

EXIT_ERROR = 1
MAX_COUNT = 2**31 - 1  # counts and limits are stored as SQL INTEGER (32 bits on PostgreSQL)


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
    d.add_argument("--replace-all-data", action="store_true", help="admins: replace a database that holds "
                   "more than demo data (on a terminal, type the database name to confirm)")

    s = sub.add_parser("status", parents=[as_user], help="marketing, non-marketing and pending counts, tier")
    s.add_argument("--json", action="store_true", help="print JSON")

    a = sub.add_parser("account", parents=[as_user], help="show or change billing, edition, tier, time zone")
    a.add_argument("--billing", choices=["monthly", "annual"])
    a.add_argument("--start", metavar="DATE", help="billing start date, YYYY-MM-DD")
    a.add_argument("--edition", choices=["starter", "professional", "enterprise"])
    a.add_argument("--tier", type=_count, metavar="N", help="a higher tier applies now; a lower one is "
                   "requested for the next update date (applies now while the account is set up)")
    a.add_argument("--timezone", metavar="TZ", help="IANA time zone, e.g. Europe/Amsterdam")
    a.add_argument("--spike-limit", type=_count, metavar="N")
    a.add_argument("--acknowledge-tier-events", action="store_true",
                   help="acknowledge the tier raises shown by status and the Overview (admins)")
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
    _target_args(ss)
    ss.add_argument("--json", action="store_true")
    ss.add_argument("--dry-run", action="store_true", help="print the forecast; change nothing")

    ct = sub.add_parser("count", help="how many contacts match a filter (or a list), and what it means")
    _target_args(ct, required=False)
    ct.add_argument("--json", action="store_true")

    ls = sub.add_parser("lists", help="static lists (chosen members) and active lists (a filter, live)")
    lsub = ls.add_subparsers(dest="lists_command", metavar="ACTION", required=True)
    lc = lsub.add_parser("create", parents=[as_user], help="create a list: static, or active with --filter")
    lc.add_argument("name")
    lc.add_argument("--filter", type=json_arg, metavar="JSON", help="make it active: its members are the "
                    "contacts matching this filter (JSON, or @file.json), always up to date")
    for name, text in (("add", "add contacts to a static list"), ("remove", "remove contacts from a static list")):
        x = lsub.add_parser(name, parents=[as_user], help=text)
        x.add_argument("name")
        _target_args(x)
    lr = lsub.add_parser("rename", parents=[as_user], help="rename a list (filters naming it follow)")
    lr.add_argument("old")
    lr.add_argument("new")
    lsub.add_parser("delete", parents=[as_user], help="delete a list (its contacts stay)").add_argument("name")
    lsub.add_parser("list", help="every list with its member count").add_argument("--json", action="store_true")
    lw = lsub.add_parser("show", help="a list: kind, filter, members")
    lw.add_argument("name")
    lw.add_argument("--json", action="store_true")

    vw = sub.add_parser("views", help="saved views: a named filter with its sort order and columns")
    vsub = vw.add_subparsers(dest="views_command", metavar="ACTION", required=True)
    vs = vsub.add_parser("save", parents=[as_user], help="save a view (replaces the one of that name)")
    vs.add_argument("name")
    vs.add_argument("--filter", type=json_arg, required=True, metavar="JSON", help="filter JSON, or @file.json")
    vs.add_argument("--sort", metavar="COL[:desc]", help="sort column, e.g. last_name or created_at:desc")
    vs.add_argument("--columns", metavar="a,b,c", help="the columns to show, in order")
    vsub.add_parser("list", help="every saved view").add_argument("--json", action="store_true")
    vh = vsub.add_parser("show", help="a saved view and how many contacts it shows now")
    vh.add_argument("name")
    vh.add_argument("--json", action="store_true")
    vr = vsub.add_parser("rename", parents=[as_user], help="rename a saved view")
    vr.add_argument("old")
    vr.add_argument("new")
    vsub.add_parser("delete", parents=[as_user], help="delete a saved view").add_argument("name")

    h = sub.add_parser("history", help="a contact's status history (audit)")
    h.add_argument("contact_id", type=_id)
    h.add_argument("--json", action="store_true")

    al = sub.add_parser("actions", help="actions: what, who, when, how many")
    alsub = al.add_subparsers(dest="actions_command", metavar="ACTION", required=True)
    alist = alsub.add_parser("list", help="the newest actions first")
    alist.add_argument("--limit", type=_count, default=20)
    alist.add_argument("--json", action="store_true")

    un = sub.add_parser("undo", parents=[as_user], help="undo a set-as-non-marketing action while pending")
    un.add_argument("action_id", type=_id)

    df = sub.add_parser("defaults", help="default marketing status per source tool")
    dfsub = df.add_subparsers(dest="defaults_command", metavar="ACTION", required=True)
    dfsub.add_parser("show", help="show the defaults").add_argument("--json", action="store_true")
    dfs = dfsub.add_parser("set", parents=[as_user], help="set a tool's default (admins)")
    dfs.add_argument("source", help="forms, chatflows, import, integrations, manual, ads, meetings, "
                     "sales_email_extension")
    dfs.add_argument("status", choices=["marketing", "non-marketing"])

    wf = sub.add_parser("workflows", help="workflows that set the marketing contact status")
    wfsub = wf.add_subparsers(dest="workflows_command", metavar="ACTION", required=True)
    wc = wfsub.add_parser("create", parents=[as_user], help="create a workflow (off until turned on)")
    wc.add_argument("--name", required=True)
    wc.add_argument("--trigger", required=True, type=json_arg, metavar="JSON",
                    help="enrollment triggers: filter JSON, or @file.json")
    wc.add_argument("--action", required=True, choices=["marketing", "non-marketing"])
    wc.add_argument("--reenroll", action="store_true", help="enroll contacts again when they meet the triggers anew")
    wfsub.add_parser("list", help="list workflows").add_argument("--json", action="store_true")
    for name, text in (("show", "show a workflow"), ("off", "turn a workflow off"),
                       ("dry-run", "which contacts it would enroll now, and the forecast"),
                       ("run", "run one workflow now (or all that are on, with no name)"),
                       ("on", "turn a workflow on"), ("delete", "delete a workflow")):
        x = wfsub.add_parser(name, parents=[as_user], help=text)
        x.add_argument("name", nargs="?" if name == "run" else None)
        x.add_argument("--json", action="store_true")
        if name == "on":
            x.add_argument("--enroll-existing", action="store_true",
                           help="also enroll the contacts that already meet the triggers")

    hd = sub.add_parser("held", help="runs and imports held by the spike guard")
    hdsub = hd.add_subparsers(dest="held_command", metavar="ACTION", required=True)
    hdsub.add_parser("list", help="what is held").add_argument("--json", action="store_true")
    for name in ("approve", "reject"):
        x = hdsub.add_parser(name, parents=[as_user], help=f"{name} a held run (admins with the permission)")
        x.add_argument("held_id", type=_id)

    r = sub.add_parser("rollover", help="apply due update dates: pending contacts become non-marketing")
    r.add_argument("--json", action="store_true")

    im = sub.add_parser("import", parents=[as_user], help="import contacts from a CSV file (matched by email)")
    im.add_argument("file", metavar="FILE", help="CSV file with a heading row ('-' reads standard input)")
    im.add_argument("--as-marketing", action="store_true", help="create the new contacts as marketing "
                    "(needs the 'Edit marketing contacts' permission)")
    im.add_argument("--strict", action="store_true", help="import nothing if any row is bad (exit 1)")
    im.add_argument("--mapping", metavar="JSON", help='column mapping, e.g. \'{"Mail": "email", "Notes": null}\'')
    im.add_argument("--errors", metavar="FILE", help="where to write the bad rows (default: FILE.errors.csv)")
    im.add_argument("--json", action="store_true")
    im.add_argument("--dry-run", action="store_true", help="run the import, roll it back, print the forecast")

    ex = sub.add_parser("export", help="export contacts to CSV (the headings import reads)")
    ex.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    # The contacts to export: args.selection, a Selection or None (all). A selection
    # option is one line: ex.add_argument("--filter", dest="selection", type=<text -> Selection>).
    ex.set_defaults(selection=None)
    ex.add_argument("--filter", dest="selection", type=filter_selection_arg, metavar="JSON",
                    help="export only the contacts matching a filter (JSON, or @file.json)")

    sv = sub.add_parser("serve", parents=[as_user], help="open the dashboard (Voila) on 127.0.0.1")
    sv.add_argument("--port", type=int, default=8866, metavar="PORT", help="default 8866")
    sv.add_argument("--token", action="store_true", help="require a random access token in the URL")
    sv.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    sv.add_argument("--demo-contacts", type=_count, default=20_000, metavar="N",
                    help="contacts of the demo database created when the database is empty (0: none)")
    sv.add_argument("--dry-run", action="store_true", help="prepare the database, print the Voila command, stop")
    sv.add_argument("--allow-host", dest="allow_hosts", action="append", default=[], metavar="NAME",
                    help="also accept this host name in requests (e.g. behind a reverse proxy); repeatable. "
                    "By default only 127.0.0.1 and localhost are accepted")
    sv.add_argument("--max-kernels", type=_count, default=4, metavar="N",
                    help="at most N dashboard pages (kernels) open at once (default 4)")
    return p


def _count(text: str) -> int:
    try:
        value = int(str(text).replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is too large (at most {MAX_COUNT:,})")
    return value


def _id(text: str) -> int:
    """An action, contact or held-action id: a whole number SQL can hold."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value > MAX_ID:
        raise argparse.ArgumentTypeError(f"{text!r} is too large (at most {MAX_ID})")
    if value < -MAX_ID:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid id")
    return value


def _target_args(parser, required: bool = True) -> None:
    """Which contacts: exactly one of --ids, --filter, --list (or --all, for actions); optionally --except ids."""
    target = parser.add_mutually_exclusive_group(required=required)
    target.add_argument("--ids", metavar="1,2,3", help="contact ids (ranges like 5-9 too)")
    target.add_argument("--filter", type=json_arg, metavar="JSON", help="the contacts matching a filter "
                        "(JSON, or @file.json)")
    target.add_argument("--list", dest="list_name", metavar="NAME", help="the members of a list")
    if required:  # acting on every contact is said explicitly, never implied by an empty filter
        target.add_argument("--all", dest="all_contacts", action="store_true", help="all contacts")
    parser.add_argument("--except", dest="except_ids", metavar="1,2", help="leave these contacts out")


def _target(args) -> dict:
    """--ids / --filter / --list / --except as App keyword arguments."""
    ids = parse_ids(args.ids) if args.ids is not None else None
    exclude = parse_ids(args.except_ids) if args.except_ids else ()
    target = {"ids": ids, "filter": args.filter, "list": args.list_name, "exclude": exclude}
    if getattr(args, "all_contacts", False):
        target["all_contacts"] = True
    return target


def filter_selection_arg(text: str) -> Selection:
    """--filter JSON (or @file.json) as a Selection of the contacts it matches."""
    return Selection(filter=json_arg(text))


def json_arg(text: str):
    """A JSON argument, given inline or as @file.json."""
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise argparse.ArgumentTypeError(f"cannot read {text[1:]}: {e.strerror}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise argparse.ArgumentTypeError(f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno})")
    except RecursionError:
        raise argparse.ArgumentTypeError("not valid: the JSON is nested too deeply")
    except ValueError as e:  # e.g. a number with more than 4,300 digits
        raise argparse.ArgumentTypeError(f"not valid JSON ({_first_line(e)[:120]})")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        app = App.open(args.db, now=args.now, user=getattr(args, "as_user", None), create=creates_database(args))
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


def creates_database(args) -> bool:
    """Only the commands meant to create a database may create one (a mistyped SQLite
    path is refused by the others with "no database at PATH")."""
    return args.command in ("demo", "serve", "import") or \
        (args.command == "users" and args.users_command == "add")


def _first_line(e) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def cmd_demo(app: App, args) -> int:
    started = time.perf_counter()
    if args.replace_all_data and sys.stdin.isatty():
        _confirm_database_name(app)
    progress = _progress_bar("loading contacts") if sys.stderr.isatty() else None
    result = app.demo(contacts=args.contacts, seed=args.seed, progress=progress,
                      replace_all_data=args.replace_all_data)
    print(f"demo database ready: {result.contacts:,} contacts ({result.marketing:,} marketing, "
          f"{result.pending:,} pending, {result.non_marketing:,} non-marketing) "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def _confirm_database_name(app: App) -> None:
    """--replace-all-data on a terminal: the database's name must be typed back."""
    from pathlib import Path

    from .domain.errors import ValidationError

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
    for e in r.open_tier_events:
        print(f"{e.text} (not acknowledged yet: account --acknowledge-tier-events)")
    return 0


def cmd_account(app: App, args) -> int:
    changes = {k: v for k, v in {"billing": args.billing, "start": args.start, "edition": args.edition,
                                 "tier": args.tier, "timezone": args.timezone,
                                 "spike_limit": args.spike_limit}.items() if v is not None}
    if args.acknowledge_tier_events:
        n = app.acknowledge_tier_events()
        print(f"acknowledged {n:,} tier change{'' if n == 1 else 's'}", file=sys.stderr)
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
    target = _target(args)
    if args.dry_run:
        transition = "set_marketing" if args.status == "marketing" else "set_non_marketing"
        return print_forecast(app.forecast(transition, **target), args.json)
    result = app.set_marketing(**target) if args.status == "marketing" else app.set_non_marketing(**target)
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


def cmd_count(app: App, args) -> int:
    r = app.count_described(**_target(args))
    if args.json:
        print(json.dumps({"count": r.count, "description": r.description}, indent=2))
    else:
        print(r.count)
        print(r.description)
    return 0


def cmd_lists(app: App, args) -> int:
    c = args.lists_command
    if c == "create":
        info = app.create_list(args.name, args.filter)
        if info.kind == "static":
            print(f"created static list {info.name!r}")
        else:
            print(f"created active list {info.name!r}: {_contacts(info.members)} now "
                  f"({describe_filter(info.filter)})")
    elif c in ("add", "remove"):
        change = (app.add_to_list if c == "add" else app.remove_from_list)(args.name, **_target(args))
        verb = "added to" if c == "add" else "removed from"
        print(f"{_contacts(change.changed)} {verb} {change.name!r} ({change.matched:,} matched; "
              f"{_contacts(change.members)} in the list now)")
    elif c == "rename":
        info = app.rename_list(args.old, args.new)
        print(f"renamed list {args.old.strip()!r} to {info.name!r}")
    elif c == "delete":
        app.delete_list(args.name)
        print(f"deleted list {args.name.strip()!r}")
    elif c == "list":
        rows = app.lists()
        if args.json:
            print(json.dumps([r.as_json() for r in rows], indent=2))
            return 0
        if not rows:
            print("no lists")
        width = max((len(r.name) for r in rows), default=0)
        for r in rows:
            what = "" if r.kind == "static" else f"  {describe_filter(r.filter)}"
            print(f"{r.name:<{width}}  {r.kind:<6}  {r.members:>9,}{what}")
    else:
        info = app.list_info(args.name)
        if args.json:
            print(json.dumps(info.as_json(), indent=2))
            return 0
        print(f"name        {info.name}")
        print(f"kind        {info.kind}")
        if info.filter is not None:
            print(f"filter      {describe_filter(info.filter, app.now(), app.account().timezone)}")
        print(f"members     {info.members:,}")
        print(f"created     {info.created_at:%Y-%m-%d %H:%M} UTC by {info.created_by}")
    return 0


def cmd_views(app: App, args) -> int:
    c = args.views_command
    if c == "save":
        replaced = any(v.name == args.name.strip() for v in app.views())
        v = app.save_view(args.name, args.filter, sort=args.sort, columns=args.columns)
        print(f"{'replaced' if replaced else 'saved'} view {v.name!r}: {describe_filter(v.filter)}")
    elif c == "list":
        rows = app.views()
        if args.json:
            print(json.dumps([v.as_json() for v in rows], indent=2))
            return 0
        if not rows:
            print("no saved views")
        width = max((len(v.name) for v in rows), default=0)
        for v in rows:
            print(f"{v.name:<{width}}  {describe_filter(v.filter)}")
    elif c == "show":
        v = app.view(args.name)
        matching = app.count(filter=v.filter)
        if args.json:
            print(json.dumps({**v.as_json(), "matching": matching}, indent=2))
            return 0
        sort = v.sort and f"{v.sort['column']}{' descending' if v.sort['descending'] else ''}"
        print(f"name        {v.name}")
        print(f"filter      {describe_filter(v.filter, app.now(), app.account().timezone)}")
        print(f"matching    {_contacts(matching)}")
        print(f"sort        {sort or '(default)'}")
        print(f"columns     {', '.join(v.columns) if v.columns else '(default)'}")
        print(f"created     {v.created_at:%Y-%m-%d %H:%M} UTC by {v.created_by}")
    elif c == "rename":
        v = app.rename_view(args.old, args.new)
        print(f"renamed view {args.old.strip()!r} to {v.name!r}")
    else:
        app.delete_view(args.name)
        print(f"deleted view {args.name.strip()!r}")
    return 0


def _contacts(n: int) -> str:
    return f"{n:,} contact" + ("" if n == 1 else "s")


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


def cmd_serve(app: App, args) -> int:
    from . import serve

    def say(text: str) -> None:  # notes on stderr: with --dry-run, stdout is JSON
        print(text, file=sys.stderr)

    p = serve.plan(app, port=args.port, user=args.as_user, now=args.now, token=args.token,
                   demo_contacts=args.demo_contacts, max_kernels=args.max_kernels,
                   allow_hosts=args.allow_hosts, say=say)
    if p.demo is not None:
        say(f"demo database ready: {p.demo.contacts:,} contacts")
    if args.dry_run:
        print(json.dumps({"argv": p.argv, "url": p.url, "user": p.user, "database": p.db_url_shown,
                          "env": {k: p.env[k] for k in ("MCWIDGETS_USER", "MCWIDGETS_NOW") if k in p.env}},
                         indent=2))
        return 0
    app.close()  # the dashboard's kernel opens its own connection
    return serve.run(p, port=args.port, open_browser=not args.no_browser)


def cmd_workflows(app: App, args) -> int:
    c = args.workflows_command
    as_json = getattr(args, "json", False)
    if c == "create":
        info = app.create_workflow(args.name, args.trigger, args.action, reenroll=args.reenroll)
        print(f"created workflow {info.name!r} (off): {info.trigger_text} -> set as {info.action.replace('_', '-')}")
        return 0
    if c == "list":
        rows = app.workflows()
        if as_json:
            print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
        for r in ([] if as_json else rows):
            state = "on " if r.enabled else "off"
            print(f"{r.name:<30} {state} set {r.action.replace('_', '-'):<14} enrolled {r.enrolled:>8,}  "
                  f"{r.trigger_text}{'  (re-enrollment)' if r.reenroll else ''}")
        return 0
    if c == "show":
        info = app.workflow(args.name)
        print(json.dumps(dataclasses.asdict(info), indent=2) if as_json else
              "\n".join(f"{k:<13} {v}" for k, v in dataclasses.asdict(info).items() if k != "trigger"))
        return 0
    if c == "on":
        r = app.turn_on_workflow(args.name, enroll_existing=args.enroll_existing)
        print(f"workflow {args.name!r} is on")
        if r is not None:
            _print_run(r)
        return 0
    if c == "off":
        app.turn_off_workflow(args.name)
        print(f"workflow {args.name!r} is off")
        return 0
    if c == "delete":
        app.delete_workflow(args.name)
        print(f"workflow {args.name!r} deleted")
        return 0
    if c == "dry-run":
        dr = app.workflow_dry_run(args.name)
        if as_json:
            print(json.dumps({"would_enroll": dr.would_enroll, "sample": dr.sample,
                              "forecast": dr.forecast.as_json()}, indent=2, default=str))
            return 0
        print(f"workflow {dr.workflow!r} would enroll {dr.would_enroll:,} contacts now")
        for row in dr.sample:
            print(f"  {row['id']:>8}  {row['email']}")
        return print_forecast(dr.forecast, False)
    for r in app.run_workflows(args.name):
        _print_run(r)
    return 0


def _print_run(r) -> None:
    if r.held_id is not None:
        print(f"workflow {r.workflow!r}: HELD as held action {r.held_id} for an admin's approval "
              "(spike guard); see `mcwidgets held list`")
    else:
        print(f"workflow {r.workflow!r}: enrolled {r.enrolled:,}, changed {r.changed:,}"
              + (f" (action {r.action_id})" if r.action_id else ""))


def cmd_held(app: App, args) -> int:
    if args.held_command == "list":
        rows = app.held()
        if args.json:
            print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, default=str))
        elif not rows:
            print("nothing is held")
        for r in ([] if args.json else rows):
            print(f"{r.id:>5}  {r.created_at:%Y-%m-%d %H:%M}  {r.kind:<8} by {r.requested_by:<12} {r.what}")
        return 0
    if args.held_command == "approve":
        result = app.approve_held(args.held_id)
        print(f"held action {args.held_id} approved")
        if hasattr(result, "held_id"):
            _print_run(result)
        return 0
    app.reject_held(args.held_id)
    print(f"held action {args.held_id} rejected")
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


def cmd_import(app: App, args) -> int:
    from .domain.errors import ValidationError

    mapping = None
    if args.mapping:
        try:
            mapping = json.loads(args.mapping)
        except json.JSONDecodeError as e:
            raise ValidationError(f"--mapping is not valid JSON: {e.msg}")
        except (ValueError, RecursionError):  # thousands of digits, or nested too deeply
            raise ValidationError("--mapping is not valid JSON")
        if not isinstance(mapping, dict):
            raise ValidationError('--mapping must be a JSON object: {"CSV heading": "property", ...}')
    progress = _rows_progress("importing") if sys.stderr.isatty() else None
    source = sys.stdin if args.file == "-" else args.file
    r = app.import_csv(source, as_marketing=args.as_marketing, strict=args.strict, mapping=mapping,
                       errors_path=args.errors, progress=progress, dry_run=args.dry_run)
    if r.dry_run and not args.json:
        print(f"dry run of {r.rows:,} rows: {r.created:,} contacts would be created, {r.updated:,} updated "
              f"({r.status_changed:,} status changes), {r.bad_rows:,} bad rows; nothing was imported")
        if r.would_be_held:
            print(f"the import would be HELD by the spike guard: it sets {r.marketing_changes:,} contacts as marketing")
        for row, _email, reason in r.errors[:20]:
            print(f"  row {row}: {reason}")
        return print_forecast(r.forecast, False)
    if args.json:
        data = dataclasses.asdict(r)
        data["errors"] = [{"row": n, "email": e, "reason": why} for n, e, why in r.errors]
        print(json.dumps(data, indent=2, default=str))
    else:
        if r.held_action_id is not None:
            print(f"HELD as held action {r.held_action_id} for an admin's approval (spike guard): the import would "
                  f"set {r.marketing_changes:,} contacts as marketing; nothing was imported yet; "
                  "see `mcwidgets held list`")
        elif r.applied:
            print(f"action {r.action_id}: {r.rows:,} rows read: {r.created:,} contacts created, {r.updated:,} "
                  f"updated ({r.status_changed:,} status changes), {r.bad_rows:,} bad rows")
        else:
            print(f"strict mode: {r.bad_rows:,} bad row(s) of {r.rows:,}: nothing was imported")
        if r.ignored_columns:
            print("ignored columns: " + ", ".join(r.ignored_columns))
        shown = 20
        for row, _email, reason in r.errors[:shown]:
            print(f"  row {row}: {reason}")
        if r.bad_rows > shown:
            print(f"  ... and {r.bad_rows - shown:,} more")
        if r.error_csv_path:
            print(f"bad rows written to {r.error_csv_path}")
        if r.tier_after is not None and r.tier_before is not None and r.tier_after != r.tier_before:
            print(f"tier upgraded from {r.tier_before:,} to {r.tier_after:,}")
        if r.note:
            print(r.note)
    if r.error_csv_text:
        sys.stderr.write(r.error_csv_text)
    return EXIT_ERROR if (args.strict and r.bad_rows) else 0


def cmd_export(app: App, args) -> int:
    if args.output in (None, "-"):
        n = app.export_csv(sys.stdout, args.selection)
        print(f"exported {n:,} contacts", file=sys.stderr)
    else:
        try:
            n = app.export_csv(args.output, args.selection)
        except OSError as e:  # a folder, a missing folder, /proc/..., a full disk
            from .domain.errors import ValidationError
            raise ValidationError(f"cannot write {args.output}: {e.strerror or _first_line(e)}") from None
        print(f"exported {n:,} contacts to {args.output}")
    return 0


def _rows_progress(label: str):
    """A progress line for a stream of unknown length: rows so far, then a bar when the total is known."""
    def show(done: int, total: int | None) -> None:
        if total is None:
            print(f"\r{label}: {done:,} rows read", end="", file=sys.stderr)
        else:
            print(f"\r{label} [{'#' * 30}] {done:,}/{total:,} rows", file=sys.stderr)

    return show


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
    "count": cmd_count,
    "lists": cmd_lists,
    "views": cmd_views,
    "rollover": cmd_rollover,
    "workflows": cmd_workflows,
    "held": cmd_held,
    "import": cmd_import,
    "export": cmd_export,
    "serve": cmd_serve,
    "history": cmd_history,
    "actions": cmd_actions,
    "undo": cmd_undo,
    "defaults": cmd_defaults,
}
