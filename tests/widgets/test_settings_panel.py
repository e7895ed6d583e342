"""The Settings panel driven like a user, checked against the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from mcwidgets.app import App
from mcwidgets.domain.errors import ValidationError
from mcwidgets.widgets.panel_kit import shown
from mcwidgets.widgets.settings_panel import SettingsPanel, parse_price_table
from tests.services.helpers import all_states, make_contact, state_of

DE = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "DE"}]}]}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def data_value(html: str, cls: str) -> str:
    m = re.search(rf'class="{re.escape(cls)}" data-value="([^"]*)"', html)
    assert m, f"{cls} not in {html}"
    return m.group(1)


def test_shows_the_current_settings(app):
    p = SettingsPanel(app)
    info = app.account()
    assert p.admin and not shown(p.readonly)
    assert (p.billing.value, p.start.value, p.timezone.value) == (info.billing_period, info.billing_start, "UTC")
    assert (p.edition.value, p.tier.value, p.spike_limit.value) == ("professional", 2000, 10_000)
    assert p.price_table.value == ""
    assert p.defaults["forms"].value == "marketing" and p.defaults["import"].value == "non_marketing"
    assert set(p.user_boxes) == {"admin", "alice", "bob"}
    assert p.user_boxes["alice"].value and not p.user_boxes["bob"].value
    assert "26 Dec 2026" in p.billing_note.value and "26 Dec 2026" in p.tier_note.value
    assert "Nothing is waiting" in p.held_box.children[0].value


def test_sections_open_with_billing_and_held_spikes_follow_the_spike_limit(app):
    p = SettingsPanel(app)
    titles = [c for w in p.children for c in getattr(w, "_dom_classes", ()) if c.endswith("-title")]
    assert titles == ["mcw-set-billing-title", "mcw-set-plan-title", "mcw-set-spike-title", "mcw-set-held-title",
                      "mcw-set-prices-title", "mcw-set-defaults-title", "mcw-set-users-title"]
    order = list(p.children)
    assert order.index(p.spike_limit) < order.index(p.held_box) < order.index(p.price_table)


def test_billing_settings_are_saved(app):
    p = SettingsPanel(app)
    p.billing.value = "annual"
    p.start.value = date(2026, 3, 1)
    p.timezone.value = "Europe/Amsterdam"
    p.save_billing.click()
    info = app.account()
    assert (info.billing_period, info.billing_start, info.timezone) == ("annual", date(2026, 3, 1),
                                                                         "Europe/Amsterdam")
    assert "saved" in p.message.value
    assert data_value(p.billing_note.value, "mcw-set-next-update") == info.next_update_date.isoformat()
    p.timezone.value = "Mars/Olympus"
    p.save_billing.click()
    assert "mcw-error" in p.message.value and "Mars/Olympus" in p.message.value
    assert app.account().timezone == "Europe/Amsterdam"


def test_a_higher_tier_applies_now_a_lower_one_is_requested(app, ctx, clock):
    from datetime import datetime, timezone

    clock.set(datetime(2026, 12, 26, 9, 0, tzinfo=timezone.utc))
    app.rollover()  # an update date processed: the account is set up, a lower tier is a request
    p = SettingsPanel(app)
    p.tier.value = 12_000
    p.save_plan_button.click()
    assert app.account().tier == 12_000 and data_value(p.message.value, "mcw-set-saved-tier") == "12000"
    p.tier.value = 7_000
    p.save_plan_button.click()
    info = app.account()
    assert (info.tier, info.requested_tier) == (12_000, 7_000)
    assert "requested" in p.message.value and "26 Jan 2027" in p.message.value
    assert data_value(p.tier_note.value, "mcw-set-requested-tier") == "7000"
    assert p.tier.value == 7_000
    # Only the edition's tiers are offered: 7,500 is no professional tier (issue 15 item 4).
    offered = [v for _label, v in p.tier.options]
    assert offered[:4] == [2_000, 7_000, 12_000, 17_000] and 7_500 not in offered
    assert ("12,000", 12_000) in p.tier.options
    assert app.account().requested_tier == 7_000
    p.edition.value = "enterprise"  # saving only the edition leaves the request alone
    p.save_plan_button.click()
    assert app.account().edition == "enterprise"


def test_spike_limit_and_price_table(app):
    p = SettingsPanel(app)
    p.spike_limit.value = 250
    p.save_spike.click()
    assert app.account().spike_limit == 250
    p.spike_limit.value = -1
    p.save_spike.click()
    assert "cannot be negative" in p.message.value and app.account().spike_limit == 250
    p.price_table.value = '{"professional": {"2000": 800, "7,000": 1300.5}}'
    p.save_prices.click()
    assert app.account().price_table == {"professional": {"2000": 800, "7000": 1300.5}}
    assert '"7000": 1300.5' in p.price_table.value
    p.price_table.value = '{"professional": {"2000": "cheap"}}'
    p.save_prices.click()
    assert "mcw-error" in p.message.value and "must be a number" in unescape(p.message.value)
    p.price_table.value = "{not json"
    p.save_prices.click()
    assert "not valid JSON" in p.message.value
    assert app.account().price_table == {"professional": {"2000": 800, "7000": 1300.5}}
    p.price_table.value = ""
    p.save_prices.click()
    assert not app.account().price_table and "cleared" in p.message.value


def test_parse_price_table():
    assert parse_price_table("  ") == {}
    assert parse_price_table('{"starter": {"1000": 0}}') == {"starter": {"1000": 0}}
    for bad, why in (('["x"]', "must be an object"), ('{"gold": {}}', "unknown edition"),
                     ('{"starter": 5}', "must be an object of tier"), ('{"starter": {"lots": 5}}', "is not a tier"),
                     ('{"starter": {"1000": -5}}', "must be a number"), ('{"starter": {"0": 5}}', "positive")):
        with pytest.raises(ValidationError, match=why):
            parse_price_table(bad)


def test_default_statuses_are_saved_and_used(app, ctx):
    p = SettingsPanel(app)
    p.defaults["import"].value = "marketing"
    p.defaults["forms"].value = "non_marketing"
    p.save_defaults.click()
    assert app.default_statuses()["import"] == "marketing" and app.default_statuses()["forms"] == "non_marketing"
    assert "Import: Marketing" in p.message.value
    cid = app.create_contact("new@example.com", source="import")
    assert state_of(ctx, cid) == ("marketing", False)


def test_permission_toggle_and_add_user(app, ctx):
    p = SettingsPanel(app)
    p.user_boxes["alice"].value = False
    assert not {u.name: u for u in app.users()}["alice"].can_edit_marketing
    # the confirmation shows right under the checkboxes, not in the message line at the top
    assert "may no longer" in p.users_message.value and p.message.value == ""
    kids = list(p.children)
    assert kids.index(p.users_message) == kids.index(p.users_box) + 1
    p.user_boxes["bob"].value = True
    assert {u.name: u for u in app.users()}["bob"].can_edit_marketing
    p.new_user.value = "dora"
    p.new_admin.value = True
    p.add_user_button.click()
    users = {u.name: u for u in app.users()}
    assert users["dora"].role == "admin" and users["dora"].can_edit_marketing
    assert "dora" in p.user_boxes and p.new_user.value == ""
    assert "dora" in p.users_message.value
    p.new_user.value = "two words"
    p.add_user_button.click()
    assert "mcw-error" in p.users_message.value and "bad user name" in p.users_message.value


def test_non_admin_sees_read_only_settings_and_forced_calls_are_refused(app, ctx):
    make_contact(ctx, "non_marketing", 1, country="DE")
    make_contact(ctx, "non_marketing", 2, country="DE")
    app.configure_account(spike_limit=1)
    app.create_workflow("German in", DE, "marketing")
    run = app.turn_on_workflow("German in", enroll_existing=True)
    for user in ("alice", "bob"):
        p = SettingsPanel(app.as_user(user))
        assert not p.admin and shown(p.readonly)
        assert all(w.disabled for w in p.inputs)
        assert not any(shown(b) for b in p.saves) and not shown(p.add_user_row)
        assert not any(shown(b) for pair in p.held_rows.values() for b in pair)
        assert run.held_id in p.held_rows  # seen, not decided
    p = SettingsPanel(app.as_user("alice"))
    p.tier.value = 12_000
    p.save_plan()
    assert "mcw-error" in p.message.value and "only admins may change the account settings" in p.message.value
    assert app.account().tier == 2000
    p.set_permission("bob", True)
    assert "only admins may change permissions" in p.users_message.value
    assert not {u.name: u for u in app.users()}["bob"].can_edit_marketing
    p.defaults["import"].value = "marketing"
    p.save_default_statuses()
    assert "only admins may change default statuses" in p.message.value
    assert app.default_statuses()["import"] == "non_marketing"
    before = all_states(ctx)
    p.approve(run.held_id)
    assert "only admins may approve or reject held actions" in p.message.value
    assert all_states(ctx) == before and [h.id for h in app.held()] == [run.held_id]


def test_a_held_spike_approved_from_the_panel_is_applied(app, ctx):
    ids = [make_contact(ctx, "non_marketing", i, country="DE") for i in range(3)]
    app.configure_account(spike_limit=2)
    app.create_workflow("German in", DE, "marketing")
    run = app.turn_on_workflow("German in", enroll_existing=True)
    assert run.held_id is not None and all(state_of(ctx, c) == ("non_marketing", False) for c in ids)
    p = SettingsPanel(app)
    assert "would set 3 contacts as marketing" in unescape(p.held_box.children[0].children[0].value)
    seen = {}
    real = app.approve_held

    def spy(held_id):
        seen["progress"] = p.progress.value
        seen["disabled"] = all(b.disabled for b in p.action_buttons())
        return real(held_id)

    app.approve_held = spy
    approve, _ = p.held_rows[run.held_id]
    approve.click()
    assert "Approve #" in p.confirm.question.value
    p.confirm.buttons["yes"].click()
    assert "mcw-spinner" in seen["progress"] and seen["disabled"]
    assert all(state_of(ctx, c) == ("marketing", False) for c in ids)
    assert app.held() == [] and data_value(p.message.value, "mcw-set-approved-changed") == "3"
    assert not p.held_rows and "Nothing is waiting" in p.held_box.children[0].value


def test_a_held_spike_rejected_turns_the_workflow_off(app, ctx):
    ids = [make_contact(ctx, "non_marketing", i, country="DE") for i in range(3)]
    app.configure_account(spike_limit=2)
    app.create_workflow("German in", DE, "marketing")
    run = app.turn_on_workflow("German in", enroll_existing=True)
    p = SettingsPanel(app)
    p.held_rows[run.held_id][1].click()
    p.confirm.buttons["yes"].click()
    assert app.held() == [] and not app.workflow("German in").enabled
    assert all(state_of(ctx, c) == ("non_marketing", False) for c in ids)
    assert "rejected" in p.message.value


def test_user_names_are_escaped(app, ctx):
    p = SettingsPanel(app)
    # user names are one word: no spaces, but markup fits
    p.new_user.value = "<img/src=x/onerror=alert(1)>"
    p.add_user_button.click()
    html = "".join(c.value for c in p.users_box.children if hasattr(c, "value") and isinstance(c.value, str))
    assert "<img" not in html and "&lt;img/src=x/onerror=alert(1)&gt;" in html
    assert "<img" not in p.message.value and "<img" not in p.users_message.value


def test_setting_up_a_lower_tier_that_fits_applies_at_once(app):
    p = SettingsPanel(app)
    assert "being set up" in p.tier_note.value
    p.edition.value, p.tier.value = "starter", 1_000
    p.save_plan_button.click()
    info = app.account()
    assert (info.edition, info.tier, info.requested_tier) == ("starter", 1_000, None)
    assert data_value(p.message.value, "mcw-set-saved-tier") == "1000"


SMALL = {"professional": {"included": 2, "step": 5}}  # tiers 2, 7, 12, 17, ...


def _set_up_with(app, ctx, clock, marketing: int, pending: int):
    """A set-up account (an update date processed) on tier 12 of small steps, with
    ``marketing`` marketing contacts of which ``pending`` leave at the next update date."""
    from datetime import datetime, timezone

    app.configure_account(tier_steps=SMALL)
    app.configure_account(tier=12)
    clock.set(datetime(2026, 12, 26, 9, 0, tzinfo=timezone.utc))
    app.rollover()
    for i in range(marketing - pending):
        make_contact(ctx, "marketing", i)
    for i in range(pending):
        make_contact(ctx, "pending", i)


def test_a_lower_tier_that_will_not_fit_is_warned_about_before_saving(app, ctx, clock):
    _set_up_with(app, ctx, clock, marketing=11, pending=1)  # 10 projected at 26 Jan 2027
    p = SettingsPanel(app)
    assert p.tier.value == 12 and p.tier_outlook.value == ""
    assert [v for _l, v in p.tier.options][:4] == [2, 7, 12, 17]
    p.tier.value = 7  # chosen, not saved: the warning shows at once
    text = unescape(re.sub(r"<[^>]+>", "", p.tier_outlook.value))
    assert "mcw-set-tier-warning" in p.tier_outlook.value
    assert text == ("At the next update date (26 Jan 2027) 10 marketing contacts are projected; a 7 tier needs 3 "
                    "fewer. Set contacts as non-marketing first, or the tier stays 12.")
    assert data_value(p.tier_outlook.value, "mcw-set-outlook-excess") == "3"
    assert app.account().requested_tier is None  # nothing saved by choosing
    p.tier.value = 17
    assert "applies at once" in p.tier_outlook.value and "warning" not in p.tier_outlook.value
    p.tier.value = 7
    p.save_plan_button.click()  # saving anyway is allowed: a request that stays 12 unless contacts leave
    assert (app.account().tier, app.account().requested_tier) == (12, 7)


def test_a_lower_tier_that_fits_at_the_update_date_says_so(app, ctx, clock):
    _set_up_with(app, ctx, clock, marketing=9, pending=2)  # 7 projected
    p = SettingsPanel(app)
    p.tier.value = 7
    assert "mcw-set-tier-warning" not in p.tier_outlook.value
    assert data_value(p.tier_outlook.value, "mcw-set-outlook-projected") == "7"
    assert "fit a 7 tier, which then applies" in p.tier_outlook.value


def test_while_setting_up_a_lower_tier_that_fits_applies_at_once(app, ctx):
    app.configure_account(tier_steps=SMALL)
    app.configure_account(tier=12)
    for i in range(5):
        make_contact(ctx, "marketing", i)
    p = SettingsPanel(app)
    assert app.account().setting_up
    p.tier.value = 7
    assert "applies at once" in p.tier_outlook.value and "warning" not in p.tier_outlook.value
    p.tier.value = 2  # 5 do not fit 2: a request for the update date, warned about
    assert data_value(p.tier_outlook.value, "mcw-set-outlook-excess") == "3"
    p.tier.value = 7
    p.save_plan_button.click()
    assert (app.account().tier, app.account().requested_tier) == (7, None)


def test_choosing_another_edition_offers_its_tiers(app):
    p = SettingsPanel(app)
    p.edition.value = "enterprise"
    offered = [v for _l, v in p.tier.options]
    assert offered[:2] == [10_000, 20_000] and p.tier.value == 10_000
    p.save_plan_button.click()
    assert (app.account().edition, app.account().tier) == ("enterprise", 10_000)


def test_permission_checkboxes_have_accessible_names(app):
    p = SettingsPanel(app)
    box = p.user_boxes["bob"]
    assert box.description == "Edit marketing contacts: bob" and not box.description_allow_html
    assert {b.description for b in p.user_boxes.values()} == {f"Edit marketing contacts: {u}"
                                                             for u in ("admin", "alice", "bob")}
