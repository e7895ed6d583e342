"""The Contacts tab in Chromium: filter, select all matching, More > Set as non-marketing
with the typed-number confirmation, the Overview following; a user without the
permission; contact names holding markup. Its own database and servers (the actions
change counts other browser tests compare with)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mcwidgets.app import App
from tests.e2e.conftest import ARTIFACTS, NOW, XSS_NAMES, open_dashboard, serving, with_app

pytestmark = pytest.mark.e2e

BELGIUM = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Belgium"}]}]}


@pytest.fixture(scope="module")
def grid_db(tmp_path_factory):
    """Demo contacts (users admin, alice, bob - bob without the permission) and two
    contacts whose names are markup."""
    folder = tmp_path_factory.mktemp("grid-e2e")
    db_url = f"sqlite:///{folder / 'grid.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.demo(contacts=400, seed=11)
    for i, name in enumerate(XSS_NAMES):
        app.create_contact(f"xss{i}@example.com", first_name=name, last_name=name, company=name,
                           country="Belgium", status="marketing")
    app.close()
    return {"url": db_url, "folder": folder}


@pytest.fixture(scope="module")
def admin_server(grid_db):
    with serving(grid_db["url"], grid_db["folder"], "admin") as url:
        yield url


@pytest.fixture(scope="module")
def bob_server(grid_db):
    with serving(grid_db["url"], grid_db["folder"], "bob") as url:
        yield url


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"grid-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_contacts(browser, url):
    d = open_dashboard(browser, url)
    d.show("Contacts")
    d.page.wait_for_selector(".mcw-contacts .mcwg-row", timeout=60_000)
    return d


def wait_data(page, selector: str, key: str, value, timeout=20_000) -> None:
    page.wait_for_function("([s, k, v]) => { const e = document.querySelector(s); return e && e.dataset[k] === v; }",
                           arg=[selector, key, str(value)], timeout=timeout)


def test_markup_in_names_shows_as_text(browser, admin_server):
    d = open_contacts(browser, admin_server)
    page = d.page
    table = page.locator(".mcw-contacts .mcwg-table")
    for name in XSS_NAMES:  # last_name sorts "<" first (SQLite compares bytes): both on page 1
        assert table.locator("td.mcwg-cell[data-column=last_name]", has_text=name).count() == 1
        assert table.locator("td.mcwg-cell[data-column=first_name]", has_text=name).first.inner_text() == name
    assert table.locator("img").count() == 0 and table.locator("script").count() == 0
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    shot(page, "contacts-tab")
    assert not [e for e in d.errors if "pageerror" in e], d.errors
    assert d.blocked == []
    d.page.context.close()


def test_filter_select_all_and_set_as_non_marketing(browser, admin_server, grid_db):
    db_url = grid_db["url"]
    total = with_app(db_url, lambda app: app.count(filter=BELGIUM))
    before = with_app(db_url, lambda app: app.status())
    assert total > 25  # two pages at 25 a page
    d = open_contacts(browser, admin_server)
    page = d.page
    contacts = page.locator(".mcw-contacts")

    # Filter: Country is Belgium
    contacts.locator("button.mcw-fb-add-group").click()
    contacts.locator(".mcw-fb-row .mcw-fb-property select").select_option(label="Country")
    # the kernel rebuilds the row's operators for the new property, then its inputs for the operator
    contacts.locator(".mcw-fb-row .mcw-fb-operator select option", has_text=re.compile(r"^is$")).wait_for(
        state="attached")
    contacts.locator(".mcw-fb-row .mcw-fb-operator select").select_option(label="is")
    # country "is" chooses among the countries present: a box with their list (input[list])
    contacts.locator(".mcw-fb-row .mcw-fb-value-text input[list]").wait_for(state="visible")
    contacts.locator(".mcw-fb-row .mcw-fb-value-text input[list]").fill("Belgium")
    # the row's inputs and its remove button have accessible names; the labels are not seen
    row = contacts.locator(".mcw-fb-row").first
    for role, name in (("combobox", "Property"), ("combobox", "Operator"), ("combobox", "Value"),
                       ("button", "Remove this condition")):
        assert row.get_by_role(role, name=name, exact=True).count() == 1, (role, name)
    assert all(box["width"] <= 1 for box in (label.bounding_box() for label in row.locator(".widget-label").all()))
    contacts.locator(".mcw-fb-sentence", has_text="Belgium").wait_for(timeout=30_000)
    wait_data(page, ".mcw-contacts .mcwg", "total", total)
    assert set(contacts.locator("td.mcwg-cell[data-column=country]").all_inner_texts()) == {"Belgium"}

    # 25 a page, select all matching, untick one row on page 2
    contacts.locator("select.mcwg-size").select_option("25")
    page.wait_for_function("s => document.querySelector('.mcw-contacts .mcwg-where').textContent.startsWith(s)",
                           arg="Page 1 of 2")
    contacts.locator("button.mcwg-select-all").click()
    wait_data(page, ".mcw-contacts .mcwg-selection", "count", total)
    assert contacts.locator(".mcwg-selection").inner_text().startswith(f"All {total:,} contacts matching")
    contacts.locator("button.mcwg-next").click()
    page.wait_for_function("s => document.querySelector('.mcw-contacts .mcwg-where').textContent.startsWith(s)",
                           arg="Page 2 of 2")
    assert contacts.locator("input.mcwg-check-row:checked").count() == total - 25  # arrives ticked
    first = contacts.locator("tr.mcwg-row").first
    unticked = int(first.get_attribute("data-id"))
    state_before = with_app(db_url, lambda app: app.contact(unticked))
    first.locator("input.mcwg-check-row").click()
    wait_data(page, ".mcw-contacts .mcwg-selection", "count", total - 1)
    expected = with_app(db_url, lambda app: app.forecast("set_non_marketing", filter=BELGIUM, exclude=[unticked]))
    assert expected.selected == total - 1 and expected.changes > 0
    shot(page, "select-all-matching")

    # More > Set as non-marketing contacts
    contacts.locator("button.mcw-more").click()
    contacts.locator("button.mcw-act-non-marketing").wait_for(state="visible")
    shot(page, "more-menu")
    contacts.locator("button.mcw-act-non-marketing").click()
    dialog = contacts.locator(".mcw-confirm")
    dialog.wait_for(state="visible")
    assert int(dialog.locator(".mcw-confirm-count").get_attribute("data-value")) == total - 1
    assert int(dialog.locator(".mcw-confirm-changes").get_attribute("data-value")) == expected.changes
    assert int(dialog.locator(".mcw-fc-marketing-change").get_attribute("data-value")) == -expected.changes
    ok = dialog.locator("button.mcw-confirm-ok")
    box = dialog.locator(".mcw-confirm-input input")
    assert ok.is_disabled()
    box.fill(str(total - 2))  # a wrong number: the kernel says so, and Confirm stays off
    dialog.locator(".mcw-confirm-mismatch .mcw-error").wait_for(state="visible")
    assert f"({total - 1:,})" in dialog.locator(".mcw-confirm-mismatch").inner_text()
    assert ok.is_disabled()
    ok.click(force=True)  # clicking anyway does nothing
    shot(page, "confirm-wrong-number")
    box.fill(f"{total - 1:,}")
    page.wait_for_function("() => !document.querySelector('.mcw-contacts .mcw-confirm-ok').disabled")
    # the kernel handles messages in order: had the forced click run anything, it would show by now
    assert with_app(db_url, lambda app: app.status()).pending == before.pending
    assert dialog.locator(".mcw-confirm-mismatch").inner_text().strip() == ""
    ok.click()
    contacts.locator(".mcw-confirm-result .mcw-ok").wait_for(state="visible", timeout=30_000)
    assert int(contacts.locator(".mcw-result-changed").get_attribute("data-value")) == expected.changes
    wait_data(page, ".mcw-contacts .mcwg-selection", "count", 0)
    shot(page, "after-update")

    after = with_app(db_url, lambda app: app.status())
    assert after.pending == before.pending + expected.changes
    assert with_app(db_url, lambda app: app.contact(unticked)) == state_before  # the unticked one is untouched

    d.show("Overview")  # the counts there follow
    page.wait_for_function(
        "n => +document.querySelector('.mcw-count-pending .mcw-value').dataset.value === n",
        arg=after.pending, timeout=15_000)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert not [e for e in d.errors if "pageerror" in e], d.errors
    d.page.context.close()


def test_without_the_permission_set_as_marketing_is_disabled(browser, bob_server):
    d = open_contacts(browser, bob_server)
    page = d.page
    contacts = page.locator(".mcw-contacts")
    assert "bob" in page.locator(".mcw-header").inner_text()
    contacts.locator("tr.mcwg-row input.mcwg-check-row").first.click()
    wait_data(page, ".mcw-contacts .mcwg-selection", "count", 1)
    contacts.locator("button.mcw-more").click()
    marketing = contacts.locator("button.mcw-act-marketing")
    marketing.wait_for(state="visible")
    expect(marketing).to_be_disabled()
    assert "Edit marketing contacts" in marketing.get_attribute("title")
    assert "Edit marketing contacts" in contacts.locator(".mcw-more-note").inner_text()
    assert contacts.locator("button.mcw-act-non-marketing").is_enabled()
    shot(page, "bob-more-menu")
    d.page.context.close()


def test_settings_tier_choice_and_permission_checkbox_names(browser, admin_server):
    """Issue 15 items 4 and 6: the tier is chosen from the edition's tiers and what saving it
    would do shows before saving; each permission checkbox has an accessible name."""
    d = open_dashboard(browser, admin_server)
    page = d.page
    d.show("Settings")
    for user in ("admin", "alice", "bob"):
        expect(page.get_by_role("checkbox", name=f"Edit marketing contacts: {user}", exact=True)).to_have_count(1)
    bob = page.get_by_role("checkbox", name="Edit marketing contacts: bob", exact=True)
    expect(bob).not_to_be_checked()
    label = page.locator(".mcw-set-permission label > span").first  # the name is for screen readers only
    assert label.bounding_box()["width"] <= 1
    tier = page.locator(".mcw-set-tier select")
    options = tier.locator("option").all_inner_texts()
    assert options[:2] == ["2,000", "7,000"] and "7,500" not in options
    current = tier.input_value().replace(",", "")  # the option shown, "2,000"
    higher = next(o for o in options if int(o.replace(",", "")) > int(current))
    tier.select_option(label=higher)
    expect(page.locator(".mcw-set-tier-outlook")).to_contain_text(f"A {higher} tier applies at once")
    shot(page, "settings-tier-choice")
    assert not [e for e in d.errors if "pageerror" in e], d.errors
    d.page.context.close()
