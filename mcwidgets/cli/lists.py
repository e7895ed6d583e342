"""``lists`` and ``views``: static and active lists, saved views."""

from __future__ import annotations

import json

from ..app import App
from ..domain.filters import describe_filter
from .args import json_arg, target, target_args
from .output import contacts


def add_lists(sub, as_user) -> None:
    ls = sub.add_parser("lists", help="static lists (chosen members) and active lists (a filter, live)")
    lsub = ls.add_subparsers(dest="lists_command", metavar="ACTION", required=True)
    lc = lsub.add_parser("create", parents=[as_user], help="create a list: static, or active with --filter")
    lc.add_argument("name")
    lc.add_argument("--filter", type=json_arg, metavar="JSON", help="make it active: its members are the "
                    "contacts matching this filter (JSON, or @file.json), always up to date")
    lc.set_defaults(handler=cmd_lists_create)
    for name, text in (("add", "add contacts to a static list"), ("remove", "remove contacts from a static list")):
        x = lsub.add_parser(name, parents=[as_user], help=text)
        x.add_argument("name")
        target_args(x)
        x.set_defaults(handler=cmd_lists_members)
    lr = lsub.add_parser("rename", parents=[as_user], help="rename a list (filters naming it follow)")
    lr.add_argument("old")
    lr.add_argument("new")
    lr.set_defaults(handler=cmd_lists_rename)
    ld = lsub.add_parser("delete", parents=[as_user], help="delete a list (its contacts stay)")
    ld.add_argument("name")
    ld.set_defaults(handler=cmd_lists_delete)
    ll = lsub.add_parser("list", help="every list with its member count")
    ll.add_argument("--json", action="store_true")
    ll.set_defaults(handler=cmd_lists_list)
    lw = lsub.add_parser("show", help="a list: kind, filter, members")
    lw.add_argument("name")
    lw.add_argument("--json", action="store_true")
    lw.set_defaults(handler=cmd_lists_show)


def add_views(sub, as_user) -> None:
    vw = sub.add_parser("views", help="saved views: a named filter with its sort order and columns")
    vsub = vw.add_subparsers(dest="views_command", metavar="ACTION", required=True)
    vs = vsub.add_parser("save", parents=[as_user], help="save a view (replaces the one of that name)")
    vs.add_argument("name")
    vs.add_argument("--filter", type=json_arg, required=True, metavar="JSON", help="filter JSON, or @file.json")
    vs.add_argument("--sort", metavar="COL[:desc]", help="sort column, e.g. last_name or created_at:desc")
    vs.add_argument("--columns", metavar="a,b,c", help="the columns to show, in order")
    vs.set_defaults(handler=cmd_views_save)
    vl = vsub.add_parser("list", help="every saved view")
    vl.add_argument("--json", action="store_true")
    vl.set_defaults(handler=cmd_views_list)
    vh = vsub.add_parser("show", help="a saved view and how many contacts it shows now")
    vh.add_argument("name")
    vh.add_argument("--json", action="store_true")
    vh.set_defaults(handler=cmd_views_show)
    vr = vsub.add_parser("rename", parents=[as_user], help="rename a saved view")
    vr.add_argument("old")
    vr.add_argument("new")
    vr.set_defaults(handler=cmd_views_rename)
    vd = vsub.add_parser("delete", parents=[as_user], help="delete a saved view")
    vd.add_argument("name")
    vd.set_defaults(handler=cmd_views_delete)


# --- lists -------------------------------------------------------------------------


def cmd_lists_create(app: App, args) -> int:
    info = app.create_list(args.name, args.filter)
    if info.kind == "static":
        print(f"created static list {info.name!r}")
    else:
        print(f"created active list {info.name!r}: {contacts(info.members)} now "
              f"({describe_filter(info.filter, schema=app.schema())})")
    return 0


def cmd_lists_members(app: App, args) -> int:
    c = args.lists_command
    change = (app.add_to_list if c == "add" else app.remove_from_list)(args.name, **target(args))
    verb = "added to" if c == "add" else "removed from"
    print(f"{contacts(change.changed)} {verb} {change.name!r} ({change.matched:,} matched; "
          f"{contacts(change.members)} in the list now)")
    return 0


def cmd_lists_rename(app: App, args) -> int:
    info = app.rename_list(args.old, args.new)
    print(f"renamed list {args.old.strip()!r} to {info.name!r}")
    return 0


def cmd_lists_delete(app: App, args) -> int:
    app.delete_list(args.name)
    print(f"deleted list {args.name.strip()!r}")
    return 0


def cmd_lists_list(app: App, args) -> int:
    rows = app.lists()
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2))
        return 0
    if not rows:
        print("no lists")
    width = max((len(r.name) for r in rows), default=0)
    schema = app.schema() if rows else None  # names the custom properties the filters use
    for r in rows:
        what = "" if r.kind == "static" else f"  {describe_filter(r.filter, schema=schema)}"
        print(f"{r.name:<{width}}  {r.kind:<6}  {r.members:>9,}{what}")
    return 0


def cmd_lists_show(app: App, args) -> int:
    info = app.list_info(args.name)
    if args.json:
        print(json.dumps(info.as_json(), indent=2))
        return 0
    print(f"name        {info.name}")
    print(f"kind        {info.kind}")
    if info.filter is not None:
        print(f"filter      {describe_filter(info.filter, app.now(), app.account().timezone, schema=app.schema())}")
    print(f"members     {info.members:,}")
    print(f"created     {info.created_at:%Y-%m-%d %H:%M} UTC by {info.created_by}")
    return 0


# --- saved views -------------------------------------------------------------------


def cmd_views_save(app: App, args) -> int:
    replaced = any(v.name == args.name.strip() for v in app.views())
    v = app.save_view(args.name, args.filter, sort=args.sort, columns=args.columns)
    print(f"{'replaced' if replaced else 'saved'} view {v.name!r}: {describe_filter(v.filter, schema=app.schema())}")
    return 0


def cmd_views_list(app: App, args) -> int:
    rows = app.views()
    if args.json:
        print(json.dumps([v.as_json() for v in rows], indent=2))
        return 0
    if not rows:
        print("no saved views")
    width = max((len(v.name) for v in rows), default=0)
    schema = app.schema() if rows else None
    for v in rows:
        print(f"{v.name:<{width}}  {describe_filter(v.filter, schema=schema)}")
    return 0


def cmd_views_show(app: App, args) -> int:
    v = app.view(args.name)
    matching = app.count(filter=v.filter)
    if args.json:
        print(json.dumps({**v.as_json(), "matching": matching}, indent=2))
        return 0
    sort = v.sort and f"{v.sort['column']}{' descending' if v.sort['descending'] else ''}"
    print(f"name        {v.name}")
    print(f"filter      {describe_filter(v.filter, app.now(), app.account().timezone, schema=app.schema())}")
    print(f"matching    {contacts(matching)}")
    print(f"sort        {sort or '(default)'}")
    print(f"columns     {', '.join(v.columns) if v.columns else '(default)'}")
    print(f"created     {v.created_at:%Y-%m-%d %H:%M} UTC by {v.created_by}")
    return 0


def cmd_views_rename(app: App, args) -> int:
    v = app.rename_view(args.old, args.new)
    print(f"renamed view {args.old.strip()!r} to {v.name!r}")
    return 0


def cmd_views_delete(app: App, args) -> int:
    app.delete_view(args.name)
    print(f"deleted view {args.name.strip()!r}")
    return 0
