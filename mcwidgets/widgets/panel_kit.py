"""What the Workflows, Activity and Settings panels share: a confirmation bar, the
busy state of long operations, readable errors and date formatting.

View helpers only: no database, no service calls of their own.

Stable CSS classes: ``mcw-confirm`` (the bar), ``mcw-confirm-question``,
``mcw-confirm-<key>`` (its buttons, e.g. ``mcw-confirm-yes``), ``mcw-progress``,
``mcw-message`` (errors and results), ``mcw-ok`` (a success message), ``mcw-note``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import ipywidgets as widgets

from ..domain.errors import McError
from .theme import error_html, esc

log = logging.getLogger(__name__)

CSS = """
.mcw-panel { gap: 8px; max-width: 1100px; }
.mcw-section-title { font-size: 16px; font-weight: 650; margin: 10px 0 2px 0; }
.mcw-panel .mcw-note { font-size: 13px; color: #4b5563; }
.mcw-readonly-note { background: #eff6ff; border: 1px solid #bfdbfe; color: #1e3a8a; border-radius: 8px;
                     padding: 6px 12px; font-size: 13px; }
.mcw-confirm { border: 1px solid #fde68a; background: #fffbeb; border-radius: 8px; padding: 8px 12px; gap: 6px; }
.mcw-confirm-question { font-size: 14px; color: #78350f; }
.mcw-buttons { gap: 8px; flex-wrap: wrap; }
.mcw-progress { font-size: 14px; color: #1e3a8a; }
.mcw-spinner { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 50%;
               border: 2px solid #93c5fd; border-top-color: #1d4ed8; animation: mcw-spin 0.8s linear infinite; }
@keyframes mcw-spin { to { transform: rotate(360deg); } }
.mcw-ok { background: #f0fdf4; border: 1px solid #bbf7d0; color: #166534; border-radius: 8px; padding: 8px 12px; }
.mcw-held { background: #fff7ed; border: 1px solid #fdba74; color: #9a3412; border-radius: 8px; padding: 8px 12px; }
table.mcw-table { border-collapse: collapse; font-size: 13px; margin: 4px 0; }
table.mcw-table th, table.mcw-table td { padding: 4px 10px; border-bottom: 1px solid #e5e7eb; text-align: left;
                                         vertical-align: top; }
table.mcw-table th { color: #6b7280; font-weight: 600; }
table.mcw-table td.mcw-num, table.mcw-table th.mcw-num { text-align: right; font-variant-numeric: tabular-nums; }
.mcw-grid { gap: 0; font-size: 13px; align-items: stretch; }
.mcw-grid .mcw-cell { padding: 3px 8px; border-bottom: 1px solid #e5e7eb; min-height: 30px; }
.mcw-grid .mcw-head { color: #6b7280; font-weight: 600; }
.mcw-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; }
.mcw-badge-on { background: #dcfce7; color: #166534; }
.mcw-badge-off { background: #f3f4f6; color: #4b5563; }
.mcw-badge-undone { background: #f3f4f6; color: #6b7280; }
"""


def panel_style() -> widgets.HTML:
    w = widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(height="0px", margin="0"))
    w.add_class("mcw-style")
    return w


def button(description: str, cls: str, style: str = "", tooltip: str = "", **kw) -> widgets.Button:
    b = widgets.Button(description=description, button_style=style, tooltip=tooltip,
                       layout=widgets.Layout(width="auto"), **kw)
    b.add_class(cls)
    return b


def buttons_row(*buttons: widgets.Widget) -> widgets.HBox:
    box = widgets.HBox(list(buttons))
    box.add_class("mcw-buttons")
    return box


def section(title: str, cls: str) -> widgets.HTML:
    w = widgets.HTML(f'<div class="mcw-section-title">{esc(title)}</div>')
    w.add_class(cls)
    return w


def show(widget: widgets.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


def shown(widget: widgets.Widget) -> bool:
    return widget.layout.display != "none"


def readable(e: BaseException, *, capital: bool = True) -> str:
    """The first line of an error (what the user is shown), starting with a capital
    unless it follows a prefix (``capital=False``: "Could not save: only admins...")."""
    text = (str(e).strip() or type(e).__name__).splitlines()[0]
    return text[:1].upper() + text[1:] if capital else text


def log_failure(what: str, e: BaseException) -> None:
    """Refusals and bad input are the user's news, not a bug: no traceback for those."""
    if isinstance(e, McError):
        log.info("%s: %s", what, e)
    else:
        log.error(what, exc_info=e)


def ok_html(text_html: str, cls: str = "mcw-ok") -> str:
    """A result message; ``text_html`` must be escaped by the caller."""
    return f'<div class="{cls}" role="status">{text_html}</div>'


def day(d: date) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


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
    return local.strftime("%d %b %Y %H:%M").lstrip("0")


def num(n: int | None, cls: str) -> str:
    if n is None:
        return f'<span class="{cls}" data-value="">–</span>'
    return f'<span class="{cls}" data-value="{int(n)}">{int(n):,}</span>'


def plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


class Confirm(widgets.VBox):
    """A question with buttons, hidden until asked: ``ask(question, choices, on_answer)``.

    ``choices`` are (label, key, button_style); the buttons are in ``self.buttons`` by
    key, with the class ``mcw-confirm-<key>``. Clicking one hides the bar and calls
    ``on_answer(key)``. ``question`` is plain text (escaped here).
    """

    def __init__(self):
        self.question = widgets.HTML("")
        self.question.add_class("mcw-confirm-question")
        self.row = buttons_row()
        self.buttons: dict[str, widgets.Button] = {}
        self.asking: str | None = None  # the question being asked, None when idle
        self._on_answer: Callable[[str], None] | None = None
        super().__init__([self.question, self.row])
        self.add_class("mcw-confirm")
        show(self, False)

    def ask(self, question: str, choices: Iterable[tuple[str, str, str]], on_answer: Callable[[str], None]) -> None:
        self.asking = question
        self._on_answer = on_answer
        self.question.value = f"<span>{esc(question)}</span>"
        self.buttons = {}
        for label, key, style in choices:
            b = button(label, f"mcw-confirm-{key}", style)
            b.on_click(lambda _b, key=key: self.answer(key))
            self.buttons[key] = b
        self.row.children = list(self.buttons.values())
        show(self, True)

    def answer(self, key: str) -> None:
        callback = self._on_answer
        self.cancel()
        if callback is not None:
            callback(key)

    def cancel(self) -> None:
        self.asking, self._on_answer = None, None
        self.question.value = ""
        self.buttons = {}
        self.row.children = []
        show(self, False)


class Panel(widgets.VBox):
    """A panel over an App: a message line, a progress line, a confirmation bar, and
    ``run()`` for operations that call the App (busy state, errors shown, refresh).

    Subclasses define ``refresh()`` (re-read everything) and ``action_buttons()``
    (the buttons to disable while an operation runs). ``threaded=True`` runs the
    operations in a thread (the default runs them in the click handler: tests).
    """

    def __init__(self, app, css_class: str, *, threaded: bool = False):
        self.app = app
        self.threaded = threaded
        self.busy = False
        self._running = False  # an App call of this panel is under way
        self.message = widgets.HTML("")
        self.message.add_class("mcw-message")
        self.progress = widgets.HTML("")
        self.progress.add_class("mcw-progress")
        self.confirm = Confirm()
        super().__init__([], layout=widgets.Layout(width="100%", padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-panel")
        self.add_class(css_class)

    # ---- to define -----------------------------------------------------------------
    def refresh(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def action_buttons(self) -> list[widgets.Button]:
        return []

    # ---- messages ------------------------------------------------------------------
    def error(self, text: str) -> None:
        self.message.value = error_html(text)

    def ok(self, text_html: str, cls: str = "mcw-ok") -> None:
        self.message.value = ok_html(text_html, cls)

    def clear_message(self) -> None:
        self.message.value = ""

    # ---- operations ----------------------------------------------------------------
    def set_busy(self, busy: bool, label: str = "") -> None:
        self.busy = busy
        for b in [*self.action_buttons(), *self.confirm.buttons.values()]:
            b.disabled = busy
        self.progress.value = f'<span class="mcw-spinner"></span>{esc(label)}' if busy else ""

    def run(self, label: str, fn: Callable[[], object], on_success: Callable[[object], None],
            failure: str = "", *, long: bool = True) -> None:
        """Call ``fn`` (an App call); on success ``on_success(result)`` then refresh, on
        failure the App's message. ``long`` operations show ``label`` with a spinner and
        disable the buttons (and run in a thread if ``threaded``)."""
        if self.busy:
            return
        self.clear_message()
        if long:
            self.set_busy(True, label)

        def work():
            self._running = True
            try:
                result, failed = fn(), None
            except Exception as e:
                result, failed = None, e
            finally:
                self._running = False
            self._after(long)
            if failed is not None:
                log_failure(failure or label, failed)
                self.error(f"{failure}: {readable(failed, capital=False)}" if failure else readable(failed))
                return
            try:
                on_success(result)
            except Exception as e:  # showing the result must not hide that it happened
                log_failure("showing a result failed", e)
                self.error(f"Done, but the result could not be shown: {readable(e)}")

        if long and self.threaded:
            threading.Thread(target=work, daemon=True).start()
        else:
            work()

    def _after(self, long: bool) -> None:
        if long:
            self.set_busy(False)
        self.safe_refresh()

    def safe_refresh(self) -> None:
        """Refresh, showing (not raising) a failure: a view must never break an action."""
        try:
            self.refresh()
        except Exception as e:
            log_failure("panel refresh failed", e)
            self.error(f"Could not refresh: {readable(e)}")

    def _on_app_change(self) -> None:
        if not (self.busy or self._running):  # an operation of this panel refreshes when it ends
            self.safe_refresh()


def is_admin(app) -> bool:
    """Whether the App's acting user is an admin (the services check it again)."""
    return (current_user(app) or {}).get("role") == "admin"


def current_user(app) -> dict | None:
    """The acting user's row as a dict (name, role, can_edit_marketing), None if unknown."""
    if not app.user:
        return None
    u = app.me()
    return None if u is None else {"name": u.name, "role": u.role, "can_edit_marketing": u.can_edit_marketing}


__all__ = ["Confirm", "Panel", "button", "buttons_row", "current_user", "day", "is_admin", "log_failure",
           "num", "ok_html", "panel_style", "plural", "readable", "section", "show", "shown", "when"]
