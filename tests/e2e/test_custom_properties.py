"""Custom properties in Chromium: the dashboard's filter builder offers them (with the operators
of their type) and the grid shows them as columns. Its own database and server."""

from __future__ import annotations

import pytest

from mcwidgets.app import App
from tests.e2e import conftest as e2e
from tests.e2e.conftest import NOW, serving

pytestmark = pytest.mark.e2e

BIG = {"filterGroups": [{"filters": [{"propertyName": "employees", "operator": "GT", "value": 500}]}]}


@pytest.fixture(scope="module")
def custom_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("custom-e2e")
    db_url = f"sqlite:///{folder / 'custom.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.demo(contacts=60, seed=5)
    app.create_property("employees", "Employees", "number")
    for cid in range(1, 61):
        app.set_property_values(cid, {"employees": cid * 20})  # 26 contacts above 500
    app.save_view("Staff", {"filterGroups": []}, sort={"column": "employees", "descending": True},
                  columns=["email", "employees"])
    expected = app.count(filter=BIG)
    app.close()
    return {"url": db_url, "folder": folder, "big": expected}


@pytest.fixture(scope="module")
def admin_server(custom_db):
    with serving(custom_db["url"], custom_db["folder"], "admin") as url:
        yield url


def open_dashboard(browser, url: str):
    """``conftest.open_dashboard`` with a longer wait for the first page load (a loaded
    machine renders the notebook in more than the default 30 s)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_navigation_timeout(180_000)
    page = context.new_page()
    d = e2e.Dashboard(page, url)
    e2e.only_local(page, url, d.blocked)
    page.on("pageerror", lambda e: d.errors.append(f"pageerror: {e}"))
    d.response = page.goto(url)
    page.wait_for_selector(".mcw-count-marketing .mcw-value", timeout=120_000)
    return d


def test_filter_on_a_custom_property_and_show_it_as_a_column(browser, admin_server, custom_db):
    d = open_dashboard(browser, admin_server)
    d.show("Contacts")
    page = d.page
    page.wait_for_selector(".mcw-contacts .mcwg-row", timeout=60_000)
    contacts = page.locator(".mcw-contacts")

    contacts.locator("button.mcw-fb-add-group").click()
    contacts.locator(".mcw-fb-row .mcw-fb-property select").select_option(label="Employees")
    # the kernel rebuilds the row's operators for the new property (widget labels use no-break spaces)
    contacts.locator(".mcw-fb-row .mcw-fb-operator select option", has_text="greater").wait_for(state="attached")
    operators = [o.replace("\xa0", " ") for o in
                 contacts.locator(".mcw-fb-row .mcw-fb-operator select option").all_inner_texts()]
    assert "is greater than" in operators and "contains" not in operators  # a number's operators
    contacts.locator(".mcw-fb-row .mcw-fb-operator select").select_option(label="is\xa0greater\xa0than")
    value = contacts.locator(".mcw-fb-row .mcw-fb-value input")
    value.wait_for(state="visible")
    value.fill("500")
    value.press("Enter")
    contacts.locator(".mcw-fb-sentence", has_text="Employees is greater than 500").wait_for(timeout=30_000)
    page.wait_for_function("n => document.querySelector('.mcw-contacts .mcwg').dataset.total === n",
                           arg=str(custom_db["big"]), timeout=20_000)

    contacts.locator(".mcw-view-select select").select_option(label="Staff")
    contacts.locator("th", has_text="Employees").first.wait_for(timeout=30_000)
    cells = contacts.locator("td.mcwg-cell[data-column=employees]")
    cells.first.wait_for(timeout=20_000)
    assert cells.first.inner_text().replace(",", "") == "1200"  # sorted by employees, largest first
    assert not [e for e in d.errors if "pageerror" in e], d.errors
    d.page.context.close()
