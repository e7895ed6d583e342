"""End to end: the wizard changes the pending count on the overview, and two
dashboards on one PostgreSQL database see each other's actions after a refresh."""

from __future__ import annotations

import pytest

from mcwidgets.app import App
from tests.e2e.conftest import NOW, open_dashboard, serving

pytestmark = pytest.mark.e2e


def prepare(db_url: str) -> None:
    app = App.open(db_url, now=NOW, user="admin")
    app.add_user("admin", admin=True)
    app.add_user("alice")
    app.demo(contacts=500, seed=5)
    app.close()


def expected_status(db_url: str):
    app = App.open(db_url, now=NOW)
    try:
        return app.status()
    finally:
        app.close()


def pending_shown(page) -> int:
    return int(page.locator(".mcw-count-pending .mcw-value").first.get_attribute("data-value"))


def run_wizard(d) -> None:
    """Information -> Unengaged (both boxes ticked by default) -> Skip filters -> Update."""
    page = d.page
    d.show("Manage marketing contacts")
    page.locator(".mcw-wz-step-1 .mcw-wz-next").click()
    page.wait_for_selector(".mcw-wz-step-2", state="visible")
    boxes = page.locator(".mcw-wz-step-2 input[type=checkbox]:visible")  # no engagement box without its data
    assert boxes.evaluate_all("bs => bs.map(b => b.checked)") == [True, True]
    page.locator(".mcw-wz-step-2 .mcw-wz-next").click()
    page.wait_for_selector(".mcw-wz-step-3", state="visible")
    page.locator(".mcw-wz-step-3 .mcw-wz-skip").click()
    page.wait_for_selector(".mcw-wz-step-4 .mcw-wz-update", state="visible")
    page.locator(".mcw-wz-step-4 .mcw-wz-update").click()
    page.wait_for_selector(".mcw-wz-result", state="visible", timeout=30_000)
    page.wait_for_function("() => document.querySelector('.mcw-wz-result').textContent.trim().length > 0")


def unengaged_to_change(db_url: str) -> int:
    app = App.open(db_url, now=NOW, user="admin")
    try:
        flt = {"filterGroups": [
            {"filters": [{"propertyName": "hard_bounced", "operator": "EQ", "value": True}]},
            {"filters": [{"propertyName": "unsubscribed", "operator": "EQ", "value": True}]}]}
        return app.forecast("set_non_marketing", filter=flt).changes
    finally:
        app.close()


def test_wizard_end_to_end_changes_the_pending_count(browser, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'wizard.db'}"
    prepare(db_url)
    before = expected_status(db_url)
    changes = unengaged_to_change(db_url)
    assert changes > 0
    with serving(db_url, tmp_path, "admin") as url:
        d = open_dashboard(browser, url)
        assert pending_shown(d.page) == before.pending
        run_wizard(d)
        d.show("Overview")
        d.page.wait_for_function(
            "n => +document.querySelector('.mcw-count-pending .mcw-value').dataset.value === n",
            arg=before.pending + changes, timeout=15_000)
        assert expected_status(db_url).pending == before.pending + changes
        assert not [e for e in d.errors if "pageerror" in e]
        d.page.context.close()


@pytest.mark.postgres
def test_two_dashboards_on_one_postgres_database(browser, pg_url, tmp_path):
    prepare(pg_url)
    before = expected_status(pg_url)
    changes = unengaged_to_change(pg_url)
    with serving(pg_url, tmp_path, "admin") as url_a, serving(pg_url, tmp_path, "alice") as url_b:
        a, b = open_dashboard(browser, url_a), open_dashboard(browser, url_b)
        assert pending_shown(a.page) == pending_shown(b.page) == before.pending
        run_wizard(a)
        b.page.reload()
        b.page.wait_for_selector(".mcw-count-pending .mcw-value", timeout=90_000)
        assert pending_shown(b.page) == before.pending + changes
        assert "alice" in b.page.locator(".mcw-header").inner_text()
        a.page.context.close()
        b.page.context.close()
