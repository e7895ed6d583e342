"""Every tab of the dashboard checked with axe-core (``axe-playwright-python``, which bundles
axe.min.js: nothing is downloaded): no serious or critical violation.

Signed in as an admin (every control of every tab is there), on the session's demo
database (read only here). On failure, a screenshot of every tab goes to ``test-artifacts/``
(the conftest's hook); the report names each violation, its help and the elements.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import TAB_TITLES, open_dashboard, serving

pytestmark = pytest.mark.e2e

BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def admin_dashboard(browser, server, tmp_path_factory):
    with serving(server["db_url"], tmp_path_factory.mktemp("a11y"), "admin") as url:
        d = open_dashboard(browser, url)
        yield d
        d.page.context.close()


def blocking_violations(page) -> list[dict]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(tab: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{tab}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:12]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary:.240}")
    return "\n".join(lines)


def test_every_tab_has_no_serious_or_critical_axe_violation(admin_dashboard):
    found = []
    for title in TAB_TITLES:
        admin_dashboard.show(title)
        admin_dashboard.page.wait_for_timeout(300)  # the panel's widgets are rendered
        violations = blocking_violations(admin_dashboard.page)
        if violations:
            found.append(describe(title, violations))
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
