"""The optional price table: {edition: {tier: monthly price}}, checked where it enters.

Pure: the services call :func:`validate_price_table` before storing a table (so a bad
one is refused with one line and nothing is stored); the Settings panel reads the
table typed as JSON with :func:`parse_price_table_text`, which ends in the same check.
"""

from __future__ import annotations

import json
import math

from .errors import ValidationError
from .tiers import Edition

PRICE_EXAMPLE = '{"professional": {"2000": 800, "7000": 1300}}'


def validate_price_table(raw) -> dict[str, dict[str, float]]:
    """The table normalised (tier keys as plain digits: "2,000" -> "2000"), or a
    ValidationError saying what is wrong. ``{}`` (or None) means no table."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError(f"the price table must be an object like {PRICE_EXAMPLE}")
    editions = [e.value for e in Edition]
    table: dict[str, dict[str, float]] = {}
    for edition, prices in raw.items():
        if edition not in editions:
            raise ValidationError(f"unknown edition {edition!r} in the price table (one of: {', '.join(editions)})")
        if not isinstance(prices, dict):
            raise ValidationError(f"the price table: the prices of {edition} must be an object of tier: price")
        table[edition] = {}
        for tier, price in prices.items():
            try:
                t = int(str(tier).replace(",", "").replace("_", ""))
            except ValueError:
                raise ValidationError(f"the price table, {edition}: {str(tier)[:40]!r} is not a tier (a whole "
                                      "number of contacts)")
            if t <= 0:
                raise ValidationError(f"the price table, {edition}: the tier {tier!r} must be positive")
            if (isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0
                    or not math.isfinite(price)):
                raise ValidationError(f"the price table, {edition}, tier {t:,}: the price {str(price)[:40]!r} "
                                      "must be a number of 0 or more")
            table[edition][str(t)] = price
    return table


def parse_price_table_text(text: str | None) -> dict[str, dict[str, float]]:
    """The price table typed as JSON, checked. Blank means no table ({})."""
    text = (text or "").strip()
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError(f"the price table is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})")
    return validate_price_table(raw)


__all__ = ["PRICE_EXAMPLE", "parse_price_table_text", "validate_price_table"]
