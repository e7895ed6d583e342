"""The Manage marketing contacts wizard driven like a user, checked against the store."""

from __future__ import annotations

import re

import pytest

from mcwidgets.app import App
from mcwidgets.domain.errors import PermissionDenied, ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.domain.wizard import eligible_filter, wizard_filter
from mcwidgets.services import lists, status
from mcwidgets.widgets.wizard import REFUSAL, MarketingContactsWizard, review_figures
from tests.conftest import ADMIN, ALICE
from tests.services.helpers import all_states, make_contact, state_of


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


PEOPLE = {  # contacts in every interesting state, for the people fixture (tests/widgets/conftest.py)
    "hb": ("marketing", 1, {"hard_bounced": True}),
    "hb2": ("marketing", 2, {"hard_bounced": True, "country": "DE"}),
    "hb_pending": ("pending", 3, {"hard_bounced": True}),
    "hb_non": ("non_marketing", 4, {"hard_bounced": True}),
    "unsub": ("marketing", 5, {"unsubscribed": True}),
    "both": ("marketing", 6, {"hard_bounced": True, "unsubscribed": True}),
    "nl": ("marketing", 7, {"country": "NL"}),
    "nl_non": ("non_marketing", 8, {"country": "NL"}),
    "vip": ("marketing", 9, {"country": "US"}),
    "other": ("marketing", 10, {"country": "US"}),
    "other2": ("marketing", 11, {}),
}


def wizard(app, **kw) -> MarketingContactsWizard:
    kw.setdefault("debounce", 0)
    return MarketingContactsWizard(app, **kw)


def data_value(html: str, cls: str) -> str:
    m = re.search(rf'class="{re.escape(cls)}" data-value="([^"]*)"', html)
    assert m, f"{cls} not in {html}"
    return m.group(1)


def test_non_admin_sees_the_refusal_and_no_steps_and_the_service_refuses(ctx, app, people):
    for user in ("alice", "bob"):
        w = wizard(app.as_user(user))
        assert not w.admin and REFUSAL in w.refusal.value
        assert not hasattr(w, "pages") and not hasattr(w, "update_button")
    f = wizard_filter(hard_bounced=True)
    before = all_states(ctx)
    with pytest.raises(PermissionDenied, match="only admins may run the Manage marketing contacts wizard"):
        app.as_user("alice").run_wizard(f)
    with pytest.raises(PermissionDenied):
        status.set_non_marketing(ctx, ALICE, Selection(filter=f), kind="wizard")
    assert all_states(ctx) == before
    # the plain action stays open to users: only the wizard kind is admin-only
    assert status.set_non_marketing(ctx, ALICE, Selection(filter=f)).kind == "set_non_marketing"


def test_information_step_shows_the_next_update_date(app):
    w = wizard(app)
    assert w.step == 1 and w.body.children == (w.pages[1],)
    assert "Marketing contacts" in w.info.value and "non-marketing" in w.info.value
    assert data_value(w.info.value, "mcw-wz-update-date") == "2026-12-26"
    assert "26 Dec 2026" in w.info.value
    assert 'class="mcw-wz-current" data-step="1"' in w.stepper.value


def test_unengaged_step_ticked_by_default_with_counts_beside(app, people):
    w = wizard(app)
    w.info_next.click()
    assert w.step == 2 and w.body.children == (w.pages[2],)
    assert all(box.value for box in w.checkboxes.values())
    assert [b.description for b in w.checkboxes.values()] == ["Hard-bounced contacts",
                                                              "Unsubscribed from all email"]
    # marketing, not yet pending: hb, hb2, both (not hb_pending, not hb_non); unsub, both
    assert w.counts == {"hard_bounced": 3, "unsubscribed": 2}
    assert data_value(w.unengaged_counts["hard_bounced"].value, "mcw-wz-count-value") == "3"
    assert data_value(w.unengaged_counts["unsubscribed"].value, "mcw-wz-count-value") == "2"
    assert w.counts["hard_bounced"] == app.forecast("set_non_marketing",
                                                    filter={"filterGroups": [{"filters": [
                                                        {"propertyName": "hard_bounced", "operator": "EQ",
                                                         "value": True}]}]}).changes
    assert app.count(filter=eligible_filter("unsubscribed")) == 2


def test_skip_and_back(app, people):
    w = wizard(app)
    w.info_next.click()
    w.unengaged_skip.click()
    assert w.step == 3 and w.skipped[2]
    w.filters_back.click()
    assert w.step == 2
    w.unengaged_back.click()
    assert w.step == 1
    w.info_next.click()
    w.unengaged_next.click()  # Next after Skip: the ticks count again
    assert not w.skipped[2]
    w.filters_skip.click()
    assert w.step == 4 and w.skipped[3]
    assert w.chosen() == {"hard_bounced": True, "unsubscribed": True, "not_opened": (), "filter": None, "lists": ()}
    w.review_back.click()
    assert w.step == 3
    w.filters_back.click()
    w.unengaged_skip.click()
    w.filters_skip.click()  # everything skipped: nothing to update
    assert w.selection is None and w.forecast is None
    assert w.update_button.disabled and "Nothing is selected" in w.summary.value


def test_review_figures_equal_the_forecast(app, ctx, people):
    app.configure_account(price_table={"professional": {"2000": 800, "7000": 1800}})
    w = wizard(app)
    w.info_next.click()
    w.unengaged_next.click()
    w.filters_skip.click()
    expected = app.forecast("set_non_marketing", filter=wizard_filter(hard_bounced=True, unsubscribed=True))
    assert w.forecast == expected
    assert (expected.selected, expected.changes) == (6, 4)  # hb, hb2, hb_pending, hb_non, unsub, both
    html = w.review.value
    a = expected.after
    assert data_value(html, "mcw-wz-selected") == "6" and data_value(html, "mcw-wz-changes") == "4"
    assert int(data_value(html, "mcw-wz-marketing-now")) == a.marketing == 9
    assert int(data_value(html, "mcw-wz-non-marketing-now")) == a.non_marketing == 2
    assert int(data_value(html, "mcw-wz-marketing-after")) == a.marketing_at_update == 9 - 5
    assert int(data_value(html, "mcw-wz-non-marketing-after")) == a.non_marketing + a.pending == 7
    assert int(data_value(html, "mcw-wz-tier-now")) == a.tier == 2000
    assert int(data_value(html, "mcw-wz-tier-after")) == a.tier_at_update
    assert int(data_value(html, "mcw-wz-marketing-without")) == expected.before.marketing_at_update == 8
    assert float(data_value(html, "mcw-wz-cost-now")) == a.cost == 800.0
    assert review_figures(expected)["after"]["marketing"] == 4
    assert "26 Dec 2026" in html
    assert not w.update_button.disabled


def test_update_unengaged_filter_and_list_then_undo(app, ctx, people):
    lists.create_list(ctx, ADMIN, "VIP")
    lists.add_members(ctx, ADMIN, "VIP", [people["vip"], people["nl_non"]])
    lists.create_list(ctx, ADMIN, "Unused")
    before = all_states(ctx)
    w = wizard(app)
    w.info_next.click()
    w.checkboxes["unsubscribed"].value = False  # hard-bounced only
    w.unengaged_next.click()
    assert list(w.lists.options) == [("Unused (0 contacts, static)", "Unused"),
                                     ("VIP (2 contacts, static)", "VIP")]
    b = w.builder
    b.add_group_button.click()
    row = b.rows[0]
    row.property.value = "country"
    row.operator.value = "EQ"
    row.value_widget.value = "NL"
    assert b.valid and b.count == 2
    w.lists.value = ("VIP",)
    w.filters_next.click()
    assert w.step == 4
    assert w.selection == wizard_filter(hard_bounced=True, filter=b.filter, lists=("VIP",))
    assert len(w.selection["filterGroups"]) == 3
    assert "Hard-bounced contacts" in w.summary.value and "Country is NL" in w.summary.value
    assert "VIP" in w.summary.value and "Unsubscribed" not in w.summary.value
    expected = {people[k] for k in ("hb", "hb2", "both", "nl", "vip")}
    assert w.forecast.changes == len(expected)

    w.update_button.click()
    assert w.result is not None and w.result.changed == len(expected)
    after = all_states(ctx)
    changed = {cid for cid in after if after[cid] != before[cid]}
    assert changed == expected
    assert all(after[cid] == ("marketing", True) for cid in expected)
    assert state_of(ctx, people["unsub"]) == ("marketing", False)  # unticked
    assert app.status().pending == 1 + len(expected)
    assert app.actions(limit=1)[0].kind == "wizard"
    text = re.sub(r"<[^>]+>", "", w.result_html.value)
    assert "5 contacts will become non-marketing on 26 Dec 2026" in text
    assert w.update_button.layout.display == "none" and w.undo_button.layout.display is None
    assert not w.undo_button.disabled and not w.review_back.disabled

    w.undo_button.click()
    w.confirm.buttons["yes"].click()
    assert all_states(ctx) == before
    assert "Undone" in w.result_html.value and data_value(w.result_html.value, "mcw-wz-restored") == "5"
    assert w.undo_button.layout.display == "none"
    w.restart_button.click()
    assert w.step == 1 and w.builder.filter == {"filterGroups": []} and w.lists.value == ()


def test_update_reports_service_errors_readably(app, ctx, people):
    lists.create_list(ctx, ADMIN, "Temp")
    w = wizard(app)
    w.info_next.click()
    w.unengaged_skip.click()
    w.lists.value = ("Temp",)
    w.filters_next.click()
    assert w.forecast is not None
    lists.delete_list(ctx, ADMIN, "Temp")
    before = all_states(ctx)
    w.update_button.click()  # the list went away meanwhile
    assert w.result is None and "The update failed" in w.message.value and "Temp" in w.message.value
    assert not w.update_button.disabled and all_states(ctx) == before
    w.go(4)  # re-reading the review: the forecast fails, shown as a message
    assert "No list named &#39;Temp&#39;" in w.message.value and "mcw-error" in w.message.value
    assert w.update_button.disabled
    w.review_back.click()  # the lists step reads the lists again: the deleted one is gone
    assert w.lists.options == () and w.lists.value == ()
    assert "no lists yet" in w.lists_note.value


def test_invalid_filter_blocks_next_but_not_skip(app):
    w = wizard(app)
    w.go(3)
    w.builder.add_group_button.click()
    row = w.builder.rows[0]
    row.property.value = "created_at"  # no date yet
    assert not w.builder.valid and w.filters_next.disabled
    row.value_widget.value = __import__("datetime").date(2026, 1, 1)
    assert w.builder.valid and not w.filters_next.disabled


def test_html_names_are_escaped_in_review_and_lists(app, ctx, people):
    evil = "<img src=x onerror=alert(1)>"
    lists.create_list(ctx, ADMIN, evil)
    lists.add_members(ctx, ADMIN, evil, [people["other"]])
    make_contact(ctx, "marketing", 99, first_name="<b>Bob</b>")
    w = wizard(app)
    w.info_next.click()
    w.unengaged_skip.click()
    assert (f"{evil} (1 contact, static)", evil) in w.lists.options  # options are text, not HTML
    w.lists.value = (evil,)
    w.builder.add_group_button.click()
    row = w.builder.rows[0]
    row.property.value = "first_name"
    row.value_widget.value = "<b>Bob</b>"
    w.filters_next.click()
    html = w.summary.value
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>Bob</b>" not in html and "&lt;b&gt;Bob&lt;/b&gt;" in html
    assert "<b>Bob</b>" not in w.builder.sentence.value
    w.update_button.click()
    assert w.result.changed == 2


def test_too_many_groups_is_a_message(app, ctx):
    for i in range(9):
        lists.create_list(ctx, ADMIN, f"L{i}")
    w = wizard(app)
    w.info_next.click()
    w.unengaged_next.click()
    w.lists.value = tuple(f"L{i}" for i in range(9))
    w.filters_next.click()
    assert "11 groups" in w.message.value and w.update_button.disabled
    with pytest.raises(ValidationError):
        wizard_filter(hard_bounced=True, unsubscribed=True, lists=[f"L{i}" for i in range(9)])


def test_service_refuses_an_empty_selection(app, ctx, people):
    before = all_states(ctx)
    with pytest.raises(ValidationError, match="nothing to update"):
        app.run_wizard({"filterGroups": []})
    assert all_states(ctx) == before


def test_the_dashboard_tab_is_the_wizard(app):
    from mcwidgets.dashboard import build_dashboard

    panel = build_dashboard(app).select("Manage marketing contacts")
    assert isinstance(panel, MarketingContactsWizard) and panel.admin and panel.step == 1
    refusal = build_dashboard(app.as_user("alice")).select("Manage marketing contacts")
    assert REFUSAL in refusal.refusal.value


# ---- undo (issue 15 item 6) ---------------------------------------------------------------

def _reviewed_and_updated(app):
    w = wizard(app)
    w.info_next.click()
    w.unengaged_next.click()
    w.filters_next.click()
    assert w.step == 4
    w.update_button.click()
    assert w.result is not None
    return w


def test_undo_asks_the_activity_tabs_question_first(app, ctx, people):
    from mcwidgets.widgets.activity_panel import ActivityPanel
    from mcwidgets.widgets.panel_kit import shown

    w = _reviewed_and_updated(app)
    n, action_id = w.result.changed, w.result.action_id
    after = all_states(ctx)
    assert not shown(w.confirm)
    w.undo_button.click()
    assert shown(w.confirm) and all_states(ctx) == after  # nothing undone before the answer
    question = w.confirm.asking
    assert question.startswith(f"Undo action #{action_id} (Wizard, {n} contacts)?")
    w.confirm.buttons["cancel"].click()
    assert not shown(w.confirm) and all_states(ctx) == after and w.undo_result is None
    # the Activity tab asks the same question, in the same words after the action's name
    p = ActivityPanel(app)
    p.views[action_id].undo.click()
    assert p.confirm.asking.split("?", 1)[1] == question.split("?", 1)[1]
    assert "stay marketing contacts" in question and "again" not in question
    p.confirm.buttons["cancel"].click()


def test_after_an_undo_the_review_shows_the_current_forecast(app, ctx, people):
    w = _reviewed_and_updated(app)
    n = w.result.changed
    assert n == 4  # hb, hb2, unsub, both
    w.undo_button.click()
    w.confirm.buttons["yes"].click()
    assert w.undo_result is not None and w.undo_result.changed == n
    # the figures are re-read: the contacts are no longer pending, so the update is offered anew
    assert w.forecast.changes == n
    assert data_value(w.review.value, "mcw-wz-changes") == str(n)
    assert w.update_button.layout.display is None and not w.update_button.disabled
    text = re.sub(r"<[^>]+>", "", w.result_html.value)
    assert f"Undone: {n} contacts stay marketing contacts (their change to non-marketing at the next update " \
           "date is cancelled)." in text
    assert "again" not in text


def test_the_review_re_reads_its_figures_when_another_view_changes_contacts(app, ctx, people):
    w = wizard(app)
    w.info_next.click()
    w.unengaged_next.click()
    w.filters_next.click()
    assert w.forecast.changes == 4
    app.set_non_marketing([people["hb"]])  # e.g. the Contacts tab: the App notifies its views
    assert w.forecast.changes == 3 and data_value(w.review.value, "mcw-wz-changes") == "3"
