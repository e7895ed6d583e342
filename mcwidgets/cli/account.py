"""``status``, ``account``, ``users``, ``defaults`` and ``rollover``: the account and its users."""

from __future__ import annotations

import json
import sys

from ..app import App
from .args import count_arg


def add_status(sub, as_user) -> None:
    s = sub.add_parser("status", parents=[as_user], help="marketing, non-marketing and pending counts, tier")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(handler=cmd_status)


def add_account(sub, as_user) -> None:
    a = sub.add_parser("account", parents=[as_user], help="show or change billing, edition, tier, time zone")
    a.add_argument("--billing", choices=["monthly", "annual"])
    a.add_argument("--start", metavar="DATE", help="billing start date, YYYY-MM-DD")
    a.add_argument("--edition", choices=["starter", "professional", "enterprise"])
    a.add_argument("--tier", type=count_arg, metavar="N", help="a higher tier applies now; a lower one is "
                   "requested for the next update date (applies now while the account is set up)")
    a.add_argument("--timezone", metavar="TZ", help="IANA time zone, e.g. Europe/Amsterdam")
    a.add_argument("--spike-limit", type=count_arg, metavar="N")
    a.add_argument("--acknowledge-tier-events", action="store_true",
                   help="acknowledge the tier raises shown by status and the Overview (admins)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_account)


def add_users(sub, as_user) -> None:
    u = sub.add_parser("users", help="users and the 'Edit marketing contacts' permission")
    usub = u.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    ua = usub.add_parser("add", parents=[as_user], help="add a user (the first user is an admin)")
    ua.add_argument("name")
    ua.add_argument("--admin", action="store_true")
    ua.set_defaults(handler=cmd_users_add)
    for name, text in (("restrict", "switch 'Edit marketing contacts' off"),
                       ("allow", "switch 'Edit marketing contacts' on")):
        x = usub.add_parser(name, parents=[as_user], help=text)
        x.add_argument("name")
        x.set_defaults(handler=cmd_users_permission)
    ul = usub.add_parser("list", parents=[as_user], help="list users")
    ul.add_argument("--json", action="store_true")
    ul.set_defaults(handler=cmd_users_list)


def add_defaults(sub, as_user) -> None:
    df = sub.add_parser("defaults", help="default marketing status per source tool")
    dfsub = df.add_subparsers(dest="defaults_command", metavar="ACTION", required=True)
    dfsub.add_parser("show", help="show the defaults").add_argument("--json", action="store_true")
    dfs = dfsub.add_parser("set", parents=[as_user], help="set a tool's default (admins)")
    dfs.add_argument("source", help="forms, chatflows, import, integrations, manual, ads, meetings, "
                     "sales_email_extension")
    dfs.add_argument("status", choices=["marketing", "non-marketing"])
    df.set_defaults(handler=cmd_defaults)


def add_rollover(sub, as_user) -> None:
    r = sub.add_parser("rollover", help="apply due update dates: pending contacts become non-marketing")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_rollover)


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


def cmd_users_add(app: App, args) -> int:
    u = app.add_user(args.name, admin=args.admin)
    print(f"added {u.role} {u.name}")
    return 0


def cmd_users_permission(app: App, args) -> int:
    u = app.set_permission(args.name, args.users_command == "allow")
    state = "may" if u.can_edit_marketing else "may not"
    print(f"{u.name} {state} set contacts as marketing")
    return 0


def cmd_users_list(app: App, args) -> int:
    rows = app.users()
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], indent=2))
    for r in ([] if args.json else rows):
        perm = "edit marketing contacts" if r.can_edit_marketing else "may NOT set marketing"
        print(f"{r.name:<20} {r.role:<6} {perm}")
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
