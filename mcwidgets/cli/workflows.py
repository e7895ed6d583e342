"""``workflows`` and ``held``: workflows that set the status, runs and imports held by the spike guard."""

from __future__ import annotations

import dataclasses
import json

from ..app import App
from .args import id_arg, json_arg
from .output import print_forecast


def add_workflows(sub, as_user) -> None:
    wf = sub.add_parser("workflows", help="workflows that set the marketing contact status")
    wfsub = wf.add_subparsers(dest="workflows_command", metavar="ACTION", required=True)
    wc = wfsub.add_parser("create", parents=[as_user], help="create a workflow (off until turned on)")
    wc.add_argument("--name", required=True)
    wc.add_argument("--trigger", required=True, type=json_arg, metavar="JSON",
                    help="enrollment triggers: filter JSON, or @file.json")
    wc.add_argument("--action", required=True, choices=["marketing", "non-marketing"])
    wc.add_argument("--reenroll", action="store_true", help="enroll contacts again when they meet the triggers anew")
    wc.set_defaults(handler=cmd_workflows_create)
    wl = wfsub.add_parser("list", help="list workflows")
    wl.add_argument("--json", action="store_true")
    wl.set_defaults(handler=cmd_workflows_list)
    for name, text, handler in (("show", "show a workflow", cmd_workflows_show),
                                ("off", "turn a workflow off", cmd_workflows_off),
                                ("dry-run", "which contacts it would enroll now, and the forecast",
                                 cmd_workflows_dry_run),
                                ("run", "run one workflow now (or all that are on, with no name)",
                                 cmd_workflows_run),
                                ("on", "turn a workflow on", cmd_workflows_on),
                                ("delete", "delete a workflow", cmd_workflows_delete)):
        x = wfsub.add_parser(name, parents=[as_user], help=text)
        x.add_argument("name", nargs="?" if name == "run" else None)
        x.add_argument("--json", action="store_true")
        if name == "on":
            x.add_argument("--enroll-existing", action="store_true",
                           help="also enroll the contacts that already meet the triggers")
        x.set_defaults(handler=handler)


def add_held(sub, as_user) -> None:
    hd = sub.add_parser("held", help="runs and imports held by the spike guard")
    hdsub = hd.add_subparsers(dest="held_command", metavar="ACTION", required=True)
    hl = hdsub.add_parser("list", help="what is held")
    hl.add_argument("--json", action="store_true")
    hl.set_defaults(handler=cmd_held_list)
    for name, handler in (("approve", cmd_held_approve), ("reject", cmd_held_reject)):
        x = hdsub.add_parser(name, parents=[as_user], help=f"{name} a held run (admins with the permission)")
        x.add_argument("held_id", type=id_arg)
        x.set_defaults(handler=handler)


# --- workflows ---------------------------------------------------------------------


def cmd_workflows_create(app: App, args) -> int:
    info = app.create_workflow(args.name, args.trigger, args.action, reenroll=args.reenroll)
    print(f"created workflow {info.name!r} (off): {info.trigger_text} -> set as {info.action.replace('_', '-')}")
    return 0


def cmd_workflows_list(app: App, args) -> int:
    rows = app.workflows()
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
    for r in ([] if args.json else rows):
        state = "on " if r.enabled else "off"
        print(f"{r.name:<30} {state} set {r.action.replace('_', '-'):<14} enrolled {r.enrolled:>8,}  "
              f"{r.trigger_text}{'  (re-enrollment)' if r.reenroll else ''}")
    return 0


def cmd_workflows_show(app: App, args) -> int:
    info = app.workflow(args.name)
    print(json.dumps(dataclasses.asdict(info), indent=2) if args.json else
          "\n".join(f"{k:<13} {v}" for k, v in dataclasses.asdict(info).items() if k != "trigger"))
    return 0


def cmd_workflows_on(app: App, args) -> int:
    r = app.turn_on_workflow(args.name, enroll_existing=args.enroll_existing)
    print(f"workflow {args.name!r} is on")
    if r is not None:
        print_run(r)
    return 0


def cmd_workflows_off(app: App, args) -> int:
    app.turn_off_workflow(args.name)
    print(f"workflow {args.name!r} is off")
    return 0


def cmd_workflows_delete(app: App, args) -> int:
    app.delete_workflow(args.name)
    print(f"workflow {args.name!r} deleted")
    return 0


def cmd_workflows_dry_run(app: App, args) -> int:
    dr = app.workflow_dry_run(args.name)
    if args.json:
        print(json.dumps({"would_enroll": dr.would_enroll, "sample": dr.sample,
                          "forecast": dr.forecast.as_json()}, indent=2, default=str))
        return 0
    print(f"workflow {dr.workflow!r} would enroll {dr.would_enroll:,} contacts now")
    for row in dr.sample:
        print(f"  {row['id']:>8}  {row['email']}")
    return print_forecast(dr.forecast, False)


def cmd_workflows_run(app: App, args) -> int:
    for r in app.run_workflows(args.name):
        print_run(r)
    return 0


def print_run(r) -> None:
    if r.held_id is not None:
        print(f"workflow {r.workflow!r}: HELD as held action {r.held_id} for an admin's approval "
              "(spike guard); see `mcwidgets held list`")
    else:
        print(f"workflow {r.workflow!r}: enrolled {r.enrolled:,}, changed {r.changed:,}"
              + (f" (action {r.action_id})" if r.action_id else ""))


# --- held runs and imports ---------------------------------------------------------


def cmd_held_list(app: App, args) -> int:
    rows = app.held()
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, default=str))
    elif not rows:
        print("nothing is held")
    for r in ([] if args.json else rows):
        print(f"{r.id:>5}  {r.created_at:%Y-%m-%d %H:%M}  {r.kind:<8} by {r.requested_by:<12} {r.what}")
    return 0


def cmd_held_approve(app: App, args) -> int:
    result = app.approve_held(args.held_id)
    print(f"held action {args.held_id} approved")
    if hasattr(result, "held_id"):
        print_run(result)
    return 0


def cmd_held_reject(app: App, args) -> int:
    app.reject_held(args.held_id)
    print(f"held action {args.held_id} rejected")
    return 0
