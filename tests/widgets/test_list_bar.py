"""The Contacts tab's list bar, driven like a user without a browser (grid ticks set as
grid.js sets them, buttons clicked), checked on the widgets and in the database, on
SQLite and PostgreSQL; and the lists it makes offered at once by the wizard's list step
and the filter builders (``app.on_change``)."""

from __future__ import annotations

import pytest

from mcwidgets.app import App
from mcwidgets.widgets.contacts_panel import ContactsPanel
from mcwidgets.widgets.filter_builder import FilterBuilder
from mcwidgets.widgets.wizard import MarketingContactsWizard

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Netherlands"}]}]}
IN_VIP = {"filterGroups": [{"filters": [{"propertyName": "list", "operator": "IN_LIST", "value": "VIP"}]}]}


@pytest.fixture
def app(ctx):
    return App(ctx, "admin")


def make(app, n, *, country="Netherlands", start=0) -> list[int]:
    return [app.create_contact(f"c{i:03d}@example.com", first_name=f"F{i:03d}", last_name=f"L{i:03d}",
                               country=country, status="marketing") for i in range(start, start + n)]


def panel_for(app, tmp_path) -> ContactsPanel:
    return ContactsPanel(app, debounce=0, export_dir=tmp_path / "exports")


def members(app, name) -> set[int]:
    """The list's members, read back through a filter on the list."""
    f = {"filterGroups": [{"filters": [{"propertyName": "list", "operator": "IN_LIST", "value": name}]}]}
    page = app.page(f, size=100)
    return {int(r["id"]) for r in page.rows}


def message(bar) -> str:
    """The bar's message as markup, quotes unescaped (names are checked escaped elsewhere)."""
    return str(bar.message.value).replace("&#39;", "'").replace("&#34;", '"')


def test_a_static_list_from_ticked_rows_add_and_remove(app, tmp_path):
    ids = make(app, 6)
    panel = panel_for(app, tmp_path)
    bar = panel.lists
    bar.name.value = "VIP"
    bar.create_static_button.click()
    assert "Static list “VIP” created" in message(bar) and "mcw-ok" in message(bar)
    assert bar.select.value == "VIP" and bar.name.value == ""
    assert app.list_info("VIP").kind == "static"
    assert bar.add_button.disabled  # nothing ticked yet
    grid = panel.grid
    grid.checked = grid.page_ids[:3]
    assert not bar.add_button.disabled
    bar.add_button.click()
    assert members(app, "VIP") == set(grid.page_ids[:3])
    assert 'data-value="3"' in message(bar) and "added to “VIP”" in message(bar)
    assert "VIP (3 contacts, static)" in [label for label, _ in bar.select.options]
    # the same rows again, plus one: only the new one counts as added
    grid.checked = grid.page_ids[:4]
    bar.add_button.click()
    assert members(app, "VIP") == set(grid.page_ids[:4])
    assert "3 of the 4 selected were already members" in message(bar)
    grid.clear_selection()
    grid.checked = grid.page_ids[:2]
    bar.remove_button.click()
    assert members(app, "VIP") == set(grid.page_ids[2:4])
    assert "removed from “VIP”" in message(bar) and 'class="mcw-list-result" data-value="2"' in message(bar)
    assert set(ids) >= members(app, "VIP")


def test_all_matching_the_filter_except_unticked_goes_to_the_list(app, tmp_path):
    nl = make(app, 5)
    make(app, 3, country="Belgium", start=10)
    panel = panel_for(app, tmp_path)
    app.create_list("VIP")
    panel.builder.filter = NL
    assert panel.grid.total == 5
    panel.grid.select_all_matching()
    panel.grid.tick(nl[0], False)
    bar = panel.lists
    bar.select.value = "VIP"
    bar.add_button.click()
    assert members(app, "VIP") == set(nl[1:])


def test_select_all_without_a_filter_is_every_contact_on_purpose(app, tmp_path):
    ids = make(app, 4)
    panel = panel_for(app, tmp_path)
    app.create_list("All of them")
    panel.grid.select_all_matching()
    panel.lists.select.value = "All of them"
    panel.lists.add_button.click()
    assert members(app, "All of them") == set(ids)


def test_an_active_list_from_the_filter(app, tmp_path):
    nl = make(app, 3)
    make(app, 2, country="Belgium", start=10)
    panel = panel_for(app, tmp_path)
    bar = panel.lists
    bar.name.value = "Dutch"
    bar.create_active_button.click()  # no filter yet: refused here, nothing stored
    assert "Build a filter first" in message(bar) and app.lists() == []
    panel.builder.filter = NL
    bar.create_active_button.click()
    info = app.list_info("Dutch")
    assert info.kind == "active" and info.filter == panel.builder.filter and info.members == 3
    assert "Active list “Dutch” created" in message(bar)
    assert bar.add_button.disabled and bar.remove_button.disabled  # members come from the filter
    assert "filter" in bar.add_button.tooltip
    new = make(app, 1, start=50)  # a new Dutch contact is a member at once
    assert members(app, "Dutch") == set(nl) | set(new)
    assert "Dutch (4 contacts, active)" in [label for label, _ in bar.select.options]


def test_names_are_checked_and_the_error_clears_when_typing(app, tmp_path):
    make(app, 1)
    app.create_list("VIP")
    bar = panel_for(app, tmp_path).lists
    bar.create_static_button.click()
    assert "Type a name for the list." in message(bar)
    bar.name.value = "V"
    assert message(bar) == ""
    bar.name.value = " VIP "
    bar.create_static_button.click()
    assert "exists already" in message(bar) and "mcw-error" in message(bar)
    assert [i.name for i in app.lists()] == ["VIP"]
    bar.name.value = "VIP 2"
    assert message(bar) == ""


def test_rename_and_delete_with_the_references_check(app, tmp_path):
    make(app, 2)
    app.create_list("VIP")
    app.save_view("VIP view", IN_VIP)
    bar = panel_for(app, tmp_path).lists
    bar.select.value = "VIP"
    bar.name.value = "Friends"
    bar.rename_button.click()
    assert "List “VIP” is now “Friends”." in message(bar)
    assert bar.select.value == "Friends"
    assert app.view("VIP view").filter["filterGroups"][0]["filters"][0]["value"] == "Friends"
    bar.delete_button.click()  # asks first
    assert bar.confirm.asking and "Delete list “Friends”?" in bar.confirm.asking
    bar.confirm.buttons["no"].click()
    assert [i.name for i in app.lists()] == ["Friends"]
    bar.delete_button.click()
    bar.confirm.buttons["yes"].click()
    assert "used by saved view 'VIP view'" in message(bar) and "mcw-error" in message(bar)
    assert [i.name for i in app.lists()] == ["Friends"]
    app.delete_view("VIP view")
    bar.delete_button.click()
    bar.confirm.buttons["yes"].click()
    assert "List “Friends” deleted." in message(bar)
    assert app.lists() == [] and bar.select.value == "" and bar.delete_button.disabled


def test_without_a_user_the_bar_is_read_only_and_the_service_refuses(ctx, tmp_path):
    App(ctx, "admin").create_contact("a@example.com", status="marketing")
    app = App(ctx, None)
    bar = panel_for(app, tmp_path).lists
    assert bar.read_only and bar.create_static_button.disabled and bar.create_active_button.disabled
    assert "read-only" in bar.info.value
    bar.name.value = "Mine"
    bar.create_static()  # what a click on the disabled button would reach: the service says no
    assert "mcw-error" in message(bar) and app.lists() == []


def test_a_restricted_user_may_make_lists(ctx, tmp_path):
    App(ctx, "admin").create_contact("a@example.com", status="marketing")
    bar = panel_for(App(ctx, "bob"), tmp_path).lists
    bar.name.value = "Bob's"
    bar.create_static_button.click()
    assert "created" in message(bar)


def test_list_names_are_escaped(app, tmp_path):
    make(app, 1)
    bar = panel_for(app, tmp_path).lists
    bar.name.value = "<img src=x onerror=alert(1)>"
    bar.create_static_button.click()
    assert "<img" not in message(bar) and "&lt;img src=x onerror=alert(1)&gt;" in message(bar)
    bar.delete_button.click()
    assert "<img" not in bar.confirm.question.value


def test_the_wizard_and_filter_builders_offer_a_new_list_at_once(app, tmp_path):
    make(app, 3)
    panel = panel_for(app, tmp_path)
    wizard = MarketingContactsWizard(app, debounce=0)
    wizard.go(3)
    assert "There are no lists yet" in wizard.lists_note.value
    other = FilterBuilder(app, debounce=0)  # a builder showing a list row before the list exists
    other.filter = {"filterGroups": []}
    row = other.add_group()[0]
    row.property.value = "list"
    assert row.value_widget.options == ()
    bar = panel.lists
    bar.name.value = "VIP"
    bar.create_static_button.click()
    assert [name for _, name in wizard.lists.options] == ["VIP"]
    assert wizard.lists_note.value == "" and wizard.lists.layout.display is None
    assert list(row.value_widget.options) == ["VIP"]
    assert "VIP" in panel.builder.list_names()
    # a rename is followed too
    wizard.lists.value = ("VIP",)
    bar.name.value = "Friends"
    bar.rename_button.click()
    assert [name for _, name in wizard.lists.options] == ["Friends"]
