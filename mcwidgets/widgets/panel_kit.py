"""The widget kit: what every panel of the dashboard shares.

View helpers only: no database, no service calls of their own.

* HTML is built with ``markupsafe``: :func:`html` (``Markup(template).format``) escapes
  every argument that is not already markup, so escaping is the default. Helpers that
  return HTML return ``Markup``; plain text passed to them is escaped.
* One format each: :func:`day` ("3 Jun 2026"), :func:`when` ("3 Jun 2026 13:00" in the
  account's zone), :func:`number` ("1,234"), :func:`num` / :func:`money` /
  :func:`delta` (the same as a ``span`` with ``data-value`` for tests).
* One stylesheet, shipped as ``widgets/static/mcwidgets.css``: :func:`style`.
* One forecast table: :func:`forecast_table`.
* One way to run an App call from a click (busy state, error shown and logged once):
  :func:`run_work`, used by :meth:`Panel.run`, the bulk actions and the wizard. It runs
  in the click handler; the progress line set before it is sent first.
* One error-logging helper: :func:`log_failure`.
* :class:`Refreshing`: ``safe_refresh()`` for views that re-read on every change.

Stable CSS classes: ``mcw-confirm`` (the bar), ``mcw-confirm-question``,
``mcw-confirm-<key>`` (its buttons, e.g. ``mcw-confirm-yes``), ``mcw-progress``,
``mcw-message`` (errors and results), ``mcw-ok`` (a success message), ``mcw-note``,
``mcw-error``, ``mcw-forecast`` (a forecast table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from importlib import resources

import ipywidgets as widgets
from markupsafe import Markup

from ..domain.forecast import AT_UPDATE, AT_UPDATE_WITHOUT
from .formats import (  # noqa: F401 (the kit's text helpers live there; views import them from the kit)
    day, delta, error_html, esc, first_line, html, join, log, log_failure, money, note_html, num, number, ok_html,
    plural, readable, when)


# ---- the stylesheet -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The dashboard's one stylesheet (``widgets/static/mcwidgets.css``)."""
    return resources.files(__package__).joinpath("static/mcwidgets.css").read_text(encoding="utf-8")


def style() -> widgets.HTML:
    """The stylesheet as an (invisible) HTML widget; the same sheet twice is harmless."""
    w = widgets.HTML(Markup("<style>{}</style>").format(Markup(stylesheet())),
                     layout=widgets.Layout(height="0px", margin="0"))
    w.add_class("mcw-style")
    return w


# ---- small widgets -------------------------------------------------------------------------

def replace_children(box: widgets.Box, children: Sequence[widgets.Widget]) -> None:
    """Show ``children`` in ``box`` and close the widgets it showed before and no longer does,
    with their children, layouts and styles (for re-rendered rows built with their own, as the
    kit's helpers build them: not for a layout shared with widgets still shown).

    A widget that is not closed stays registered, and in a kernel keeps its comm, for the
    kernel's life: a list re-rendered after every action would otherwise grow without end."""
    old = list(box.children)
    box.children = list(children)
    close_widgets(old, keep=children)


def close_widgets(old: Iterable[widgets.Widget], keep: Iterable[widgets.Widget] = ()) -> None:
    """Close ``old`` widgets and their descendants, layouts and styles, except those in ``keep``
    (and their descendants, which stay shown)."""
    kept: set[int] = set()
    todo = list(keep)
    while todo:
        w = todo.pop()
        if id(w) not in kept:
            kept.add(id(w))
            todo.extend(getattr(w, "children", ()) or ())
            kept.update(id(part) for part in (getattr(w, "layout", None), getattr(w, "style", None)) if part)
    todo = list(old)
    while todo:
        w = todo.pop()
        if id(w) in kept or not isinstance(w, widgets.Widget):
            continue
        kept.add(id(w))  # once
        todo.extend(getattr(w, "children", ()) or ())
        for part in (getattr(w, "layout", None), getattr(w, "style", None)):
            if isinstance(part, widgets.Widget) and id(part) not in kept:
                part.close()
        w.close()


def button(description: str, cls: str, style: str = "", tooltip: str = "", **kw) -> widgets.Button:
    b = widgets.Button(description=description, button_style=style, tooltip=tooltip,
                       layout=widgets.Layout(width="auto"), **kw)
    b.add_class(cls)
    return b


def buttons_row(*buttons: widgets.Widget, cls: str = "mcw-buttons") -> widgets.HBox:
    box = widgets.HBox(list(buttons))
    box.add_class(cls)
    return box


def html_widget(cls: str, value="") -> widgets.HTML:
    w = widgets.HTML(value)
    w.add_class(cls)
    return w


def section(title: str, cls: str) -> widgets.HTML:
    return html_widget(cls, html('<div class="mcw-section-title">{}</div>', title))


def show(widget: widgets.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


def shown(widget: widgets.Widget) -> bool:
    return widget.layout.display != "none"


def spinner(label) -> Markup:
    return html('<span class="mcw-spinner"></span>{}', label)


# ---- the acting user -------------------------------------------------------------------------

def current_user(app) -> dict | None:
    """The acting user's row as a dict (name, role, can_edit_marketing), None if unknown."""
    if not app.user:
        return None
    u = app.me()
    return None if u is None else {"name": u.name, "role": u.role, "can_edit_marketing": u.can_edit_marketing}


def is_admin(app) -> bool:
    """Whether the App's acting user is an admin (the services check it again)."""
    return (current_user(app) or {}).get("role") == "admin"


# ---- the forecast table ----------------------------------------------------------------------

CHANGE = "change"  # a column: the change the action makes at the update date
ROWS = (("marketing", "Marketing contacts"), ("pending", "of which pending non-marketing"),
        ("non_marketing", "Non-marketing contacts"), ("tier", "Contact tier"))
COSTS = {"marketing", "tier"}  # rows where more costs money (a rise shows red)


def forecast_table(fc, update_date: date, columns: Sequence[tuple[str, str, str]], *, prefix: str,
                   cls: str, rows: Sequence[tuple[str, str]] = ROWS) -> Markup:
    """The one forecast table: ``rows`` (figure, label) by ``columns`` (css name, column
    of ``Forecast.columns()`` or ``CHANGE``, heading; "{when}" in a heading is the update
    date). Each figure is a span ``{prefix}-{row}-{css name}`` with ``data-value``; a
    "Monthly cost" row follows when the account has prices."""
    figures = fc.columns()
    on = day(update_date)
    head = html("<tr><th></th>{}</tr>", join(html('<th class="mcw-num">{}</th>', title.format(when=on))
                                                for _, _, title in columns))

    def cell(key: str, name: str, column: str) -> Markup:
        css = f"{prefix}-{key.replace('_', '-')}-{name}"
        if column == CHANGE:
            if key in ("pending", "cost"):
                return Markup("–")
            change = getattr(figures[AT_UPDATE], key) - getattr(figures[AT_UPDATE_WITHOUT], key)
            return delta(change, css, key in COSTS)
        value = getattr(figures[column], key)
        return money(value, css) if key == "cost" else num(value, css)

    priced = any(f.cost is not None for f in figures.values())
    body = [(key, label) for key, label in rows] + ([("cost", "Monthly cost")] if priced else [])
    trs = join(html('<tr class="{}-{}"><td>{}</td>{}</tr>', prefix, key.replace("_", "-"), label,
                    join(html('<td class="mcw-num">{}</td>', cell(key, name, column))
                         for name, column, _ in columns))
               for key, label in body)
    return html('<table class="mcw-table mcw-forecast {}">{}{}</table>', cls, head, trs)


# ---- running App calls -----------------------------------------------------------------------

class ShowFailed(Exception):
    """The App call succeeded but showing its result failed (``__cause__``)."""

    def __str__(self) -> str:
        return f"Done, but the result could not be shown: {readable(self.__cause__)}"


def run_work(fn: Callable[[], object], *, what: str, on_success: Callable[[object], None],
             on_error: Callable[[BaseException], None], busy: Callable[[bool], None] | None = None) -> None:
    """The one way a widget runs an App call from a click: ``busy(True)``, the call,
    ``busy(False)``, then ``on_success(result)`` or (logged once) ``on_error(e)``. It runs
    in the click handler: a progress line set before is on the page while it runs."""
    if busy is not None:
        busy(True)
    try:
        result = fn()
    except Exception as e:
        if busy is not None:
            busy(False)
        log_failure(what, e)
        on_error(e)
        return
    if busy is not None:
        busy(False)
    try:
        on_success(result)
    except Exception as e:  # showing the result must not hide that it happened
        log_failure(f"{what}: showing the result failed", e)
        failure = ShowFailed()
        failure.__cause__ = e
        on_error(failure)


class Refreshing:
    """A view that re-reads everything in ``refresh()`` and shows failures in
    ``self.message`` (never raising into the action that notified it)."""

    refresh_failure = "Could not refresh"
    clear_on_refresh = True  # a good refresh clears an earlier refresh error

    def refresh(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def safe_refresh(self, *args) -> bool:
        try:
            self.refresh(*args)
        except Exception as e:
            log_failure(f"{type(self).__name__} refresh failed", e)
            self.message.value = error_html(f"{self.refresh_failure}: {readable(e)}")
            return False
        if self.clear_on_refresh:
            self.message.value = ""
        return True


# ---- the confirmation bar and the panel ---------------------------------------------------

class Confirm(widgets.VBox):
    """A question with buttons, hidden until asked: ``ask(question, choices, on_answer)``.

    ``choices`` are (label, key, button_style); the buttons are in ``self.buttons`` by
    key, with the class ``mcw-confirm-<key>``. Clicking one hides the bar and calls
    ``on_answer(key)``. ``question`` is plain text (escaped here).
    """

    def __init__(self):
        self.question = html_widget("mcw-confirm-question")
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
        self.question.value = html("<span>{}</span>", question)
        self.buttons = {}
        for label, key, style_ in choices:
            b = button(label, f"mcw-confirm-{key}", style_)
            b.on_click(lambda _b, key=key: self.answer(key))
            self.buttons[key] = b
        replace_children(self.row, list(self.buttons.values()))  # the last question's buttons are closed
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
        replace_children(self.row, [])
        show(self, False)


class Panel(Refreshing, widgets.VBox):
    """A panel over an App: a message line, a progress line, a confirmation bar, and
    ``run()`` for operations that call the App (busy state, errors shown, refresh).

    Subclasses define ``refresh()`` (re-read everything) and ``action_buttons()``
    (the buttons to disable while an operation runs).
    """

    clear_on_refresh = False  # the message line also holds the result of the last operation

    def __init__(self, app, css_class: str):
        self.app = app
        self.busy = False
        self._running = False  # an App call of this panel is under way
        self.message = html_widget("mcw-message")
        self.progress = html_widget("mcw-progress")
        self.confirm = Confirm()
        super().__init__([], layout=widgets.Layout(width="100%", padding="4px 2px"))
        self.add_class("mcw-root")
        self.add_class("mcw-panel")
        self.add_class(css_class)

    # ---- to define -----------------------------------------------------------------
    def action_buttons(self) -> list[widgets.Button]:
        return []

    # ---- messages ------------------------------------------------------------------
    def error(self, text) -> None:
        self.message.value = error_html(text)

    def ok(self, text, cls: str = "mcw-ok") -> None:
        self.message.value = ok_html(text, cls)

    def clear_message(self) -> None:
        self.message.value = ""

    # ---- operations ----------------------------------------------------------------
    def set_busy(self, busy: bool, label: str = "") -> None:
        self.busy = busy
        for b in [*self.action_buttons(), *self.confirm.buttons.values()]:
            b.disabled = busy
        self.progress.value = spinner(label) if busy else ""

    def run(self, label: str, fn: Callable[[], object], on_success: Callable[[object], None],
            failure: str = "", *, long: bool = True,
            on_field_error: Callable[[BaseException], bool] | None = None) -> None:
        """Call ``fn`` (an App call) with :func:`run_work`; on success ``on_success(result)``
        then refresh, on failure the App's message. ``long`` operations show ``label``
        with a spinner and disable the buttons while they run. ``on_field_error(e)``
        may show an error about one field next to it instead (it returns True then)."""
        if self.busy:
            return
        self.clear_message()

        def busy(on: bool) -> None:
            self._running = on
            if long:
                self.set_busy(on, label)
            if not on:
                self.safe_refresh()

        def failed(e: BaseException) -> None:
            if on_field_error is not None and not isinstance(e, ShowFailed) and on_field_error(e):
                return
            if isinstance(e, ShowFailed):
                self.error(str(e))
            else:
                self.error(f"{failure}: {readable(e, capital=False)}" if failure else readable(e))

        run_work(fn, what=failure or label, on_success=on_success, on_error=failed, busy=busy)

    def _on_app_change(self) -> None:
        if not (self.busy or self._running):  # an operation of this panel refreshes when it ends
            self.safe_refresh()


__all__ = ["CHANGE", "Confirm", "Markup", "Panel", "Refreshing", "button", "buttons_row", "close_widgets",
           "current_user", "day", "delta", "error_html", "esc", "first_line", "forecast_table", "html", "html_widget",
           "is_admin", "join", "log_failure", "money", "note_html", "num", "number", "ok_html", "plural", "readable",
           "replace_children", "run_work", "section", "show", "shown", "spinner", "style", "when"]
