"""The contact record, opened from the grid as grid.js opens it (its "open" message),
driven like a user without a browser, checked on the widgets and in the database, on
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.contact_record import ContactRecord, value_text
from mcwidgets.widgets.contacts_panel import ContactsPanel
from tests.services.helpers import state_of

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def panel_for(app, tmp_path) -> ContactsPanel:
    return ContactsPanel(app, debounce=0, export_dir=tmp_path / "exports")


def open_row(panel: ContactsPanel, contact_id: int) -> ContactRecord:
    """What a click on the row's "Open" button (or the row) sends from grid.js."""
    panel.grid._on_msg(panel.grid, {"event": "open", "id": contact_id}, [])
    return panel.record


def data_value(markup, cls: str) -> str:
    m = re.search(rf'class="{cls}" data-value="([^"]*)"', str(markup))
    assert m, f"no {cls} in {markup}"
    return m.group(1)


def test_opening_a_row_shows_properties_status_and_history(app, tmp_path):
    cid = app.create_contact("ann@example.com", first_name="Ann", last_name="Smit", country="Netherlands",
                             status="marketing", hard_bounced=True)
    panel = panel_for(app, tmp_path)
    record = panel.record
    assert record.layout.display == "none"
    open_row(panel, cid)
    assert record.layout.display is None and record.contact_id == cid
    assert "Ann Smit" in record.title.value and "ann@example.com" in record.title.value
    assert data_value(record.status.value, "mcw-record-marketing-status") == "marketing"
    assert data_value(record.status.value, "mcw-record-pending") == "no"
    props = record.props.value
    assert re.search(r'data-field="country"><th>Country</th><td>Netherlands</td>', props)
    assert re.search(r'data-field="hard_bounced"><th>[^<]+</th><td>Yes</td>', props)
    assert re.search(r'data-field="unsubscribed"><th>[^<]+</th><td>No</td>', props)
    history = record.history.value
    assert history.count("<tr data-action=") == len(app.history(cid)) >= 1
    assert not record.set_non_marketing_button.disabled
    assert record.set_marketing_button.disabled  # a marketing contact already: says so
    assert "already" in record.set_marketing_button.tooltip


def test_set_one_contact_non_marketing_with_the_forecast_and_a_question(app, tmp_path):
    ids = [app.create_contact(f"c{i}@example.com", last_name=f"L{i}", status="marketing") for i in range(3)]
    panel = panel_for(app, tmp_path)
    record = open_row(panel, ids[1])
    before = len(app.history(ids[1]))
    record.set_non_marketing_button.click()
    assert record.confirm.asking and "non-marketing" in record.confirm.asking
    forecast = record.forecast.value
    assert data_value(forecast, "mcw-fc-marketing-now") == "3"
    assert data_value(forecast, "mcw-fc-marketing-at-update") == "2"
    assert state_of(app.ctx, ids[1]) == ("marketing", False)  # nothing yet
    record.confirm.buttons["no"].click()
    assert record.forecast.value == "" and state_of(app.ctx, ids[1]) == ("marketing", False)
    record.set_non_marketing_button.click()
    record.confirm.buttons["yes"].click()
    assert state_of(app.ctx, ids[1]) == ("marketing", True)
    assert {i: state_of(app.ctx, i) for i in (ids[0], ids[2])} == {ids[0]: ("marketing", False),
                                                                  ids[2]: ("marketing", False)}
    update = app.account().next_update_date
    assert "mcw-ok" in record.message.value and data_value(record.message.value, "mcw-record-result-date") == update.isoformat()
    # the record shows the new state and the new history row; the action is the bulk action's
    assert data_value(record.status.value, "mcw-record-pending") == "yes"
    assert len(app.history(ids[1])) == before + 1 and app.history(ids[1])[-1].action == "set_non_marketing"
    assert record.history.value.count("<tr data-action=") == before + 1
    assert record.set_non_marketing_button.disabled and not record.set_marketing_button.disabled
    # and the grid follows (the App notified it)
    row = next(r for r in panel.grid.rows if r["id"] == ids[1])
    if "pending_non_marketing" in row:
        assert row["pending_non_marketing"] == "Yes"


def test_set_marketing_cancels_pending_and_needs_the_permission(ctx, tmp_path):
    admin = App(ctx, "admin")
    cid = admin.create_contact("n@example.com", status="non_marketing")
    bob = App(ctx, "bob")  # restricted: no "Edit marketing contacts"
    panel = panel_for(bob, tmp_path)
    record = open_row(panel, cid)
    assert record.set_marketing_button.disabled
    assert "permission" in record.set_marketing_button.tooltip and "permission" in record.note.value
    record.ask("set_marketing")  # what a click on the disabled button could reach: the service refuses
    record.confirm.buttons["yes"].click()
    assert "mcw-error" in record.message.value and state_of(ctx, cid) == ("non_marketing", False)
    # the admin may
    panel2 = panel_for(admin, tmp_path)
    record2 = open_row(panel2, cid)
    record2.set_marketing_button.click()
    assert data_value(record2.forecast.value, "mcw-fc-marketing-after") == "1"
    record2.confirm.buttons["yes"].click()
    assert state_of(ctx, cid) == ("marketing", False)
    assert data_value(record2.status.value, "mcw-record-marketing-status") == "marketing"


def test_contact_text_is_escaped(app, tmp_path):
    cid = app.create_contact("x@example.com", first_name=XSS, last_name=XSS, company=XSS, status="marketing")
    panel = panel_for(app, tmp_path)
    record = open_row(panel, cid)
    record.set_non_marketing_button.click()
    for text in (record.title.value, record.props.value, record.forecast.value, record.confirm.question.value):
        assert "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in record.props.value
    record.confirm.buttons["yes"].click()
    assert "<img" not in record.message.value


def test_a_row_not_on_the_page_is_not_opened_and_close_hides(app, tmp_path):
    cid = app.create_contact("a@example.com", status="marketing")
    panel = panel_for(app, tmp_path)
    open_row(panel, cid + 1000)
    assert panel.record.contact_id is None and "not on this page" in panel.grid.error
    record = open_row(panel, cid)
    record.close_button.click()
    assert record.layout.display == "none" and record.contact_id is None


def test_the_record_follows_changes_made_elsewhere(app, tmp_path):
    cid = app.create_contact("a@example.com", status="marketing")
    record = open_row(panel_for(app, tmp_path), cid)
    app.set_non_marketing([cid])
    assert data_value(record.status.value, "mcw-record-pending") == "yes"


def test_values_read_as_the_grid_writes_them():
    assert value_text("hard_bounced", False, "UTC") == "No"
    assert value_text("marketing_status", "non_marketing", "UTC") == "Non-marketing contact"
    assert value_text("country", None, "UTC") == "–"
    assert value_text("lifecycle_stage", "marketing_qualified_lead", "UTC")[0].isupper()
    assert value_text("created_at", date(2026, 6, 3), "UTC") == "3 Jun 2026"
