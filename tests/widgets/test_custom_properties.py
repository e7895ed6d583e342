"""Custom properties in the widgets: the filter builder offers them (operators by type) and the
grid's column picker shows them as columns, like built-in properties."""

from __future__ import annotations

import pytest

from mcwidgets.app import App
from mcwidgets.domain.filters import OPERATORS_BY_TYPE
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.filter_builder import FilterBuilder

PEOPLE = [("marketing", 1, {"last_name": "Ames"}), ("marketing", 2, {"last_name": "Berg"})]


@pytest.fixture
def app(ctx, people):
    app = App(ctx, "admin")
    app.create_property("employees", "Employees", "number")
    app.create_property("tier", "Customer tier", "enumeration", ["Gold", "Silver"])
    app.set_property_values(people[0], {"employees": 900, "tier": "Gold"})
    app.set_property_values(people[1], {"employees": 12})
    return app


def test_the_filter_builder_offers_custom_properties_with_their_operators(app, people):
    b = FilterBuilder(app, debounce=0)
    b.add_group_button.click()
    row = b.rows[-1]
    assert ("Employees", "employees") in row.property.options
    row.property.value = "employees"
    assert [op for _, op in row.operator.options] == list(OPERATORS_BY_TYPE["number"])
    row.operator.value = "GT"
    row.inputs[0].value = 500
    assert b.valid and b.count == 1
    assert "Employees is greater than 500" in b.sentence.value
    row.property.value = "tier"
    assert [v for _, v in row.inputs[0].options] == ["Gold", "Silver"]


def test_the_column_picker_shows_custom_properties_as_grid_columns(app, people, tmp_path):
    panel = ContactsPanel(app, debounce=0, export_dir=tmp_path)
    assert "Customer tier" in panel.columns_input.allowed_tags
    panel.columns_input.value = ["Last name", "Employees", "Customer tier"]
    assert panel.grid.columns == ["last_name", "employees", "tier"]
    assert panel.grid.labels == {"last_name": "Last name", "employees": "Employees", "tier": "Customer tier"}
    rows = {r["last_name"]: r for r in panel.grid.rows}
    assert rows["Ames"]["employees"] == 900 and rows["Ames"]["tier"] == "Gold" and rows["Berg"]["tier"] == ""
    panel.grid.sort_by("employees", descending=True)
    assert [r["last_name"] for r in panel.grid.rows] == ["Ames", "Berg"]
