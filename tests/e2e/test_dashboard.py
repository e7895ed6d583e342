"""The dashboard in Chromium, served by ``mcwidgets serve`` (see conftest.py)."""

import re

import pytest

from tests.e2e.conftest import ACCOUNT_NAME, TAB_TITLES

pytestmark = pytest.mark.e2e


def value(page, selector: str) -> str:
    return page.locator(f"{selector} .mcw-value").first.get_attribute("data-value")


def test_overview_counts_match_the_service(dashboard, expected):
    page = dashboard.page
    assert int(value(page, ".mcw-count-marketing")) == expected.marketing
    assert int(value(page, ".mcw-count-pending")) == expected.pending
    assert int(value(page, ".mcw-count-non-marketing")) == expected.non_marketing
    assert int(value(page, ".mcw-count-total")) == expected.total
    assert int(value(page, ".mcw-tier")) == expected.tier
    assert value(page, ".mcw-next-update") == expected.next_update_date.isoformat() == "2026-12-26"
    assert int(page.locator(".mcw-next-update .mcw-projected").get_attribute("data-value")) \
        == expected.projected_marketing
    # the numbers as people read them
    assert page.locator(".mcw-count-marketing .mcw-value").inner_text() == f"{expected.marketing:,}"
    assert page.locator(".mcw-tier .mcw-edition").inner_text().lower() == expected.edition
    level = "none" if not expected.alerts else expected.alerts[-1].rstrip("%")
    assert page.locator(".mcw-alerts .mcw-alert").get_attribute("data-level") == level


def test_chart_draws_tier_step_line_and_fills_its_container(dashboard, expected):
    page = dashboard.page
    names = page.evaluate("() => document.querySelector('.mcw-usage-chart .js-plotly-plot').data.map(t => t.name)")
    assert {"Marketing contacts", "Pending (leave at next update)", "Tier", "Projected at next update"} <= set(names)
    tier = page.evaluate("() => document.querySelector('.mcw-usage-chart .js-plotly-plot').data"
                         ".find(t => t.name === 'Tier')")
    assert tier["line"]["shape"] == "hv" and tier["y"][-1] == expected.tier
    assert page.locator(".mcw-usage-chart .legendtext", has_text="Tier").count() == 1
    assert page.locator(".mcw-usage-chart .scatterlayer .trace").count() >= 5
    # no mode bar: "Share chart...", zoom and pan are not stops in the tab order
    assert page.locator(".mcw-usage-chart .modebar-btn").count() == 0
    assert page.get_by_role("button", name=re.compile("Share chart")).count() == 0
    # drawn at the container's width, not plotly's 700 px default
    chart_width = float(page.locator(".mcw-usage-chart .main-svg").first.get_attribute("width"))
    box = page.locator(".mcw-overview").bounding_box()
    assert chart_width > 900 and abs(chart_width - box["width"]) < 40


def test_every_tab_shows_and_the_chart_keeps_its_width(dashboard):
    page = dashboard.page
    for title in TAB_TITLES[1:]:
        dashboard.show(title)
        slot = page.locator(".mcw-tab-" + "-".join(title.lower().split()))
        slot.wait_for(state="visible", timeout=30_000)  # a real panel is built when first shown: ~0.3 s
        assert slot.is_visible() and slot.inner_text().strip(), title  # built, placeholder or real panel
        assert slot.locator(".mcw-error").count() == 0, slot.inner_text()
        assert page.locator(".mcw-overview").is_hidden()
    dashboard.show("Overview")
    # the chart is resized when its tab is shown again
    page.wait_for_function("() => +document.querySelector('.mcw-usage-chart .main-svg').getAttribute('width') > 900",
                           timeout=30_000)


def test_header_shows_escaped_account_name_and_user(dashboard):
    page = dashboard.page
    assert page.locator(".mcw-account-name").inner_text() == ACCOUNT_NAME
    assert page.locator(".mcw-header img").count() == 0
    assert page.locator(".mcw-user").inner_text() == "admin"
    assert page.locator(".mcw-role").inner_text() == "admin"


def test_branded_loading_screen_says_what_it_is_doing(dashboard):
    initial = dashboard.response.text()
    assert '<h1 class="mcw-loading-product">Marketing contacts</h1>' in initial
    assert '<h2 id="loading_text">Starting the dashboard…</h2>' in initial
    assert "Running" not in initial
    texts = dashboard.page.evaluate("() => window.__loadingTexts")
    assert texts[:1] == ["Starting the dashboard…"] and "Loading your contacts…" in texts, texts
    assert dashboard.page.locator("#loading").count() == 0  # gone once the dashboard shows


def test_no_script_from_data_runs(dashboard):
    assert dashboard.page.evaluate("() => typeof window.__xss") == "undefined"


def test_no_javascript_errors_and_nothing_fetched_from_the_internet(dashboard):
    assert dashboard.errors == []
    assert dashboard.blocked == []
