"""Text for the views: HTML built with markupsafe (escaping is the default), the one
format for dates, numbers and money, and the one way to log a failure.

Part of the widget kit (:mod:`mcwidgets.widgets.panel_kit` re-exports every name).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..domain.errors import McError
from ..domain.text import day  # noqa: F401 (the one date format, part of the kit)

log = logging.getLogger("mcwidgets.widgets")


# ---- HTML ------------------------------------------------------------------------------

def html(template: str, *args, **kwargs) -> Markup:
    """``template`` (trusted markup) with its ``{}`` fields filled by ``args``/``kwargs``,
    each escaped unless it is already ``Markup``; format specs work (``{:,}``)."""
    return Markup(template).format(*args, **kwargs)


def join(parts: Iterable, sep: str = "") -> Markup:
    """Pieces of HTML joined (plain strings among them are escaped)."""
    return Markup(sep).join(parts)


def esc(value) -> Markup:
    """Text from the store (names, editions, messages) made safe for an HTML widget."""
    return escape("" if value is None else value)


def error_html(message) -> Markup:
    return html('<div class="mcw-error" role="alert">{}</div>', message)


def ok_html(text, cls: str = "mcw-ok") -> Markup:
    """A result message (plain text is escaped; pass ``Markup`` for markup)."""
    return html('<div class="{}" role="status">{}</div>', cls, text)


def note_html(text) -> Markup:
    return html('<div class="mcw-note">{}</div>', text)


# ---- formats -----------------------------------------------------------------------------

def when(at: datetime | None, tz: str | None = "UTC") -> str:
    """A stored instant (naive means UTC) in the account's time zone: "26 Nov 2026 13:00"."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    try:
        local = at.astimezone(ZoneInfo(tz or "UTC"))
    except Exception:  # an unknown zone name: show UTC rather than fail
        local = at.astimezone(UTC)
    return f"{day(local.date())} {local:%H:%M}"


def number(n: int) -> str:
    """The one number format: "1,234"."""
    return f"{int(n):,}"


def num(n: int | None, cls: str) -> Markup:
    if n is None:
        return html('<span class="{}" data-value="">–</span>', cls)
    return html('<span class="{}" data-value="{}">{}</span>', cls, int(n), number(n))


def money(x: float | None, cls: str) -> Markup:
    if x is None:
        return html('<span class="{}" data-value="">–</span>', cls)
    return html('<span class="{}" data-value="{}">{}</span>', cls, f"{x:g}", f"{x:,.2f}")


def delta(n: int, cls: str, costs: bool) -> Markup:
    """A signed change; ``costs``: more of it costs money (marketing contacts, the tier),
    so a rise shows red and a fall green."""
    sign = "+" if n > 0 else ("−" if n < 0 else "")
    tone = (" mcw-up" if n > 0 else " mcw-down" if n < 0 else "") if costs else ""
    return html('<span class="{}" data-value="{}">{}{}</span>', cls + tone, int(n), sign, number(abs(int(n))))


def plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


# ---- errors ------------------------------------------------------------------------------

def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def readable(e: BaseException, *, capital: bool = True) -> str:
    """The first line of an error (what the user is shown), starting with a capital
    unless it follows a prefix (``capital=False``: "Could not save: only admins...")."""
    text = first_line(e)
    return text[:1].upper() + text[1:] if capital else text


def log_failure(what: str, e: BaseException) -> None:
    """The one way widgets log a failure. Refusals and bad input (``McError``) are the
    user's news, not a bug: one line at INFO. Anything else is a bug: its traceback goes
    to the process's real stderr (``sys.__stderr__``, which Voila passes to its log),
    never to ``sys.stderr``, which inside a kernel is the page."""
    if isinstance(e, McError):
        log.info("%s: %s", what, first_line(e))
        return
    stream = sys.__stderr__
    if stream is None:  # pragma: no cover - no terminal at all
        return
    try:
        stream.write(f"mcwidgets: {what}\n{''.join(traceback.format_exception(e))}")
        stream.flush()
    except (OSError, ValueError):  # pragma: no cover - closed stream
        pass
