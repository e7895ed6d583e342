"""Argument types and the shared "which contacts" options of the command line."""

from __future__ import annotations

import argparse
import json
import sys

from ..domain.filters import parse_search_body
from ..domain.selection import MAX_ID, Selection, parse_ids

MAX_COUNT = 2**31 - 1  # counts and limits are stored as SQL INTEGER (32 bits on PostgreSQL)


def count_arg(text: str) -> int:
    try:
        value = int(str(text).replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is too large (at most {MAX_COUNT:,})")
    return value


def id_arg(text: str) -> int:
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


def target_args(parser, required: bool = True) -> None:
    """Which contacts: exactly one of --ids, --filter, --list (or --all, for actions); optionally --except ids."""
    target = parser.add_mutually_exclusive_group(required=required)
    target.add_argument("--ids", metavar="1,2,3", help="contact ids (ranges like 5-9 too)")
    target.add_argument("--filter", type=json_arg, metavar="JSON", help="the contacts matching a filter "
                        "(JSON, or @file.json)")
    target.add_argument("--list", dest="list_name", metavar="NAME", help="the members of a list")
    if required:  # acting on every contact is said explicitly, never implied by an empty filter
        target.add_argument("--all", dest="all_contacts", action="store_true", help="all contacts")
    parser.add_argument("--except", dest="except_ids", metavar="1,2", help="leave these contacts out")


def target(args) -> dict:
    """--ids / --filter / --list / --except as App keyword arguments."""
    ids = parse_ids(args.ids) if args.ids is not None else None
    exclude = parse_ids(args.except_ids) if args.except_ids else ()
    target = {"ids": ids, "filter": args.filter, "list": args.list_name, "exclude": exclude}
    if getattr(args, "all_contacts", False):
        target["all_contacts"] = True
    return target


def print_search_notes(filter, schema=None) -> None:
    """On stderr, what a HubSpot search body given as a filter asked for that is ignored.
    ``schema``: the account's (``App.schema()``), so custom properties are known."""
    if isinstance(filter, dict):
        for note in parse_search_body(filter, schema).notes:
            print(note, file=sys.stderr)


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
        raise argparse.ArgumentTypeError(f"not valid JSON ({first_line(e)[:120]})")


def first_line(e) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
