"""Issue 16 item 5: the countries a filter offers are read once per App with a background
runner (a full scan: ~20 s at 10,000,000 contacts), kept until the data changes; meanwhile
the row takes free text and says "Loading countries…" (SQLite and PostgreSQL)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from mcwidgets.app import App
from mcwidgets.widgets.filter_builder import FilterBuilder
from mcwidgets.widgets.known_values import known_values_of
from tests.widgets.test_grid_counting import Deferred

PEOPLE = {
    "nl": ("marketing", 1, {"country": "Netherlands"}),
    "be1": ("marketing", 2, {"country": "Belgium"}),
    "be2": ("non_marketing", 3, {"country": "Belgium"}),
}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def country_row(b: FilterBuilder, op: str = "EQ"):
    b.add_group_button.click()
    row = b.rows[-1]
    row.property.value = "country"
    row.operator.value = op
    return row


def loading_hint(row) -> str:
    return " ".join(w.value for w in row.value_box.children if "mcw-fb-loading" in w._dom_classes)


def test_the_row_takes_free_text_while_the_countries_are_read(app, people):
    runner = Deferred()
    b = FilterBuilder(app, debounce=0, background=runner)
    row = country_row(b)
    assert len(runner.jobs) == 1 and not row.choices
    assert type(row.value_widget) is widgets.Text and "Loading countries…" in loading_hint(row)
    assert 'role="status"' in loading_hint(row)
    row.value_widget.value = "Belgium"  # typed (and Enter) before the countries are in
    assert b.valid and b.count == 2
    runner.run()
    box = row.value_widget
    assert isinstance(box, widgets.Combobox) and row.choices and box.value == "Belgium"
    assert list(box.options) == ["Belgium", "Netherlands"] and loading_hint(row) == ""
    assert b.valid and b.count == 2 and b.filter["filterGroups"][0]["filters"][0]["value"] == "Belgium"


def test_the_countries_are_read_once_per_app(app, people):
    runner = Deferred()
    b = FilterBuilder(app, debounce=0, background=runner)
    first, second = country_row(b), country_row(b, "IN")  # both wait for the same read
    assert len(runner.jobs) == 1
    runner.run()
    assert first.choices and second.choices
    assert list(second.value_widget.allowed_tags) == ["Belgium", "Netherlands"]
    other = FilterBuilder(app, debounce=0, background=runner)  # e.g. the wizard's
    row = country_row(other)
    assert runner.jobs == [] and row.choices and list(row.value_widget.options) == ["Belgium", "Netherlands"]
    assert known_values_of(app).reads == 1


def test_a_change_reads_them_again_when_next_asked(app, people):
    runner = Deferred()
    b = FilterBuilder(app, debounce=0, background=runner)
    country_row(b)
    runner.run()
    app.create_contact("fr@example.com", country="France")  # the data changed: dropped, not read now
    assert runner.jobs == []
    row = country_row(b)
    assert len(runner.jobs) == 1 and "Loading countries…" in loading_hint(row)
    runner.run()
    assert list(row.value_widget.options) == ["Belgium", "France", "Netherlands"]


def test_a_read_started_before_a_change_is_not_kept(app, people):
    runner = Deferred()
    b = FilterBuilder(app, debounce=0, background=runner)
    row = country_row(b)
    old = runner.jobs[0][0]()  # read before the change...
    runner.jobs[0] = (lambda: old, runner.jobs[0][1])
    app.create_contact("fr@example.com", country="France")
    runner.run()  # ...arrives after it: dropped, and the waiting row gets a fresh read
    assert not row.choices and len(runner.jobs) == 1
    runner.run()
    assert row.choices and list(row.value_widget.options) == ["Belgium", "France", "Netherlands"]


def test_a_failed_read_leaves_free_text_without_the_hint(app, people, monkeypatch):
    runner = Deferred()
    b = FilterBuilder(app, debounce=0, background=runner)
    monkeypatch.setattr(app, "known_values", lambda prop: (_ for _ in ()).throw(RuntimeError("db <gone>")))
    row = country_row(b)
    runner.run()
    assert type(row.value_widget) is widgets.Text and not row.choices and loading_hint(row) == ""
    row.value_widget.value = "Netherlands"
    row2 = country_row(b)  # not read again (and again) until the data changes
    assert runner.jobs == [] and loading_hint(row2) == "" and type(row2.value_widget) is widgets.Text
    row2.value_widget.value = "Belgium"
    assert b.valid and b.count == 3  # two OR groups: Netherlands or Belgium


def test_switching_to_is_while_loading_keeps_what_was_typed(app, people):
    runner = Deferred()
    b = FilterBuilder(app, debounce=0, background=runner)
    row = country_row(b, "CONTAINS_TOKEN")  # free text, no read
    assert runner.jobs == []
    row.value_widget.value = "Belgium"
    row.operator.value = "EQ"  # choices wanted: read, free text meanwhile
    assert len(runner.jobs) == 1 and row.value_widget.value == "Belgium"
    runner.run()
    assert row.choices and row.value_widget.value == "Belgium"


def test_the_contacts_panel_reads_them_in_the_background(app, people):
    from mcwidgets.widgets.background import in_background
    from mcwidgets.widgets.contacts_panel import ContactsPanel

    panel = ContactsPanel(app, debounce=0)
    assert panel.builder._background is in_background  # inline here: no kernel in the tests
    row = country_row(panel.builder)
    assert row.choices and list(row.value_widget.options) == ["Belgium", "Netherlands"]


def test_a_list_row_reads_the_list_names_without_counting_members(app, people, monkeypatch):
    app.create_list("Dutch", {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ",
                                                             "value": "Netherlands"}]}]})
    counted = []
    real = app.lists
    monkeypatch.setattr(app, "lists", lambda: counted.append(1) or real())
    b = FilterBuilder(app, debounce=0)
    b.add_group_button.click()
    row = b.rows[-1]
    row.property.value = "list"
    assert list(row.value_widget.options) == ["Dutch"]
    app.create_list("VIP")  # the builder offers the new list at once
    assert list(row.value_widget.options) == ["Dutch", "VIP"] and counted == []
