"""FilterBuilder driven like a user: dropdowns set, buttons clicked; checked against the store."""

from __future__ import annotations

import time
from datetime import date, timedelta

import ipywidgets as widgets
import pytest

from mcwidgets.app import App
from mcwidgets.domain.filters import OPERATOR_LABELS, OPERATORS_BY_TYPE, PROPERTIES, parse_filter
from mcwidgets.services import lists
from mcwidgets.widgets import filter_model as fm
from mcwidgets.widgets.filter_builder import FilterBuilder
from tests.conftest import ADMIN


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


PEOPLE = {  # a few contacts with varied properties, for the people fixture (tests/widgets/conftest.py)
    "nl1": ("marketing", 1, {"country": "NL", "lifecycle_stage": "lead", "first_name": "Anna",
                             "last_activity_at": lambda now: now - timedelta(days=3)}),
    "nl2": ("marketing", 2, {"country": "nl", "lifecycle_stage": "customer", "hard_bounced": True,
                             "last_activity_at": lambda now: now - timedelta(days=200)}),
    "be": ("pending", 3, {"country": "BE", "lifecycle_stage": "lead", "unsubscribed": True}),
    "de": ("non_marketing", 4, {"country": "DE", "lifecycle_stage": "subscriber", "company": "Müller GmbH"}),
    "none": ("marketing", 5, {}),
}


def builder_for(app, **kw) -> FilterBuilder:
    kw.setdefault("debounce", 0)
    return FilterBuilder(app, **kw)


def one_row(b: FilterBuilder, prop: str, op: str | None = None):
    b.add_group_button.click()
    row = b.rows[-1]
    row.property.value = prop
    if op is not None:
        row.operator.value = op
    return row


def test_starts_empty_meaning_all_contacts_with_the_total_count(app, people):
    b = builder_for(app)
    assert b.filter == {"filterGroups": []}
    assert b.valid and b.rows == []
    assert "All contacts" in b.sentence.value
    assert b.count == app.count(filter={"filterGroups": []}) == 5
    assert 'data-value="5"' in b.count_html.value


def test_operators_are_limited_to_the_property_type(app):
    b = builder_for(app)
    row = one_row(b, "email")
    for name, prop in PROPERTIES.items():
        row.property.value = name
        ops = [op for _, op in row.operator.options]
        labels = [label for label, _ in row.operator.options]
        assert ops == list(OPERATORS_BY_TYPE[prop.type]), name
        assert labels == [OPERATOR_LABELS[prop.type][op] for op in ops], name
    property_labels = [label for label, _ in row.property.options]
    assert property_labels == [p.label for p in PROPERTIES.values()]


def test_value_input_fits_property_and_operator(app, ctx):
    lists.create_list(ctx, ADMIN, "Trade fair 2026")
    lists.create_list(ctx, ADMIN, "Newsletter")
    b = builder_for(app)
    row = one_row(b, "country", "EQ")
    assert isinstance(row.value_widget, widgets.Text)
    row.operator.value = "IN"
    assert isinstance(row.value_widget, widgets.TagsInput)
    row.operator.value = "HAS_PROPERTY"
    assert row.inputs == [] and row.value_box.children == ()

    row.property.value = "id"
    row.operator.value = "GT"
    assert isinstance(row.value_widget, widgets.IntText)
    row.operator.value = "BETWEEN"
    assert [type(w) for w in row.inputs] == [widgets.IntText, widgets.IntText]

    row.property.value = "created_at"
    row.operator.value = "EQ"
    assert isinstance(row.value_widget, widgets.DatePicker)
    row.operator.value = "BETWEEN"
    assert [type(w) for w in row.inputs] == [widgets.DatePicker, widgets.DatePicker]
    row.operator.value = "IN_LAST_DAYS"
    assert isinstance(row.value_widget, widgets.IntText) and row.value_widget.value == fm.DEFAULT_DAYS
    assert "days" in row.value_box.children[-1].value

    row.property.value = "lifecycle_stage"
    row.operator.value = "EQ"
    assert isinstance(row.value_widget, widgets.Dropdown)
    assert [v for _, v in row.value_widget.options] == list(PROPERTIES["lifecycle_stage"].choices)
    row.operator.value = "NOT_IN"
    assert isinstance(row.value_widget, widgets.SelectMultiple)

    row.property.value = "hard_bounced"
    assert isinstance(row.value_widget, widgets.Dropdown)
    assert [label for label, _ in row.value_widget.options] == ["Yes", "No"]
    assert not any(isinstance(w, widgets.Checkbox) for w in row.inputs)

    row.property.value = "list"
    assert isinstance(row.value_widget, widgets.Dropdown)
    assert list(row.value_widget.options) == ["Newsletter", "Trade fair 2026"]
    assert all("mcw-fb-value" in w._dom_classes for w in row.inputs)


def test_editing_rows_updates_filter_sentence_and_count(app, people):
    b = builder_for(app)
    row = one_row(b, "country", "EQ")
    row.value_widget.value = "NL"
    assert b.valid
    assert b.filter == {"filterGroups": [{"filters": [
        {"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}
    assert "Country is NL" in b.sentence.value
    assert b.count == app.count(filter=b.filter) == 2

    b.group_boxes[0].add_button.click()  # + AND
    row2 = b.rows[1]
    row2.property.value = "lifecycle_stage"
    row2.operator.value = "EQ"
    row2.value_widget.value = "customer"
    assert b.filter["filterGroups"][0]["filters"][1] == {
        "propertyName": "lifecycle_stage", "operator": "EQ", "value": "customer"}
    assert b.count == 1
    assert "Country is NL and lifecycle stage is customer" in b.sentence.value

    b.add_group_button.click()  # + OR group
    row3 = b.rows[2]
    row3.property.value = "unsubscribed"
    assert b.filter["filterGroups"][1] == {"filters": [
        {"propertyName": "unsubscribed", "operator": "EQ", "value": True}]}
    assert b.count == app.count(filter=b.filter) == 2  # nl2, be
    assert "or unsubscribed from all email is true" in b.sentence.value
    assert len([c for c in b.groups_box.children if "mcw-fb-or" in c._dom_classes]) == 1


def test_remove_row_and_group(app, people):
    b = builder_for(app)
    one_row(b, "country", "EQ").value_widget.value = "NL"
    b.group_boxes[0].add_button.click()
    b.rows[1].property.value = "hard_bounced"
    one_row(b, "unsubscribed")
    assert len(b.filter["filterGroups"]) == 2
    b.rows[0].remove_button.click()  # x on "country is NL"
    assert b.filter["filterGroups"][0]["filters"] == [
        {"propertyName": "hard_bounced", "operator": "EQ", "value": True}]
    b.rows[0].remove_button.click()  # the group's last row: the group goes too
    assert b.filter == {"filterGroups": [{"filters": [
        {"propertyName": "unsubscribed", "operator": "EQ", "value": True}]}]}
    b.group_boxes[0].remove_button.click()
    assert b.filter == {"filterGroups": []} and b.groups_box.children == ()
    assert b.count == 5


FULL = {"filterGroups": [
    {"filters": [
        {"propertyName": "country", "operator": "IN", "values": ["NL", "BE"]},
        {"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "@example"},
        {"propertyName": "company", "operator": "NOT_HAS_PROPERTY"},
        {"propertyName": "id", "operator": "BETWEEN", "value": 1, "highValue": 99},
    ]},
    {"filters": [
        {"propertyName": "created_at", "operator": "BETWEEN", "value": "2026-01-01", "highValue": "2026-12-31"},
        {"propertyName": "last_activity_at", "operator": "MORE_THAN_DAYS_AGO", "value": 180},
        {"propertyName": "lifecycle_stage", "operator": "NOT_IN", "values": ["customer", "evangelist"]},
    ]},
    {"filters": [
        {"propertyName": "hard_bounced", "operator": "NEQ", "value": False},
        {"propertyName": "marketing_status", "operator": "EQ", "value": "marketing"},
        {"propertyName": "list", "operator": "NOT_IN_LIST", "value": "Fair"},
        {"propertyName": "last_activity_at", "operator": "LT", "value": "2026-06-01"},
    ]},
]}


def test_filter_round_trip_set_rows_filter(app, ctx):
    lists.create_list(ctx, ADMIN, "Fair")
    b = builder_for(app)
    b.filter = FULL
    assert b.valid
    assert b.filter == parse_filter(FULL).to_json()
    assert [len(g) for g in b.groups] == [4, 3, 4]
    r = b.rows
    assert (r[0].property.value, r[0].operator.value, list(r[0].value_widget.value)) == ("country", "IN", ["NL", "BE"])
    assert r[3].values == (1, 99)
    assert r[4].values == (date(2026, 1, 1), date(2026, 12, 31))
    assert r[6].value_widget.value == ("customer", "evangelist")
    assert r[7].value_widget.value is False and r[7].operator.value == "NEQ"
    assert r[9].value_widget.value == "Fair"
    # rows -> filter gives the same JSON back, in a second builder too
    assert fm.filter_from_rows([[row.spec for row in g] for g in b.groups]) == (b.filter, None)
    b2 = builder_for(app, value=b.filter)
    assert b2.filter == b.filter
    assert b2.count == app.count(filter=FULL)
    # editing a loaded row changes just that condition
    r[0].value_widget.value = ["NL"]
    assert b.filter["filterGroups"][0]["filters"][0] == {
        "propertyName": "country", "operator": "IN", "values": ["NL"]}
    assert b.filter["filterGroups"][1:] == parse_filter(FULL).to_json()["filterGroups"][1:]


def test_invalid_input_is_shown_inline_and_filter_keeps_last_valid(app, people):
    b = builder_for(app)
    row = one_row(b, "country", "EQ")
    row.value_widget.value = "NL"
    row.operator.value = "CONTAINS_TOKEN"  # carried "NL": still valid
    assert b.valid
    row.value_widget.value = ""  # contains '' is refused
    assert not b.valid and b.filter["filterGroups"][0]["filters"][0]["operator"] == "CONTAINS_TOKEN"
    assert "Country contains" in b.error.value and "type some text" in b.error.value
    assert "mcw-fb-hint" in b.error.value  # incomplete: a hint, not an error
    assert b.sentence.value == "" and b.count_html.value == ""  # they describe the last valid filter
    row.value_widget.value = "N"
    assert b.valid and b.error.value == ""
    assert "Country contains &#39;N&#39;" in b.sentence.value and b.count == 2
    assert 'data-value="2"' in b.count_html.value

    row.property.value = "id"
    row.operator.value = "BETWEEN"
    row.inputs[0].value, row.inputs[1].value = 5, 9
    good = b.filter
    row.inputs[0].value = 10  # low > high: the parser's message, naming property and operator
    assert not b.valid and b.filter == good
    assert "id BETWEEN" in b.error.value and "greater than" in b.error.value
    assert 'class="mcw-error"' in b.error.value
    row.inputs[0].value = 1
    assert b.valid and b.filter["filterGroups"][0]["filters"][0]["value"] == 1

    row.property.value = "created_at"  # BETWEEN fits dates too; a date row starts without dates
    assert row.operator.value == "BETWEEN" and not b.valid
    assert "Create date between): choose both dates" in b.error.value
    row.operator.value = "EQ"
    assert "choose a date" in b.error.value
    row.value_widget.value = date(2026, 1, 1)
    assert b.valid

    # setting an invalid filter from code: shown, not raised, nothing loaded
    before = b.filter
    b.filter = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "LT", "value": "x"}]}]}
    assert b.filter == before and not b.valid
    assert "does not fit" in b.error.value and "country" in b.error.value


def test_sentence_shows_exact_dates_of_relative_conditions(app, people):
    b = builder_for(app)
    row = one_row(b, "last_activity_at", "IN_LAST_DAYS")
    row.value_widget.value = 30
    # NOW is 2026-11-26 (UTC account): the last 30 days start on 2026-10-27
    assert "Last activity in the last 30 days (since 2026-10-27)" in b.sentence.value
    assert b.count == 1  # nl1 (3 days ago)
    row.operator.value = "MORE_THAN_DAYS_AGO"
    assert "more than 30 days ago (before 2026-10-27)" in b.sentence.value
    assert b.count == 1  # nl2 (200 days ago)


def test_enum_and_list_values(app, ctx, people):
    lists.create_list(ctx, ADMIN, "VIP")
    lists.add_members(ctx, ADMIN, "VIP", [people["nl1"], people["de"]])
    b = builder_for(app)
    row = one_row(b, "lifecycle_stage", "IN")
    row.value_widget.value = ("lead", "subscriber")
    assert b.count == 3
    assert "Lifecycle stage is any of lead, subscriber" in b.sentence.value
    row.property.value = "list"
    assert b.filter["filterGroups"][0]["filters"][0] == {
        "propertyName": "list", "operator": "IN_LIST", "value": "VIP"}
    assert b.count == 2
    row.operator.value = "NOT_IN_LIST"
    assert b.count == 3


def test_list_row_without_lists_is_invalid_not_raised(app):
    b = builder_for(app)
    row = one_row(b, "list")
    assert row.value_widget.options == () and not b.valid
    assert "there are no lists yet" in b.error.value


def test_text_from_the_user_is_escaped(app, people):
    b = builder_for(app)
    row = one_row(b, "first_name", "EQ")
    row.value_widget.value = "<img src=x onerror=alert(1)>"
    assert "<img" not in b.sentence.value and "&lt;img src=x" in b.sentence.value
    assert b.count == 0


def test_count_is_debounced_off_the_typing_path(app, people):
    b = FilterBuilder(app, debounce=0.15)
    row = one_row(b, "country", "EQ")
    row.value_widget.value = "N"
    row.value_widget.value = "NL"  # typing: the first count is dropped
    assert b.count is None and "Counting" in b.count_html.value
    deadline = time.monotonic() + 5
    while b.count is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert b.count == 2 and 'data-value="2"' in b.count_html.value
    row.value_widget.value = "BE"
    pending = b._timer
    assert pending is not None and pending.is_alive()
    assert b.refresh_count() == 1 == b.count  # synchronous flush cancels the pending count
    pending.join(timeout=5)  # the cancelled timer's thread ends without counting again
    assert not pending.is_alive() and b._timer is None
    assert b.count == 1


def test_count_error_is_shown_not_raised(app, ctx, people):
    lists.create_list(ctx, ADMIN, "Gone")
    b = builder_for(app)
    row = one_row(b, "list")
    assert b.valid and b.count == 0
    lists.delete_list(ctx, ADMIN, "Gone")
    assert b.refresh_count() is None
    assert b.count_error and "Gone" in b.count_html.value and "Could not count" in b.count_html.value
    del row


def test_add_buttons_stop_at_the_limits(app):
    b = builder_for(app, max_groups=2)
    b.add_group_button.click()
    b.add_group_button.click()
    assert b.add_group_button.disabled
    b.add_group_button.click()
    assert len(b.groups) == 2


# --- the plain functions behind the rows (no database) --------------------------------

def test_carry_values_keeps_what_still_fits():
    assert fm.carry_values("country", fm.TEXT_ONE, ("NL",), fm.TEXT_MANY) == (["NL"],)
    assert fm.carry_values("country", fm.TEXT_MANY, (["NL", "BE"],), fm.TEXT_ONE) == ("NL",)
    assert fm.carry_values("lifecycle_stage", fm.ENUM_ONE, ("lead",), fm.ENUM_MANY) == (("lead",),)
    assert fm.carry_values("id", fm.NUMBER_ONE, (7,), fm.NUMBER_RANGE) == (7, 7)
    d = date(2026, 1, 2)
    assert fm.carry_values("created_at", fm.DATE_RANGE, (d, None), fm.DATE_ONE) == (d,)
    assert fm.carry_values("created_at", fm.DATE_ONE, (d,), fm.DAYS) == (fm.DEFAULT_DAYS,)


def test_filter_from_rows_names_the_row_and_its_problem():
    rows = [[("country", "EQ", ("NL",))], [("created_at", "EQ", (None,))]]
    assert fm.filter_from_rows(rows) == (None, "Group 2, condition 1 (Create date on): choose a date")
    rows = [[("last_activity_at", "IN_LAST_DAYS", (-1,))]]
    f, problem = fm.filter_from_rows(rows)
    assert f is None and "last_activity_at IN_LAST_DAYS" in problem and "whole number of days" in problem
    f, problem = fm.filter_from_rows([[("id", "BETWEEN", (1.0, 2.5))]])
    assert problem is None and f["filterGroups"][0]["filters"][0] == {
        "propertyName": "id", "operator": "BETWEEN", "value": 1, "highValue": 2.5}


# ---- accessible names (issue 15 item 6) ----------------------------------------------

@pytest.mark.parametrize("prop, op, names", [
    ("country", "EQ", ["Value"]),
    ("lifecycle_stage", "IN", ["Value"]),
    ("created_at", "BETWEEN", ["From", "To"]),
    ("last_activity_at", "IN_LAST_DAYS", ["Days"]),
    ("id", "BETWEEN", ["From", "To"]),
    ("email", "IN", ["Value"]),
    ("hard_bounced", "EQ", ["Value"]),
    ("email", "HAS_PROPERTY", []),
])
def test_every_input_of_a_row_has_an_accessible_name(app, prop, op, names):
    """The description is the input's <label for>, visually hidden by the stylesheet
    (``.mcw-fb-row .widget-label``): screen readers say "Property", "Operator", "Value"."""
    b = builder_for(app)
    row = one_row(b, prop, op)
    assert (row.property.description, row.operator.description) == ("Property", "Operator")
    assert [w.description for w in row.inputs] == names


def test_the_remove_button_is_named_by_its_tooltip_not_by_an_x(app):
    b = builder_for(app)
    row = one_row(b, "country", "EQ")
    button = row.remove_button
    # no text content: the accessible name is the title; the stylesheet draws the x
    assert button.description == "" and button.tooltip == "Remove this condition"
    assert "mcw-fb-remove-row" in button._dom_classes


def test_the_stylesheet_hides_the_labels_visually_and_draws_the_x_without_a_name():
    from mcwidgets.widgets.panel_kit import stylesheet

    css = stylesheet()
    assert ".mcw-fb-row .widget-label" in css and "clip: rect(0 0 0 0)" in css
    assert 'content: "×" / ""' in css  # CSS alt text: the x is not read out


def test_a_text_box_is_kept_when_the_property_changes_between_text_properties(app, people):
    """The browser may send what the user types right after the property change: the box it
    types into must not be replaced (a new row is "Email contains ...", a text box)."""
    b = builder_for(app)
    b.add_group_button.click()
    row = b.rows[-1]
    box = row.value_widget
    box.value = "example"
    row.property.value = "country"  # a text property too: the same box, emptied
    assert row.value_widget is box and box.value == ""
    box.value = "Belgium"
    assert "Belgium" in b.sentence.value
    row.property.value = "created_at"  # a date: other inputs
    assert row.value_widget is not box
