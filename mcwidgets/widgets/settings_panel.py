"""The Settings panel: billing, edition and tier, spike limit, price table, default
statuses by source tool, users and their permission, and held spikes.

Admins edit; each section has its own Save button and calls one App method
(``configure_account``, ``set_default_status``, ``add_user``, ``set_permission``,
``approve_held`` / ``reject_held``). For anyone else the same values are shown
read-only, with a note, and the buttons are hidden; the services refuse anyway, and
a refusal is shown as a message. A lower tier is a request that applies at the next
update date if the marketing contacts then fit; the section says so.

Stable CSS classes: ``mcw-settings``, ``mcw-set-readonly``; billing
``mcw-set-billing``, ``mcw-set-start``, ``mcw-set-timezone``, ``mcw-set-save-billing``;
plan ``mcw-set-edition``, ``mcw-set-tier``, ``mcw-set-tier-note``,
``mcw-set-save-plan``; ``mcw-set-spike-limit``, ``mcw-set-save-spike``;
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
from ..domain.tiers import Edition
from ..domain.workflows import DEFAULT_SPIKE_LIMIT
from .panel_kit import (
    Markup,
    Panel,
    button,
    buttons_row,
    day,
    html,
    html_widget,
    is_admin,
    note_html,
    num,
    plural,
    section,
    show,
    style,
    when,
)

READONLY_NOTE = "Only admins can change the settings. You see them read-only."
BILLING_OPTIONS = [("Monthly", "monthly"), ("Annual", "annual")]
EDITION_OPTIONS = [(e.value.capitalize(), e.value) for e in Edition]
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


def tier_note_html(info) -> Markup:
    nxt = day(info.next_update_date)
    requested = Markup("")
    if info.requested_tier is not None:
        requested = html(" Requested: {} from {}, if the marketing contacts then fit.",
                         num(info.requested_tier, "mcw-set-requested-tier"), nxt)
    setting_up = (" While the account is being set up (no update date processed yet), a lower tier that fits "
                  "applies at once." if getattr(info, "setting_up", False) else "")
    return html('<div class="mcw-note">Current tier {}. A higher tier applies at once. A lower tier is a request '
                "for the next update date, <b>{}</b>: it applies then if the marketing contacts fit, and never "
                "lowers the tier before.{}{}</div>", num(info.tier, "mcw-set-current-tier"), nxt, requested,
                setting_up)


def held_html(h, tz: str) -> Markup:
    return html('<span data-held="{}">#{} — {}; requested by {} on {}</span>', int(h.id), int(h.id), h.what,
                h.requested_by, when(h.created_at, tz))


def approve_result_html(result) -> Markup:
    if result is None:
        return Markup("Approved.")
    if hasattr(result, "held_id"):  # a workflow run
        return html('Approved: workflow <span class="mcw-set-result-name">{}</span> enrolled {} {} and changed {}.',
                    result.workflow, num(result.enrolled, "mcw-set-approved-enrolled"),
                    plural(result.enrolled, "contact"), num(result.changed, "mcw-set-approved-changed"))
    created = getattr(result, "created", 0)
    changed_n = getattr(result, "status_changed", 0)
    return html("Approved: the import created {} {} and changed {}.", num(created, "mcw-set-approved-created"),
                plural(created, "contact"), num(changed_n, "mcw-set-approved-changed"))


# ---- the view ------------------------------------------------------------------------

class SettingsPanel(Panel):
    """See the module docstring."""

    def __init__(self, app):
        super().__init__(app, "mcw-settings")
        self.admin = False
        self.info = None
        self.initial: dict[str, dict] = {}
        self.user_boxes: dict[str, widgets.Checkbox] = {}
        self.admin_users: set[str] = set()
        self.held_rows: dict[int, tuple[widgets.Button, widgets.Button]] = {}
        self.last_approval = None
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

        # edition and tier
        self.edition = self._input(widgets.Dropdown(options=EDITION_OPTIONS, description="Edition", layout=wide,
                                                    style=style_), "mcw-set-edition")
        self.tier = self._input(widgets.IntText(description="Contact tier", layout=wide, style=style_),
                                "mcw-set-tier")
        self.tier_note = widgets.HTML("")
        self.tier_note.add_class("mcw-set-tier-note")
        self.save_plan_button = button("Save edition and tier", "mcw-set-save-plan", "primary")
        self.save_plan_button.on_click(lambda _b: self.save_plan())

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

        # users
        self.users_box = widgets.GridBox([], layout=widgets.Layout(grid_template_columns="160px 90px auto"))
        self.users_box.add_class("mcw-grid")
        self.users_box.add_class("mcw-set-users")
        self.new_user = widgets.Text(placeholder="user name", description="New user", style=style_,
                                     layout=widgets.Layout(width="300px"))
        self.new_user.add_class("mcw-set-new-user")
        self.new_admin = widgets.Checkbox(value=False, description="Admin", indent=False,
                                          layout=widgets.Layout(width="90px"))
        self.new_admin.add_class("mcw-set-new-admin")
        self.add_user_button = button("Add user", "mcw-set-add-user", "primary")
        self.add_user_button.on_click(lambda _b: self.add_user())
        self.add_user_row = buttons_row(self.new_user, self.new_admin, self.add_user_button)

        # held spikes
        self.held_box = widgets.VBox([])
        self.held_box.add_class("mcw-set-held")

        self.saves = [self.save_billing, self.save_plan_button, self.save_spike, self.save_prices,
                      self.save_defaults]
        self.children = [
            style(), self.readonly, self.confirm, self.progress, self.message,
            section("Held spikes", "mcw-set-held-title"),
            widgets.HTML(note_html("Workflows and imports that would set more contacts as marketing than the "
                                   "spike limit at once wait here for an admin's approval.")),
            self.held_box,
            section("Billing", "mcw-set-billing-title"), self.billing, self.start, self.timezone,
            self.billing_note, buttons_row(self.save_billing),
            section("Edition and contact tier", "mcw-set-plan-title"), self.edition, self.tier, self.tier_note,
            buttons_row(self.save_plan_button),
            section("Spike limit", "mcw-set-spike-title"),
            widgets.HTML(note_html(f"A workflow or import that would set more contacts than this as marketing at "
                                   f"once is held for approval (default {DEFAULT_SPIKE_LIMIT:,}).")),
            self.spike_limit, buttons_row(self.save_spike),
            section("Price table (optional)", "mcw-set-prices-title"),
            widgets.HTML(html('<div class="mcw-note">Monthly price per tier and edition, as JSON, e.g. '
                              "<code>{}</code>. Forecasts then show costs. Empty: no prices.</div>", PRICE_EXAMPLE)),
            self.price_table, buttons_row(self.save_prices),
            section("Default status of new contacts, by source tool", "mcw-set-defaults-title"),
            *self.defaults.values(), buttons_row(self.save_defaults),
            section("Users", "mcw-set-users-title"), self.users_box, self.add_user_row,
        ]
        self.refresh()
        app.on_change(self._on_app_change)

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
            self.edition.value = info.edition
            self.tier.value = info.requested_tier if info.requested_tier is not None else info.tier
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
        self.tier_note.value = tier_note_html(info)
        self._render_held()
        show(self.readonly, not self.admin)
        for w in self.inputs:
            w.disabled = not self.admin or self.busy
        for name in self.admin_users:  # admins always hold the permission
            self.user_boxes[name].disabled = True
        for b in self.saves:
            show(b, self.admin)
        show(self.add_user_row, self.admin)

    def _render_users(self) -> None:
        cells: list[widgets.Widget] = []
        self.user_boxes = {}
        self.admin_users = set()
        for title in ("User", "Role", "Edit marketing contacts"):
            head = widgets.HTML(html("<span>{}</span>", title))
            head.add_class("mcw-cell")
            head.add_class("mcw-head")
            cells.append(head)
        for u in self.app.users():
            name = widgets.HTML(html('<span data-user="{0}">{0}</span>', u.name))
            role = widgets.HTML(html('<span data-user="{}" data-value="{}">{}</span>', u.name, u.role,
                                     u.role.capitalize()))
            box = widgets.Checkbox(value=bool(u.can_edit_marketing), indent=False, description="",
                                   disabled=not self.admin, layout=widgets.Layout(width="auto"))
            box.add_class("mcw-set-permission")
            if u.role == "admin":
                self.admin_users.add(u.name)
                box.tooltip = "Admins always hold 'Edit marketing contacts'"
            box.observe(lambda c, n=u.name: self.set_permission(n, c["new"]) if not self._loading else None,
                        names="value")
            self.user_boxes[u.name] = box
            for w, cls in ((name, "mcw-set-user-name"), (role, "mcw-set-user-role"), (box, "mcw-set-user-perm")):
                w.add_class("mcw-cell")
                w.add_class("mcw-set-user-row")
                w.add_class(cls)
            cells.extend([name, role, box])
        self.users_box.children = cells

    def _render_held(self) -> None:
        held = self.app.held()
        tz = self.info.timezone if self.info else "UTC"
        self.held_rows = {}
        rows: list[widgets.Widget] = []
        for h in held:
            approve = button("Approve", "mcw-set-approve", "success",
                             tooltip="Run it now: the contacts are set as marketing")
            reject = button("Reject", "mcw-set-reject", "danger", tooltip="Nothing changes; a held workflow is "
                            "turned off")
            approve.on_click(lambda _b, i=h.id: self.ask_approve(i))
            reject.on_click(lambda _b, i=h.id: self.ask_reject(i))
            for b in (approve, reject):
                show(b, self.admin)
                b.disabled = self.busy
            self.held_rows[h.id] = (approve, reject)
            row = buttons_row(widgets.HTML(held_html(h, tz)), approve, reject)
            row.add_class("mcw-set-held-row")
            rows.append(row)
        if not rows:
            none = html_widget("mcw-set-no-held", note_html("Nothing is waiting for approval."))
            rows.append(none)
        self.held_box.children = rows

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

    def save_plan(self) -> None:
        changes = changed(self.initial.get("plan", {}), {"edition": self.edition.value, "tier": self.tier.value})
        if not changes:
            self.ok("Nothing to save: the edition and tier are unchanged.")
            return

        def done(info):
            if info.requested_tier is not None:
                text = html("Saved. Tier {} is requested: it applies on {} if the marketing contacts then fit; "
                            "until then the tier stays {:,}.", num(info.requested_tier, "mcw-set-saved-requested"),
                            day(info.next_update_date), info.tier)
            else:
                text = html("Saved. Edition {}, tier {}.", info.edition.capitalize(),
                            num(info.tier, "mcw-set-saved-tier"))
            self.ok(text)

        self.run("Saving the edition and tier…", lambda: self.app.configure_account(**changes), done,
                 "The edition and tier could not be saved", long=False)

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

    def set_permission(self, name: str, allowed: bool) -> None:
        verb = "may" if allowed else "may no longer"
        self.run("Saving the permission…", lambda: self.app.set_permission(name, allowed),
                 lambda u: self.ok(html('<span class="mcw-set-result-name">{}</span> {} set contacts as marketing.',
                                        u.name, verb)),
                 f"The permission of {name} could not be changed", long=False)

    def add_user(self) -> None:
        name, admin = self.new_user.value, self.new_admin.value

        def done(u):
            self.new_user.value = ""
            self.new_admin.value = False
            self.ok(html('User <span class="mcw-set-result-name">{}</span> added ({}).', u.name, u.role))

        self.run("Adding the user…", lambda: self.app.add_user(name, admin=admin), done,
                 "The user could not be added", long=False)

    # ---- held spikes ---------------------------------------------------------------
    def _held(self, held_id: int):
        return next((h for h in self.app.held() if h.id == held_id), None)

    def ask_approve(self, held_id: int) -> None:
        h = self._held(held_id)
        what = h.what if h is not None else f"held action #{held_id}"
        self.clear_message()
        self.confirm.ask(f"Approve #{held_id}: {what}? It runs now.",
                         [("Approve", "yes", "success"), ("Cancel", "cancel", "")],
                         lambda key: self.approve(held_id) if key == "yes" else None)

    def approve(self, held_id: int) -> None:
        def done(result):
            self.last_approval = result
            self.ok(approve_result_html(result))

        self.run(f"Approving #{held_id}: setting contacts as marketing…", lambda: self.app.approve_held(held_id),
                 done, f"Held action #{held_id} could not be approved")

    def ask_reject(self, held_id: int) -> None:
        self.clear_message()
        self.confirm.ask(f"Reject held action #{held_id}? Nothing changes; a held workflow is turned off.",
                         [("Reject", "yes", "danger"), ("Cancel", "cancel", "")],
                         lambda key: self.reject(held_id) if key == "yes" else None)

    def reject(self, held_id: int) -> None:
        self.run(f"Rejecting #{held_id}…", lambda: self.app.reject_held(held_id),
                 lambda _r: self.ok(f"Held action #{held_id} rejected: nothing changed."),
                 f"Held action #{held_id} could not be rejected", long=False)


def _timezones() -> list[str]:
    try:
        from zoneinfo import available_timezones

        return sorted(available_timezones())
    except Exception:  # no time zone database: free text still works
        return ["UTC"]


__all__ = ["SettingsPanel", "approve_result_html", "changed", "parse_price_table", "price_table_text",
           "source_label", "tier_note_html"]
