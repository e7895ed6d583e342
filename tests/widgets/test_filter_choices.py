"""Issue 15 item 6: typing into an "is" condition does not flash "No contacts match"; country
is a choice of the values present (free text still for "contains")."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from mcwidgets.app import App
from mcwidgets.domain.errors import ValidationError
from mcwidgets.services import values
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.filter_builder import FilterBuilder

PEOPLE = {
    "nl": ("marketing", 1, {"country": "Netherlands", "first_name": "Anna"}),
    "be1": ("marketing", 2, {"country": "Belgium"}),
    "be2": ("non_marketing", 3, {"country": "Belgium", "first_name": "Bram"}),
    "none": ("marketing", 4, {}),
}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def one_row(b: FilterBuilder, prop: str, op: str):
    b.add_group_button.click()
    row = b.rows[-1]
    row.property.value = prop
    row.operator.value = op
    return row


def test_known_values_are_the_countries_present(app, people):
    assert app.known_values("country") == ["Belgium", "Netherlands"]
    with pytest.raises(ValidationError):
        app.known_values("email")
    with pytest.raises(ValidationError):
        values.known_values(app.ctx, "country", limit=0)


def test_an_empty_is_condition_is_not_counted(app, people):
    b = FilterBuilder(app, debounce=0)
    row = one_row(b, "first_name", "EQ")
    assert row.value_widget.value == ""
    assert not b.valid and "type a value" in b.error.value and "mcw-fb-hint" in b.error.value
    assert "match" not in b.count_html.value  # no "0 contacts match"
    assert b.filter == {"filterGroups": []}  # the last valid filter (all contacts) stays


def test_a_free_text_is_box_applies_on_enter_a_contains_box_as_typed(app, people):
    b = FilterBuilder(app, debounce=0)
    row = one_row(b, "first_name", "EQ")
    box = row.value_widget
    assert isinstance(box, widgets.Text) and box.continuous_update is False
    assert "Enter" in box.placeholder
    box.value = "Anna"  # what the browser sends on Enter / leaving the box
    assert b.valid and b.count == 1
    row.operator.value = "CONTAINS_TOKEN"  # the same box, now applied as the user types
    assert row.value_widget is box and box.continuous_update is True
    row.operator.value = "NEQ"
    assert row.value_widget.continuous_update is False


def test_country_is_offers_the_countries_present(app, people):
    b = FilterBuilder(app, debounce=0)
    row = one_row(b, "country", "EQ")
    box = row.value_widget
    assert isinstance(box, widgets.Combobox) and row.choices
    assert list(box.options) == ["Belgium", "Netherlands"] and box.ensure_option
    assert not b.valid and "choose a value" in b.error.value  # nothing counted yet
    box.value = "Belgium"
    assert b.valid and b.count == 2
    assert b.filter["filterGroups"][0]["filters"][0] == {"propertyName": "country", "operator": "EQ",
                                                         "value": "Belgium"}


def test_country_contains_stays_free_text_and_any_of_chooses_tags(app, people):
    b = FilterBuilder(app, debounce=0)
    row = one_row(b, "country", "CONTAINS_TOKEN")
    assert type(row.value_widget) is widgets.Text and not row.choices
    row.value_widget.value = "lgi"
    assert b.valid and b.count == 2
    row.operator.value = "IN"
    tags = row.value_widget
    assert isinstance(tags, widgets.TagsInput) and list(tags.allowed_tags) == ["Belgium", "Netherlands"]
    tags.value = ["Netherlands", "Belgium"]
    assert b.valid and b.count == 3
    row.operator.value = "EQ"  # choices again
    assert isinstance(row.value_widget, widgets.Combobox)


def test_a_loaded_country_missing_from_the_data_stays_a_choice(app, people):
    f = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Atlantis"}]}]}
    b = FilterBuilder(app, f, debounce=0)
    box = b.rows[0].value_widget
    assert box.value == "Atlantis" and "Atlantis" in box.options
    assert b.valid and b.count == 0


def test_choosing_is_for_a_text_property_does_not_empty_the_grid(app, people):
    panel = ContactsPanel(app, debounce=0)
    shown = panel.grid.total
    assert shown == 4
    panel.builder.add_group_button.click()
    row = panel.builder.rows[-1]
    row.property.value = "country"  # "contains" with no text yet: incomplete, not applied
    row.operator.value = "EQ"  # an empty "is": incomplete, not applied either
    assert panel.grid.total == shown and panel.grid.rows
    row.value_widget.value = "Netherlands"
    assert panel.grid.total == 1
