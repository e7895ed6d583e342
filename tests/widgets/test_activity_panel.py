"""The Activity panel driven like a user, checked against the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.activity_panel import ActivityPanel, history_rows, who_label
from mcwidgets.widgets.panel_kit import shown
from tests.services.helpers import all_states, make_contact, state_of

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


PEOPLE = [("marketing", i, {"country": "NL" if i < 3 else "DE"}) for i in range(5)]  # the people fixture


def data_value(html: str, cls: str) -> str:
    m = re.search(rf'class="{re.escape(cls)}" data-value="([^"]*)"', html)
    assert m, f"{cls} not in {html}"
    return m.group(1)


def test_actions_newest_first_with_what_who_and_counts(app, people):
    result = app.set_non_marketing(people[:3])
    p = ActivityPanel(app)
    ids = list(p.views)
    assert ids == sorted(ids, reverse=True) and ids[0] == result.action_id
    assert ids == [a.id for a in app.actions()]
    view = p.views[result.action_id]
    assert "Set as non-marketing" in view.cells["what"].value
    assert ">admin<" in view.cells["who"].value
    assert data_value(view.cells["changed"].value, "mcw-act-changed-value") == "3"
    assert "26 Nov 2026 12:00" in view.cells["when"].value
    assert shown(view.undo)
    creations = [v for v in p.views.values() if v.row.kind == "create"]
    assert len(creations) == 5 and not any(shown(v.undo) for v in creations)


def test_load_more_reads_older_pages(app, people):
    p = ActivityPanel(app, page_size=2)
    assert len(p.views) == 2 and shown(p.more_button)
    total = len(app.actions())  # 5 contacts created, after the 3 users added
    assert total == 8
    for _ in range(total):
        if not shown(p.more_button):
            break
        p.more_button.click()
    assert [v for v in p.views] == [a.id for a in app.actions()] and len(p.views) == total
    assert not shown(p.more_button)
    app.set_non_marketing(people[:1])  # a refresh keeps as many rows as are shown
    assert len(p.views) == total + 1 and p.loaded[0].kind == "set_non_marketing"


def test_settings_changes_are_shown_with_what_changed(app, ctx):
    app.set_permission("bob", True)
    app.configure_account(spike_limit=5)
    p = ActivityPanel(app)
    rows = {v.row.kind: v for v in p.views.values()}
    perm, acct, added = rows["permission_changed"], rows["account_changed"], rows["user_added"]
    assert "Permission changed" in perm.cells["what"].value and "admin" in perm.cells["who"].value
    assert "bob" in unescape(perm.cells["description"].value) and "off → on" in unescape(perm.cells["description"].value)
    assert "spike limit none → 5" in unescape(acct.cells["description"].value)
    assert "User added" in added.cells["what"].value
    assert "—" in perm.cells["changed"].value and not shown(perm.undo)


def test_undo_with_confirmation_restores_the_contacts(app, ctx, people):
    result = app.set_non_marketing(people[:3])
    assert all(state_of(ctx, c) == ("marketing", True) for c in people[:3])
    p = ActivityPanel(app)
    p.views[result.action_id].undo.click()
    assert shown(p.confirm) and f"Undo action #{result.action_id}" in p.confirm.question.value
    p.confirm.buttons["cancel"].click()
    assert all(state_of(ctx, c) == ("marketing", True) for c in people[:3])
    p.views[result.action_id].undo.click()
    p.confirm.buttons["yes"].click()
    assert all(state_of(ctx, c) == ("marketing", False) for c in people)
    assert data_value(p.message.value, "mcw-act-restored") == "3"
    undo_id = int(data_value(p.message.value, "mcw-act-undo-id"))
    view = p.views[result.action_id]
    assert not shown(view.undo) and data_value(view.undone.value, "mcw-badge mcw-badge-undone mcw-act-undone") \
        == str(undo_id)
    assert p.loaded[0].id == undo_id and p.loaded[0].kind == "undo"


def test_undo_of_a_workflow_action(app, ctx, people):
    app.create_workflow("Dutch out", NL, "non-marketing")
    run = app.turn_on_workflow("Dutch out", enroll_existing=True)
    p = ActivityPanel(app)
    view = p.views[run.action_id]
    assert "Workflow: set as non-marketing" in view.cells["what"].value
    assert "workflow &#39;Dutch out&#39;" in view.cells["who"].value
    view.undo.click()
    p.confirm.buttons["yes"].click()
    assert all(state_of(ctx, c) == ("marketing", False) for c in people)


def test_undo_after_the_update_date_is_refused_readably(app, ctx, clock, people):
    result = app.set_non_marketing(people[:2])
    p = ActivityPanel(app)
    clock.set(datetime(2026, 12, 27, 9, 0, tzinfo=UTC))
    app.rollover()
    assert state_of(ctx, people[0]) == ("non_marketing", False)
    p.views[result.action_id].undo.click()
    p.confirm.buttons["yes"].click()
    assert "mcw-error" in p.message.value and "the update date (2026-12-26) has passed" in p.message.value
    assert state_of(ctx, people[0]) == ("non_marketing", False)
    assert "Update date" in p.views[p.loaded[0].id].cells["what"].value


def test_undo_is_offered_only_while_the_service_would_accept_it(app, ctx, clock, people):
    """Issue 13 item 3: the panel asks the service's rule (ActionRow.undoable), so an
    action whose update date passed, or that was undone, offers no Undo."""
    first = app.set_non_marketing(people[:1])
    second = app.set_non_marketing(people[1:2])
    p = ActivityPanel(app)
    assert shown(p.views[first.action_id].undo) and shown(p.views[second.action_id].undo)
    app.undo(first.action_id)
    assert not shown(p.views[first.action_id].undo) and shown(p.views[second.action_id].undo)
    clock.set(datetime(2026, 12, 27, 9, 0, tzinfo=UTC))
    app.rollover()
    assert not shown(p.views[second.action_id].undo)
    assert not shown(ActivityPanel(app).views[second.action_id].undo)


def test_a_user_without_the_permission_sees_no_undo_and_a_forced_undo_is_refused(app, ctx, people):
    result = app.set_non_marketing(people[:3])
    p = ActivityPanel(app.as_user("bob"))
    assert not p.can_undo and not any(shown(v.undo) for v in p.views.values())
    before = all_states(ctx)
    p.undo(result.action_id)
    assert "mcw-error" in p.message.value
    assert "does not have the 'Edit marketing contacts' permission" in unescape(p.message.value)
    assert all_states(ctx) == before
    # alice may undo: the service lets users with the permission do it
    alice = ActivityPanel(app.as_user("alice"))
    assert shown(alice.views[result.action_id].undo)


def test_history_of_a_contact(app, ctx, people):
    cid = people[0]
    app.set_non_marketing([cid])
    app.set_marketing([cid])
    p = ActivityPanel(app)
    p.contact_id.value = str(cid)
    p.history_button.click()
    entries = app.history(cid)
    html = p.history.value
    assert len(entries) == 3
    assert re.findall(r'<tr data-action="(\d+)">', html) == [str(e.action_id) for e in entries]
    rows = history_rows(entries, "UTC")
    assert rows[1]["status"] == "Marketing → Marketing (pending)" and rows[1]["pending"] == "No → Yes"
    assert rows[2]["status"] == "Marketing (pending) → Marketing" and rows[2]["pending"] == "Yes → No"
    assert rows[0]["status"] == "— → Marketing" and rows[0]["actor"] == "admin"
    assert "Set as non-marketing" in html and "Contact created" in html
    assert data_value(html, "mcw-act-history-contact") == str(cid)
    # the shown history follows later changes
    app.set_non_marketing([cid])
    assert len(re.findall(r"<tr data-action=", p.history.value)) == 4


def test_bad_or_unknown_contact_ids_read_well(app, people):
    p = ActivityPanel(app)
    p.contact_id.value = "abc"
    p.history_button.click()
    assert "mcw-error" in p.history.value and "Enter a contact id" in p.history.value
    p.show_history(99999)
    assert "No contact with id 99999" in p.history.value


def test_undo_shows_progress_and_disables_the_buttons(app, ctx, people):
    result = app.set_non_marketing(people[:2])
    p = ActivityPanel(app)
    seen = {}
    real = app.undo

    def spy(action_id):
        seen["progress"] = p.progress.value
        seen["disabled"] = all(b.disabled for b in p.action_buttons())
        return real(action_id)

    app.undo = spy
    p.views[result.action_id].undo.click()
    p.confirm.buttons["yes"].click()
    assert "mcw-spinner" in seen["progress"] and seen["disabled"]
    assert p.progress.value == "" and not p.more_button.disabled and not p.history_button.disabled


def test_names_and_descriptions_are_escaped(app, ctx):
    evil = "<script>alert(1)</script>"
    cid = make_contact(ctx, "marketing", 1, email="<b>x</b>@example.com", country="NL")
    app.create_workflow(evil, NL, "non-marketing")
    app.turn_on_workflow(evil, enroll_existing=True)
    p = ActivityPanel(app)
    html = "".join(c.value for v in p.views.values() for c in v.cells.values())
    assert "<script>" not in html and "&lt;script&gt;" in html
    p.show_history(cid)
    assert "<b>x</b>" not in p.history.value and "&lt;b&gt;x&lt;/b&gt;" in p.history.value
    assert "<script>" not in p.history.value
    assert who_label("workflow", evil) == f"workflow {evil!r}"


def test_the_dashboard_tabs_are_these_panels_and_follow_changes(app, ctx, people):
    from mcwidgets.dashboard import build_dashboard
    from mcwidgets.widgets.settings_panel import SettingsPanel
    from mcwidgets.widgets.workflows_panel import WorkflowsPanel

    dash = build_dashboard(app)
    workflows_tab, activity, settings = (dash.select(t) for t in ("Workflows", "Activity", "Settings"))
    assert isinstance(workflows_tab, WorkflowsPanel) and isinstance(activity, ActivityPanel)
    assert isinstance(settings, SettingsPanel)
    result = app.set_non_marketing(people[:2])  # from another tab: every panel refreshes
    assert activity.loaded[0].id == result.action_id
    app.create_workflow("Dutch out", NL, "non-marketing")
    app.configure_account(spike_limit=5)
    assert settings.spike_limit.value == 5 and "Dutch out" in workflows_tab.rows


def test_a_tier_raise_is_listed_in_the_activity(app):
    app.configure_account(tier_steps={"professional": {"included": 1, "step": 1}}, tier=1)
    ids = [app.create_contact(f"r{i}@example.com", status="non-marketing") for i in range(2)]
    result = app.as_user("alice").set_marketing(ids)
    p = ActivityPanel(app)
    (view,) = [v for v in p.views.values() if v.row.kind == "tier_raised"]
    assert "Contact tier raised" in view.cells["what"].value and ">alice<" in view.cells["who"].value
    assert ("Tier raised from 1 to 2 by alice&#39;s bulk action setting 2 contacts as marketing"
            in view.cells["description"].value)
    assert view.row.details["action_id"] == result.action_id and not shown(view.undo)


def test_undo_message_says_the_contacts_stay_marketing(app, ctx, people):
    """Issue 15 item 6: an undone set-as-non-marketing cancels a pending change; the
    contacts were marketing all along, so the message never says "again"."""
    result = app.set_non_marketing(people[:3])
    p = ActivityPanel(app)
    p.views[result.action_id].undo.click()
    assert "again" not in p.confirm.asking and "stay marketing contacts" in p.confirm.asking
    p.confirm.buttons["yes"].click()
    text = unescape(re.sub(r"<[^>]+>", "", p.message.value))
    assert "3 contacts stay marketing contacts (their change to non-marketing at the next update date is " \
           "cancelled)" in text
    assert "again" not in text
