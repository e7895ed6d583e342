"""``properties list|create|rename|delete``: the account's custom contact properties (admins change them)."""

from __future__ import annotations

import json

from ..app import App
from ..domain.fields import FIELD_TYPES


def add_properties(sub, as_user) -> None:
    p = sub.add_parser("properties", help="custom contact properties: list, create, rename, delete (admins)")
    psub = p.add_subparsers(dest="properties_command", metavar="ACTION", required=True)
    pl = psub.add_parser("list", parents=[as_user], help="list the custom properties")
    pl.add_argument("--json", action="store_true", help="print JSON")
    pl.set_defaults(handler=cmd_list)
    pc = psub.add_parser("create", parents=[as_user], help="create a custom property (admins)")
    pc.add_argument("name", help="snake_case name, e.g. job_title")
    pc.add_argument("--label", help="as filters and columns name it (default: the name, in words)")
    pc.add_argument("--type", required=True, choices=FIELD_TYPES)
    pc.add_argument("--options", metavar="A,B,...", help="an enumeration's values, comma-separated")
    pc.set_defaults(handler=cmd_create)
    pr = psub.add_parser("rename", parents=[as_user], help="rename a custom property and/or change its label "
                         "(admins; refused while a view, list or workflow uses it)")
    pr.add_argument("name")
    pr.add_argument("new_name", nargs="?", help="the new snake_case name")
    pr.add_argument("--label", help="the new label")
    pr.set_defaults(handler=cmd_rename)
    pd = psub.add_parser("delete", parents=[as_user], help="delete a custom property and its values "
                         "(admins; refused while a view, list or workflow uses it)")
    pd.add_argument("name")
    pd.set_defaults(handler=cmd_delete)


def cmd_list(app: App, args) -> int:
    props = app.properties()
    if args.json:
        print(json.dumps([p.as_json() for p in props], indent=2))
        return 0
    if not props:
        print("no custom properties")
        return 0
    width = max(len(p.name) for p in props)
    for p in props:
        options = f"  ({', '.join(p.options)})" if p.options else ""
        print(f"{p.name:<{width}}  {p.type:<11}  {p.label}{options}")
    return 0


def cmd_create(app: App, args) -> int:
    options = [o for o in (args.options or "").split(",") if o.strip()]
    label = args.label if args.label is not None else args.name.replace("_", " ").capitalize()
    p = app.create_property(args.name, label, args.type, options)
    print(f"created custom property {p.name} ({p.type}, label {p.label!r})")
    return 0


def cmd_rename(app: App, args) -> int:
    p = app.rename_property(args.name, args.new_name, label=args.label)
    print(f"custom property {args.name}: now {p.name} (label {p.label!r})")
    return 0


def cmd_delete(app: App, args) -> int:
    had = app.delete_property(args.name)
    print(f"deleted custom property {args.name} ({had:,} contacts had a value)")
    return 0
