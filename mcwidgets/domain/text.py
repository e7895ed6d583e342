"""How dates are written for people, everywhere (dashboard, messages, notes): one format."""

from __future__ import annotations

from datetime import date


def day(d: date) -> str:
    """The one date format: "3 Jun 2026"."""
    return f"{d.day} {d:%b %Y}"
