"""The Settings panel, in this order: billing, edition and tier, spike limit and the
spikes it held, price table, default statuses by source tool, users and their
permission.

Admins edit; each section has its own Save button and calls one App method
(``configure_account``, ``set_default_status``, ``add_user``, ``set_permission``,
``approve_held`` / ``reject_held``). For anyone else the same values are shown
read-only, with a note, and the buttons are hidden; the services refuse anyway, and
a refusal is shown as a message. A lower tier is a request that applies at the next
update date if the marketing contacts then fit; the section says so, and choosing a
tier shows what saving it would do before saving. The sections live in their own
modules: edition and tier in ``settings_plan``, users and held spikes in
``settings_users``; their names stay importable from here.

Stable CSS classes: ``mcw-settings``, ``mcw-set-readonly``; billing
``mcw-set-billing``, ``mcw-set-start``, ``mcw-set-timezone``, ``mcw-set-save-billing``;
plan ``mcw-set-edition``, ``mcw-set-tier`` (a Dropdown of the edition's tiers),
``mcw-set-tier-note``, ``mcw-set-tier-outlook``/``mcw-set-tier-warning``, ``mcw-set-save-plan``; ``mcw-set-spike-limit``, ``mcw-set-save-spike``;
``mcw-set-price-table``, ``mcw-set-save-prices``; ``mcw-set-default-<source>``,
``mcw-set-save-defaults``; users ``mcw-set-user-row`` (cells ``mcw-set-user-name``,
``mcw-set-user-role``), ``mcw-set-permission`` (checkbox), ``mcw-set-new-user``,
``mcw-set-new-admin``, ``mcw-set-add-user``; held ``mcw-set-held-row``,
``mcw-set-approve``, ``mcw-set-reject``, ``mcw-set-no-held``; and the shared
``mcw-confirm``, ``mcw-progress``, ``mcw-message``.
"""

from __future__ import annotations

import json

import ipywidgets as widgets

from ..domain.contacts import Source
from ..domain.errors import ValidationError
from ..domain.prices import PRICE_EXAMPLE, parse_price_table_text
from ..domain.workflows import DEFAULT_SPIKE_LIMIT
from .panel_kit import Panel, button, buttons_row, day, html, html_widget, is_admin, note_html, section, show, style
from .settings_plan import EDITION_OPTIONS, PlanSection, tier_note_html, tier_outlook_html  # noqa: F401
from .settings_users import HeldSection, UsersSection, approve_result_html, held_html, permission_label  # noqa: F401

READONLY_NOTE = "Only admins can change the settings. You see them read-only."
BILLING_OPTIONS = [("Monthly", "monthly"), ("Annual", "annual")]
STATUS_OPTIONS = [("Marketing", "marketing"), ("Non-marketing", "non_marketing")]
SOURCE_LABELS = {
    "forms": "Forms", "chatflows": "Chatflows", "import": "Import", "integrations": "Integrations (API)",
    "manual": "Manual entry", "ads": "Ads", "meetings": "Meetings", "sales_email_extension": "Sales email extension",
}


# ---- plain functions -----------------------------------------------------------------

def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source.replace("_", " ").capitalize())


def parse_price_table(text: str) -> dict:
    """The price table typed as JSON, checked by the domain rule the service applies
    too (``domain.prices``). Blank means no table ({})."""
    return parse_price_table_text(text)


def price_table_text(table: dict | None) -> str:
    return json.dumps(table, indent=2) if table else ""


def changed(initial: dict, current: dict) -> dict:
    """The fields of ``current`` whose value differs from ``initial``."""
    return {k: v for k, v in current.items() if initial.get(k) != v}


# ---- the view ------------------------------------------------------------------------

class SettingsPanel(PlanSection, UsersSection, HeldSection, Panel):
    """See the module docstring."""

    def __init__(self, app):
        super().__init__(app, "mcw-settings")
        self.admin = False
        self.info = None
        self.initial: dict[str, dict] = {}
        self._loading = False

        self.readonly = html_widget("mcw-set-readonly", html('<div class="mcw-readonly-note">{}</div>', READONLY_NOTE))
        wide = widgets.Layout(width="360px")
        style_ = {"description_width": "110px"}

        # billing
        self.billing = self._input(widgets.Dropdown(options=BILLING_OPTIONS, description="Billing period",
                                                    layout=wide, style=style_), "mcw-set-billing")
        self.start = self._input(widgets.DatePicker(description="Billing start", layout=wide, style=style_),
                                 "mcw-set-start")
        self.timezone = self._input(widgets.Combobox(options=_timezones(), ensure_option=False,
                                                     description="Time zone", layout=wide, style=style_),
                                    "mcw-set-timezone")
        self.billing_note = widgets.HTML("")
        self.billing_note.add_class("mcw-set-billing-note")
        self.save_billing = button("Save billing", "mcw-set-save-billing", "primary")
        self.save_billing.on_click(lambda _b: self.save_billing_settings())

        # edition and tier (settings_plan)
        plan = self._build_plan(wide, style_)

        # spike limit
        self.spike_limit = self._input(widgets.IntText(description="Spike limit", layout=wide, style=style_),
                                       "mcw-set-spike-limit")
        self.save_spike = button("Save spike limit", "mcw-set-save-spike", "primary")
        self.save_spike.on_click(lambda _b: self.save_spike_limit())

        # price table
        self.price_table = self._input(widgets.Textarea(placeholder=PRICE_EXAMPLE, rows=6,
                                                        layout=widgets.Layout(width="480px")),
                                       "mcw-set-price-table")
        self.save_prices = button("Save price table", "mcw-set-save-prices", "primary")
        self.save_prices.on_click(lambda _b: self.save_price_table())

        # default statuses
        self.defaults = {s.value: self._input(widgets.Dropdown(options=STATUS_OPTIONS,
                                                               description=source_label(s.value), layout=wide,
                                                               style={"description_width": "170px"}),
                                              f"mcw-set-default-{s.value}") for s in Source}
        self.save_defaults = button("Save default statuses", "mcw-set-save-defaults", "primary")
        self.save_defaults.on_click(lambda _b: self.save_default_statuses())

        # users and held spikes (settings_users)
        self._build_users(style_)
        self._build_held()

        self.saves = [self.save_billing, self.save_plan_button, self.save_spike, self.save_prices,
                      self.save_defaults]
        self.children = [
            style(), self.readonly, self.confirm, self.progress, self.message,
            section("Billing", "mcw-set-billing-title"), self.billing, self.start, self.timezone,
            self.billing_note, buttons_row(self.save_billing),
            section("Edition and contact tier", "mcw-set-plan-title"), *plan,
            buttons_row(self.save_plan_button),
            section("Spike limit", "mcw-set-spike-title"),
            widgets.HTML(note_html(f"A workflow or import that would set more contacts than this as marketing at "
                                   f"once is held for approval (default {DEFAULT_SPIKE_LIMIT:,}).")),
            self.spike_limit, buttons_row(self.save_spike),
            section("Held spikes", "mcw-set-held-title"),
            widgets.HTML(note_html("Workflows and imports that would set more contacts as marketing than the "
                                   "spike limit at once wait here for an admin's approval.")),
            self.held_box,
            section("Price table (optional)", "mcw-set-prices-title"),
            widgets.HTML(html('<div class="mcw-note">Monthly price per tier and edition, as JSON, e.g. '
                              "<code>{}</code>. Forecasts then show costs. Empty: no prices.</div>", PRICE_EXAMPLE)),
            self.price_table, buttons_row(self.save_prices),
            section("Default status of new contacts, by source tool", "mcw-set-defaults-title"),
            *self.defaults.values(), buttons_row(self.save_defaults),
            section("Users", "mcw-set-users-title"), self.users_box, self.users_message, self.add_user_row,
        ]
        self.refresh()
        app.on_change(self._on_app_change)

    _changed = staticmethod(changed)

    @staticmethod
    def _input(w: widgets.Widget, cls: str) -> widgets.Widget:
        w.add_class(cls)
        return w

    @property
    def inputs(self) -> list[widgets.Widget]:
        return [self.billing, self.start, self.timezone, self.edition, self.tier, self.spike_limit,
                self.price_table, *self.defaults.values(), self.new_user, self.new_admin,
                *self.user_boxes.values()]

    def action_buttons(self) -> list[widgets.Button]:
        return [*self.saves, self.add_user_button, *(b for pair in self.held_rows.values() for b in pair)]

    # ---- reading -------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read every setting and show it (unsaved edits are replaced)."""
        self.admin = is_admin(self.app)
        info = self.info = self.app.account()
        defaults = self.app.default_statuses()
        self._loading = True
        try:
            self.billing.value = info.billing_period
            self.start.value = info.billing_start
            self.timezone.value = info.timezone
            self._refresh_plan(info)
            self.spike_limit.value = info.effective_spike_limit
            self.price_table.value = price_table_text(info.price_table)
            for source, box in self.defaults.items():
                box.value = defaults.get(source, "non_marketing")
            self._render_users()
        finally:
            self._loading = False
        self.initial = {
            "billing": {"billing": info.billing_period, "start": info.billing_start, "timezone": info.timezone},
            "plan": {"edition": info.edition, "tier": self.tier.value},
            "defaults": dict(defaults),
        }
        self.billing_note.value = html('<div class="mcw-note">Next update date: <span class="mcw-set-next-update" '
                                       'data-value="{}">{}</span> (in {}).</div>', info.next_update_date.isoformat(),
                                       day(info.next_update_date), info.timezone)
        self._render_held()
        show(self.readonly, not self.admin)
        for w in self.inputs:
            w.disabled = not self.admin or self.busy
        for name in self.admin_users:  # admins always hold the permission
            self.user_boxes[name].disabled = True
        for b in self.saves:
            show(b, self.admin)
        show(self.add_user_row, self.admin)

    # ---- saving ----------------------------------------------------------------------
    def _save(self, what: str, call, done_text: str) -> None:
        self.run(f"Saving {what}…", call, lambda _r: self.ok(done_text), f"The {what} could not be saved",
                 long=False)

    def save_billing_settings(self) -> None:
        current = {"billing": self.billing.value, "start": self.start.value,
                   "timezone": (self.timezone.value or "").strip()}
        changes = changed(self.initial.get("billing", {}), current)
        if not changes:
            self.ok("Nothing to save: the billing settings are unchanged.")
            return
        self._save("billing settings", lambda: self.app.configure_account(**changes),
                   "Billing settings saved.")

    def save_spike_limit(self) -> None:
        value = self.spike_limit.value
        self._save("spike limit", lambda: self.app.configure_account(spike_limit=value),
                   f"Spike limit saved: {int(value):,} contacts at once.")

    def save_price_table(self) -> None:
        try:
            table = parse_price_table(self.price_table.value)
        except ValidationError as e:
            self.error(f"The price table was not saved: {e}")
            return
        self._save("price table", lambda: self.app.configure_account(price_table=table),
                   "Price table saved." if table else "Price table cleared: forecasts show no costs.")

    def save_default_statuses(self) -> None:
        initial = self.initial.get("defaults", {})
        changes = {s: box.value for s, box in self.defaults.items() if initial.get(s) != box.value}
        if not changes:
            self.ok("Nothing to save: the default statuses are unchanged.")
            return

        def call():
            result = None
            for source, status in changes.items():
                result = self.app.set_default_status(source, status)
            return result

        status_labels = {v: k for k, v in STATUS_OPTIONS}
        labels = ", ".join(f"{source_label(s)}: {status_labels[st]}" for s, st in changes.items())
        self._save("default statuses", call, f"Default statuses saved ({labels}).")


def _timezones() -> list[str]:
    try:
        from zoneinfo import available_timezones

        return sorted(available_timezones())
    except Exception:  # no time zone database: free text still works
        return ["UTC"]


__all__ = ["SettingsPanel", "approve_result_html", "changed", "held_html", "parse_price_table", "permission_label",
           "price_table_text", "source_label", "tier_note_html", "tier_outlook_html"]
