"""The savings planner in Chromium: its button on the Overview opens the Contacts grid with the
least-engaged marketing contacts selected, their count shown, nothing applied before the
typed confirmation. Its own database and server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mcwidgets.app import App
from tests.e2e.conftest import ARTIFACTS, NOW, Dashboard, serving, with_app
from tests.support.voila import only_local

pytestmark = pytest.mark.e2e

N = 60  # marketing contacts; tier 60 in steps of 10: the next lower tier, 50, needs 10 to leave


@pytest.fixture(scope="module")
def savings_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("savings-e2e")
    db_url = f"sqlite:///{folder / 'savings.db'}"
    app = App.open(db_url, now=NOW, user="admin")
    app.add_user("admin", admin=True)
    app.configure_account(tier_steps={"professional": {"included": 10, "step": 10}},
                          price_table={"professional": {"60": 600, "50": 500}})
    for i in range(N):
        app.create_contact(f"p{i}@example.com", last_name=f"Person {i:02d}", status="marketing",
                           last_activity_at=None if i % 7 == 0 else datetime.fromisoformat(NOW) - timedelta(days=i),
                           hard_bounced=i == 3)
    app.configure_account(tier=60)
    app.close()
    return {"url": db_url, "folder": folder}


@pytest.fixture(scope="module")
def admin_server(savings_db):
    with serving(savings_db["url"], savings_db["folder"], "admin") as url:
        yield url


def open_dashboard(browser, url: str) -> Dashboard:
    """As conftest's, but ready when the planner shows (this account has no usage history
    for the chart to draw)."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    d = Dashboard(page, url)
    only_local(page, url, d.blocked)
    page.on("pageerror", lambda e: d.errors.append(f"pageerror: {e}"))
    d.response = page.goto(url)
    page.wait_for_selector(".mcw-overview .mcw-savings-plan", timeout=90_000)
    return d


def test_the_planner_opens_the_grid_with_its_selection_and_count(browser, admin_server, savings_db):
    db_url = savings_db["url"]
    plan = with_app(db_url, lambda app: app.savings_plan())
    assert (plan.target, plan.needed) == (50, 10)
    chosen = with_app(db_url, lambda app: app.least_engaged(plan.needed))
    expected_ids = with_app(db_url, lambda app: sorted(r["id"] for r in app.page(chosen.filter, size=100).rows))
    assert len(expected_ids) == 10
    d = open_dashboard(browser, admin_server)
    page = d.page
    try:
        planner = page.locator(".mcw-overview .mcw-savings")
        planner.locator(".mcw-savings-needed").wait_for(timeout=30_000)
        assert planner.locator(".mcw-savings-needed").get_attribute("data-value") == "10"
        assert planner.locator(".mcw-savings-target").get_attribute("data-value") == "50"
        assert planner.locator(".mcw-savings-saving").get_attribute("data-value") == "100"
        ARTIFACTS.mkdir(exist_ok=True)
        planner.screenshot(path=str(ARTIFACTS / "savings-overview-planner.png"))
        planner.locator("button.mcw-savings-open").click()

        # the Contacts tab opens with the selection and its count
        page.wait_for_function("() => [...document.querySelectorAll('.mcw-tabs .lm-TabBar-tab')].some("
                               "e => e.textContent.trim() === 'Contacts' && e.classList.contains('lm-mod-current'))")
        contacts = page.locator(".mcw-contacts")
        page.wait_for_function("() => { const e = document.querySelector('.mcw-contacts .mcwg-selection');"
                               " return e && e.dataset.count === '10'; }", timeout=30_000)
        assert contacts.locator(".mcwg-selection").inner_text().startswith("All 10 contacts matching")
        contacts.locator(".mcw-actions-count[data-value='10']").wait_for()
        shown = sorted(int(r.get_attribute("data-id")) for r in contacts.locator("tr.mcwg-row").all())
        assert shown == expected_ids
        assert contacts.locator("input.mcwg-check-row:checked").count() == 10
        assert contacts.locator(".mcw-fb-sentence").count() >= 1  # the filter is there to review
        note = contacts.locator(".mcw-savings-review")  # why they are selected, above the grid's actions
        assert note.is_visible() and note.locator(".mcw-savings-review-count").get_attribute("data-value") == "10"
        opened = planner.locator(".mcw-savings-opened")
        assert opened.get_attribute("data-value") == "10"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "savings-grid-selection.png"), full_page=True)
        assert with_app(db_url, lambda app: app.status()).pending == 0  # nothing applied yet

        # the usual bulk action with the typed confirmation applies it
        contacts.locator("button.mcw-more").click()
        contacts.locator("button.mcw-act-non-marketing").click()
        dialog = contacts.locator(".mcw-confirm")
        dialog.wait_for(state="visible")
        assert dialog.locator(".mcw-confirm-count").get_attribute("data-value") == "10"
        dialog.locator(".mcw-confirm-input input").fill("10")
        page.wait_for_function("() => !document.querySelector('.mcw-contacts .mcw-confirm-ok').disabled")
        dialog.locator("button.mcw-confirm-ok").click()
        contacts.locator(".mcw-confirm-result .mcw-ok").wait_for(state="visible", timeout=30_000)
        assert with_app(db_url, lambda app: app.status()).pending == 10
        d.show("Overview")
        page.wait_for_function("() => { const e = document.querySelector('.mcw-overview .mcw-savings-plan');"
                               " return e && e.dataset.state === 'fits'; }", timeout=15_000)
        assert not [e for e in d.errors if "pageerror" in e], d.errors
    except Exception:
        d.screenshots("savings-failure")
        raise
    finally:
        d.page.context.close()
