"""Printing shared by several commands: counts, forecasts, progress."""

from __future__ import annotations

import json
import sys

EXIT_ERROR = 1


def contacts(n: int) -> str:
    return f"{n:,} contact" + ("" if n == 1 else "s")


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
        print(f"{'Monthly cost':<28}{money(b.cost):>14}{money(a.cost):>14}")
    return 0


def money(x) -> str:
    return "-" if x is None else f"{x:,.2f}"


def rows_progress(label: str):
    """A progress line for a stream of unknown length: rows so far, then a bar when the total is known."""
    def show(done: int, total: int | None) -> None:
        if total is None:
            print(f"\r{label}: {done:,} rows read", end="", file=sys.stderr)
        else:
            print(f"\r{label} [{'#' * 30}] {done:,}/{total:,} rows", file=sys.stderr)

    return show


def progress_bar(label: str):
    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        print(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    return show
