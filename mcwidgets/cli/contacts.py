"""``set-status``, ``count``, ``history``, ``actions`` and ``undo``: contacts' statuses and what changed them."""

from __future__ import annotations

import dataclasses
import json

from ..app import App
from .args import count_arg, id_arg, print_search_notes, target, target_args
from .output import print_forecast


def add_set_status(sub, as_user) -> None:
    ss = sub.add_parser("set-status", parents=[as_user], help="set contacts as marketing or non-marketing")
    ss.add_argument("status", choices=["marketing", "non-marketing"])
    target_args(ss)
    ss.add_argument("--json", action="store_true")
    ss.add_argument("--dry-run", action="store_true", help="print the forecast; change nothing")
    ss.set_defaults(handler=cmd_set_status)


def add_count(sub, as_user) -> None:
    ct = sub.add_parser("count", help="how many contacts match a filter (or a list), and what it means")
    target_args(ct, required=False)
    ct.add_argument("--json", action="store_true")
    ct.set_defaults(handler=cmd_count)


def add_history(sub, as_user) -> None:
    h = sub.add_parser("history", help="a contact's status history (audit)")
    h.add_argument("contact_id", type=id_arg)
    h.add_argument("--json", action="store_true")
    h.set_defaults(handler=cmd_history)


def add_actions(sub, as_user) -> None:
    al = sub.add_parser("actions", help="actions: what, who, when, how many")
    alsub = al.add_subparsers(dest="actions_command", metavar="ACTION", required=True)
    alist = alsub.add_parser("list", help="the newest actions first")
    alist.add_argument("--limit", type=count_arg, default=20)
    alist.add_argument("--json", action="store_true")
    alist.set_defaults(handler=cmd_actions)


def add_undo(sub, as_user) -> None:
    un = sub.add_parser("undo", parents=[as_user], help="undo a set-as-non-marketing action while pending")
    un.add_argument("action_id", type=id_arg)
    un.set_defaults(handler=cmd_undo)


def cmd_set_status(app: App, args) -> int:
    chosen = target(args)
    if args.dry_run:
        transition = "set_marketing" if args.status == "marketing" else "set_non_marketing"
        return print_forecast(app.forecast(transition, **chosen), args.json)
    result = app.set_marketing(**chosen) if args.status == "marketing" else app.set_non_marketing(**chosen)
    if args.json:
        print(json.dumps(dataclasses.asdict(result), indent=2))
        return 0
    verb = "set as marketing" if args.status == "marketing" else "set as non-marketing (pending until the next update date)"
    print(f"action {result.action_id}: {result.changed:,} of {result.matched:,} matching contacts {verb}")
    if result.tier_after != result.tier_before:
        print(f"tier upgraded from {result.tier_before:,} to {result.tier_after:,}")
    return 0


def cmd_count(app: App, args) -> int:
    r = app.count_described(**target(args))
    print_search_notes(args.filter, app.schema())
    if args.json:
        print(json.dumps({"count": r.count, "description": r.description}, indent=2))
    else:
        print(r.count)
        print(r.description)
    return 0


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
    print(f"action {r.action_id}: undid action {args.action_id}; {r.note or f'{r.changed:,} contacts changed'}")
    return 0
