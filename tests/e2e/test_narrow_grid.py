"""Issue 15 item 6: at 900 px wide the Contacts grid's last column is not cut off (the table
scrolls sideways inside its frame, which stays inside the window). A screenshot is kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS, Dashboard
from tests.support.voila import only_local

pytestmark = pytest.mark.e2e

EXTRA_COLUMNS = ("Company name", "Lifecycle stage", "Source", "Create date", "Last activity", "Hard bounced",
                 "Unsubscribed from all email")
GEOMETRY_JS = """() => {
  const wrap = document.querySelector('.mcw-contacts .mcwg-table-wrap');
  const ths = wrap.querySelectorAll('thead th');
  const last = ths[ths.length - 1];
  wrap.scrollLeft = wrap.scrollWidth;  // as far right as the frame scrolls
  const w = wrap.getBoundingClientRect(), l = last.getBoundingClientRect();
  return {wrapLeft: w.left, wrapRight: w.right, lastLeft: l.left, lastRight: l.right,
          viewport: document.documentElement.clientWidth, column: last.dataset.column || last.textContent};
}"""


def test_grid_last_column_visible_at_900px(browser, server):
    page = browser.new_context(viewport={"width": 900, "height": 900}).new_page()
    d = Dashboard(page, server["url"])
    only_local(page, server["url"], d.blocked)
    try:
        page.goto(server["url"], timeout=120_000)
        page.wait_for_selector(".mcw-count-marketing .mcw-value", timeout=90_000)
        d.show("Contacts")
        page.wait_for_selector(".mcw-contacts .mcwg-row", timeout=60_000)
        # more columns than fit: every one the picker offers
        picker = page.locator(".mcw-columns-input input")
        for label in EXTRA_COLUMNS:
            page.evaluate("() => document.querySelector('.mcw-columns-input').click()")  # shows its input
            picker.fill(label)
            picker.press("Enter")
        page.wait_for_function("n => document.querySelectorAll('.mcw-contacts .mcwg-table thead th').length >= n",
                               arg=len(EXTRA_COLUMNS) + 6, timeout=30_000)
        g = page.evaluate(GEOMETRY_JS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "grid-900px.png"), full_page=False)
        assert g["wrapRight"] <= g["viewport"] + 1, g  # the frame fits the window
        assert g["lastRight"] <= g["wrapRight"] + 1 and g["lastLeft"] >= g["wrapLeft"] - 1, g  # reachable
    finally:
        page.context.close()
