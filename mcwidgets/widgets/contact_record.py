"""The contact record: one contact opened from the grid (its "Open" button or a click on its row).

``ContactRecord(app)`` is hidden until :meth:`ContactRecord.show_contact` is called with a
contact id. It shows, from the App only (``contact``, ``history``, ``account``):

* the contact's name and e-mail, its marketing status and "Marketing contact until
  next update" (Yes means pending: it becomes non-marketing at the next update date);
* every property, in the registry's order (``domain.fields``), as the grid writes
  them (Yes/No, the kit's dates in the account's zone, choice labels);
* its history (the audit rows of ``services.history``), newest first;
* "Set as non-marketing" / "Set as marketing" for this one contact: the same calls the
  grid's bulk actions make (``app.forecast`` then ``app.set_non_marketing`` /
  ``app.set_marketing`` with ``ids=[id]``), the forecast shown and a question asked
  before anything changes. "Set as marketing" is disabled, with the reason, for a user
  without the "Edit marketing contacts" permission (the service refuses anyway); an
  action that would change nothing is disabled, saying why.

The record follows changes made elsewhere (``app.on_change``). All contact text is
escaped.

Stable CSS classes: ``mcw-record``, ``mcw-record-title``, ``mcw-record-status``
(``mcw-record-marketing-status`` and ``mcw-record-pending``, their values in
``data-value``), ``mcw-record-props`` (rows ``tr[data-field]``),
``mcw-record-history`` (table ``mcw-record-history-table``, rows ``tr[data-action]``),
``mcw-record-set-non-marketing``, ``mcw-record-set-marketing``, ``mcw-record-note``,
``mcw-record-forecast``, ``mcw-record-close``, the kit's ``mcw-message``, and the
question bar ``mcw-ask`` (the kit's ``Confirm``: ``mcw-confirm-yes`` / ``mcw-confirm-no``).
"""

from __future__ import annotations

from datetime import date, datetime

import ipywidgets as widgets

from ..domain.fields import BOOLEAN, ENUMERATION, FIELDS
from .activity_panel import history_rows
from .bulk_actions import SET_MARKETING, SET_NON_MARKETING, forecast_table_html, marketing_permission
from .panel_kit import Panel, button, buttons_row, day, html, html_widget, join, log_failure, ok_html, show, when

STATUS_LABELS = {"marketing": "Marketing contact", "non_marketing": "Non-marketing contact"}
NO_USER = "No user is signed in: the dashboard is read-only."


def value_text(name: str, value, tz: str) -> str:
    """A property as the record shows it (text, escaped by the caller)."""
    if value is None or value == "":
        return "–"
    f = FIELDS.get(name)
    if isinstance(value, bool) or (f is not None and f.type == BOOLEAN):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return when(value, tz)
    if isinstance(value, date):
        return day(value)
    if name == "marketing_status":
        return STATUS_LABELS.get(value, str(value))
    if f is not None and f.type == ENUMERATION:
        label = f.choice_label(str(value))
        return label[:1].upper() + label[1:]
    return f"{value:,}" if isinstance(value, int) and name != "id" else str(value)


def display_name(contact: dict) -> str:
    name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)
    return name or contact.get("email") or f"Contact {contact.get('id')}"


class ContactRecord(Panel):
    """See the module docstring."""

    def __init__(self, app):
        super().__init__(app, "mcw-record")
        # the Contacts tab's one ``.mcw-confirm`` is the bulk actions' dialog (tests select it): this
        # bar asks its questions as ``mcw-ask``
        self.confirm.remove_class("mcw-confirm")
        self.confirm.add_class("mcw-ask")
        self.contact_id: int | None = None
        self.contact: dict | None = None
        self.entries: list = []
        self.pending_action: str | None = None  # the transition asked about
        self.result = None  # the ActionResult of the last change made here
        self.title = html_widget("mcw-record-title")
        self.status = html_widget("mcw-record-status")
        self.set_non_marketing_button = button("Set as non-marketing", "mcw-record-set-non-marketing",
                                               tooltip="Stop paying for this contact from the next update date on")
        self.set_marketing_button = button("Set as marketing", "mcw-record-set-marketing",
                                           tooltip="Make this contact a marketing contact now")
        self.close_button = button("Close", "mcw-record-close", tooltip="Close the contact's record")
        self.note = html_widget("mcw-record-note")
        self.forecast = html_widget("mcw-record-forecast")
        self.props = html_widget("mcw-record-props")
        self.history = html_widget("mcw-record-history")
        actions = buttons_row(self.set_non_marketing_button, self.set_marketing_button, self.close_button,
                              cls="mcw-record-actions")
        details = widgets.HBox([self.props, self.history], layout=widgets.Layout(flex_flow="row wrap"))
        details.add_class("mcw-record-details")
        self.children = [self.title, self.status, actions, self.note, self.forecast, self.confirm, self.progress,
                         self.message, details]
        self.set_non_marketing_button.on_click(lambda _b: self.ask(SET_NON_MARKETING))
        self.set_marketing_button.on_click(lambda _b: self.ask(SET_MARKETING))
        self.close_button.on_click(lambda _b: self.close_record())
        app.on_change(self._on_app_change)
        show(self, False)

    # ---- opening -----------------------------------------------------------------------
    def show_contact(self, contact_id: int) -> None:
        """Show contact ``contact_id`` (an unknown one: the service's message)."""
        self.contact_id = int(contact_id)
        self.contact, self.entries, self.result = None, [], None
        self._cancel_question()
        self.clear_message()
        for w in (self.title, self.status, self.props, self.history, self.note):
            w.value = ""
        show(self, True)
        self.safe_refresh()

    def close_record(self) -> None:
        self._cancel_question()
        self.contact_id, self.contact, self.entries = None, None, []
        self.clear_message()
        show(self, False)

    def _on_app_change(self) -> None:
        if self.contact_id is not None:
            super()._on_app_change()

    def action_buttons(self) -> list[widgets.Button]:
        return [self.set_non_marketing_button, self.set_marketing_button]

    # ---- reading -----------------------------------------------------------------------
    def refresh(self) -> None:
        if self.contact_id is None:
            return
        self._sync_buttons(None)
        contact = self.app.contact(self.contact_id)
        entries = self.app.history(self.contact_id)
        tz = self.app.account().timezone
        self.contact, self.entries = contact, entries
        self.title.value = html('<div class="mcw-record-name">{} <span class="mcw-note">· {} · contact '
                                '<span class="mcw-record-id" data-value="{}">#{}</span></span></div>',
                                display_name(contact), contact.get("email") or "", int(contact["id"]),
                                int(contact["id"]))
        self.status.value = self._status_html(contact)
        self.props.value = self._props_html(contact, tz)
        self.history.value = self._history_html(entries, tz)
        self._sync_buttons(contact)

    def _status_html(self, contact: dict) -> str:
        status, pending = contact.get("marketing_status"), bool(contact.get("pending_non_marketing"))
        try:
            update = day(self.app.account().next_update_date)
        except Exception as e:  # the status still shows without the date
            log_failure("could not read the next update date", e)
            update = "the next update date"
        if pending:
            note = html("It stays a marketing contact, and counts toward the tier, until {}, then becomes "
                        "non-marketing.", update)
        elif status == "marketing":
            note = html("It counts toward the contact tier.")
        else:
            note = html("It does not count toward the contact tier.")
        return html('<div class="mcw-record-status-line"><b>Marketing contact status:</b> '
                    '<span class="mcw-record-marketing-status" data-value="{}">{}</span> · '
                    '<b>Marketing contact until next update:</b> '
                    '<span class="mcw-record-pending" data-value="{}">{}</span><div class="mcw-note">{}</div></div>',
                    status or "", STATUS_LABELS.get(status, status or "–"), "yes" if pending else "no",
                    "Yes" if pending else "No", note)

    @staticmethod
    def _props_html(contact: dict, tz: str) -> str:
        rows = join(html('<tr data-field="{}"><th>{}</th><td>{}</td></tr>', name, f.label,
                         value_text(name, contact.get(name), tz))
                    for name, f in FIELDS.items() if name in contact)
        return html('<div class="mcw-record-subtitle">Properties</div>'
                    '<table class="mcw-table mcw-record-props-table">{}</table>', rows)

    @staticmethod
    def _history_html(entries, tz: str) -> str:
        rows = list(reversed(history_rows(entries, tz)))
        if not rows:
            return html('<div class="mcw-record-subtitle">History</div>'
                        '<div class="mcw-note">No status changes recorded.</div>')
        body = join(html('<tr data-action="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                         r["action_id"], r["when"], r["action"], r["actor"], r["status"], r["pending"])
                    for r in rows)
        return html('<div class="mcw-record-subtitle">History (newest first)</div>'
                    '<table class="mcw-table mcw-record-history-table"><tr><th>When</th><th>Action</th><th>By</th>'
                    "<th>Status (old → new)</th><th>Until next update (old → new)</th></tr>{}</table>", body)

    def _sync_buttons(self, contact: dict | None) -> None:
        """What each action may do for this contact, and why not."""
        if contact is None:
            self.set_non_marketing_button.disabled = self.set_marketing_button.disabled = True
            return
        try:
            allowed, reason = marketing_permission(self.app)
        except Exception as e:
            log_failure("could not read the acting user's permissions", e)
            allowed, reason = False, f"Could not read your permissions: {e}"
        status, pending = contact.get("marketing_status"), bool(contact.get("pending_non_marketing"))
        busy = self.busy
        if not self.app.user:
            non_reason = NO_USER
        elif status != "marketing":
            non_reason = "This contact is non-marketing already."
        elif pending:
            non_reason = "This contact becomes non-marketing at the next update date already."
        else:
            non_reason = ""
        if not allowed:
            mk_reason = reason
        elif status == "marketing" and not pending:
            mk_reason = "This contact is a marketing contact already."
        else:
            mk_reason = ""
        self.set_non_marketing_button.disabled = busy or bool(non_reason)
        self.set_marketing_button.disabled = busy or bool(mk_reason)
        self.set_non_marketing_button.tooltip = non_reason or "Stop paying for this contact from the next update date on"
        self.set_marketing_button.tooltip = mk_reason or ("Cancel the pending change: it stays a marketing contact"
                                                          if pending else "Make this contact a marketing contact now")
        notes = [r for r in (mk_reason,) if r and not allowed]
        self.note.value = html('<div class="mcw-note">{}</div>', notes[0]) if notes else ""

    # ---- changing the status -----------------------------------------------------------
    def ask(self, transition: str) -> None:
        """Show what ``transition`` would do to this contact, and ask before doing it."""
        if self.contact_id is None or self.busy:
            return
        self.clear_message()
        contact_id = self.contact_id
        try:
            fc = self.app.forecast(transition, ids=[contact_id])
            update = self.app.account().next_update_date
        except Exception as e:
            log_failure("the forecast failed", e)
            self.error(f"Could not work out what this would do: {e}")
            return
        name = display_name(self.contact or {})
        if transition == SET_NON_MARKETING:
            what = html("{} will become non-marketing on {}; it stays a marketing contact (and counts toward the "
                        "tier) until then.", name, day(update))
            question = f"Set {name} as non-marketing?"
        else:
            what = html("{} will be a marketing contact at once and counts toward the tier now.", name)
            question = f"Set {name} as marketing?"
        if not fc.changes:
            what = html("This changes nothing for {}.", name)
        self.pending_action = transition
        self.forecast.value = html('<div class="mcw-record-forecast-text">{}</div>{}', what,
                                   forecast_table_html(fc, update))
        self.confirm.ask(question, [("Confirm", "yes", "danger"), ("Cancel", "no", "")],
                         lambda key: self.apply(transition, contact_id) if key == "yes" else self._cancel_question())

    def _cancel_question(self) -> None:
        self.pending_action = None
        self.forecast.value = ""
        if self.confirm.asking:
            self.confirm.cancel()

    def apply(self, transition: str, contact_id: int) -> None:
        """Run ``transition`` on this one contact (the App notifies every view)."""
        self.pending_action = None
        self.forecast.value = ""
        act = self.app.set_non_marketing if transition == SET_NON_MARKETING else self.app.set_marketing

        def call():
            return act(ids=[contact_id]), self.app.account().next_update_date

        def done(out) -> None:
            result, update = out
            self.result = result
            if not result.changed:
                text = html("Nothing changed: the contact was in that state already.")
            elif transition == SET_NON_MARKETING:
                text = html('Set as non-marketing: it becomes non-marketing on <span class="mcw-record-result-date" '
                            'data-value="{}">{}</span> and stays a marketing contact until then.',
                            update.isoformat(), day(update))
            else:
                text = html("Set as marketing: it is a marketing contact now.")
            if result.tier_after != result.tier_before:
                text += html(" The contact tier went from {:,} to {:,}.", result.tier_before, result.tier_after)
            self.message.value = ok_html(text)

        self.run("Updating the contact…", call, done, "The update failed")


__all__ = ["ContactRecord", "display_name", "value_text"]
