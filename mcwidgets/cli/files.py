"""``import`` and ``export``: contacts from and to CSV files."""

from __future__ import annotations

import dataclasses
import json
import sys

from ..app import App
from ..domain.errors import ValidationError
from .args import filter_selection_arg, first_line, print_search_notes
from .output import EXIT_ERROR, print_forecast, rows_progress


def add_import(sub, as_user) -> None:
    im = sub.add_parser("import", parents=[as_user], help="import contacts from a CSV file (matched by email)")
    im.add_argument("file", metavar="FILE", help="CSV file with a heading row ('-' reads standard input)")
    im.add_argument("--as-marketing", action="store_true", help="create the new contacts as marketing "
                    "(needs the 'Edit marketing contacts' permission)")
    im.add_argument("--strict", action="store_true", help="import nothing if any row is bad (exit 1)")
    im.add_argument("--mapping", metavar="JSON", help='column mapping, e.g. \'{"Mail": "email", "Notes": null}\'')
    im.add_argument("--errors", metavar="FILE", help="where to write the bad rows (default: FILE.errors.csv)")
    im.add_argument("--json", action="store_true")
    im.add_argument("--dry-run", action="store_true", help="run the import, roll it back, print the forecast")
    im.set_defaults(handler=cmd_import)


def add_export(sub, as_user) -> None:
    ex = sub.add_parser("export", help="export contacts to CSV (the headings import reads)")
    ex.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    # The contacts to export: args.selection, a Selection or None (all). A selection
    # option is one line: ex.add_argument("--filter", dest="selection", type=<text -> Selection>).
    ex.set_defaults(selection=None, handler=cmd_export)
    ex.add_argument("--filter", dest="selection", type=filter_selection_arg, metavar="JSON",
                    help="export only the contacts matching a filter (JSON, or @file.json)")


def cmd_import(app: App, args) -> int:
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
    progress = rows_progress("importing") if sys.stderr.isatty() else None
    source = sys.stdin if args.file == "-" else args.file
    r = app.import_csv(source, as_marketing=args.as_marketing, strict=args.strict, mapping=mapping,
                       errors_path=args.errors, progress=progress, dry_run=args.dry_run)
    if r.dry_run and not args.json:
        print(f"dry run of {r.rows:,} rows: {r.created:,} contacts would be created, {r.updated:,} updated "
              f"({r.status_changed:,} status changes), {r.bad_rows:,} bad rows; nothing was imported")
        if r.would_be_held:
            print(f"the import would be HELD by the spike guard: it sets {r.marketing_changes:,} contacts as marketing")
        for name, type_, label in r.new_properties:
            print(f"would create custom property {name} ({type_}, label {label!r})")
        for row, _email, reason in r.errors[:20]:
            print(f"  row {row}: {reason}")
        return print_forecast(r.forecast, False)
    if args.json:
        data = dataclasses.asdict(r)
        data["errors"] = [{"row": n, "email": e, "reason": why} for n, e, why in r.errors]
        print(json.dumps(data, indent=2, default=str))
    else:
        _print_import(r)
    if r.error_csv_text:
        sys.stderr.write(r.error_csv_text)
    return EXIT_ERROR if (args.strict and r.bad_rows) else 0


def _print_import(r) -> None:
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
    if r.applied and r.new_properties:
        print("created custom properties: " + ", ".join(f"{n} ({t})" for n, t, _ in r.new_properties))
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


def cmd_export(app: App, args) -> int:
    if args.selection is not None:
        print_search_notes(args.selection.filter, app.schema())
    if args.output in (None, "-"):
        n = app.export_csv(sys.stdout, args.selection)
        print(f"exported {n:,} contacts", file=sys.stderr)
    else:
        try:
            n = app.export_csv(args.output, args.selection)
        except OSError as e:  # a folder, a missing folder, /proc/..., a full disk
            raise ValidationError(f"cannot write {args.output}: {e.strerror or first_line(e)}") from None
        print(f"exported {n:,} contacts to {args.output}")
    return 0
